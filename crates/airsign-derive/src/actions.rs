//! Derive's cancel methods: the action table, each method's transports and params, and
//! the rules the keyring and the policy read.

use airsign_core::venue::{ActionInfo, REST_AND_WS, WS_ONLY};
use airsign_core::{Scheme, Transport, VenueRules, every_action};

/// The cancel methods of Derive v3 (the JSON-RPC method is `private/<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// `private/cancel`: one order by id.
    Cancel,
    /// `private/cancel_by_label`.
    CancelByLabel,
    /// `private/cancel_by_nonce`.
    CancelByNonce,
    /// `private/cancel_by_instrument`.
    CancelByInstrument,
    /// `private/cancel_all`.
    CancelAll,
    /// `private/cancel_trigger_order`.
    CancelTriggerOrder,
    /// `private/cancel_all_trigger_orders`.
    CancelAllTriggerOrders,
    /// `private/cancel_algo_order`.
    CancelAlgoOrder,
    /// `private/cancel_all_algo_orders`.
    CancelAllAlgoOrders,
    /// `private/cancel_quote`.
    CancelQuote,
    /// `private/cancel_batch_quotes`.
    CancelBatchQuotes,
    /// `private/cancel_rfq`.
    CancelRfq,
    /// `private/cancel_batch_rfqs`.
    CancelBatchRfqs,
    /// `private/set_cancel_on_disconnect` (WebSocket only).
    SetCancelOnDisconnect,
}

/// Every action, in the order docs/venues/derive.md lists them.
const ALL: [Action; 14] = [
    Action::Cancel,
    Action::CancelByLabel,
    Action::CancelByNonce,
    Action::CancelByInstrument,
    Action::CancelAll,
    Action::CancelTriggerOrder,
    Action::CancelAllTriggerOrders,
    Action::CancelAlgoOrder,
    Action::CancelAllAlgoOrders,
    Action::CancelQuote,
    Action::CancelBatchQuotes,
    Action::CancelRfq,
    Action::CancelBatchRfqs,
    Action::SetCancelOnDisconnect,
];

/// Every action, in the order docs/venues/derive.md lists them.
pub const ACTIONS: &[Action] = &ALL;

/// Every action with its transports, as [`airsign_core::Venue::actions`] gives them.
pub(crate) static INFO: [ActionInfo; ALL.len()] = {
    let mut out = [ActionInfo {
        name: "",
        transports: &[],
    }; ALL.len()];
    let mut i = 0;
    while i < ALL.len() {
        out[i] = ActionInfo {
            name: ALL[i].name(),
            transports: ALL[i].transports(),
        };
        i += 1;
    }
    out
};

/// What the keyring and the signing policy need to know of derive: its key scheme, the
/// request fields a key may pin, and its cancel family (every action is a cancel or
/// `set_cancel_on_disconnect`).
pub const RULES: VenueRules = VenueRules {
    venue: "derive",
    scheme: Scheme::Secp256k1,
    identity: &["wallet"],
    fields: &["wallet"],
    cancel_family: every_action,
};

/// The JSON type a param must have (v3 OpenAPI, docs/venues/derive.md, "Request fields").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    /// `integer<int64>`; negative values are refused (no id or nonce is negative).
    I64,
    /// `integer<uint64>`.
    U64,
    /// `string<uuid>`, canonical lowercase 8-4-4-4-12.
    Uuid,
    /// A non-empty string.
    Str,
    /// `boolean`.
    Bool,
    /// An EVM address (EIP-55 rules as for `wallet`).
    Address,
}

impl Ty {
    /// What a value of this type looks like, for error messages.
    pub(crate) fn expected(self) -> &'static str {
        match self {
            Ty::I64 => {
                "a non-negative JSON integer that fits in int64 (at most 9223372036854775807)"
            }
            Ty::U64 => {
                "a non-negative JSON integer that fits in uint64 (at most 18446744073709551615)"
            }
            Ty::Uuid => "a UUID string in canonical lowercase 8-4-4-4-12 form",
            Ty::Str => "a non-empty string",
            Ty::Bool => "true or false",
            Ty::Address => "an address string (0x + 40 hex digits)",
        }
    }
}

/// One param of a method: name, type, required (required params may not be `null`;
/// optional ones may be absent or `null`).
pub(crate) type Param = (&'static str, Ty, bool);

impl Action {
    /// The action name as requests spell it (`cancel_quote`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Cancel => "cancel",
            Self::CancelByLabel => "cancel_by_label",
            Self::CancelByNonce => "cancel_by_nonce",
            Self::CancelByInstrument => "cancel_by_instrument",
            Self::CancelAll => "cancel_all",
            Self::CancelTriggerOrder => "cancel_trigger_order",
            Self::CancelAllTriggerOrders => "cancel_all_trigger_orders",
            Self::CancelAlgoOrder => "cancel_algo_order",
            Self::CancelAllAlgoOrders => "cancel_all_algo_orders",
            Self::CancelQuote => "cancel_quote",
            Self::CancelBatchQuotes => "cancel_batch_quotes",
            Self::CancelRfq => "cancel_rfq",
            Self::CancelBatchRfqs => "cancel_batch_rfqs",
            Self::SetCancelOnDisconnect => "set_cancel_on_disconnect",
        }
    }

    /// The JSON-RPC method, `private/<name>`.
    pub fn method(self) -> String {
        format!("private/{}", self.name())
    }

    /// The action named `name`, if Derive has it.
    pub fn from_name(name: &str) -> Option<Self> {
        ACTIONS.iter().copied().find(|a| a.name() == name)
    }

    /// The transports the method is offered over.
    pub const fn transports(self) -> &'static [Transport] {
        match self {
            Self::SetCancelOnDisconnect => WS_ONLY,
            _ => REST_AND_WS,
        }
    }

    /// The method's params. Orderbook methods take `int64` subaccount ids, RFQ methods
    /// `uint64` (the OpenAPI says so; the vectors follow it literally).
    pub(crate) fn params(self) -> &'static [Param] {
        use Ty::*;
        match self {
            Self::Cancel => &[
                ("instrument_name", Str, true),
                ("order_id", Uuid, true),
                ("subaccount_id", I64, true),
            ],
            Self::CancelByLabel => &[
                ("label", Str, true),
                ("subaccount_id", I64, true),
                ("instrument_name", Str, false),
            ],
            Self::CancelByNonce => &[
                ("instrument_name", Str, true),
                ("nonce", I64, true),
                ("subaccount_id", I64, true),
            ],
            Self::CancelByInstrument => {
                &[("instrument_name", Str, true), ("subaccount_id", I64, true)]
            }
            Self::CancelAll => &[
                ("subaccount_id", I64, true),
                ("cancel_trigger_orders", Bool, false),
                ("cancel_algo_orders", Bool, false),
            ],
            Self::CancelTriggerOrder | Self::CancelAlgoOrder => {
                &[("order_id", Uuid, true), ("subaccount_id", I64, true)]
            }
            Self::CancelAllTriggerOrders | Self::CancelAllAlgoOrders => {
                &[("subaccount_id", I64, true)]
            }
            Self::CancelQuote => &[
                ("quote_id", Uuid, true),
                ("subaccount_id", U64, true),
                ("rfq_id", Uuid, false),
                ("label", Str, false),
                ("nonce", I64, false),
            ],
            Self::CancelBatchQuotes => &[
                ("subaccount_id", U64, true),
                ("quote_id", Uuid, false),
                ("rfq_id", Uuid, false),
                ("label", Str, false),
                ("nonce", I64, false),
            ],
            Self::CancelRfq => &[("rfq_id", Uuid, true), ("subaccount_id", U64, true)],
            Self::CancelBatchRfqs => &[
                ("subaccount_id", U64, true),
                ("rfq_id", Uuid, false),
                ("label", Str, false),
                ("nonce", I64, false),
            ],
            Self::SetCancelOnDisconnect => &[("enabled", Bool, false), ("wallet", Address, false)],
        }
    }
}

/// The names of every action, for "expected one of" messages.
pub(crate) fn names() -> Vec<&'static str> {
    ACTIONS.iter().map(|a| a.name()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_every_action_with_its_transports() {
        assert_eq!(INFO.len(), ACTIONS.len());
        for (info, a) in INFO.iter().zip(ACTIONS) {
            assert_eq!(info.name, a.name());
            assert_eq!(info.transports, a.transports());
            assert_eq!(Action::from_name(a.name()), Some(*a));
        }
        assert_eq!(Action::SetCancelOnDisconnect.transports(), &[Transport::Ws]);
        assert_eq!(Action::Cancel.method(), "private/cancel");
        assert_eq!(Action::from_name("private/cancel"), None);
    }
}
