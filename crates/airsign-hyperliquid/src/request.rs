//! A Hyperliquid request: the common request fields plus `vault_address`,
//! `expires_after` and the WebSocket id, checked into a [`HlRequest`].

use airsign_core::validate::value_u64;
use airsign_core::{Context, Error, Request, Result, Transport, timestamp_in_range};
use airsign_keys::eth::Address;
use serde_json::Value;

use crate::action::{ACTIONS, Action, ActionData};

/// Mainnet REST host.
pub const MAINNET_REST: &str = "https://api.hyperliquid.xyz";
/// Testnet REST host.
pub const TESTNET_REST: &str = "https://api.hyperliquid-testnet.xyz";
/// Mainnet WebSocket host.
pub const MAINNET_WS: &str = "wss://api.hyperliquid.xyz";
/// Testnet WebSocket host.
pub const TESTNET_WS: &str = "wss://api.hyperliquid-testnet.xyz";
/// The REST path every L1 action is posted to.
pub const REST_PATH: &str = "/exchange";
/// The WebSocket path.
pub const WS_PATH: &str = "/ws";

/// The venue's nonce window, as its docs state it: a nonce must lie within one day of the
/// L1 block time, so an envelope is refused one day after its nonce at the latest.
pub const NONCE_WINDOW_MS: u64 = 86_400_000;

/// A Hyperliquid deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    /// `api.hyperliquid.xyz`, phantom-agent source `"a"` (the default).
    Mainnet,
    /// `api.hyperliquid-testnet.xyz`, source `"b"`.
    Testnet,
}

impl Environment {
    /// The phantom agent's `source`: what keeps a testnet signature off mainnet.
    pub const fn source(self) -> &'static str {
        match self {
            Self::Mainnet => "a",
            Self::Testnet => "b",
        }
    }

    /// The request's `environment` name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Mainnet => "mainnet",
            Self::Testnet => "testnet",
        }
    }

    /// The default base URL for `transport`.
    pub const fn base(self, transport: Transport) -> &'static str {
        match (self, transport) {
            (Self::Mainnet, Transport::Rest) => MAINNET_REST,
            (Self::Testnet, Transport::Rest) => TESTNET_REST,
            (Self::Mainnet, Transport::Ws) => MAINNET_WS,
            (Self::Testnet, Transport::Ws) => TESTNET_WS,
        }
    }
}

/// A parsed, validated Hyperliquid request: everything but the signature (the venue's
/// [`airsign_core::Venue::Parsed`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HlRequest {
    /// The action and its checked fields.
    pub(crate) action: ActionData,
    /// `rest` or `ws`.
    pub(crate) transport: Transport,
    /// Mainnet or testnet (decides the signed `source`).
    pub(crate) environment: Environment,
    /// `https://host` or `wss://host`, no trailing `/` (from `environment` or `base_url`).
    pub(crate) base: String,
    /// The nonce: the request's `timestamp` (ms), signed and sent.
    pub(crate) nonce: u64,
    /// The vault or subaccount acted for, as given (checked), if any.
    pub(crate) vault_address: Option<(Address, String)>,
    /// Ms after which the venue refuses the action, if given.
    pub(crate) expires_after: Option<u64>,
    /// The WebSocket `post` request id (unsigned).
    pub(crate) id: u64,
}

/// Parses and checks a request for Hyperliquid; takes the time and a fresh id from `ctx`
/// when the request has none.
pub(crate) fn parse(req: &Request, ctx: &Context<'_>) -> Result<HlRequest> {
    req.allow_extra(crate::RULES.fields)?;
    let action = Action::from_name(&req.action).ok_or_else(|| {
        let names: Vec<&str> = ACTIONS.iter().map(|a| a.name()).collect();
        let mut e = req.unknown_action(&names);
        if !req.action.is_empty() {
            e = Error::new(
                e.code(),
                e.field(),
                format!(
                    "{} (airsign signs only the actions that cancel or stop something)",
                    e.message()
                ),
            );
        }
        e
    })?;
    let environment = match req.environment.as_deref() {
        None | Some("mainnet") => Environment::Mainnet,
        Some("testnet") => Environment::Testnet,
        Some(other) => {
            return Err(Error::invalid(
                "environment",
                "\"mainnet\" or \"testnet\"",
                &Value::from(other),
            ));
        }
    };
    let scheme = match req.transport {
        Transport::Rest => "https://",
        Transport::Ws => "wss://",
    };
    let base = match &req.base_url {
        Some(b) if !b.starts_with(scheme) => {
            return Err(Error::invalid(
                "base_url",
                &format!(
                    "a {scheme} URL for transport \"{}\"",
                    req.transport.as_str()
                ),
                &Value::from(b.as_str()),
            ));
        }
        Some(b) => b.clone(),
        None => environment.base(req.transport).to_owned(),
    };
    let nonce = req.timestamp_or_now(ctx)?;
    let vault_address = match req.extra.get("vault_address") {
        None => None,
        Some(Value::String(s)) => Some((Address::parse("vault_address", s)?, s.clone())),
        Some(v) => {
            return Err(Error::invalid(
                "vault_address",
                "a vault or subaccount address: 0x followed by 40 hex digits",
                v,
            ));
        }
    };
    let expires_after = match req.extra.get("expires_after") {
        None => None,
        Some(v) => {
            let t = ms_time("expires_after", v)?;
            if t <= nonce {
                return Err(Error::invalid_text(
                    "expires_after",
                    &format!(
                        "a time after the nonce (timestamp {nonce}): the venue would refuse \
                         the action as already expired"
                    ),
                    &t.to_string(),
                ));
            }
            Some(t)
        }
    };
    let id = match (&req.id, req.transport) {
        (None, _) => ctx.ids.int_id(),
        (Some(v), Transport::Ws) => value_u64("id", v).map_err(|_| {
            Error::invalid(
                "id",
                "the post request id: a non-negative JSON integer that fits in 64 bits",
                v,
            )
        })?,
        (Some(v), Transport::Rest) => {
            return Err(Error::invalid(
                "id",
                "no id over rest (only the WebSocket post frame carries one)",
                v,
            ));
        }
    };
    let action = ActionData::parse(action, &req.params, nonce)?;
    Ok(HlRequest {
        action,
        transport: req.transport,
        environment,
        base,
        nonce,
        vault_address,
        expires_after,
        id,
    })
}

/// A millisecond time: an exact integer in the range every timestamp must be in.
fn ms_time(field: &str, v: &Value) -> Result<u64> {
    let expected = "milliseconds since the Unix epoch (an integer, at least 100000000000)";
    let t = value_u64(field, v).map_err(|_| Error::invalid(field, expected, v))?;
    if timestamp_in_range(t) {
        return Ok(t);
    }
    let hint = if (1_000_000_000..10_000_000_000).contains(&t) {
        " (10 digits: that is seconds; multiply by 1000)"
    } else {
        ""
    };
    Err(Error::invalid_text(field, expected, &format!("{t}{hint}")))
}

impl HlRequest {
    /// The action and its checked fields.
    pub fn action(&self) -> &ActionData {
        &self.action
    }

    /// The nonce: the request's `timestamp` (ms), signed and sent.
    pub fn nonce(&self) -> u64 {
        self.nonce
    }

    /// When the venue will refuse the envelope: the earlier of `expires_after` and the end
    /// of the nonce window.
    pub fn expires_at(&self) -> u64 {
        let window = self.nonce.saturating_add(NONCE_WINDOW_MS);
        self.expires_after.map_or(window, |e| e.min(window))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn run(text: &str) -> Result<HlRequest> {
        Context::fixed(1_750_000_000_000, |ctx| parse(&Request::parse(text)?, ctx))
    }

    #[test]
    fn defaults_and_fields() {
        let r = run(r#"{"venue":"hyperliquid","action":"noop","transport":"ws"}"#).unwrap();
        assert_eq!(r.nonce, 1_750_000_000_000);
        assert_eq!(r.base, MAINNET_WS);
        assert_eq!(r.expires_at(), 1_750_000_000_000 + NONCE_WINDOW_MS);
        let r = run(r#"{"venue":"hyperliquid","action":"noop","environment":"testnet","timestamp":1750000000000,"expires_after":1750000060000,"vault_address":"0x1719884eb866cb12b2287399b15f7db5e7d775ea"}"#).unwrap();
        assert_eq!(r.base, TESTNET_REST);
        assert_eq!(r.environment.source(), "b");
        assert_eq!(r.expires_at(), 1_750_000_060_000);
        assert!(r.vault_address.is_some());
    }

    #[test]
    fn refusals() {
        for (req, code, field) in [
            (
                r#"{"venue":"hyperliquid","action":"modify","params":{}}"#,
                "request.unknown_action",
                "action",
            ),
            (
                r#"{"venue":"hyperliquid","action":"noop","environment":"devnet"}"#,
                "request.invalid",
                "environment",
            ),
            (
                r#"{"venue":"hyperliquid","action":"noop","vault_address":"0x1234"}"#,
                "request.invalid",
                "vault_address",
            ),
            (
                r#"{"venue":"hyperliquid","action":"noop","vault_address":1}"#,
                "request.invalid",
                "vault_address",
            ),
            (
                r#"{"venue":"hyperliquid","action":"noop","expires_after":1749999999000}"#,
                "request.invalid",
                "expires_after",
            ),
            (
                r#"{"venue":"hyperliquid","action":"noop","expires_after":1750000000}"#,
                "request.invalid",
                "expires_after",
            ),
            (
                r#"{"venue":"hyperliquid","action":"noop","wallet":"x"}"#,
                "request.unknown_field",
                "wallet",
            ),
            (
                r#"{"venue":"hyperliquid","action":"noop","id":1}"#,
                "request.invalid",
                "id",
            ),
            (
                r#"{"venue":"hyperliquid","action":"noop","transport":"ws","id":"1"}"#,
                "request.invalid",
                "id",
            ),
            (
                r#"{"venue":"hyperliquid","action":"noop","base_url":"wss://x.example"}"#,
                "request.invalid",
                "base_url",
            ),
        ] {
            let e = run(req).unwrap_err();
            assert_eq!(
                (e.code().as_str(), e.field()),
                (code, Some(field)),
                "{req}: {e}"
            );
        }
    }
}
