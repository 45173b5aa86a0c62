//! The typed Mobula request and [`parse`], which checks every field and draws the
//! timestamp.

use airsign_core::validate::Fields;
use airsign_core::{Context, Error, Request, Result, Transport};
use serde_json::Value;

use crate::actions::{self, Action};
use crate::{DEMO_BASE, PRODUCTION_BASE, checks};

/// A parsed, validated Mobula request: everything but the signature.
#[derive(Debug, Clone, PartialEq)]
pub struct MobulaRequest {
    /// The action.
    pub(crate) action: Action,
    /// `https://host` (from `environment` or `base_url`).
    pub(crate) base: String,
    /// Milliseconds since the epoch, signed and sent in the body.
    pub(crate) timestamp: u64,
    /// The checked action fields, in canonical body order (absent optionals left out).
    pub(crate) fields: Vec<(&'static str, Value)>,
    /// execute-v2 only: the server-built payload string that the message covers.
    pub(crate) payload_str: Option<String>,
}

impl MobulaRequest {
    /// The action.
    pub fn action(&self) -> Action {
        self.action
    }

    /// Milliseconds since the epoch, signed and sent in the body.
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }
}

/// Parses and checks a Mobula request (every rule of docs/venues/mobula.md, "Request fields").
pub fn parse(req: &Request, ctx: &Context<'_>) -> Result<MobulaRequest> {
    req.allow_extra(crate::RULES.fields)?;
    let action =
        Action::from_name(&req.action).ok_or_else(|| req.unknown_action(&actions::names()))?;
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
    let payload_str = checks::check(action, &f)?;
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testing::run;
    use airsign_core::ErrorCode;

    #[test]
    fn top_level_rules() {
        let e = run(r#"{"venue":"mobula","action":"cancel-order","transport":"ws","params":{}}"#)
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::RequestUnsupportedTransport);
        let e = run(r#"{"venue":"mobula","action":"cancel-order","wallet":"0x","params":{}}"#)
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::RequestUnknownField);
        let e =
            run(r#"{"venue":"mobula","action":"cancel-order","id":1,"params":{}}"#).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::RequestUnknownField, Some("id"))
        );
        let e = run(r#"{"venue":"mobula","action":"cancel","params":{}}"#).unwrap_err();
        assert_eq!(e.code(), ErrorCode::RequestUnknownAction);
        for (extra, field) in [
            (r#""environment":"staging","#, "environment"),
            (r#""base_url":"http://x.example","#, "base_url"),
        ] {
            let text =
                format!(r#"{{"venue":"mobula","action":"cancel-order",{extra}"params":{{}}}}"#);
            assert_eq!(run(&text).unwrap_err().field(), Some(field), "{text}");
        }
    }

    #[test]
    fn environments_choose_the_host() {
        let text = r#"{"venue":"mobula","action":"withdraw","environment":"demo","params":{"dex":"lighter","chainId":"l","amountUsdc":"5"}}"#;
        let p =
            Context::fixed(1_735_686_300_000, |ctx| parse(&Request::parse(text)?, ctx)).unwrap();
        assert_eq!(p.base, DEMO_BASE);
        assert_eq!(p.action(), Action::Withdraw);
        assert_eq!(p.timestamp(), 1_735_686_300_000);
        assert_eq!(p.payload_str, None);
        assert_eq!(
            p.fields,
            [
                ("dex", Value::from("lighter")),
                ("chainId", Value::from("l")),
                ("amountUsdc", Value::from("5"))
            ]
        );
    }
}
