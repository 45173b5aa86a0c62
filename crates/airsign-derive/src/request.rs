//! The typed Derive request and [`parse`], which checks every field and draws the
//! timestamp and the id.

use airsign_core::json;
use airsign_core::validate::{Fields, is_canonical_uuid, value_i64, value_u64};
use airsign_core::{Context, Error, Request, Result, Transport};
use airsign_keys::eth::Address;
use serde_json::{Map, Value};

use crate::actions::{self, Action, Ty};
use crate::{MAINNET_HOST, TESTNET_HOST};

/// A Derive deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Environment {
    /// `api.derive.xyz` (the default).
    Mainnet,
    /// `testnet.api.derive.xyz`.
    Testnet,
}

/// A parsed, validated Derive request: everything but the signature.
#[derive(Debug, Clone, PartialEq)]
pub struct DeriveRequest {
    /// The method.
    pub(crate) action: Action,
    /// `rest` or `ws`.
    pub(crate) transport: Transport,
    /// `https://host` or `wss://host` (from `environment` or `base_url`), no path.
    pub(crate) base: String,
    /// The owner wallet for the auth headers / login; `None` = the signer's own address.
    pub(crate) wallet: Option<Address>,
    /// Milliseconds since the epoch: the signed message.
    pub(crate) timestamp: u64,
    /// The params object, checked, in the caller's order, `null`s kept.
    pub(crate) params: Map<String, Value>,
    /// The JSON-RPC id for the WebSocket frame.
    pub(crate) id: Value,
}

impl DeriveRequest {
    /// The method.
    pub fn action(&self) -> Action {
        self.action
    }

    /// `rest` or `ws`.
    pub fn transport(&self) -> Transport {
        self.transport
    }

    /// Milliseconds since the epoch: the signed message.
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }
}

/// Parses and checks a request for Derive; takes the time and a fresh id from `ctx` when
/// the request has none.
pub fn parse(req: &Request, ctx: &Context<'_>) -> Result<DeriveRequest> {
    req.allow_extra(crate::RULES.fields)?;
    let action =
        Action::from_name(&req.action).ok_or_else(|| req.unknown_action(&actions::names()))?;
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testing::run;
    use airsign_core::ErrorCode;

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
        let p = Context::fixed(1_700_000_000_000, |ctx| {
            parse(
                &Request::parse(r#"{"venue":"derive","action":"set_cancel_on_disconnect","transport":"ws","params":{}}"#)?,
                ctx,
            )
        })
        .unwrap();
        assert_eq!(p.id, Value::from(1));
        assert_eq!(p.timestamp(), 1_700_000_000_000);
        assert_eq!(p.transport(), Transport::Ws);
        assert_eq!(p.action(), Action::SetCancelOnDisconnect);
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
    fn a_request_error_comes_before_a_key_error() {
        // An ed25519 key for a Derive request: the bad param is reported, not the key.
        let key = airsign_keys::Key::from_bytes(
            "key file",
            airsign_keys::Scheme::Ed25519,
            airsign_keys::SecretBytes::new(crate::testing::KEY1.as_bytes().to_vec()),
        );
        let build = |text: &str| {
            Context::fixed(1_700_000_000_000, |ctx| {
                crate::build(&Request::parse(text)?, &key, ctx)
            })
        };
        let e = build(r#"{"venue":"derive","action":"cancel_all","params":{"subaccount_id":-1}}"#)
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::ParamsInvalid);
        let e = build(r#"{"venue":"derive","action":"cancel_all","params":{"subaccount_id":1}}"#)
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeySchemeMismatch);
    }
}
