//! Ripio's actions, deployments, endpoints and limits.

use airsign_core::venue::{REST_AND_WS, REST_ONLY};
use airsign_core::{ActionInfo, Error, Result, Scheme, VenueRules, every_action};
use serde_json::Value;

/// The venue name in requests and envelopes.
pub const NAME: &str = "ripio";

/// The actions this crate signs.
pub const ACTIONS: &[&str] = &["cancel_order", "cancel_all_orders"];

/// Every action with its transports: `cancel_order` over REST and WebSocket,
/// `cancel_all_orders` over REST only.
pub const ACTION_INFO: &[ActionInfo] = &[
    ActionInfo {
        name: "cancel_order",
        transports: REST_AND_WS,
    },
    ActionInfo {
        name: "cancel_all_orders",
        transports: REST_ONLY,
    },
];

/// What the keyring and the signing policy need to know of ripio: its key scheme, the
/// request fields a key may pin, and its cancel family (both actions are cancels).
pub const RULES: VenueRules = VenueRules {
    venue: NAME,
    scheme: Scheme::Hmac,
    identity: &["api_token"],
    fields: EXTRA_FIELDS,
    cancel_family: every_action,
};

/// The venue-specific top-level request fields Ripio takes.
pub const EXTRA_FIELDS: &[&str] = &["api_token", "http_method", "timestamp_tolerance"];

/// The signature scheme named in the envelope's `signed` list.
pub const SCHEME: &str = "hmac-sha256";

/// The WebSocket JSON-RPC-like method of a cancel.
pub const WS_METHOD: &str = "order.cancel";

/// Largest `timestamp-tolerance` Ripio accepts, in ms (docs/venues/ripio.md, "Signed bytes").
pub const MAX_TIMESTAMP_TOLERANCE_MS: u64 = 60_000;

/// The validity window Ripio applies after `timestamp` when no tolerance is sent, in ms.
pub const DEFAULT_TIMESTAMP_TOLERANCE_MS: u64 = 5_000;

/// Longest `external_id` accepted (toolkit policy, docs/venues/ripio.md, "Conservative choices").
pub const MAX_EXTERNAL_ID_LEN: usize = 64;

/// Longest WebSocket request id accepted (toolkit policy).
pub const MAX_REQUEST_ID_LEN: usize = 128;

/// A Ripio deployment (`environment`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Environment {
    /// `https://api.ripio.com` with the `/trade` prefix; WebSocket `wss://ws-api.ripio.com`.
    Production,
    /// `https://api.ripiotrade.co` with the `/v4` prefix; REST only (its WebSocket host
    /// serves market data, not trading).
    Legacy,
}

impl Environment {
    /// Every deployment, production first.
    pub const ALL: [Self; 2] = [Self::Production, Self::Legacy];

    /// Parses `environment`; absent means production.
    pub fn parse(name: Option<&str>) -> Result<Self> {
        match name {
            None | Some("production") => Ok(Self::Production),
            Some("legacy") => Ok(Self::Legacy),
            Some(other) => Err(Error::invalid(
                "environment",
                "\"production\" (api.ripio.com, the default) or \"legacy\" (api.ripiotrade.co/v4)",
                &Value::from(other),
            )),
        }
    }

    /// The name requests give it (`production`, `legacy`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Production => "production",
            Self::Legacy => "legacy",
        }
    }

    /// The REST host, without a trailing `/`.
    pub const fn rest_host(self) -> &'static str {
        match self {
            Self::Production => "https://api.ripio.com",
            Self::Legacy => "https://api.ripiotrade.co",
        }
    }

    /// The REST path prefix that is part of the signed path.
    pub const fn rest_prefix(self) -> &'static str {
        match self {
            Self::Production => "/trade",
            Self::Legacy => "/v4",
        }
    }

    /// The WebSocket trading endpoint, if the deployment has one.
    pub const fn ws_url(self) -> Option<&'static str> {
        match self {
            Self::Production => Some("wss://ws-api.ripio.com"),
            Self::Legacy => None,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use airsign_core::ErrorCode;

    #[test]
    fn every_action_is_listed_with_its_transports() {
        let names: Vec<&str> = ACTION_INFO.iter().map(|a| a.name).collect();
        assert_eq!(names, ACTIONS);
        assert_eq!(ACTION_INFO[1].transports, REST_ONLY);
    }

    #[test]
    fn environments_parse_by_name() {
        for e in Environment::ALL {
            assert_eq!(Environment::parse(Some(e.as_str())).unwrap(), e);
        }
        assert_eq!(Environment::parse(None).unwrap(), Environment::Production);
        let e = Environment::parse(Some("mainnet")).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::RequestInvalid, Some("environment"))
        );
        assert_eq!(Environment::Legacy.ws_url(), None);
    }
}
