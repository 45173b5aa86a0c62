//! The actions: their names, their params as requests give them, and the action object
//! in the venue's own field order, written both as JSON (for the body) and as MessagePack
//! (for the hash).
//!
//! The venue re-encodes the action it receives in its own struct order and compares
//! hashes, so the order written here is the venue's (`type` first, then the fields as the
//! SDK and the exchange docs list them), never the request's.

use airsign_core::json::push_u64;
use airsign_core::validate::{Fields, value_u64};
use airsign_core::{Error, Result};
use serde_json::{Map, Value};

use crate::msgpack;

/// The Hyperliquid L1 actions airsign signs: everything that cancels or stops something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// `cancel`: orders by order id.
    Cancel,
    /// `cancelByCloid`: orders by client order id.
    CancelByCloid,
    /// `scheduleCancel`: the dead man's switch (set with `time`, unset without).
    ScheduleCancel,
    /// `twapCancel`: a running TWAP order.
    TwapCancel,
    /// `noop`: uses up a nonce (withdraws a pre-signed action carrying it).
    Noop,
}

/// Every action.
pub const ACTIONS: &[Action] = &[
    Action::Cancel,
    Action::CancelByCloid,
    Action::ScheduleCancel,
    Action::TwapCancel,
    Action::Noop,
];

impl Action {
    /// The action name as requests and the venue spell it (the action's `type`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Cancel => "cancel",
            Self::CancelByCloid => "cancelByCloid",
            Self::ScheduleCancel => "scheduleCancel",
            Self::TwapCancel => "twapCancel",
            Self::Noop => "noop",
        }
    }

    /// The action named `name`, if airsign signs it.
    pub fn from_name(name: &str) -> Option<Self> {
        ACTIONS.iter().copied().find(|a| a.name() == name)
    }
}

/// The venue's minimum lead for `scheduleCancel.time` over the nonce (5 s).
pub const SCHEDULE_MIN_LEAD_MS: u64 = 5_000;

/// A checked action, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ActionData {
    /// `cancel`: (asset, oid) pairs, at least one.
    Cancel(Vec<(u32, u64)>),
    /// `cancelByCloid`: (asset, cloid) pairs, at least one; cloids `0x` + 32 lowercase hex.
    CancelByCloid(Vec<(u32, String)>),
    /// `scheduleCancel`: the time to cancel at (ms), or `None` to unset.
    ScheduleCancel(Option<u64>),
    /// `twapCancel`: asset and TWAP id.
    TwapCancel {
        /// The asset index.
        a: u32,
        /// The TWAP id.
        t: u64,
    },
    /// `noop`.
    Noop,
}

/// How a coin name or other non-index asset is refused: the fix is to look the index up
/// online.
const ASSET_HELP: &str = "the integer asset index (a non-negative JSON integer that fits in \
    32 bits: a perp's index in meta.universe, 10000 + index for a spot pair, 100000 + 10000 \
    x dex + index for a builder-deployed perp). A coin name needs the venue's market data, \
    which this offline host does not have: look the index up on the online side \
    (POST /info {\"type\":\"meta\"} or {\"type\":\"spotMeta\"}) and put it in the request";

const ID_HELP: &str = "a non-negative JSON integer that fits in 64 bits (not a string, no \
    fraction)";

impl ActionData {
    /// The action this data belongs to.
    pub fn action(&self) -> Action {
        match self {
            Self::Cancel(_) => Action::Cancel,
            Self::CancelByCloid(_) => Action::CancelByCloid,
            Self::ScheduleCancel(_) => Action::ScheduleCancel,
            Self::TwapCancel { .. } => Action::TwapCancel,
            Self::Noop => Action::Noop,
        }
    }

    /// Checks `params` for `action`; `nonce` bounds `scheduleCancel.time`.
    pub fn parse(action: Action, params: &Map<String, Value>, nonce: u64) -> Result<Self> {
        match action {
            Action::Cancel => {
                let items = cancels(params)?;
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let path = format!("params.cancels[{i}]");
                    let m = object(&path, item, "an object {\"a\": asset, \"o\": oid}")?;
                    refuse_names(&path, m, "a")?;
                    let f = Fields::new(m, &path, &["a", "o"])?;
                    out.push((asset(&f, "a")?, id(&f, "o", "the order id")?));
                }
                Ok(Self::Cancel(out))
            }
            Action::CancelByCloid => {
                let items = cancels(params)?;
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let path = format!("params.cancels[{i}]");
                    let m = object(
                        &path,
                        item,
                        "an object {\"asset\": asset, \"cloid\": \"0x…\"}",
                    )?;
                    refuse_names(&path, m, "asset")?;
                    let f = Fields::new(m, &path, &["asset", "cloid"])?;
                    out.push((asset(&f, "asset")?, cloid(&f)?));
                }
                Ok(Self::CancelByCloid(out))
            }
            Action::ScheduleCancel => {
                let f = Fields::new(params, "params", &["time"])?;
                match f.get("time") {
                    None => Ok(Self::ScheduleCancel(None)),
                    Some(Value::Null) => Err(f.invalid(
                        "time",
                        "milliseconds since the epoch, or no `time` at all to unset the \
                         scheduled cancel",
                        &Value::Null,
                    )),
                    Some(v) => {
                        let t = value_u64(&f.path("time"), v)?;
                        let earliest = nonce.saturating_add(SCHEDULE_MIN_LEAD_MS);
                        if t < earliest {
                            return Err(Error::invalid_text(
                                "params.time",
                                &format!(
                                    "a time at least 5 s after the nonce (timestamp {nonce}), \
                                     i.e. at least {earliest}: the venue refuses a scheduled \
                                     cancel sooner than that"
                                ),
                                &t.to_string(),
                            ));
                        }
                        Ok(Self::ScheduleCancel(Some(t)))
                    }
                }
            }
            Action::TwapCancel => {
                refuse_names("params", params, "a")?;
                let f = Fields::new(params, "params", &["a", "t"])?;
                Ok(Self::TwapCancel {
                    a: asset(&f, "a")?,
                    t: id(&f, "t", "the TWAP id")?,
                })
            }
            Action::Noop => {
                Fields::new(params, "params", &[])?;
                Ok(Self::Noop)
            }
        }
    }

    /// The action object as compact JSON, `type` first, fields in the venue's order.
    pub fn write_json(&self, out: &mut String) {
        out.push_str("{\"type\":\"");
        out.push_str(self.action().name());
        out.push('"');
        match self {
            Self::Cancel(items) => {
                out.push_str(",\"cancels\":[");
                for (i, (a, o)) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str("{\"a\":");
                    push_u64(out, u64::from(*a));
                    out.push_str(",\"o\":");
                    push_u64(out, *o);
                    out.push('}');
                }
                out.push(']');
            }
            Self::CancelByCloid(items) => {
                out.push_str(",\"cancels\":[");
                for (i, (a, c)) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str("{\"asset\":");
                    push_u64(out, u64::from(*a));
                    // A checked cloid is 0x + hex digits: nothing to escape.
                    out.push_str(",\"cloid\":\"");
                    out.push_str(c);
                    out.push_str("\"}");
                }
                out.push(']');
            }
            Self::ScheduleCancel(Some(t)) => {
                out.push_str(",\"time\":");
                push_u64(out, *t);
            }
            Self::ScheduleCancel(None) | Self::Noop => {}
            Self::TwapCancel { a, t } => {
                out.push_str(",\"a\":");
                push_u64(out, u64::from(*a));
                out.push_str(",\"t\":");
                push_u64(out, *t);
            }
        }
        out.push('}');
    }

    /// The action as JSON text.
    pub fn to_json(&self) -> String {
        let mut s = String::with_capacity(64);
        self.write_json(&mut s);
        s
    }

    /// The action as MessagePack, exactly as the SDK's `msgpack.packb(action)` writes it.
    pub fn write_msgpack(&self, w: &mut msgpack::Writer) {
        let fields = match self {
            Self::Cancel(_) | Self::CancelByCloid(_) | Self::ScheduleCancel(Some(_)) => 2,
            Self::TwapCancel { .. } => 3,
            Self::ScheduleCancel(None) | Self::Noop => 1,
        };
        w.map(fields);
        w.str("type");
        w.str(self.action().name());
        match self {
            Self::Cancel(items) => {
                w.str("cancels");
                w.array(items.len());
                for (a, o) in items {
                    w.map(2);
                    w.str("a");
                    w.uint(u64::from(*a));
                    w.str("o");
                    w.uint(*o);
                }
            }
            Self::CancelByCloid(items) => {
                w.str("cancels");
                w.array(items.len());
                for (a, c) in items {
                    w.map(2);
                    w.str("asset");
                    w.uint(u64::from(*a));
                    w.str("cloid");
                    w.str(c);
                }
            }
            Self::ScheduleCancel(Some(t)) => {
                w.str("time");
                w.uint(*t);
            }
            Self::ScheduleCancel(None) | Self::Noop => {}
            Self::TwapCancel { a, t } => {
                w.str("a");
                w.uint(u64::from(*a));
                w.str("t");
                w.uint(*t);
            }
        }
    }

    /// The action's MessagePack bytes.
    pub fn to_msgpack(&self) -> Vec<u8> {
        let mut w = msgpack::Writer::with_capacity(64);
        self.write_msgpack(&mut w);
        w.buf
    }
}

fn cancels(params: &Map<String, Value>) -> Result<&Vec<Value>> {
    let f = Fields::new(params, "params", &["cancels"])?;
    match f.get("cancels") {
        None => Err(f.missing("cancels", "a non-empty array of cancels")),
        Some(Value::Array(a)) if a.is_empty() => Err(Error::invalid_text(
            "params.cancels",
            "at least one cancel (an empty list signs nothing the venue would act on)",
            "[]",
        )),
        Some(Value::Array(a)) => Ok(a),
        Some(v) => Err(f.invalid("cancels", "a non-empty array of cancels", v)),
    }
}

fn object<'a>(path: &str, v: &'a Value, expected: &str) -> Result<&'a Map<String, Value>> {
    match v {
        Value::Object(m) => Ok(m),
        other => Err(Error::invalid(path, expected, other)),
    }
}

/// Refuses the SDK's convenience spellings (`coin`, `name`) that would need market data,
/// with the fix, before the generic unknown-field check would.
fn refuse_names(path: &str, m: &Map<String, Value>, field: &str) -> Result<()> {
    for name in ["coin", "name", "symbol"] {
        if let Some(v) = m.get(name) {
            return Err(Error::invalid(
                &format!("{path}.{name}"),
                &format!("`{field}` instead of a coin name: {ASSET_HELP}"),
                v,
            ));
        }
    }
    Ok(())
}

fn asset(f: &Fields<'_>, name: &str) -> Result<u32> {
    let path = f.path(name);
    let Some(v) = f.get(name) else {
        return Err(f.missing(name, ASSET_HELP));
    };
    if let Value::String(_) = v {
        return Err(Error::invalid(&path, ASSET_HELP, v));
    }
    let n = value_u64(&path, v).map_err(|_| Error::invalid(&path, ASSET_HELP, v))?;
    u32::try_from(n).map_err(|_| Error::invalid(&path, ASSET_HELP, v))
}

fn id(f: &Fields<'_>, name: &str, what: &str) -> Result<u64> {
    let path = f.path(name);
    let Some(v) = f.get(name) else {
        return Err(f.missing(name, &format!("{what}: {ID_HELP}")));
    };
    value_u64(&path, v).map_err(|_| Error::invalid(&path, &format!("{what}: {ID_HELP}"), v))
}

fn cloid(f: &Fields<'_>) -> Result<String> {
    let expected = "a client order id: 0x followed by exactly 32 lowercase hex digits \
                    (16 bytes), e.g. 0x00000000000000000000000000000001";
    let Some(v) = f.get("cloid") else {
        return Err(f.missing("cloid", expected));
    };
    let Value::String(s) = v else {
        return Err(f.invalid("cloid", expected, v));
    };
    let ok = s.strip_prefix("0x").is_some_and(|d| {
        d.len() == 32
            && d.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    if !ok {
        let why = if !s.starts_with("0x") {
            format!("{expected} (it must start with 0x)")
        } else if s.bytes().skip(2).any(|b| b.is_ascii_uppercase()) {
            format!(
                "{expected} (uppercase is refused: the venue re-encodes the cloid in \
                 lowercase when it checks the hash, so another spelling may not verify)"
            )
        } else {
            expected.to_owned()
        };
        return Err(f.invalid("cloid", &why, v));
    }
    Ok(s.clone())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn params(text: &str) -> Map<String, Value> {
        airsign_core::json::parse_object(text).unwrap()
    }

    fn parse(a: Action, text: &str) -> Result<ActionData> {
        ActionData::parse(a, &params(text), 1_750_000_000_000)
    }

    #[test]
    fn venue_order_whatever_the_request_order() {
        let d = parse(Action::Cancel, r#"{"cancels":[{"o":99,"a":3}]}"#).unwrap();
        assert_eq!(
            d.to_json(),
            r#"{"type":"cancel","cancels":[{"a":3,"o":99}]}"#
        );
        assert_eq!(
            hex::encode(d.to_msgpack()),
            "82a474797065a663616e63656ca763616e63656c739182a16103a16f63"
        );
        let d = parse(Action::TwapCancel, r#"{"t":4242,"a":2}"#).unwrap();
        assert_eq!(d.to_json(), r#"{"type":"twapCancel","a":2,"t":4242}"#);
        assert_eq!(
            hex::encode(d.to_msgpack()),
            "83a474797065aa7477617043616e63656ca16102a174cd1092"
        );
    }

    #[test]
    fn schedule_noop_and_cloid() {
        let d = parse(Action::ScheduleCancel, "{}").unwrap();
        assert_eq!(d.to_json(), r#"{"type":"scheduleCancel"}"#);
        assert_eq!(
            hex::encode(d.to_msgpack()),
            "81a474797065ae7363686564756c6543616e63656c"
        );
        let d = parse(Action::Noop, "{}").unwrap();
        assert_eq!(hex::encode(d.to_msgpack()), "81a474797065a46e6f6f70");
        let d = parse(
            Action::CancelByCloid,
            r#"{"cancels":[{"cloid":"0x00000000000000000000000000000001","asset":0}]}"#,
        )
        .unwrap();
        assert_eq!(
            d.to_json(),
            r#"{"type":"cancelByCloid","cancels":[{"asset":0,"cloid":"0x00000000000000000000000000000001"}]}"#
        );
    }

    #[test]
    fn refusals_name_the_field() {
        for (a, p, code, field) in [
            (Action::Cancel, r#"{}"#, "params.missing", "params.cancels"),
            (
                Action::Cancel,
                r#"{"cancels":[]}"#,
                "params.invalid",
                "params.cancels",
            ),
            (
                Action::Cancel,
                r#"{"cancels":{}}"#,
                "params.invalid",
                "params.cancels",
            ),
            (
                Action::Cancel,
                r#"{"cancels":[1]}"#,
                "params.invalid",
                "params.cancels[0]",
            ),
            (
                Action::Cancel,
                r#"{"cancels":[{"a":-1,"o":1}]}"#,
                "params.invalid",
                "params.cancels[0].a",
            ),
            (
                Action::Cancel,
                r#"{"cancels":[{"a":4294967296,"o":1}]}"#,
                "params.invalid",
                "params.cancels[0].a",
            ),
            (
                Action::Cancel,
                r#"{"cancels":[{"a":"BTC","o":1}]}"#,
                "params.invalid",
                "params.cancels[0].a",
            ),
            (
                Action::Cancel,
                r#"{"cancels":[{"coin":"BTC","o":1}]}"#,
                "params.invalid",
                "params.cancels[0].coin",
            ),
            (
                Action::Cancel,
                r#"{"cancels":[{"a":0,"o":"1"}]}"#,
                "params.invalid",
                "params.cancels[0].o",
            ),
            (
                Action::Cancel,
                r#"{"cancels":[{"a":0,"o":1.5}]}"#,
                "params.invalid",
                "params.cancels[0].o",
            ),
            (
                Action::Cancel,
                r#"{"cancels":[{"a":0,"o":1.0}]}"#,
                "params.invalid",
                "params.cancels[0].o",
            ),
            (
                Action::Cancel,
                r#"{"cancels":[{"a":0,"o":18446744073709551616}]}"#,
                "params.invalid",
                "params.cancels[0].o",
            ),
            (
                Action::Cancel,
                r#"{"cancels":[{"a":0}]}"#,
                "params.missing",
                "params.cancels[0].o",
            ),
            (
                Action::Cancel,
                r#"{"cancels":[{"a":0,"o":1,"x":1}]}"#,
                "request.unknown_field",
                "params.cancels[0].x",
            ),
            (
                Action::Cancel,
                r#"{"cancels":[{"a":0,"o":1}],"x":1}"#,
                "request.unknown_field",
                "params.x",
            ),
            (
                Action::CancelByCloid,
                r#"{"cancels":[{"asset":0,"cloid":"0x1234"}]}"#,
                "params.invalid",
                "params.cancels[0].cloid",
            ),
            (
                Action::CancelByCloid,
                r#"{"cancels":[{"asset":0,"cloid":"0x0000000000000000000000000000000A"}]}"#,
                "params.invalid",
                "params.cancels[0].cloid",
            ),
            (
                Action::CancelByCloid,
                r#"{"cancels":[{"asset":0,"cloid":"00000000000000000000000000000000"}]}"#,
                "params.invalid",
                "params.cancels[0].cloid",
            ),
            (
                Action::CancelByCloid,
                r#"{"cancels":[{"asset":0,"cloid":1}]}"#,
                "params.invalid",
                "params.cancels[0].cloid",
            ),
            (
                Action::CancelByCloid,
                r#"{"cancels":[{"a":0,"cloid":"0x00000000000000000000000000000001"}]}"#,
                "request.unknown_field",
                "params.cancels[0].a",
            ),
            (
                Action::ScheduleCancel,
                r#"{"time":1750000004999}"#,
                "params.invalid",
                "params.time",
            ),
            (
                Action::ScheduleCancel,
                r#"{"time":null}"#,
                "params.invalid",
                "params.time",
            ),
            (
                Action::ScheduleCancel,
                r#"{"time":"1750000060000"}"#,
                "params.invalid",
                "params.time",
            ),
            (
                Action::TwapCancel,
                r#"{"a":1}"#,
                "params.missing",
                "params.t",
            ),
            (
                Action::TwapCancel,
                r#"{"coin":"ETH","t":1}"#,
                "params.invalid",
                "params.coin",
            ),
            (
                Action::Noop,
                r#"{"x":1}"#,
                "request.unknown_field",
                "params.x",
            ),
        ] {
            let e = parse(a, p).unwrap_err();
            assert_eq!(
                (e.code().as_str(), e.field()),
                (code, Some(field)),
                "{p}: {e}"
            );
        }
        let e = parse(Action::Cancel, r#"{"cancels":[{"coin":"BTC","o":1}]}"#).unwrap_err();
        assert!(e.message().contains("market data"), "{e}");
        assert!(parse(Action::ScheduleCancel, r#"{"time":1750000005000}"#).is_ok());
    }
}
