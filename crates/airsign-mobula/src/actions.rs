//! The Mobula actions airsign builds: the action table, each action's endpoint and body
//! fields, and the rules the keyring and the policy read.

use airsign_core::json;
use airsign_core::venue::{ActionInfo, REST_ONLY};
use airsign_core::{Request, Scheme, VenueRules};
use serde_json::Value;

/// The Mobula actions airsign builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// `cancel-order`.
    CancelOrder,
    /// `create-order`.
    CreateOrder,
    /// `close-position`.
    ClosePosition,
    /// `edit-order` (change TP/SL).
    EditOrder,
    /// `update-margin`.
    UpdateMargin,
    /// `withdraw`.
    Withdraw,
    /// `deposit`.
    Deposit,
    /// `create-account`.
    CreateAccount,
    /// `execute-v2`: executes a built payload, with its own signed message.
    ExecuteV2,
}

/// Every action.
const ALL: [Action; 9] = [
    Action::CancelOrder,
    Action::CreateOrder,
    Action::ClosePosition,
    Action::EditOrder,
    Action::UpdateMargin,
    Action::Withdraw,
    Action::Deposit,
    Action::CreateAccount,
    Action::ExecuteV2,
];

/// Every action.
pub const ACTIONS: &[Action] = &ALL;

/// Every action with its transports (all REST), as [`airsign_core::Venue::actions`]
/// gives them.
pub(crate) static INFO: [ActionInfo; ALL.len()] = {
    let mut out = [ActionInfo {
        name: "",
        transports: REST_ONLY,
    }; ALL.len()];
    let mut i = 0;
    while i < ALL.len() {
        out[i].name = ALL[i].name();
        i += 1;
    }
    out
};

/// What the keyring and the signing policy need to know of mobula: its key scheme, the
/// request fields a key may pin, and its cancel family (`cancel-order`, and `execute-v2`
/// only when its payload is a cancel-order).
pub const RULES: VenueRules = VenueRules {
    venue: "mobula",
    scheme: Scheme::Secp256k1,
    identity: &[],
    fields: &[],
    cancel_family,
};

/// Whether a request is in Mobula's cancel family, the only requests the default policy
/// signs: `cancel-order`, and an `execute-v2` whose `params.action` and whose built
/// payload (`params.payloadStr`) both say `cancel-order`. Every other builder (orders,
/// withdrawals, deposits, margin, accounts) signs only when the operator allows it.
pub fn cancel_family(req: &Request) -> bool {
    match req.action.as_str() {
        "cancel-order" => true,
        "execute-v2" => {
            let says_cancel = |v: Option<&Value>| v.and_then(Value::as_str) == Some("cancel-order");
            says_cancel(req.params.get("action"))
                && req
                    .params
                    .get("payloadStr")
                    .and_then(Value::as_str)
                    .and_then(|p| json::parse_object(p).ok())
                    .is_some_and(|payload| says_cancel(payload.get("action")))
        }
        _ => false,
    }
}

impl Action {
    /// The action name as requests (and the execute-v2 `action` field) spell it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::CancelOrder => "cancel-order",
            Self::CreateOrder => "create-order",
            Self::ClosePosition => "close-position",
            Self::EditOrder => "edit-order",
            Self::UpdateMargin => "update-margin",
            Self::Withdraw => "withdraw",
            Self::Deposit => "deposit",
            Self::CreateAccount => "create-account",
            Self::ExecuteV2 => "execute-v2",
        }
    }

    /// The action called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        ACTIONS.iter().copied().find(|a| a.name() == name)
    }

    /// The endpoint string that is signed: the URL path without its leading `/`.
    pub fn endpoint(self) -> String {
        match self {
            Self::ExecuteV2 => "api/2/perp/execute-v2".to_owned(),
            other => format!("api/2/perp/payloads/{}", other.name()),
        }
    }

    /// The body fields after `timestamp`/`signature`, in the canonical order
    /// (docs/venues/mobula.md, "Body"); for execute-v2 the whole body order.
    pub(crate) const fn fields(self) -> &'static [&'static str] {
        match self {
            Self::CancelOrder => &["dex", "chainId", "orderIndex", "marketId", "orderType"],
            Self::CreateOrder => &[
                "baseToken",
                "quote",
                "leverage",
                "long",
                "reduceOnly",
                "collateralAmount",
                "orderType",
                "openPrice",
                "tp",
                "sl",
                "amountRaw",
                "maxSlippageP",
                "chainIds",
                "dexes",
                "marginMode",
                "referrer",
                "marketId",
            ],
            Self::ClosePosition => &[
                "dex",
                "chainId",
                "marketId",
                "positionId",
                "closePercentage",
                "amountRaw",
                "params",
            ],
            Self::EditOrder => &["dex", "chainId", "marketId", "positionId", "newTp", "newSl"],
            Self::UpdateMargin => &[
                "dex",
                "chainId",
                "marketId",
                "positionId",
                "usdcAmount",
                "increase",
                "newLeverage",
            ],
            Self::Withdraw => &["dex", "chainId", "amountUsdc"],
            Self::Deposit => &["dex", "chainId", "originChainId", "amountUsdc"],
            Self::CreateAccount => &["dex", "chainId", "accountIndex", "apiKeyIndex"],
            Self::ExecuteV2 => &[
                "action",
                "dex",
                "chainId",
                "transport",
                "payloadStr",
                "timestamp",
                "signature",
                "marketId",
                "signedTx",
            ],
        }
    }
}

/// The names of every action, for "expected one of" messages.
pub(crate) fn names() -> Vec<&'static str> {
    ACTIONS.iter().map(|a| a.name()).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_table_lists_every_action_as_rest_only() {
        assert_eq!(INFO.len(), ACTIONS.len());
        for (info, a) in INFO.iter().zip(ACTIONS) {
            assert_eq!(info.name, a.name());
            assert_eq!(info.transports, REST_ONLY);
            assert_eq!(Action::from_name(a.name()), Some(*a));
        }
        assert_eq!(
            Action::CancelOrder.endpoint(),
            "api/2/perp/payloads/cancel-order"
        );
        assert_eq!(Action::ExecuteV2.endpoint(), "api/2/perp/execute-v2");
    }

    #[test]
    fn the_cancel_family() {
        let req = |text: &str| Request::parse(text).unwrap();
        assert!(cancel_family(&req(
            r#"{"venue":"mobula","action":"cancel-order","params":{}}"#
        )));
        assert!(!cancel_family(&req(
            r#"{"venue":"mobula","action":"withdraw","params":{}}"#
        )));
        let exec = |outer: &str, inner: &str| {
            let text = format!(
                r#"{{"venue":"mobula","action":"execute-v2","params":{{"action":"{outer}","payloadStr":"{{\"action\":\"{inner}\"}}"}}}}"#
            );
            cancel_family(&req(&text))
        };
        assert!(exec("cancel-order", "cancel-order"));
        assert!(!exec("cancel-order", "withdraw"));
        assert!(!exec("withdraw", "cancel-order"));
    }
}
