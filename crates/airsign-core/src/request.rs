//! The request (docs/format.md, "Request"): one JSON object naming a venue, an action and its
//! parameters.
//!
//! Core checks what every venue shares — the field set, `transport`, `timestamp`,
//! `base_url` — and hands the venue-specific top-level fields on in [`Request::extra`],
//! where the venue's own parser accepts the ones it knows and refuses the rest.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::json::{self, IntCheck};
use crate::{Context, Error, ErrorCode, Result};

/// How the envelope is carried to the venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// An HTTPS request.
    Rest,
    /// A WebSocket frame.
    Ws,
}

impl Transport {
    /// `rest` or `ws`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Rest => "rest",
            Self::Ws => "ws",
        }
    }
}

/// Top-level fields every venue may take.
const COMMON: &[&str] = &[
    "venue",
    "action",
    "transport",
    "environment",
    "base_url",
    "timestamp",
    "params",
    "id",
    "key",
];

/// Smallest accepted timestamp: 10^11 ms (1973). Anything below is a seconds value
/// (10 digits) or a mistake.
pub const MIN_TIMESTAMP_MS: u64 = 100_000_000_000;
/// Largest accepted timestamp: the last millisecond of year 9999.
pub const MAX_TIMESTAMP_MS: u64 = 253_402_300_799_999;

/// A parsed, shape-checked request.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// `pacifica`, `derive`, `mobula`, `ripio` or `layer1`.
    pub venue: String,
    /// The venue's own name for the operation.
    pub action: String,
    /// `rest` (default) or `ws`.
    pub transport: Transport,
    /// Whether `transport` was given explicitly.
    pub transport_given: bool,
    /// The venue deployment, if named.
    pub environment: Option<String>,
    /// A host override (`https://…`/`wss://…`), checked for shape.
    pub base_url: Option<String>,
    /// Milliseconds since the epoch, if given (else the clock's).
    pub timestamp: Option<u64>,
    /// The request id for WebSocket / JSON-RPC frames, exactly as given.
    pub id: Option<Value>,
    /// The venue-native parameters.
    pub params: Map<String, Value>,
    /// Every other top-level field (`expiry_window`, `account`, `wallet`, …): each venue
    /// names its own ([`crate::VenueRules::fields`]) and refuses the rest
    /// ([`Request::allow_extra`]).
    pub extra: Map<String, Value>,
    /// With a keyring: the name of the key the request asks to be signed with. Only a
    /// request to choose among the operator's keys, never a key itself.
    pub key: Option<String>,
}

impl Request {
    /// Parses one request from JSON text.
    pub fn parse(text: &str) -> Result<Self> {
        Self::from_map(json::parse_object(text)?)
    }

    /// Builds a request from an already parsed JSON object.
    pub fn from_map(map: Map<String, Value>) -> Result<Self> {
        // No control or invisible character in any string (crate::text), before the
        // fields are looked at, so each venue gets the same rule.
        for (key, v) in &map {
            crate::text::check_text(key, key)?;
            crate::text::check_strings(key, v)?;
        }
        // One pass over the fields (no hashing, no shifting), then the checks in a fixed
        // order, so which error a request with several problems gets never depends on
        // its key order.
        let mut slots: [Option<Value>; 9] = Default::default();
        const SLOT_NAMES: [&str; 9] = [
            "venue",
            "action",
            "transport",
            "environment",
            "base_url",
            "timestamp",
            "id",
            "params",
            "key",
        ];
        let mut extra = Map::new();
        for (k, v) in map {
            match SLOT_NAMES.iter().position(|n| *n == k) {
                Some(i) => slots[i] = Some(v),
                None => {
                    extra.insert(k, v);
                }
            }
        }
        let [
            venue,
            action,
            transport,
            environment,
            base_url,
            timestamp,
            id,
            params,
            key,
        ] = slots;
        let venue =
            take_string(venue, "venue")?.ok_or_else(|| Error::missing("venue", "a venue name"))?;
        let action = take_string(action, "action")?
            .ok_or_else(|| Error::missing("action", "the venue's action name"))?;
        let (transport, transport_given) = match transport {
            None => (Transport::Rest, false),
            Some(Value::String(s)) if s == "rest" => (Transport::Rest, true),
            Some(Value::String(s)) if s == "ws" => (Transport::Ws, true),
            Some(v) => return Err(Error::invalid("transport", "\"rest\" or \"ws\"", &v)),
        };
        let environment = take_string(environment, "environment")?;
        let base_url = match take_string(base_url, "base_url")? {
            Some(u) => Some(check_base_url(&u)?),
            None => None,
        };
        let timestamp = match timestamp {
            None => None,
            Some(v) => Some(parse_timestamp("timestamp", &v)?),
        };
        let key = take_string(key, "key")?;
        let params = match params {
            None => Map::new(),
            Some(Value::Object(p)) => p,
            Some(v) => return Err(Error::invalid("params", "an object", &v)),
        };
        Ok(Self {
            venue,
            action,
            transport,
            transport_given,
            environment,
            base_url,
            timestamp,
            id,
            params,
            extra,
            key,
        })
    }

    /// The request's timestamp, or the clock's now. Both pass the same range check.
    pub fn timestamp_or_now(&self, ctx: &Context<'_>) -> Result<u64> {
        match self.timestamp {
            Some(t) => Ok(t),
            None => {
                let now = ctx.clock.now_checked()?;
                check_timestamp_range("timestamp", now)?;
                Ok(now)
            }
        }
    }

    /// Refuses top-level venue-specific fields other than `allowed`.
    pub fn allow_extra(&self, allowed: &[&str]) -> Result<()> {
        for key in self.extra.keys() {
            if !allowed.contains(&key.as_str()) {
                let mut all: Vec<&str> = COMMON.to_vec();
                all.extend_from_slice(allowed);
                return Err(Error::new(
                    ErrorCode::RequestUnknownField,
                    Some(key),
                    format!(
                        "{} does not take this field; it takes: {}",
                        self.venue,
                        all.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Fails unless the request's transport is one of `supported`.
    pub fn require_transport(&self, supported: &[Transport]) -> Result<()> {
        if supported.contains(&self.transport) {
            return Ok(());
        }
        let list: Vec<&str> = supported.iter().map(|t| t.as_str()).collect();
        Err(Error::new(
            ErrorCode::RequestUnsupportedTransport,
            Some("transport"),
            format!(
                "{} {} is offered over {} only, saw \"{}\"",
                self.venue,
                self.action,
                list.join(" and "),
                self.transport.as_str()
            ),
        ))
    }

    /// An error for an action this venue does not offer.
    pub fn unknown_action(&self, offered: &[&str]) -> Error {
        Error::new(
            ErrorCode::RequestUnknownAction,
            Some("action"),
            format!(
                "expected one of {} actions: {}; saw {}",
                self.venue,
                offered.join(", "),
                Value::from(self.action.as_str())
            ),
        )
    }
}

fn take_string(value: Option<Value>, key: &str) -> Result<Option<String>> {
    match value {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v) => Err(Error::invalid(key, "a string", &v)),
    }
}

/// Checks a millisecond timestamp value: a JSON integer in the accepted range.
pub fn parse_timestamp(field: &str, v: &Value) -> Result<u64> {
    let Value::Number(n) = v else {
        return Err(Error::invalid(
            field,
            "an integer number of milliseconds since the Unix epoch",
            v,
        ));
    };
    let ms = match json::number_as_u64(n) {
        Ok(ms) => ms,
        Err(IntCheck::NotInteger) => {
            return Err(Error::invalid(
                field,
                "an integer number of milliseconds (no fraction, no exponent)",
                v,
            ));
        }
        Err(IntCheck::Negative) => {
            return Err(Error::invalid(
                field,
                "a non-negative millisecond timestamp",
                v,
            ));
        }
        Err(IntCheck::TooLarge) => {
            return Err(Error::invalid(
                field,
                "a millisecond timestamp before year 10000",
                v,
            ));
        }
    };
    check_timestamp_range(field, ms)?;
    Ok(ms)
}

/// Whether `ms` lies in the millisecond range every request timestamp must be in
/// ([`MIN_TIMESTAMP_MS`]`..=`[`MAX_TIMESTAMP_MS`]).
pub const fn timestamp_in_range(ms: u64) -> bool {
    MIN_TIMESTAMP_MS <= ms && ms <= MAX_TIMESTAMP_MS
}

fn check_timestamp_range(field: &str, ms: u64) -> Result<()> {
    if timestamp_in_range(ms) {
        return Ok(());
    }
    if ms < MIN_TIMESTAMP_MS {
        let hint = if (1_000_000_000..10_000_000_000).contains(&ms) {
            " (10 digits: that is seconds; multiply by 1000)"
        } else {
            ""
        };
        return Err(Error::invalid_text(
            field,
            "milliseconds since the Unix epoch (at least 100000000000)",
            &format!("{ms}{hint}"),
        ));
    }
    if ms > MAX_TIMESTAMP_MS {
        return Err(Error::invalid_text(
            field,
            "a millisecond timestamp before year 10000",
            &ms.to_string(),
        ));
    }
    Ok(())
}

/// Checks a `base_url` with the one rule every venue shares ([`crate::url`]); a
/// trailing `/` is dropped.
pub fn check_base_url(u: &str) -> Result<String> {
    crate::url::check_base_url(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_checks() {
        let r = Request::parse(
            r#"{"venue":"pacifica","action":"cancel_order","timestamp":1748970123456,"params":{"a":1},"account":"x"}"#,
        );
        let r = r.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.transport, Transport::Rest);
        assert_eq!(r.timestamp, Some(1748970123456));
        assert!(r.extra.contains_key("account"));
        let e = Request::parse(r#"{"venue":"v","action":"a","timestamp":1748970123}"#);
        assert!(e.is_err_and(|e| e.message().contains("seconds")));
        // Top-level fields beyond the common ones are kept for the venue, which names its
        // own and refuses the rest.
        let r = Request::parse(r#"{"venue":"v","action":"a","bogus":1}"#)
            .unwrap_or_else(|e| panic!("{e}"));
        let e = r.allow_extra(&["expiry_window"]).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::RequestUnknownField, Some("bogus"))
        );
        assert!(
            Request::parse(r#"{"venue":"v","action":"a","timestamp":"1748970123456"}"#).is_err()
        );
        assert!(
            Request::parse(r#"{"venue":"v","action":"a","timestamp":1748970123456.5}"#).is_err()
        );
        assert!(Request::parse(r#"{"venue":"v","action":"a","base_url":"http://x"}"#).is_err());
    }
}
