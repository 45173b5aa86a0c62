//! Mobula perps execution API: the payload builds (`POST /api/2/perp/payloads/<action>`)
//! for Gains Network and Lighter, with `cancel-order` first among them, and
//! `POST /api/2/perp/execute-v2`.
//!
//! Authentication is an EIP-191 `personal_sign` of `<endpoint>-<timestamp>` (the path
//! without its leading slash; for execute-v2, `api/2/perp/execute-v2-<ts>-<payloadStr>`).
//! The timestamp (a JSON number) and the signature go into the JSON body next to the
//! action's fields; the server recovers the user from the signature.
//!
//! The build signature does not cover the body, so nothing but this crate's checks keeps
//! a wrong `orderIndex` from riding on a valid signature: every field is checked against
//! docs/venues/mobula.md ("Request fields") before anything is signed (`orderIndex` and `positionId` are
//! ASCII digits only, tested byte by byte — never a Unicode-aware digit class). The body
//! is written in the canonical key order of the docs' OpenAPI samples, compact, UTF-8, with
//! numbers as JavaScript prints them ([`jsnum`]). This crate does no I/O and never sees
//! key bytes.
//!
//! # Example
//!
//! Sign a Lighter cancel with a public test key (SHA-256 of `vector-key-1`; never fund it):
//!
//! ```
//! use airsign_core::{Context, Request};
//! use airsign_keys::{Key, Scheme, SecretBytes};
//!
//! let key = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";
//! let keys = Key::from_bytes("key file", Scheme::Secp256k1, SecretBytes::new(key.as_bytes().to_vec()));
//! let req = Request::parse(
//!     r#"{"venue":"mobula","action":"cancel-order","timestamp":1735686300000,"params":{
//!         "dex":"lighter","chainId":"lighter:301","orderIndex":"42","marketId":"lighter-btc-usd"}}"#,
//! )?;
//! let env = Context::fixed(1_735_686_300_000, |ctx| airsign_mobula::build(&req, &keys, ctx))?;
//! assert_eq!(env.url, "https://api.mobula.io/api/2/perp/payloads/cancel-order");
//! assert_eq!(
//!     env.signed[0].message.as_deref(),
//!     Some("api/2/perp/payloads/cancel-order-1735686300000")
//! );
//! let sig = &env.signed[0].signature;
//! assert!(sig.starts_with("0xcfa33c30a55293957bbf98dcef924aa6423ca87c"));
//! let body = format!(
//!     r#"{{"timestamp":1735686300000,"signature":"{sig}","dex":"lighter","chainId":"lighter:301","orderIndex":"42","marketId":"lighter-btc-usd"}}"#
//! );
//! assert_eq!(env.body.as_deref(), Some(body.as_str()));
//! # Ok::<(), airsign_core::Error>(())
//! ```
#![forbid(unsafe_code)]

pub mod jsnum;

use airsign_core::json::{self, Writer};
use airsign_core::validate::Fields;
use airsign_core::verify::{Verdict, VerifyOptions};
use airsign_core::{Context, Envelope, Error, Headers, Request, Result, Signed, Transport};
use airsign_keys::{Eip191Replay, Eip191Sign, Key};
use serde_json::{Map, Value};

/// The production host (the docs' code samples).
pub const PRODUCTION_BASE: &str = "https://api.mobula.io";
/// The host of the docs' generated "try it" requests.
pub const DEMO_BASE: &str = "https://demo-api.mobula.io";
/// The server accepts a build signature this long after its timestamp (30 s, as the docs say).
pub const VALIDITY_MS: u64 = 30_000;

/// The Mobula actions airsign builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `cancel-order`.
    CancelOrder,
    /// `create-order`.
    CreateOrder,
    /// `close-position`.
    ClosePosition,
    /// `edit-order` (change TP/SL).
    EditOrder,
    /// `update-margin`.
    UpdateMargin,
    /// `withdraw`.
    Withdraw,
    /// `deposit`.
    Deposit,
    /// `create-account`.
    CreateAccount,
    /// `execute-v2`: executes a built payload, with its own signed message.
    ExecuteV2,
}

/// Every action.
pub const ACTIONS: &[Action] = &[
    Action::CancelOrder,
    Action::CreateOrder,
    Action::ClosePosition,
    Action::EditOrder,
    Action::UpdateMargin,
    Action::Withdraw,
    Action::Deposit,
    Action::CreateAccount,
    Action::ExecuteV2,
];

/// What the keyring and the signing policy need to know of mobula: its key scheme, the
/// request fields a key may pin, and its cancel family (`cancel-order`, and `execute-v2` only when its payload is a cancel-order).
pub const RULES: airsign_keys::VenueRules = airsign_keys::VenueRules {
    venue: "mobula",
    scheme: airsign_keys::Scheme::Secp256k1,
    identity: &[],
    cancel_family,
};

/// Whether a request is in Mobula's cancel family, the only requests the default policy
/// signs: `cancel-order`, and an `execute-v2` whose `params.action` and whose built
/// payload (`params.payloadStr`) both say `cancel-order`. Every other builder (orders,
/// withdrawals, deposits, margin, accounts) signs only when the operator allows it.
pub fn cancel_family(req: &Request) -> bool {
    match req.action.as_str() {
        "cancel-order" => true,
        "execute-v2" => {
            let says_cancel = |v: Option<&Value>| v.and_then(Value::as_str) == Some("cancel-order");
            says_cancel(req.params.get("action"))
                && req
                    .params
                    .get("payloadStr")
                    .and_then(Value::as_str)
                    .and_then(|p| json::parse_object(p).ok())
                    .is_some_and(|payload| says_cancel(payload.get("action")))
        }
        _ => false,
    }
}

impl Action {
    /// The action name as requests (and the execute-v2 `action` field) spell it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::CancelOrder => "cancel-order",
            Self::CreateOrder => "create-order",
            Self::ClosePosition => "close-position",
            Self::EditOrder => "edit-order",
            Self::UpdateMargin => "update-margin",
            Self::Withdraw => "withdraw",
            Self::Deposit => "deposit",
            Self::CreateAccount => "create-account",
            Self::ExecuteV2 => "execute-v2",
        }
    }

    /// The action called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        ACTIONS.iter().copied().find(|a| a.name() == name)
    }

    /// The endpoint string that is signed: the URL path without its leading `/`.
    pub fn endpoint(self) -> String {
        match self {
            Self::ExecuteV2 => "api/2/perp/execute-v2".to_owned(),
            other => format!("api/2/perp/payloads/{}", other.name()),
        }
    }

    /// The body fields after `timestamp`/`signature`, in the canonical order
    /// (docs/venues/mobula.md, "Body"); for execute-v2 the whole body order.
    const fn fields(self) -> &'static [&'static str] {
        match self {
            Self::CancelOrder => &["dex", "chainId", "orderIndex", "marketId", "orderType"],
            Self::CreateOrder => &[
                "baseToken",
                "quote",
                "leverage",
                "long",
                "reduceOnly",
                "collateralAmount",
                "orderType",
                "openPrice",
                "tp",
                "sl",
                "amountRaw",
                "maxSlippageP",
                "chainIds",
                "dexes",
                "marginMode",
                "referrer",
                "marketId",
            ],
            Self::ClosePosition => &[
                "dex",
                "chainId",
                "marketId",
                "positionId",
                "closePercentage",
                "amountRaw",
                "params",
            ],
            Self::EditOrder => &["dex", "chainId", "marketId", "positionId", "newTp", "newSl"],
            Self::UpdateMargin => &[
                "dex",
                "chainId",
                "marketId",
                "positionId",
                "usdcAmount",
                "increase",
                "newLeverage",
            ],
            Self::Withdraw => &["dex", "chainId", "amountUsdc"],
            Self::Deposit => &["dex", "chainId", "originChainId", "amountUsdc"],
            Self::CreateAccount => &["dex", "chainId", "accountIndex", "apiKeyIndex"],
            Self::ExecuteV2 => &[
                "action",
                "dex",
                "chainId",
                "transport",
                "payloadStr",
                "timestamp",
                "signature",
                "marketId",
                "signedTx",
            ],
        }
    }
}

/// The perp DEX behind an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dex {
    /// Gains Network (EVM).
    Gains,
    /// Lighter.
    Lighter,
}

/// A parsed, validated Mobula request: everything but the signature.
#[derive(Debug, Clone, PartialEq)]
pub struct MobulaRequest {
    /// The action.
    pub action: Action,
    /// `https://host` (from `environment` or `base_url`).
    pub base: String,
    /// Milliseconds since the epoch, signed and sent in the body.
    pub timestamp: u64,
    /// The checked action fields, in canonical body order (absent optionals left out).
    pub fields: Vec<(&'static str, Value)>,
    /// execute-v2 only: the server-built payload string that the message covers.
    pub payload_str: Option<String>,
}

/// Parses and checks a Mobula request (every rule of docs/venues/mobula.md, "Request fields").
pub fn parse(req: &Request, ctx: &Context<'_>) -> Result<MobulaRequest> {
    req.allow_extra(&[])?;
    let action = Action::from_name(&req.action).ok_or_else(|| {
        let names: Vec<&str> = ACTIONS.iter().map(|a| a.name()).collect();
        req.unknown_action(&names)
    })?;
    req.require_transport(&[Transport::Rest])?;
    if req.id.is_some() {
        return Err(Error::new(
            airsign_core::ErrorCode::RequestUnknownField,
            Some("id"),
            "mobula requests are REST calls without a request id",
        ));
    }
    let base = base_for(req)?;
    let allowed: Vec<&str> = action
        .fields()
        .iter()
        .copied()
        .filter(|f| !matches!(*f, "timestamp" | "signature"))
        .collect();
    let f = Fields::new(&req.params, "params", &allowed)?;
    let mut payload_str = None;
    match action {
        Action::CancelOrder => check_cancel(&f)?,
        Action::CreateOrder => check_create(&f)?,
        Action::ClosePosition => check_close(&f)?,
        Action::EditOrder => check_edit(&f)?,
        Action::UpdateMargin => check_margin(&f)?,
        Action::Withdraw | Action::Deposit => {
            // One version of the docs says Lighter only, another does not say: refuse
            // Gains rather than sign what the venue may not offer.
            lighter_only(&f, action)?;
            req_str(&f, "chainId")?;
            if action == Action::Deposit {
                req_str(&f, "originChainId")?;
            }
            amount_usdc(&f)?;
        }
        Action::CreateAccount => {
            lighter_only(&f, action)?;
            req_str(&f, "chainId")?;
            for name in ["accountIndex", "apiKeyIndex"] {
                js_index(&f, name)?;
            }
        }
        Action::ExecuteV2 => payload_str = Some(check_execute(&f)?.to_owned()),
    }
    let fields = action
        .fields()
        .iter()
        .filter_map(|&k| f.get(k).map(|v| (k, v.clone())))
        .collect();
    Ok(MobulaRequest {
        action,
        base,
        timestamp: req.timestamp_or_now(ctx)?,
        fields,
        payload_str,
    })
}

fn base_for(req: &Request) -> Result<String> {
    if let Some(base) = &req.base_url {
        if !base.starts_with("https://") {
            return Err(Error::invalid(
                "base_url",
                "an https:// URL (mobula is REST only)",
                &Value::from(base.as_str()),
            ));
        }
        return Ok(base.clone());
    }
    match req.environment.as_deref() {
        None | Some("production") => Ok(PRODUCTION_BASE.to_owned()),
        Some("demo") => Ok(DEMO_BASE.to_owned()),
        Some(other) => Err(Error::invalid(
            "environment",
            "\"production\" or \"demo\"",
            &Value::from(other),
        )),
    }
}

// ---- field readers -------------------------------------------------------------------

fn dex(f: &Fields<'_>) -> Result<Dex> {
    const EXPECTED: &str = "\"gains\" or \"lighter\" (exactly, lowercase)";
    match f.get("dex") {
        None => Err(f.missing("dex", EXPECTED)),
        Some(Value::String(s)) if s == "gains" => Ok(Dex::Gains),
        Some(Value::String(s)) if s == "lighter" => Ok(Dex::Lighter),
        Some(v) => Err(f.invalid("dex", EXPECTED, v)),
    }
}

/// `dex` must be `lighter` for `action`.
fn lighter_only(f: &Fields<'_>, action: Action) -> Result<()> {
    match dex(f)? {
        Dex::Lighter => Ok(()),
        Dex::Gains => Err(f.invalid(
            "dex",
            &format!("\"lighter\" ({} is Lighter only)", action.name()),
            &Value::from("gains"),
        )),
    }
}

/// A present, non-empty string.
fn req_str<'a>(f: &Fields<'a>, name: &str) -> Result<&'a str> {
    opt_str(f, name)?.ok_or_else(|| f.missing(name, "a non-empty string"))
}

/// An optional string that, when present, is non-empty (never `null`).
fn opt_str<'a>(f: &Fields<'a>, name: &str) -> Result<Option<&'a str>> {
    match f.get(name) {
        None => Ok(None),
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s)),
        Some(v) => Err(f.invalid(
            name,
            "a non-empty string (an absent field is omitted, never null or \"\")",
            v,
        )),
    }
}

/// `^[0-9]+$` over the whole string, ASCII only: `b.is_ascii_digit()` byte by byte, so
/// `٤٢`, `４２`, `" 42"`, `"42\n"`, `"+1"`, `"0x2a"` and `""` all fail.
fn is_ascii_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// An id that must be a JSON string of ASCII digits (never a number: ids pass 2^53).
fn digit_string<'a>(f: &Fields<'a>, name: &str) -> Result<Option<&'a str>> {
    const EXPECTED: &str = "a string of ASCII digits 0-9 (a JSON string, not a number)";
    match f.get(name) {
        None => Ok(None),
        Some(Value::String(s)) if is_ascii_digits(s) => Ok(Some(s)),
        Some(v) => Err(f.invalid(name, EXPECTED, v)),
    }
}

/// Refuses `name` when present: it belongs to the other DEX.
fn absent_for(f: &Fields<'_>, name: &str, dex: Dex) -> Result<()> {
    match f.get(name) {
        None => Ok(()),
        Some(v) => {
            let other = match dex {
                Dex::Gains => "lighter",
                Dex::Lighter => "gains",
            };
            Err(f.invalid(
                name,
                &format!(
                    "no {name} for dex \"{}\" (it is a {other}-only field)",
                    match dex {
                        Dex::Gains => "gains",
                        Dex::Lighter => "lighter",
                    }
                ),
                v,
            ))
        }
    }
}

/// Numeric bounds for a body number.
#[derive(Debug, Clone, Copy)]
enum Bound {
    /// x > 0.
    Positive,
    /// x ≥ 0.
    NonNegative,
    /// 0 < x ≤ 100.
    Percent,
}

/// A JSON number within `bound` that a JavaScript server reads exactly.
fn number(f: &Fields<'_>, name: &str, bound: Bound) -> Result<Option<f64>> {
    let (expected, ok): (&str, fn(f64) -> bool) = match bound {
        Bound::Positive => ("a number greater than 0", |x| x > 0.0),
        Bound::NonNegative => ("a number of at least 0", |x| x >= 0.0),
        Bound::Percent => ("a number with 0 < x <= 100", |x| x > 0.0 && x <= 100.0),
    };
    let Some(v) = f.get(name) else {
        return Ok(None);
    };
    let Value::Number(n) = v else {
        return Err(f.invalid(name, &format!("{expected} (a JSON number)"), v));
    };
    let x = jsnum::to_f64(n.as_str()).ok_or_else(|| f.invalid(name, expected, v))?;
    if !ok(x) {
        return Err(f.invalid(name, expected, v));
    }
    if jsnum::js_text(n.as_str()).is_none() {
        return Err(f.invalid(
            name,
            "a number a JavaScript double holds exactly (at most 15-17 significant digits; \
             integers up to 2^53)",
            v,
        ));
    }
    Ok(Some(x))
}

/// A non-negative JSON integer no larger than 2^53 − 1 (a JS safe integer).
fn js_index(f: &Fields<'_>, name: &str) -> Result<u64> {
    const EXPECTED: &str = "an integer >= 0 (at most 9007199254740991)";
    match f.get(name) {
        None => Err(f.missing(name, EXPECTED)),
        Some(v @ Value::Number(n)) => match json::number_as_u64(n) {
            Ok(x) if x < (1 << 53) => Ok(x),
            _ => Err(f.invalid(name, EXPECTED, v)),
        },
        Some(v) => Err(f.invalid(name, EXPECTED, v)),
    }
}

fn opt_bool(f: &Fields<'_>, name: &str) -> Result<Option<bool>> {
    f.opt_bool(name)
}

/// `amountUsdc`: a positive decimal string `^[0-9]+(\.[0-9]+)?$` with a non-zero digit.
fn amount_usdc(f: &Fields<'_>) -> Result<()> {
    const EXPECTED: &str = "a positive decimal string such as \"100\" or \"12.5\"";
    match f.get("amountUsdc") {
        None => Err(f.missing("amountUsdc", EXPECTED)),
        Some(v @ Value::String(s)) => {
            let (int, frac) = match s.split_once('.') {
                Some((i, fr)) => (i, Some(fr)),
                None => (s.as_str(), None),
            };
            let ok = is_ascii_digits(int)
                && frac.is_none_or(is_ascii_digits)
                && s.bytes().any(|b| (b'1'..=b'9').contains(&b));
            if ok {
                Ok(())
            } else {
                Err(f.invalid("amountUsdc", EXPECTED, v))
            }
        }
        Some(v) => Err(f.invalid(
            "amountUsdc",
            "a decimal string (a JSON string, not a number)",
            v,
        )),
    }
}

// ---- per-action rules ----------------------------------------------------------------

fn check_cancel(f: &Fields<'_>) -> Result<()> {
    let dex = dex(f)?;
    req_str(f, "chainId")?;
    if digit_string(f, "orderIndex")?.is_none() {
        return Err(f.missing(
            "orderIndex",
            "a string of ASCII digits 0-9 (the order's index)",
        ));
    }
    let market = opt_str(f, "marketId")?;
    match dex {
        Dex::Lighter => {
            if market.is_none() {
                return Err(f.missing(
                    "marketId",
                    "a Mobula market id such as \"lighter-btc-usd\" (required for lighter)",
                ));
            }
            absent_for(f, "orderType", Dex::Lighter)?;
        }
        Dex::Gains => {
            const EXPECTED: &str = "\"order\", \"tp\" or \"sl\" (required for gains)";
            match f.get("orderType") {
                None => return Err(f.missing("orderType", EXPECTED)),
                Some(Value::String(s)) if matches!(s.as_str(), "order" | "tp" | "sl") => {}
                Some(v) => return Err(f.invalid("orderType", EXPECTED, v)),
            }
        }
    }
    Ok(())
}

fn check_create(f: &Fields<'_>) -> Result<()> {
    req_str(f, "baseToken")?;
    req_str(f, "quote")?;
    for name in ["leverage", "collateralAmount"] {
        if number(f, name, Bound::Positive)?.is_none() {
            return Err(f.missing(name, "a number greater than 0"));
        }
    }
    for name in ["long", "reduceOnly"] {
        if opt_bool(f, name)?.is_none() {
            return Err(f.missing(name, "true or false"));
        }
    }
    let order_type = match f.get("orderType") {
        None => "market",
        Some(Value::String(s)) if matches!(s.as_str(), "market" | "limit" | "stop_limit") => s,
        Some(v) => {
            return Err(f.invalid("orderType", "\"market\", \"limit\" or \"stop_limit\"", v));
        }
    };
    let open_price = number(f, "openPrice", Bound::Positive)?;
    match (order_type, open_price) {
        ("limit" | "stop_limit", None) => {
            return Err(f.missing(
                "openPrice",
                "a number greater than 0 (required for limit and stop_limit orders)",
            ));
        }
        ("market", Some(_)) => {
            return Err(f.invalid(
                "openPrice",
                "no openPrice for a market order (omit it, or use orderType limit)",
                f.get("openPrice").unwrap_or(&Value::Null),
            ));
        }
        _ => {}
    }
    number(f, "tp", Bound::Positive)?;
    number(f, "sl", Bound::Positive)?;
    number(f, "amountRaw", Bound::Positive)?;
    number(f, "maxSlippageP", Bound::Percent)?;
    string_list(f, "chainIds", |s| !s.is_empty(), "non-empty chain ids")?;
    string_list(
        f,
        "dexes",
        |s| matches!(s, "gains" | "lighter"),
        "\"gains\" or \"lighter\"",
    )?;
    match f.get("marginMode") {
        None => {}
        Some(Value::Number(n)) if matches!(n.as_str(), "0" | "1") => {}
        Some(v) => return Err(f.invalid("marginMode", "0 (cross) or 1 (isolated)", v)),
    }
    opt_str(f, "referrer")?;
    opt_str(f, "marketId")?;
    Ok(())
}

/// A non-empty array of strings that each pass `ok`.
fn string_list(f: &Fields<'_>, name: &str, ok: fn(&str) -> bool, what: &str) -> Result<()> {
    let expected = format!("a non-empty array of {what}");
    match f.get(name) {
        None => Ok(()),
        Some(Value::Array(items))
            if !items.is_empty() && items.iter().all(|i| i.as_str().is_some_and(ok)) =>
        {
            Ok(())
        }
        Some(v) => Err(f.invalid(name, &expected, v)),
    }
}

/// Gains names the position by a digit-string `positionId`; Lighter by market only.
fn position(f: &Fields<'_>, dex: Dex) -> Result<()> {
    match dex {
        Dex::Gains => {
            if digit_string(f, "positionId")?.is_none() {
                return Err(f.missing(
                    "positionId",
                    "a string of ASCII digits (the trade index; required for gains)",
                ));
            }
        }
        Dex::Lighter => absent_for(f, "positionId", Dex::Lighter)?,
    }
    Ok(())
}

fn check_close(f: &Fields<'_>) -> Result<()> {
    let dex = dex(f)?;
    req_str(f, "chainId")?;
    req_str(f, "marketId")?;
    position(f, dex)?;
    let pct = number(f, "closePercentage", Bound::Percent)?;
    let raw = number(f, "amountRaw", Bound::Positive)?;
    match (pct, raw) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid_text(
                "params.amountRaw",
                "either closePercentage or amountRaw, not both",
                "both",
            ));
        }
        (None, None) => {
            return Err(f.missing(
                "closePercentage",
                "closePercentage (0 < x <= 100) or amountRaw: how much to close",
            ));
        }
        _ => {}
    }
    match f.get("params") {
        None | Some(Value::Object(_)) => {}
        Some(v) => return Err(f.invalid("params", "an object", v)),
    }
    Ok(())
}

fn check_edit(f: &Fields<'_>) -> Result<()> {
    let dex = dex(f)?;
    req_str(f, "chainId")?;
    let market = opt_str(f, "marketId")?;
    if dex == Dex::Lighter && market.is_none() {
        return Err(f.missing(
            "marketId",
            "a Mobula market id (on lighter it names the position)",
        ));
    }
    position(f, dex)?;
    let tp = number(f, "newTp", Bound::NonNegative)?;
    let sl = number(f, "newSl", Bound::NonNegative)?;
    if tp.is_none() && sl.is_none() {
        return Err(f.missing(
            "newTp",
            "newTp and/or newSl (a number >= 0; 0 clears the leg on gains)",
        ));
    }
    Ok(())
}

fn check_margin(f: &Fields<'_>) -> Result<()> {
    let dex = dex(f)?;
    req_str(f, "chainId")?;
    let market = opt_str(f, "marketId")?;
    position(f, dex)?;
    match dex {
        Dex::Gains => {
            absent_for(f, "usdcAmount", Dex::Gains)?;
            absent_for(f, "increase", Dex::Gains)?;
            if number(f, "newLeverage", Bound::Positive)?.is_none() {
                return Err(f.missing("newLeverage", "a number greater than 0 (gains)"));
            }
        }
        Dex::Lighter => {
            absent_for(f, "newLeverage", Dex::Lighter)?;
            if market.is_none() {
                return Err(f.missing(
                    "marketId",
                    "a Mobula market id (on lighter it names the position)",
                ));
            }
            if number(f, "usdcAmount", Bound::Positive)?.is_none() {
                return Err(f.missing("usdcAmount", "a number greater than 0 (lighter)"));
            }
            if opt_bool(f, "increase")?.is_none() {
                return Err(f.missing("increase", "true (add margin) or false (remove margin)"));
            }
        }
    }
    Ok(())
}

/// Checks execute-v2's fields; returns `payloadStr`.
fn check_execute<'a>(f: &Fields<'a>) -> Result<&'a str> {
    let names: Vec<&str> = ACTIONS[..8].iter().map(|a| a.name()).collect();
    let action = req_str(f, "action")?;
    if !names.contains(&action) {
        return Err(f.invalid(
            "action",
            &format!("one of {}", names.join(", ")),
            &Value::from(action),
        ));
    }
    dex(f)?;
    req_str(f, "chainId")?;
    let transport = req_str(f, "transport")?;
    if !matches!(transport, "offchain-api" | "evm-tx") {
        return Err(f.invalid(
            "transport",
            "\"offchain-api\" or \"evm-tx\"",
            &Value::from(transport),
        ));
    }
    let payload_str = req_str(f, "payloadStr")?;
    opt_str(f, "marketId")?;
    let signed_tx = opt_str(f, "signedTx")?;
    match (transport, signed_tx) {
        ("evm-tx", None) => {
            return Err(f.missing(
                "signedTx",
                "the signed EVM transaction as 0x-hex (required for evm-tx)",
            ));
        }
        ("offchain-api", Some(s)) => {
            return Err(f.invalid(
                "signedTx",
                "no signedTx for transport offchain-api",
                &Value::from(s),
            ));
        }
        (_, Some(s)) => {
            let hex_ok = s.strip_prefix("0x").is_some_and(|h| {
                !h.is_empty() && h.len() % 2 == 0 && h.bytes().all(|b| b.is_ascii_hexdigit())
            });
            if !hex_ok {
                return Err(f.invalid("signedTx", "0x followed by hex bytes", &Value::from(s)));
            }
        }
        _ => {}
    }
    // The server checks these against the payload it built; a mismatch would only be
    // refused after signing, so catch it here.
    let payload = json::parse_object(payload_str).map_err(|e| {
        Error::invalid_text(
            "params.payloadStr",
            "the payload string the build returned (a JSON object), unchanged",
            e.message(),
        )
    })?;
    // Its strings reach the venue too: the same character rule as the request's own.
    airsign_core::text::check_strings("params.payloadStr", &Value::Object(payload.clone()))?;
    for name in ["action", "dex", "chainId", "transport", "marketId"] {
        if let (Some(inner), Some(outer)) = (payload.get(name), f.get(name))
            && inner != outer
        {
            return Err(Error::invalid_text(
                &f.path(name),
                &format!("the payloadStr's {name} {inner}"),
                &outer.to_string(),
            ));
        }
    }
    Ok(payload_str)
}

// ---- bytes ---------------------------------------------------------------------------

/// The message the signature covers: `<endpoint>-<timestamp>` for the builds and
/// `api/2/perp/execute-v2-<timestamp>-<payloadStr>` for execute-v2. Pure and key-free;
/// the EIP-191 framing and hashing are `airsign_keys::eth`'s.
pub fn signing_payload(action: Action, timestamp: u64, payload_str: Option<&str>) -> String {
    match (action, payload_str) {
        (Action::ExecuteV2, Some(p)) => format!("{}-{timestamp}-{p}", action.endpoint()),
        _ => format!("{}-{timestamp}", action.endpoint()),
    }
}

/// The body text: compact JSON, keys in canonical order, UTF-8 unescaped, numbers as
/// JavaScript prints them — i.e. `JSON.stringify` of the body object.
pub fn body_text(p: &MobulaRequest, signature: &str) -> Result<String> {
    let mut body: Vec<(&str, Value)> = Vec::with_capacity(p.fields.len() + 2);
    let ts = Value::from(p.timestamp);
    let sig = Value::from(signature);
    if p.action == Action::ExecuteV2 {
        for &name in p.action.fields() {
            match name {
                "timestamp" => body.push((name, ts.clone())),
                "signature" => body.push((name, sig.clone())),
                _ => {
                    if let Some((_, v)) = p.fields.iter().find(|(k, _)| *k == name) {
                        body.push((name, v.clone()));
                    }
                }
            }
        }
    } else {
        body.push(("timestamp", ts));
        body.push(("signature", sig));
        body.extend(p.fields.iter().cloned());
    }
    let mut out = String::with_capacity(256);
    out.push('{');
    for (i, (k, v)) in body.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        JS.write_str(k, &mut out);
        out.push(':');
        write_js(v, &mut out)?;
    }
    out.push('}');
    Ok(out)
}

/// String escaping of `JSON.stringify`: the short escapes, other controls as `\u00xx`,
/// everything else (non-ASCII included) as is.
const JS: Writer = Writer {
    sort_keys: false,
    ensure_ascii: false,
};

fn write_js(v: &Value, out: &mut String) -> Result<()> {
    match v {
        Value::Number(n) => {
            let text = jsnum::js_text(n.as_str()).ok_or_else(|| {
                Error::invalid_text(
                    "params",
                    "numbers a JavaScript double holds exactly",
                    n.as_str(),
                )
            })?;
            out.push_str(&text);
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_js(item, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => write_js_object(map, out)?,
        other => JS.write(other, out)?,
    }
    Ok(())
}

fn write_js_object(map: &Map<String, Value>, out: &mut String) -> Result<()> {
    out.push('{');
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        JS.write_str(k, out);
        out.push(':');
        write_js(v, out)?;
    }
    out.push('}');
    Ok(())
}

/// Builds the signed envelope for a Mobula request.
pub fn build(req: &Request, keys: &Key, ctx: &Context<'_>) -> Result<Envelope> {
    let p = parse(req, ctx)?;
    let signer = keys.secp256k1()?;
    sign(&p, signer)
}

/// Signs a validated request with `signer` and assembles the envelope.
pub fn sign<S: Eip191Sign>(p: &MobulaRequest, signer: &S) -> Result<Envelope> {
    let message = signing_payload(p.action, p.timestamp, p.payload_str.as_deref());
    let signature = signer.sign_eip191(message.as_bytes())?.to_hex();
    let body = body_text(p, &signature)?;
    Ok(Envelope {
        airsign: airsign_core::FORMAT_VERSION,
        venue: "mobula".into(),
        action: p.action.name().into(),
        transport: Transport::Rest,
        method: Some("POST".into()),
        url: format!("{}/{}", p.base, p.action.endpoint()),
        headers: Headers(vec![(
            "Content-Type".to_owned(),
            "application/json".to_owned(),
        )]),
        body: Some(body),
        login: None,
        signer: Some(signer.checksum_address()),
        signed: vec![Signed {
            scheme: "eip191".into(),
            message: Some(message),
            message_hex: None,
            signature,
        }],
        expires_at: p.timestamp.checked_add(VALIDITY_MS),
    })
}

/// Verifies a Mobula envelope offline: re-derives the request from the url and body,
/// rebuilds it with the body's signature, requires it to equal `env` exactly, and recovers
/// the signer of `<endpoint>-<timestamp>`, which must be `env.signer`.
///
/// The signature binds the endpoint (url path) and the timestamp (and for execute-v2 the
/// payloadStr); every other body field is listed as unsigned.
pub fn verify(env: &Envelope, opts: &VerifyOptions) -> Result<Verdict> {
    use airsign_core::verify::{mismatch, parse_body, rederive, request_fields, settle, url_base};
    let action = Action::from_name(&env.action).ok_or_else(|| {
        let names: Vec<&str> = ACTIONS.iter().map(|a| a.name()).collect();
        mismatch("action", format!("expected one of {}", names.join(", ")))
    })?;
    let suffix = format!("/{}", action.endpoint());
    let base = url_base(env, &suffix)?;
    opts.check_base(base, &[PRODUCTION_BASE, DEMO_BASE])?;
    let text = env
        .body
        .as_deref()
        .ok_or_else(|| mismatch("body", "expected the request body, saw null"))?;
    let mut params = parse_body("body", text)?;
    let timestamp = params
        .shift_remove("timestamp")
        .ok_or_else(|| mismatch("body.timestamp", "missing"))?;
    let sig = params.shift_remove("signature");
    let replay =
        Eip191Replay::from_envelope(env, sig.as_ref().and_then(Value::as_str), "body.signature")?;
    // The host is in no signed message: production and demo envelopes are interchangeable.
    let unsigned: Vec<String> = std::iter::once("url".to_owned())
        .chain(
            params
                .keys()
                .filter(|k| !(action == Action::ExecuteV2 && *k == "payloadStr"))
                .map(|k| format!("body.{k}")),
        )
        .collect();
    let mut req = request_fields(env);
    req.insert("base_url".into(), Value::from(base));
    req.insert("timestamp".into(), timestamp);
    req.insert("params".into(), Value::Object(params));
    let rebuilt = rederive(req, 0, |request, ctx| sign(&parse(request, ctx)?, &replay))?;
    let checks = settle(env, &rebuilt, || replay.check())?;
    Ok(Verdict {
        checks,
        unsigned,
        unverifiable: None,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use airsign_core::ErrorCode;
    use airsign_keys::SecretBytes;

    const KEY1: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";

    fn run(text: &str) -> Result<Envelope> {
        let keys = Key::from_bytes(
            "key file",
            airsign_keys::Scheme::Secp256k1,
            SecretBytes::new(KEY1.as_bytes().to_vec()),
        );
        Context::fixed(1_735_686_300_000, |ctx| {
            build(&Request::parse(text)?, &keys, ctx)
        })
    }

    #[test]
    fn doc_example_lighter_cancel() {
        let env = run(r#"{"venue":"mobula","action":"cancel-order","params":
            {"orderIndex":"42","marketId":"lighter-btc-usd","chainId":"lighter:301","dex":"lighter"}}"#)
        .unwrap();
        assert_eq!(
            env.url,
            "https://api.mobula.io/api/2/perp/payloads/cancel-order"
        );
        assert_eq!(
            env.signed[0].message.as_deref(),
            Some("api/2/perp/payloads/cancel-order-1735686300000")
        );
        // Canonical order, whatever the request's order.
        assert_eq!(
            env.body.as_deref().unwrap(),
            "{\"timestamp\":1735686300000,\"signature\":\"0xcfa33c30a55293957bbf98dcef924aa6423ca87c9801939b7186bceb2379f6f94677f53169e904de17104fc86d3e2526b525a1b4bbb6a67d11594d0dbb7af8221b\",\"dex\":\"lighter\",\"chainId\":\"lighter:301\",\"orderIndex\":\"42\",\"marketId\":\"lighter-btc-usd\"}"
        );
        assert_eq!(env.expires_at, Some(1_735_686_330_000));
    }

    #[test]
    fn order_index_is_ascii_digits_only() {
        for bad in [
            "\"\"",
            "\"-1\"",
            "\"+1\"",
            "\"1.0\"",
            "\"1e3\"",
            "\" 42\"",
            "\"42\\n\"",
            "\"\u{0664}\u{0662}\"",
            "\"\u{ff14}\u{ff12}\"",
            "\"\u{0967}\"",
            "42",
            "null",
        ] {
            let req = format!(
                r#"{{"venue":"mobula","action":"cancel-order","params":{{"dex":"gains","chainId":"evm:42161","orderType":"order","orderIndex":{bad}}}}}"#
            );
            let e = run(&req).unwrap_err();
            assert_eq!(e.field(), Some("params.orderIndex"), "{bad}");
            assert_eq!(e.code(), ErrorCode::ParamsInvalid, "{bad}");
        }
    }

    #[test]
    fn numbers_are_written_as_javascript_does() {
        let env = run(r#"{"venue":"mobula","action":"edit-order","params":
            {"dex":"lighter","chainId":"lighter:301","marketId":"m","newTp":4.20050e3,"newSl":1.0}}"#)
        .unwrap();
        assert!(
            env.body
                .as_deref()
                .unwrap()
                .ends_with(",\"newTp\":4200.5,\"newSl\":1}")
        );
        let e = run(r#"{"venue":"mobula","action":"edit-order","params":
            {"dex":"lighter","chainId":"lighter:301","marketId":"m","newTp":9007199254740993}}"#)
        .unwrap_err();
        assert_eq!(e.field(), Some("params.newTp"));
    }

    #[test]
    fn other_rules() {
        for (params, action, field) in [
            (
                r#"{"dex":"gains","chainId":"evm:1","orderIndex":"1","orderType":"order","timestamp":1}"#,
                "cancel-order",
                "params.timestamp",
            ),
            (
                r#"{"dex":"gains","chainId":"","orderIndex":"1","orderType":"order"}"#,
                "cancel-order",
                "params.chainId",
            ),
            (
                r#"{"dex":"gains","chainId":"evm:1","orderIndex":"1","orderType":"order","marketId":null}"#,
                "cancel-order",
                "params.marketId",
            ),
            (
                r#"{"dex":"gains","chainId":"evm:1","marketId":"m","positionId":"1"}"#,
                "close-position",
                "params.closePercentage",
            ),
            (
                r#"{"dex":"lighter","chainId":"l","marketId":"m","positionId":"1","closePercentage":5}"#,
                "close-position",
                "params.positionId",
            ),
            (
                r#"{"dex":"gains","chainId":"evm:1","positionId":"1","usdcAmount":5,"newLeverage":2}"#,
                "update-margin",
                "params.usdcAmount",
            ),
            (
                r#"{"dex":"lighter","chainId":"l","amountUsdc":"1."}"#,
                "withdraw",
                "params.amountUsdc",
            ),
            (
                r#"{"dex":"lighter","chainId":"l","amountUsdc":"0.00"}"#,
                "withdraw",
                "params.amountUsdc",
            ),
            (
                r#"{"dex":"lighter","chainId":"l","amountUsdc":"5"}"#,
                "deposit",
                "params.originChainId",
            ),
            (
                r#"{"dex":"gains","chainId":"l","accountIndex":1,"apiKeyIndex":2}"#,
                "create-account",
                "params.dex",
            ),
            (
                r#"{"dex":"lighter","chainId":"l","accountIndex":1}"#,
                "create-account",
                "params.apiKeyIndex",
            ),
            (
                r#"{"baseToken":"BTC","quote":"USD","leverage":0,"long":true,"reduceOnly":false,"collateralAmount":5}"#,
                "create-order",
                "params.leverage",
            ),
            (
                r#"{"baseToken":"BTC","quote":"USD","leverage":2,"long":true,"reduceOnly":false,"collateralAmount":5,"dexes":["Gains"]}"#,
                "create-order",
                "params.dexes",
            ),
            (
                r#"{"action":"cancel-order","dex":"lighter","chainId":"lighter:301","transport":"offchain-api","payloadStr":"{\"dex\":\"gains\"}"}"#,
                "execute-v2",
                "params.dex",
            ),
            (
                r#"{"action":"cancel-order","dex":"gains","chainId":"evm:1","transport":"evm-tx","payloadStr":"{}"}"#,
                "execute-v2",
                "params.signedTx",
            ),
            (
                r#"{"action":"cancel-order","dex":"gains","chainId":"evm:1","transport":"offchain-api","payloadStr":"not json"}"#,
                "execute-v2",
                "params.payloadStr",
            ),
        ] {
            let req = format!(r#"{{"venue":"mobula","action":"{action}","params":{params}}}"#);
            let e = run(&req).unwrap_err();
            assert_eq!(e.field(), Some(field), "{req}: {e}");
        }
        let e = run(r#"{"venue":"mobula","action":"cancel-order","transport":"ws","params":{}}"#)
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::RequestUnsupportedTransport);
        let e = run(r#"{"venue":"mobula","action":"cancel-order","wallet":"0x","params":{}}"#)
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::RequestUnknownField);
    }

    #[test]
    fn execute_v2_message_covers_the_payload() {
        assert_eq!(
            signing_payload(Action::ExecuteV2, 5, Some("{\"a\":\"é\"}")),
            "api/2/perp/execute-v2-5-{\"a\":\"é\"}"
        );
        assert_eq!(
            signing_payload(Action::Withdraw, 5, None),
            "api/2/perp/payloads/withdraw-5"
        );
    }
}
