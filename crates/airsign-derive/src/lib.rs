//! Derive (v3, formerly Lyra) cancel requests.
//!
//! Derive authenticates a request, not an action: the signer `personal_sign`s (EIP-191)
//! the decimal millisecond timestamp, and the server recovers the key from it. Over REST
//! the wallet, timestamp and signature ride in `X-DeriveWallet`, `X-DeriveTimestamp`,
//! `X-DeriveSignature` and the body is the method's params object; over WebSocket the same
//! three values go into a `public/login` frame sent first, and the request is a JSON-RPC
//! frame `{id, method, params}`. No cancel method carries an EIP-712 action signature
//! (docs/venues/derive.md, "Signed bytes").
//!
//! The signed message covers neither the wallet nor the body, so this crate's checks are
//! what stands between a typo and the venue: every param is checked against the v3
//! OpenAPI type of its method (int64 vs uint64 ids, UUIDs, booleans), unknown params are
//! refused, and the params object is then sent exactly as given, explicit `null`s
//! included. This crate does no I/O and never sees key bytes.
//!
//! # Example
//!
//! Sign a cancel with a public test key (SHA-256 of `vector-key-1`; never fund it), clock
//! and ids pinned:
//!
//! ```
//! use airsign_core::{Context, Request};
//! use airsign_keys::{Key, Scheme, SecretBytes};
//!
//! let key = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";
//! let keys = Key::from_bytes("key file", Scheme::Secp256k1, SecretBytes::new(key.as_bytes().to_vec()));
//! let req = Request::parse(
//!     r#"{"venue":"derive","action":"cancel","timestamp":1700000000000,"params":{
//!         "instrument_name":"ETH-PERP","order_id":"3d0958f3-2ec2-4502-974c-65c64cc9ac88",
//!         "subaccount_id":12345}}"#,
//! )?;
//! let env = Context::fixed(1_700_000_000_000, |ctx| airsign_derive::build(&req, &keys, ctx))?;
//! assert_eq!(env.url, "https://api.derive.xyz/v3/private/cancel");
//! assert_eq!(env.headers.get("X-DeriveWallet"), Some("0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81"));
//! // Only the timestamp is signed (EIP-191), so this is the reference vectors' signature.
//! assert_eq!(env.signed[0].message.as_deref(), Some("1700000000000"));
//! assert_eq!(env.headers.get("X-DeriveSignature"), Some(concat!(
//!     "0x9560ac7763eb124c1b513874f622d703e085384850206bbb75e88420db135fdc",
//!     "400e05193f48820b48e89330e0c0fd5438fd450e7bd6206c3e2e85af9f6f95381b"
//! )));
//! # Ok::<(), airsign_core::Error>(())
//! ```
#![forbid(unsafe_code)]

use airsign_core::json::{self, Writer};
use airsign_core::validate::{Fields, is_canonical_uuid, value_i64, value_u64};
use airsign_core::verify::{Verdict, VerifyOptions};
use airsign_core::{Context, Envelope, Error, Headers, Request, Result, Signed, Transport};
use airsign_keys::eth::{Address, EthSignature};
use airsign_keys::{Eip191Replay, Eip191Sign, Key};
use serde_json::{Map, Value};

mod fast;
pub use fast::{build_fast, parse_fast};

/// Mainnet REST and WebSocket host.
pub const MAINNET_HOST: &str = "api.derive.xyz";
/// Testnet REST and WebSocket host.
pub const TESTNET_HOST: &str = "testnet.api.derive.xyz";

/// The cancel methods of Derive v3 (the JSON-RPC method is `private/<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `private/cancel`: one order by id.
    Cancel,
    /// `private/cancel_by_label`.
    CancelByLabel,
    /// `private/cancel_by_nonce`.
    CancelByNonce,
    /// `private/cancel_by_instrument`.
    CancelByInstrument,
    /// `private/cancel_all`.
    CancelAll,
    /// `private/cancel_trigger_order`.
    CancelTriggerOrder,
    /// `private/cancel_all_trigger_orders`.
    CancelAllTriggerOrders,
    /// `private/cancel_algo_order`.
    CancelAlgoOrder,
    /// `private/cancel_all_algo_orders`.
    CancelAllAlgoOrders,
    /// `private/cancel_quote`.
    CancelQuote,
    /// `private/cancel_batch_quotes`.
    CancelBatchQuotes,
    /// `private/cancel_rfq`.
    CancelRfq,
    /// `private/cancel_batch_rfqs`.
    CancelBatchRfqs,
    /// `private/set_cancel_on_disconnect` (WebSocket only).
    SetCancelOnDisconnect,
}

/// Every action, in the order docs/venues/derive.md lists them.
pub const ACTIONS: &[Action] = &[
    Action::Cancel,
    Action::CancelByLabel,
    Action::CancelByNonce,
    Action::CancelByInstrument,
    Action::CancelAll,
    Action::CancelTriggerOrder,
    Action::CancelAllTriggerOrders,
    Action::CancelAlgoOrder,
    Action::CancelAllAlgoOrders,
    Action::CancelQuote,
    Action::CancelBatchQuotes,
    Action::CancelRfq,
    Action::CancelBatchRfqs,
    Action::SetCancelOnDisconnect,
];

/// What the keyring and the signing policy need to know of derive: its key scheme, the
/// request fields a key may pin, and its cancel family (every action is a cancel or `set_cancel_on_disconnect`).
pub const RULES: airsign_keys::VenueRules = airsign_keys::VenueRules {
    venue: "derive",
    scheme: airsign_keys::Scheme::Secp256k1,
    identity: &["wallet"],
    cancel_family: airsign_keys::every_action,
};

/// The JSON type a param must have (v3 OpenAPI, docs/venues/derive.md, "Request fields").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    /// `integer<int64>`; negative values are refused (no id or nonce is negative).
    I64,
    /// `integer<uint64>`.
    U64,
    /// `string<uuid>`, canonical lowercase 8-4-4-4-12.
    Uuid,
    /// A non-empty string.
    Str,
    /// `boolean`.
    Bool,
    /// An EVM address (EIP-55 rules as for `wallet`).
    Address,
}

/// One param of a method: name, type, required (required params may not be `null`;
/// optional ones may be absent or `null`).
type Param = (&'static str, Ty, bool);

impl Action {
    /// The action name as requests spell it (`cancel_quote`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Cancel => "cancel",
            Self::CancelByLabel => "cancel_by_label",
            Self::CancelByNonce => "cancel_by_nonce",
            Self::CancelByInstrument => "cancel_by_instrument",
            Self::CancelAll => "cancel_all",
            Self::CancelTriggerOrder => "cancel_trigger_order",
            Self::CancelAllTriggerOrders => "cancel_all_trigger_orders",
            Self::CancelAlgoOrder => "cancel_algo_order",
            Self::CancelAllAlgoOrders => "cancel_all_algo_orders",
            Self::CancelQuote => "cancel_quote",
            Self::CancelBatchQuotes => "cancel_batch_quotes",
            Self::CancelRfq => "cancel_rfq",
            Self::CancelBatchRfqs => "cancel_batch_rfqs",
            Self::SetCancelOnDisconnect => "set_cancel_on_disconnect",
        }
    }

    /// The JSON-RPC method, `private/<name>`.
    pub fn method(self) -> String {
        format!("private/{}", self.name())
    }

    /// The action named `name`, if Derive has it.
    pub fn from_name(name: &str) -> Option<Self> {
        ACTIONS.iter().copied().find(|a| a.name() == name)
    }

    /// The transports the method is offered over.
    pub const fn transports(self) -> &'static [Transport] {
        match self {
            Self::SetCancelOnDisconnect => &[Transport::Ws],
            _ => &[Transport::Rest, Transport::Ws],
        }
    }

    /// The method's params. Orderbook methods take `int64` subaccount ids, RFQ methods
    /// `uint64` (the OpenAPI says so; the vectors follow it literally).
    fn params(self) -> &'static [Param] {
        use Ty::*;
        match self {
            Self::Cancel => &[
                ("instrument_name", Str, true),
                ("order_id", Uuid, true),
                ("subaccount_id", I64, true),
            ],
            Self::CancelByLabel => &[
                ("label", Str, true),
                ("subaccount_id", I64, true),
                ("instrument_name", Str, false),
            ],
            Self::CancelByNonce => &[
                ("instrument_name", Str, true),
                ("nonce", I64, true),
                ("subaccount_id", I64, true),
            ],
            Self::CancelByInstrument => {
                &[("instrument_name", Str, true), ("subaccount_id", I64, true)]
            }
            Self::CancelAll => &[
                ("subaccount_id", I64, true),
                ("cancel_trigger_orders", Bool, false),
                ("cancel_algo_orders", Bool, false),
            ],
            Self::CancelTriggerOrder | Self::CancelAlgoOrder => {
                &[("order_id", Uuid, true), ("subaccount_id", I64, true)]
            }
            Self::CancelAllTriggerOrders | Self::CancelAllAlgoOrders => {
                &[("subaccount_id", I64, true)]
            }
            Self::CancelQuote => &[
                ("quote_id", Uuid, true),
                ("subaccount_id", U64, true),
                ("rfq_id", Uuid, false),
                ("label", Str, false),
                ("nonce", I64, false),
            ],
            Self::CancelBatchQuotes => &[
                ("subaccount_id", U64, true),
                ("quote_id", Uuid, false),
                ("rfq_id", Uuid, false),
                ("label", Str, false),
                ("nonce", I64, false),
            ],
            Self::CancelRfq => &[("rfq_id", Uuid, true), ("subaccount_id", U64, true)],
            Self::CancelBatchRfqs => &[
                ("subaccount_id", U64, true),
                ("rfq_id", Uuid, false),
                ("label", Str, false),
                ("nonce", I64, false),
            ],
            Self::SetCancelOnDisconnect => &[("enabled", Bool, false), ("wallet", Address, false)],
        }
    }
}

/// A Derive deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    /// `api.derive.xyz` (the default).
    Mainnet,
    /// `testnet.api.derive.xyz`.
    Testnet,
}

/// A parsed, validated Derive request: everything but the signature.
#[derive(Debug, Clone, PartialEq)]
pub struct DeriveRequest {
    /// The method.
    pub action: Action,
    /// `rest` or `ws`.
    pub transport: Transport,
    /// `https://host` or `wss://host` (from `environment` or `base_url`), no path.
    pub base: String,
    /// The owner wallet for the auth headers / login; `None` = the signer's own address.
    pub wallet: Option<Address>,
    /// Milliseconds since the epoch: the signed message.
    pub timestamp: u64,
    /// The params object, checked, in the caller's order, `null`s kept.
    pub params: Map<String, Value>,
    /// The JSON-RPC id for the WebSocket frame.
    pub id: Value,
}

/// Parses and checks a request for Derive; takes the time and a fresh id from `ctx` when
/// the request has none.
pub fn parse(req: &Request, ctx: &Context<'_>) -> Result<DeriveRequest> {
    req.allow_extra(&["wallet"])?;
    let action = Action::from_name(&req.action).ok_or_else(|| {
        let names: Vec<&str> = ACTIONS.iter().map(|a| a.name()).collect();
        req.unknown_action(&names)
    })?;
    req.require_transport(action.transports())?;
    let base = base_for(req)?;
    let wallet = match req.extra.get("wallet") {
        None => None,
        Some(Value::String(s)) => Some(Address::parse("wallet", s)?),
        Some(v) => {
            return Err(Error::invalid(
                "wallet",
                "an address string (0x + 40 hex digits)",
                v,
            ));
        }
    };
    let params = check_params(action, &req.params)?;
    if let (Some(Value::String(pw)), Some(w)) = (params.get("wallet"), wallet) {
        // The venue takes the wallet from the login; a different one here is a mistake.
        let pw = Address::parse("params.wallet", pw)?;
        if pw != w {
            return Err(Error::invalid_text(
                "params.wallet",
                &format!("the request's wallet {w} (the venue takes it from the login)"),
                &pw.to_checksum(),
            ));
        }
    }
    let id = match &req.id {
        None => Value::from(ctx.ids.int_id()),
        Some(v) => check_id(v)?,
    };
    Ok(DeriveRequest {
        action,
        transport: req.transport,
        base,
        wallet,
        timestamp: req.timestamp_or_now(ctx)?,
        params,
        id,
    })
}

fn base_for(req: &Request) -> Result<String> {
    let scheme = match req.transport {
        Transport::Rest => "https://",
        Transport::Ws => "wss://",
    };
    if let Some(base) = &req.base_url {
        if !base.starts_with(scheme) {
            return Err(Error::invalid(
                "base_url",
                &format!(
                    "a {scheme} URL for transport \"{}\"",
                    req.transport.as_str()
                ),
                &Value::from(base.as_str()),
            ));
        }
        return Ok(base.clone());
    }
    let env = match req.environment.as_deref() {
        None | Some("mainnet") => Environment::Mainnet,
        Some("testnet") => Environment::Testnet,
        Some(other) => {
            return Err(Error::invalid(
                "environment",
                "\"mainnet\" or \"testnet\" (the v2 Lyra API is not supported)",
                &Value::from(other),
            ));
        }
    };
    let host = match env {
        Environment::Mainnet => MAINNET_HOST,
        Environment::Testnet => TESTNET_HOST,
    };
    Ok(format!("{scheme}{host}"))
}

/// A JSON-RPC id: a non-empty string or a non-negative integer.
pub(crate) fn check_id(v: &Value) -> Result<Value> {
    let ok = match v {
        Value::String(s) => !s.is_empty(),
        Value::Number(n) => json::number_as_u64(n).is_ok(),
        _ => false,
    };
    if ok {
        Ok(v.clone())
    } else {
        Err(Error::invalid(
            "id",
            "a JSON-RPC id: a non-empty string or a non-negative integer",
            v,
        ))
    }
}

fn check_params(action: Action, params: &Map<String, Value>) -> Result<Map<String, Value>> {
    let spec = action.params();
    let names: Vec<&str> = spec.iter().map(|p| p.0).collect();
    let f = Fields::new(params, "params", &names)?;
    for &(name, ty, required) in spec {
        let path = f.path(name);
        match f.get(name) {
            None if required => return Err(f.missing(name, ty.expected())),
            None => {}
            Some(Value::Null) if required => {
                return Err(f.invalid(name, ty.expected(), &Value::Null));
            }
            Some(Value::Null) => {}
            Some(v) => check_type(&path, ty, v)?,
        }
    }
    Ok(params.clone())
}

impl Ty {
    fn expected(self) -> &'static str {
        match self {
            Ty::I64 => {
                "a non-negative JSON integer that fits in int64 (at most 9223372036854775807)"
            }
            Ty::U64 => {
                "a non-negative JSON integer that fits in uint64 (at most 18446744073709551615)"
            }
            Ty::Uuid => "a UUID string in canonical lowercase 8-4-4-4-12 form",
            Ty::Str => "a non-empty string",
            Ty::Bool => "true or false",
            Ty::Address => "an address string (0x + 40 hex digits)",
        }
    }
}

fn check_type(path: &str, ty: Ty, v: &Value) -> Result<()> {
    let bad = || Error::invalid(path, ty.expected(), v);
    match ty {
        Ty::I64 => {
            if value_i64(path, v)? < 0 {
                return Err(bad());
            }
        }
        Ty::U64 => {
            value_u64(path, v).map_err(|_| bad())?;
        }
        Ty::Uuid => match v {
            Value::String(s) if is_canonical_uuid(s) => {}
            _ => return Err(bad()),
        },
        Ty::Str => match v {
            Value::String(s) if !s.is_empty() => {}
            _ => return Err(bad()),
        },
        Ty::Bool => {
            if !v.is_boolean() {
                return Err(bad());
            }
        }
        Ty::Address => match v {
            Value::String(s) => {
                Address::parse(path, s)?;
            }
            _ => return Err(bad()),
        },
    }
    Ok(())
}

/// The message Derive's auth signs: the timestamp in ASCII decimal (no sign, padding or
/// fraction). The EIP-191 framing and hashing are `airsign_keys::eth`'s.
pub fn signing_payload(timestamp: u64) -> String {
    timestamp.to_string()
}

/// Builds the signed envelope for a Derive request.
pub fn build(req: &Request, keys: &Key, ctx: &Context<'_>) -> Result<Envelope> {
    let p = parse(req, ctx)?;
    let signer = keys.secp256k1()?;
    sign(&p, signer)
}

/// Signs a validated request with `signer` and assembles the envelope.
pub fn sign<S: Eip191Sign>(p: &DeriveRequest, signer: &S) -> Result<Envelope> {
    let message = signing_payload(p.timestamp);
    let sig: EthSignature = signer.sign_eip191(message.as_bytes())?;
    let sig_hex = sig.to_hex();
    let signer_text = signer.checksum_address();
    let wallet = match p.wallet {
        Some(w) => w.to_checksum(),
        None => signer_text.clone(),
    };
    // Derive's SDK sends JSON.stringify(params): compact, non-ASCII as UTF-8.
    let writer = Writer {
        sort_keys: false,
        ensure_ascii: false,
    };
    let mut params_text = String::with_capacity(128);
    writer.write_object(&p.params, &mut params_text)?;
    let (method, url, headers, body, login) = match p.transport {
        Transport::Rest => (
            Some("POST".to_owned()),
            [p.base.as_str(), "/v3/private/", p.action.name()].concat(),
            vec![
                ("Content-Type".to_owned(), "application/json".to_owned()),
                ("X-DeriveWallet".to_owned(), wallet.clone()),
                ("X-DeriveTimestamp".to_owned(), message.clone()),
                ("X-DeriveSignature".to_owned(), sig_hex.clone()),
            ],
            params_text,
            None,
        ),
        Transport::Ws => {
            let mut frame = String::with_capacity(params_text.len() + 64);
            frame.push_str("{\"id\":");
            writer.write(&p.id, &mut frame)?;
            frame.push_str(",\"method\":");
            writer.write_str(&p.action.method(), &mut frame);
            frame.push_str(",\"params\":");
            frame.push_str(&params_text);
            frame.push('}');
            (
                None,
                format!("{}/v3/ws", p.base),
                Vec::new(),
                frame,
                Some(login_frame(p, &wallet, &sig_hex)?),
            )
        }
    };
    Ok(Envelope {
        airsign: airsign_core::FORMAT_VERSION,
        venue: "derive".into(),
        action: p.action.name().into(),
        transport: p.transport,
        method,
        url,
        headers: Headers(headers),
        body: Some(body),
        login,
        signer: Some(signer_text),
        signed: vec![Signed {
            scheme: "eip191".into(),
            message: Some(message),
            message_hex: None,
            signature: sig_hex,
        }],
        // Derive documents no freshness window for the auth timestamp.
        expires_at: None,
    })
}

/// The `public/login` frame: the same wallet, timestamp (a JSON number, as the v3 SDKs
/// send it) and signature as the REST headers. Its id is `"login-<request id>"`, so it can
/// never collide with the request frame's id on the same connection.
fn login_frame(p: &DeriveRequest, wallet: &str, sig_hex: &str) -> Result<String> {
    let id = match &p.id {
        Value::String(s) => format!("login-{s}"),
        other => format!("login-{other}"),
    };
    let mut params = Map::new();
    params.insert("wallet".into(), Value::from(wallet));
    params.insert("timestamp".into(), Value::from(p.timestamp));
    params.insert("signature".into(), Value::from(sig_hex));
    let mut frame = Map::new();
    frame.insert("id".into(), Value::from(id));
    frame.insert("method".into(), Value::from("public/login"));
    frame.insert("params".into(), Value::Object(params));
    Writer::PYTHON.to_string(&Value::Object(frame))
}

/// Verifies a Derive envelope offline: re-derives the request from the url, headers (or
/// login frame) and body, rebuilds it with the envelope's signature, requires it to equal
/// `env` exactly, and recovers the signer of the timestamp, which must be `env.signer`.
///
/// Derive's auth signs only the timestamp: the body, the url path and the wallet header
/// are not bound by the signature, and the verdict lists them as unsigned.
pub fn verify(env: &Envelope, opts: &VerifyOptions) -> Result<Verdict> {
    use airsign_core::verify::{mismatch, parse_body, rederive, request_fields, settle, url_base};
    let action = Action::from_name(&env.action).ok_or_else(|| {
        let names: Vec<&str> = ACTIONS.iter().map(|a| a.name()).collect();
        mismatch("action", format!("expected one of {}", names.join(", ")))
    })?;
    let suffix = match env.transport {
        Transport::Rest => format!("/v3/{}", action.method()),
        Transport::Ws => "/v3/ws".to_owned(),
    };
    let base = url_base(env, &suffix)?;
    let known: Vec<String> = [MAINNET_HOST, TESTNET_HOST]
        .iter()
        .flat_map(|h| [format!("https://{h}"), format!("wss://{h}")])
        .collect();
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    opts.check_base(base, &known)?;
    let text = env
        .body
        .as_deref()
        .ok_or_else(|| mismatch("body", "expected the request body, saw null"))?;
    let mut req = request_fields(env);
    let (wallet, timestamp, sig, sig_field, params) = match env.transport {
        Transport::Rest => {
            let h = |name: &str| {
                env.headers
                    .get(name)
                    .map(Value::from)
                    .ok_or_else(|| mismatch("headers", format!("missing header {name}")))
            };
            let ts = h("X-DeriveTimestamp")?;
            let ts = ts
                .as_str()
                .and_then(|t| t.parse::<u64>().ok())
                .map(Value::from)
                .ok_or_else(|| {
                    mismatch(
                        "headers.X-DeriveTimestamp",
                        "expected milliseconds as digits",
                    )
                })?;
            (
                h("X-DeriveWallet")?,
                ts,
                h("X-DeriveSignature")?,
                "headers.X-DeriveSignature",
                parse_body("body", text)?,
            )
        }
        Transport::Ws => {
            let mut frame = parse_body("body", text)?;
            if let Some(id) = frame.shift_remove("id") {
                req.insert("id".into(), id);
            }
            let Some(Value::Object(params)) = frame.shift_remove("params") else {
                return Err(mismatch("body.params", "expected an object"));
            };
            let login = env
                .login
                .as_deref()
                .ok_or_else(|| mismatch("login", "expected the public/login frame, saw null"))?;
            let mut login = parse_body("login", login)?;
            let Some(Value::Object(mut lp)) = login.shift_remove("params") else {
                return Err(mismatch("login.params", "expected an object"));
            };
            let mut take = |k: &str| {
                lp.shift_remove(k)
                    .ok_or_else(|| mismatch(&format!("login.params.{k}"), "missing"))
            };
            (
                take("wallet")?,
                take("timestamp")?,
                take("signature")?,
                "login.params.signature",
                params,
            )
        }
    };
    let replay = Eip191Replay::from_envelope(env, sig.as_str(), sig_field)?;
    req.insert("base_url".into(), Value::from(base));
    req.insert("timestamp".into(), timestamp);
    req.insert("wallet".into(), wallet);
    req.insert("params".into(), Value::Object(params));
    let rebuilt = rederive(req, 0, |request, ctx| sign(&parse(request, ctx)?, &replay))?;
    let checks = settle(env, &rebuilt, || replay.check())?;
    let unsigned = match env.transport {
        Transport::Rest => ["url", "body", "headers.X-DeriveWallet"],
        Transport::Ws => ["body", "login.id", "login.params.wallet"],
    };
    Ok(Verdict {
        checks,
        unsigned: unsigned.iter().map(|s| (*s).to_owned()).collect(),
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
        Context::fixed(1_700_000_000_000, |ctx| {
            build(&Request::parse(text)?, &keys, ctx)
        })
    }

    #[test]
    fn worked_example_rest_and_ws() {
        let rest = run(
            r#"{"venue":"derive","action":"cancel_quote","timestamp":1700000000000,
            "params":{"quote_id":"3d0958f3-2ec2-4502-974c-65c64cc9ac88","subaccount_id":12345}}"#,
        )
        .unwrap();
        assert_eq!(rest.url, "https://api.derive.xyz/v3/private/cancel_quote");
        let names: Vec<&str> = rest.headers.0.iter().map(|h| h.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "X-DeriveWallet",
                "X-DeriveTimestamp",
                "X-DeriveSignature"
            ]
        );
        assert_eq!(
            rest.headers.get("X-DeriveWallet"),
            Some("0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81")
        );
        assert_eq!(
            rest.body.as_deref(),
            Some(r#"{"quote_id":"3d0958f3-2ec2-4502-974c-65c64cc9ac88","subaccount_id":12345}"#)
        );
        let ws = run(
            r#"{"venue":"derive","action":"cancel_quote","transport":"ws","id":1,
            "timestamp":1700000000000,"environment":"testnet",
            "params":{"quote_id":"3d0958f3-2ec2-4502-974c-65c64cc9ac88","subaccount_id":12345}}"#,
        )
        .unwrap();
        assert_eq!(ws.url, "wss://testnet.api.derive.xyz/v3/ws");
        assert_eq!(ws.method, None);
        assert_eq!(
            ws.body.as_deref(),
            Some(
                r#"{"id":1,"method":"private/cancel_quote","params":{"quote_id":"3d0958f3-2ec2-4502-974c-65c64cc9ac88","subaccount_id":12345}}"#
            )
        );
        let sig = &rest.signed[0].signature;
        assert_eq!(
            ws.login.as_deref().unwrap(),
            format!(
                r#"{{"id":"login-1","method":"public/login","params":{{"wallet":"0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81","timestamp":1700000000000,"signature":"{sig}"}}}}"#
            )
        );
    }

    #[test]
    fn ws_only_and_defaults() {
        let e = run(
            r#"{"venue":"derive","action":"set_cancel_on_disconnect","params":{"enabled":true}}"#,
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::RequestUnsupportedTransport);
        // No id: one from the id source; no timestamp: the clock's.
        let ws = run(r#"{"venue":"derive","action":"set_cancel_on_disconnect","transport":"ws","params":{}}"#)
            .unwrap();
        assert_eq!(
            ws.body.as_deref(),
            Some(r#"{"id":1,"method":"private/set_cancel_on_disconnect","params":{}}"#)
        );
        assert_eq!(ws.signed[0].message.as_deref(), Some("1700000000000"));
    }

    #[test]
    fn refusals_name_the_field() {
        for (req, field) in [
            (
                r#"{"venue":"derive","action":"cancel_all","params":{"subaccount_id":-1}}"#,
                "params.subaccount_id",
            ),
            (
                r#"{"venue":"derive","action":"cancel_all","params":{"subaccount_id":9223372036854775808}}"#,
                "params.subaccount_id",
            ),
            (
                r#"{"venue":"derive","action":"cancel_all","params":{"subaccount_id":1.0}}"#,
                "params.subaccount_id",
            ),
            (
                r#"{"venue":"derive","action":"cancel_all","params":{"subaccount_id":null}}"#,
                "params.subaccount_id",
            ),
            (
                r#"{"venue":"derive","action":"cancel_all","params":{"subaccount_id":1,"extra":1}}"#,
                "params.extra",
            ),
            (
                r#"{"venue":"derive","action":"cancel_rfq","params":{"rfq_id":"42ACF6A0-12D8-4C06-98BE-E99F5A727674","subaccount_id":1}}"#,
                "params.rfq_id",
            ),
            (
                r#"{"venue":"derive","action":"cancel_by_label","params":{"label":"","subaccount_id":1}}"#,
                "params.label",
            ),
            (
                r#"{"venue":"derive","action":"cancel_all","wallet":"0xaECd5D1257167020ED09CA8F0F94cbCdC68CBC81","params":{"subaccount_id":1}}"#,
                "wallet",
            ),
            (
                r#"{"venue":"derive","action":"cancel_all","account":"x","params":{"subaccount_id":1}}"#,
                "account",
            ),
            (
                r#"{"venue":"derive","action":"cancel_all","environment":"legacy","params":{"subaccount_id":1}}"#,
                "environment",
            ),
            (
                r#"{"venue":"derive","action":"cancel_all","transport":"ws","id":1.5,"params":{"subaccount_id":1}}"#,
                "id",
            ),
            (
                r#"{"venue":"derive","action":"cancel_all","base_url":"wss://x.example","params":{"subaccount_id":1}}"#,
                "base_url",
            ),
            (
                r#"{"venue":"derive","action":"set_cancel_on_disconnect","transport":"ws","wallet":"0x61B49FC6bCc4D4ac3219213cAeA23ea0be5434c8","params":{"wallet":"0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81"}}"#,
                "params.wallet",
            ),
        ] {
            let e = run(req).unwrap_err();
            assert_eq!(e.field(), Some(field), "{req}: {e}");
        }
    }

    #[test]
    fn base_url_replaces_the_host() {
        let env = run(r#"{"venue":"derive","action":"cancel_all","base_url":"https://proxy.example/derive/","params":{"subaccount_id":1}}"#)
            .unwrap();
        assert_eq!(
            env.url,
            "https://proxy.example/derive/v3/private/cancel_all"
        );
    }
}
