//! The field rules of each action (docs/venues/mobula.md, "Request fields"): every body
//! field is checked here before anything is signed, since the build signature does not
//! cover the body.

use airsign_core::json;
use airsign_core::validate::Fields;
use airsign_core::{Error, Result};
use serde_json::Value;

use crate::actions::{ACTIONS, Action};
use crate::jsnum;

/// The perp DEX behind an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dex {
    /// Gains Network (EVM).
    Gains,
    /// Lighter.
    Lighter,
}

/// Checks the params of `action` (already limited to its fields); for execute-v2,
/// returns its `payloadStr`.
pub(crate) fn check(action: Action, f: &Fields<'_>) -> Result<Option<String>> {
    let mut payload_str = None;
    match action {
        Action::CancelOrder => check_cancel(f)?,
        Action::CreateOrder => check_create(f)?,
        Action::ClosePosition => check_close(f)?,
        Action::EditOrder => check_edit(f)?,
        Action::UpdateMargin => check_margin(f)?,
        Action::Withdraw | Action::Deposit => {
            // One version of the docs says Lighter only, another does not say: refuse
            // Gains rather than sign what the venue may not offer.
            lighter_only(f, action)?;
            req_str(f, "chainId")?;
            if action == Action::Deposit {
                req_str(f, "originChainId")?;
            }
            amount_usdc(f)?;
        }
        Action::CreateAccount => {
            lighter_only(f, action)?;
            req_str(f, "chainId")?;
            for name in ["accountIndex", "apiKeyIndex"] {
                js_index(f, name)?;
            }
        }
        Action::ExecuteV2 => payload_str = Some(check_execute(f)?.to_owned()),
    }
    Ok(payload_str)
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::testing::run;
    use airsign_core::ErrorCode;

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
    }
}
