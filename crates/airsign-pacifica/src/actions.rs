//! Pacifica's actions, endpoints and limits.

use airsign_core::ActionInfo;
use airsign_core::venue::{REST_AND_WS, REST_ONLY};

/// Mainnet REST base URL.
pub const MAINNET_REST: &str = "https://api.pacifica.fi";
/// Mainnet WebSocket host.
pub const MAINNET_WS: &str = "wss://ws.pacifica.fi";
/// Testnet REST base URL.
pub const TESTNET_REST: &str = "https://test-api.pacifica.fi";
/// Testnet WebSocket host.
pub const TESTNET_WS: &str = "wss://test-ws.pacifica.fi";

/// Most actions in one batch (the venue's documented batch limit).
pub const MAX_BATCH_ACTIONS: usize = 10;
/// Longest message a Ledger signs in the off-chain format.
pub const MAX_OFFCHAIN_LEN: usize = 1212;
/// Longest symbol accepted: real ones are under 20 characters; this only stops nonsense.
pub const MAX_SYMBOL_CHARS: usize = 64;

/// The actions this venue offers, as named in requests.
pub const ACTIONS: &[&str] = &[
    "cancel_order",
    "cancel_all_orders",
    "cancel_stop_order",
    "cancel_twap_order",
    "cancel_order_strategy",
    "batch_orders",
];

/// What the keyring and the signing policy need to know of pacifica: its key scheme, the
/// request fields a key may pin, and its cancel family (every action is a cancel (`batch_orders` carries only cancels)).
pub const RULES: airsign_keys::VenueRules = airsign_keys::VenueRules {
    venue: "pacifica",
    scheme: airsign_keys::Scheme::Ed25519,
    identity: &["account"],
    fields: &["expiry_window", "account", "signature_type"],
    cancel_family: airsign_keys::every_action,
};

/// Every action with its transports.
pub const ACTION_INFO: &[ActionInfo] = &[
    ActionInfo {
        name: "cancel_order",
        transports: REST_AND_WS,
    },
    ActionInfo {
        name: "cancel_all_orders",
        transports: REST_AND_WS,
    },
    ActionInfo {
        name: "cancel_stop_order",
        transports: REST_ONLY,
    },
    ActionInfo {
        name: "cancel_twap_order",
        transports: REST_ONLY,
    },
    ActionInfo {
        name: "cancel_order_strategy",
        transports: REST_ONLY,
    },
    ActionInfo {
        name: "batch_orders",
        transports: REST_AND_WS,
    },
];

/// One signable Pacifica operation (the `type` in the signed header).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Op {
    /// `cancel_order`
    CancelOrder,
    /// `cancel_all_orders`
    CancelAllOrders,
    /// `cancel_stop_order`
    CancelStopOrder,
    /// `cancel_twap_order`
    CancelTwapOrder,
    /// `cancel_order_strategy` (newer docs only)
    CancelOrderStrategy,
}

impl Op {
    /// The op type string that is signed.
    pub const fn type_name(self) -> &'static str {
        match self {
            Self::CancelOrder => "cancel_order",
            Self::CancelAllOrders => "cancel_all_orders",
            Self::CancelStopOrder => "cancel_stop_order",
            Self::CancelTwapOrder => "cancel_twap_order",
            Self::CancelOrderStrategy => "cancel_order_strategy",
        }
    }

    /// The REST path, relative to the host.
    pub const fn rest_path(self) -> &'static str {
        match self {
            Self::CancelOrder => "/api/v1/orders/cancel",
            Self::CancelAllOrders => "/api/v1/orders/cancel_all",
            Self::CancelStopOrder => "/api/v1/orders/stop/cancel",
            Self::CancelTwapOrder => "/api/v1/orders/twap/cancel",
            Self::CancelOrderStrategy => "/api/v1/order_strategies/cancel",
        }
    }

    /// Whether the venue documents a WebSocket method for it (only these two).
    pub const fn has_ws(self) -> bool {
        matches!(self, Self::CancelOrder | Self::CancelAllOrders)
    }

    /// The batch action `type` that carries this op, if it may appear in a batch.
    pub const fn batch_type(self) -> Option<&'static str> {
        match self {
            Self::CancelOrder => Some("Cancel"),
            Self::CancelStopOrder => Some("CancelStopOrder"),
            _ => None,
        }
    }

    pub(crate) fn from_action(a: &str) -> Option<Self> {
        Some(match a {
            "cancel_order" => Self::CancelOrder,
            "cancel_all_orders" => Self::CancelAllOrders,
            "cancel_stop_order" => Self::CancelStopOrder,
            "cancel_twap_order" => Self::CancelTwapOrder,
            "cancel_order_strategy" => Self::CancelOrderStrategy,
            _ => return None,
        })
    }

    pub(crate) fn from_batch_type(t: &str) -> Option<Self> {
        match t {
            "Cancel" => Some(Self::CancelOrder),
            "CancelStopOrder" => Some(Self::CancelStopOrder),
            _ => None,
        }
    }
}
