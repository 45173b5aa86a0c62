//! A Layer1 request: the deployment and the conversion id, checked into a
//! [`CancelConversion`].

use airsign_core::validate::{Fields, is_uuid};
use airsign_core::{Context, Error, ErrorCode, Request, Result, Transport};
use serde_json::Value;

use crate::{ACTIONS, CONVERSIONS_PATH, NAME};

/// A Layer1 deployment (`environment`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Environment {
    /// `https://api.layer1.com` (the default; the host is inferred, docs/venues/layer1.md).
    Production,
    /// `https://api.staging.layer1.com` (the host every trade reference page uses).
    Staging,
    /// `https://api.sandbox.layer1.com`.
    Sandbox,
}

impl Environment {
    /// Every deployment, production first.
    pub const ALL: [Self; 3] = [Self::Production, Self::Staging, Self::Sandbox];

    /// Parses `environment`; absent means production.
    pub fn parse(name: Option<&str>) -> Result<Self> {
        match name {
            None | Some("production") => Ok(Self::Production),
            Some("staging") => Ok(Self::Staging),
            Some("sandbox") => Ok(Self::Sandbox),
            Some(other) => Err(Error::invalid(
                "environment",
                "\"production\" (the default), \"staging\" or \"sandbox\", or a base_url \
                 for a customer-hosted deployment (unknown_environment)",
                &Value::from(other),
            )),
        }
    }

    /// The API host, without a trailing `/`.
    pub const fn host(self) -> &'static str {
        match self {
            Self::Production => "https://api.layer1.com",
            Self::Staging => "https://api.staging.layer1.com",
            Self::Sandbox => "https://api.sandbox.layer1.com",
        }
    }
}

/// A validated `cancel_conversion` (the venue's [`airsign_core::Venue::Parsed`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelConversion {
    /// The API base: the environment's host or `base_url` (which may carry a path prefix
    /// for a customer-hosted deployment), without a trailing `/`.
    pub(crate) base: String,
    /// The conversion id: a UUID, case kept as given.
    pub(crate) conversion_id: String,
    /// The request's time (`timestamp`, else the clock), ms: the token must outlive it.
    pub(crate) at_ms: u64,
    /// Whether `at_ms` came from the clock (the request had no `timestamp`).
    pub(crate) at_drawn: bool,
}

impl CancelConversion {
    /// `<base>/trade/v1/conversions/<id>`. Pure and key-free.
    pub fn url(&self) -> String {
        format!("{}{CONVERSIONS_PATH}{}", self.base, self.conversion_id)
    }

    /// The request's time (ms): the bearer token must not have expired by then.
    pub fn at_ms(&self) -> u64 {
        self.at_ms
    }
}

/// Validates `req`: action `cancel_conversion` over REST, no Layer1-foreign fields, a
/// known environment or an `https://` base URL, and `params.conversion_id` a UUID. The
/// request's time is its `timestamp`, else the clock's.
pub(crate) fn parse(req: &Request, ctx: &Context<'_>) -> Result<CancelConversion> {
    if req.venue != NAME {
        return Err(Error::invalid(
            "venue",
            "\"layer1\"",
            &Value::from(req.venue.as_str()),
        ));
    }
    req.allow_extra(crate::RULES.fields)?;
    if req.action != "cancel_conversion" {
        return Err(req.unknown_action(ACTIONS));
    }
    req.require_transport(&[Transport::Rest])?;
    if req.id.is_some() {
        return Err(Error::new(
            ErrorCode::RequestUnknownField,
            Some("id"),
            "a Layer1 REST request carries no request id",
        ));
    }
    let environment = Environment::parse(req.environment.as_deref())?;
    let base = match &req.base_url {
        None => environment.host().to_owned(),
        Some(u) if u.starts_with("https://") => u.clone(),
        Some(u) => {
            return Err(Error::invalid(
                "base_url",
                "an https:// URL (Layer1's API is HTTPS only)",
                &Value::from(u.as_str()),
            ));
        }
    };
    let params = Fields::new(&req.params, "params", &["conversion_id"])?;
    let id = match params.get("conversion_id") {
        None => {
            return Err(params.missing(
                "conversion_id",
                "the conversion's UUID (missing_conversion_id)",
            ));
        }
        Some(Value::String(s)) if is_uuid(s) => s.clone(),
        // A UUID check, not an escape: the id is interpolated into the path, and
        // `../estimate` or `x?y` must never reach it.
        Some(v) => {
            return Err(params.invalid(
                "conversion_id",
                "a UUID in 8-4-4-4-12 hex form, any case (invalid_conversion_id_uuid)",
                v,
            ));
        }
    };
    Ok(CancelConversion {
        base,
        conversion_id: id,
        at_ms: req.timestamp_or_now(ctx)?,
        at_drawn: req.timestamp.is_none(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testing::{ID, req};

    fn run(text: &str, now: u64) -> Result<CancelConversion> {
        Context::fixed(now, |ctx| parse(&Request::parse(text)?, ctx))
    }

    #[test]
    fn the_url_and_the_time() {
        let c = run(&req(r#","environment":"sandbox""#), 1_700_000_000_000).unwrap();
        assert_eq!(
            c.url(),
            format!("https://api.sandbox.layer1.com/trade/v1/conversions/{ID}")
        );
        assert_eq!((c.at_ms(), c.at_drawn), (1_700_000_000_000, true));
        // A fixed timestamp is the request's time, whatever the clock says.
        let c = run(&req(r#","timestamp":1700000000123"#), 1_600_000_000_000).unwrap();
        assert_eq!((c.at_ms(), c.at_drawn), (1_700_000_000_123, false));
        // A clock out of range is refused as the timestamp.
        let e = run(&req(""), 0).unwrap_err();
        assert_eq!(e.field(), Some("timestamp"));
        for (name, e) in [
            (None, Environment::Production),
            (Some("production"), Environment::Production),
            (Some("staging"), Environment::Staging),
            (Some("sandbox"), Environment::Sandbox),
        ] {
            assert_eq!(Environment::parse(name).unwrap(), e);
            assert!(Environment::ALL.contains(&e));
        }
    }
}
