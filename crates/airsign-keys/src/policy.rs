//! The signing policy: what the operator allows a request to ask for.
//!
//! Requests come from the online side and are not trusted to choose. By default only
//! each venue's cancel family may be signed ([`VenueRules::cancel_family`]), no request
//! may send a signed request or a bearer token to a host of its own choosing
//! (`base_url`), and validity windows are bounded only by the venues' own rules. A
//! keyring's `policy` (and `--base-url`, with a key file or a keyring) widens exactly what
//! it names.

use std::collections::{BTreeMap, BTreeSet};

use airsign_core::{Error, ErrorCode, Request, Result};
use serde_json::Value;

pub use airsign_core::{VenueRules, every_action};

/// The operator's signing policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    allow_actions: BTreeMap<String, BTreeSet<String>>,
    any_action: bool,
    base_urls: Vec<String>,
    max_expiry_window_ms: Option<u64>,
}

impl Policy {
    /// The default policy: cancels only, no foreign hosts, no window bound of its own.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also allows `action` on `venue` (beyond its cancel family).
    pub fn allow_action(&mut self, venue: &str, action: &str) {
        self.allow_actions
            .entry(venue.to_owned())
            .or_default()
            .insert(action.to_owned());
    }

    /// Allows every action of every venue. Not reachable from a keyring file: for test
    /// harnesses that check signing, not policy (the reference vectors include non-cancel
    /// payload builders).
    #[doc(hidden)]
    pub fn allow_any_action(&mut self) {
        self.any_action = true;
    }

    /// Allows requests to send to `url` (checked like a request's `base_url`).
    pub fn allow_base_url(&mut self, url: &str) -> Result<()> {
        let url = airsign_core::check_base_url(url).map_err(|e| {
            Error::new(
                e.code(),
                Some("base_urls"),
                format!("an allowed base URL: {}", e.message()),
            )
        })?;
        if !self.base_urls.contains(&url) {
            self.base_urls.push(url);
        }
        Ok(())
    }

    /// Bounds every validity window a request asks for.
    pub fn set_max_expiry_window_ms(&mut self, ms: u64) {
        self.max_expiry_window_ms = Some(ms);
    }

    /// The allowed base URLs (normalised, without a trailing `/`).
    pub fn base_urls(&self) -> &[String] {
        &self.base_urls
    }

    /// The window bound, if any.
    pub fn max_expiry_window_ms(&self) -> Option<u64> {
        self.max_expiry_window_ms
    }

    /// Checks `req` against the policy: its action, its host, its windows. `now_ms` is
    /// the time a request without a `timestamp` will carry.
    pub fn check(&self, req: &Request, rules: &VenueRules, now_ms: u64) -> Result<()> {
        if !self.any_action
            && !(rules.cancel_family)(req)
            && !self
                .allow_actions
                .get(rules.venue)
                .is_some_and(|a| a.contains(&req.action))
        {
            return Err(denied(
                "action",
                format!(
                    "{} {:?} is not a cancel, and the operator's policy signs only cancels \
                     unless it names more: allow it in the keyring's \
                     policy.allow_actions.{} if this run should sign it",
                    rules.venue, req.action, rules.venue
                ),
            ));
        }
        if let Some(url) = &req.base_url
            && !self.base_urls.iter().any(|u| u == url)
        {
            return Err(denied(
                "base_url",
                format!(
                    "the operator has not allowed {} as a host: a request alone never \
                     redirects a signed request; list it in the keyring's policy.base_urls, \
                     or pass --base-url {}",
                    Value::from(url.as_str()),
                    url
                ),
            ));
        }
        if let Some(max) = self.max_expiry_window_ms {
            if let Some(w) = req.extra.get("expiry_window").and_then(Value::as_u64)
                && w > max
            {
                return Err(too_long("expiry_window", w, max));
            }
            if let Some(until) = req.extra.get("expires_after").and_then(Value::as_u64) {
                let at = req.timestamp.unwrap_or(now_ms);
                let w = until.saturating_sub(at);
                if w > max {
                    return Err(too_long("expires_after", w, max));
                }
            }
        }
        Ok(())
    }
}

fn denied(field: &str, message: String) -> Error {
    Error::new(ErrorCode::PolicyDenied, Some(field), message)
}

fn too_long(field: &str, window: u64, max: u64) -> Error {
    denied(
        field,
        format!(
            "expected a validity window of at most {max} ms (the keyring's \
             policy.max_expiry_window_ms); saw {window} ms"
        ),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::Scheme;

    fn mobula_cancel(r: &Request) -> bool {
        r.action == "cancel-order"
    }

    const RULES: VenueRules = VenueRules {
        venue: "mobula",
        scheme: Scheme::Secp256k1,
        identity: &[],
        fields: &[],
        cancel_family: mobula_cancel,
    };

    fn req(text: &str) -> Request {
        Request::parse(text).unwrap()
    }

    #[test]
    fn default_policy_signs_cancels_only() {
        let p = Policy::new();
        assert!(
            p.check(
                &req(r#"{"venue":"mobula","action":"cancel-order"}"#),
                &RULES,
                0
            )
            .is_ok()
        );
        let e = p
            .check(&req(r#"{"venue":"mobula","action":"withdraw"}"#), &RULES, 0)
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::PolicyDenied);
        assert!(e.message().contains("policy.allow_actions.mobula"), "{e}");
        let mut p = Policy::new();
        p.allow_action("mobula", "withdraw");
        assert!(
            p.check(&req(r#"{"venue":"mobula","action":"withdraw"}"#), &RULES, 0)
                .is_ok()
        );
    }

    #[test]
    fn base_urls_need_the_operator() {
        let r =
            req(r#"{"venue":"mobula","action":"cancel-order","base_url":"https://x.example/"}"#);
        let mut p = Policy::new();
        assert_eq!(
            p.check(&r, &RULES, 0).unwrap_err().code(),
            ErrorCode::PolicyDenied
        );
        p.allow_base_url("https://x.example").unwrap();
        assert!(p.check(&r, &RULES, 0).is_ok());
        assert!(p.allow_base_url("http://x.example").is_err());
    }

    #[test]
    fn windows_are_bounded() {
        let mut p = Policy::new();
        p.set_max_expiry_window_ms(1000);
        let ok = req(r#"{"venue":"mobula","action":"cancel-order","expiry_window":1000}"#);
        assert!(p.check(&ok, &RULES, 0).is_ok());
        let long = req(r#"{"venue":"mobula","action":"cancel-order","expiry_window":1001}"#);
        assert_eq!(
            p.check(&long, &RULES, 0).unwrap_err().field(),
            Some("expiry_window")
        );
        let until = req(
            r#"{"venue":"mobula","action":"cancel-order","timestamp":1700000000000,"expires_after":1700000002000}"#,
        );
        assert_eq!(
            p.check(&until, &RULES, 0).unwrap_err().field(),
            Some("expires_after")
        );
    }
}
