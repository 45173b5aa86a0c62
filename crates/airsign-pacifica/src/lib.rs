//! Pacifica (Solana perps): signed cancel requests.
//!
//! Every cancel Pacifica offers (`docs/venues/pacifica.md`, "Actions"): `cancel_order`,
//! `cancel_all_orders`, `cancel_stop_order`, `cancel_twap_order`, `cancel_order_strategy`
//! and cancels inside `batch_orders`, over REST and, where the venue documents it, over
//! WebSocket.
//!
//! The signed message (docs/venues/pacifica.md, "Signed bytes") is the recursively key-sorted compact JSON of
//! `{"data": <payload>, "expiry_window": <ms>, "timestamp": <ms>, "type": <op>}`, written
//! exactly as Python's `json.dumps(..., separators=(",", ":"))` (ASCII-only escapes), signed
//! with pure Ed25519 and carried in base58. [`signing_payload`] builds those bytes without a
//! key; [`build`] signs them and assembles the body, through the one pipeline every venue
//! shares ([`airsign_core::Venue`], implemented by [`Pacifica`]). In agent mode (`account` ≠ the signing
//! key) the body adds `agent_wallet`, which is never signed. `signature_type:
//! "hardware"` signs the Solana off-chain message v0 envelope around the same text.
//!
//! This crate does no I/O and never sees key bytes: it asks the keyring for a signer.
//!
//! # Example
//!
//! Sign a cancel with a public test key (seed = SHA-256 of `vector-key-1`; never fund it),
//! with the clock and ids pinned so the bytes are reproducible:
//!
//! ```
//! use airsign_core::{Context, Request};
//! use airsign_keys::{Key, Scheme, SecretBytes};
//!
//! let seed = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";
//! let keys = Key::from_bytes("key file", Scheme::Ed25519, SecretBytes::new(seed.as_bytes().to_vec()));
//! let req = Request::parse(
//!     r#"{"venue":"pacifica","action":"cancel_order","timestamp":1748970123456,
//!         "expiry_window":5000,"params":{"symbol":"BTC","order_id":42069}}"#,
//! )?;
//! let env = Context::fixed(1_748_970_123_456, |ctx| airsign_pacifica::build(&req, &keys, ctx))?;
//! assert_eq!(env.url, "https://api.pacifica.fi/api/v1/orders/cancel");
//! assert_eq!(env.signer.as_deref(), Some("vwYrjUyZbzW4ysgdveAQTKngA5XPTr8e6aqs2T4QhSj"));
//! assert_eq!(
//!     env.signed[0].message.as_deref(),
//!     Some(r#"{"data":{"order_id":42069,"symbol":"BTC"},"expiry_window":5000,"timestamp":1748970123456,"type":"cancel_order"}"#)
//! );
//! // The reference vector `co-oid-basic`.
//! assert_eq!(env.signed[0].signature, "5nGd1ZpAyuVFbSE3WX4NxE9zdGWL9mPDTvwjW1fptaKK8LtSfsSJrjb8icaEe4dD5FfAw7Bv6CdKpUxa9oaqi9BY");
//! assert_eq!(env.expires_at, Some(1_748_970_128_456));
//! # Ok::<(), airsign_core::Error>(())
//! ```
#![forbid(unsafe_code)]

use airsign_core::verify::{Verdict, VerifyOptions};
use airsign_core::{
    ActionInfo, Context, Drawn, Envelope, Payload, Proof, ReadBack, Request, Result, SignerId,
    Venue, VenueRules,
};
use airsign_keys::{Checker, Key, Keyring};

mod actions;
mod assemble;
mod fast;
mod payload;
mod read_back;
mod request;

pub use actions::{
    ACTION_INFO, ACTIONS, MAINNET_REST, MAINNET_WS, MAX_BATCH_ACTIONS, MAX_OFFCHAIN_LEN,
    MAX_SYMBOL_CHARS, Op, RULES, TESTNET_REST, TESTNET_WS,
};
pub use fast::{build_fast, parse_fast};
pub use payload::{offchain_envelope, payloads, signing_payload};
pub use read_back::{KNOWN_BASES, read_back};
pub use request::{Operation, PacificaRequest, SignatureType, parse};

/// Pacifica on the pipeline: the CLI's registry holds [`VENUE`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Pacifica;

/// The one Pacifica venue value.
pub static VENUE: Pacifica = Pacifica;

impl Venue for Pacifica {
    type Parsed = PacificaRequest;
    const FAST_PATH: bool = true;

    fn rules(&self) -> &'static VenueRules {
        &RULES
    }
    fn actions(&self) -> &'static [ActionInfo] {
        ACTION_INFO
    }
    fn parse(&self, req: &Request, ctx: &Context<'_>) -> Result<PacificaRequest> {
        parse(req, ctx)
    }
    fn parse_fast(&self, text: &str, ctx: &Context<'_>) -> Option<PacificaRequest> {
        parse_fast(text, ctx)
    }
    fn drawn(&self, p: &PacificaRequest) -> Drawn {
        Drawn {
            timestamp: Some(p.timestamp()),
            id: p.ws_id().map(serde_json::Value::from),
        }
    }
    fn payloads(&self, p: &PacificaRequest, _signer: &SignerId) -> Result<Vec<Payload>> {
        payloads(p)
    }
    fn assemble(
        &self,
        p: &PacificaRequest,
        signer: &SignerId,
        payloads: &[Payload],
        proofs: &[Proof],
    ) -> Result<Envelope> {
        assemble::assemble(p, signer, payloads, proofs)
    }
    fn read_back(&self, env: &Envelope, opts: &VerifyOptions) -> Result<ReadBack> {
        read_back(env, opts)
    }
    fn meaning(&self) -> &'static str {
        "each signature authorizes exactly one operation (its type and fields) until \
         timestamp + expiry_window, for the signing key's account or, for an agent key, the \
         account named in the body (not signed); it names no network, so a mainnet request \
         also verifies on the testnet host, and a batch's actions are signed one by one"
    }
}

/// Builds the signed envelope for a Pacifica request (the pipeline with `key` as prover).
pub fn build(req: &Request, key: &Key, ctx: &Context<'_>) -> Result<Envelope> {
    airsign_core::venue::build(&VENUE, req, key, ctx)
}

/// Verifies a Pacifica envelope offline: re-derives the request from the url and body,
/// requires its assembly with the body's signatures to equal `env` exactly, and checks
/// each signature against `agent_wallet` (agent mode) or `account`.
pub fn verify(env: &Envelope, opts: &VerifyOptions) -> Result<Verdict> {
    airsign_core::venue::verify(&VENUE, env, &Checker::new(&Keyring::empty()), opts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use airsign_core::ErrorCode;
    use airsign_keys::SecretBytes;
    use serde_json::{Map, Value};

    /// Test key 1 (seed = SHA-256 of "vector-key-1") and its address.
    const KEY1: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";
    const ADDR1: &str = "vwYrjUyZbzW4ysgdveAQTKngA5XPTr8e6aqs2T4QhSj";

    fn run(json: &str) -> Result<Envelope> {
        let keys = Key::from_bytes(
            "key file",
            airsign_keys::Scheme::Ed25519,
            SecretBytes::new(KEY1.as_bytes().to_vec()),
        );
        Context::fixed(1_748_970_123_456, |ctx| {
            build(&Request::parse(json)?, &keys, ctx)
        })
    }

    fn req(extra: &str, params: &str) -> String {
        format!(
            r#"{{"venue":"pacifica","action":"cancel_order","expiry_window":5000{extra},"params":{params}}}"#
        )
    }

    #[test]
    fn clock_and_ids_are_injected() {
        let env = run(&req(
            r#","transport":"ws""#,
            r#"{"symbol":"BTC","order_id":1}"#,
        ))
        .unwrap();
        assert_eq!(env.url, "wss://ws.pacifica.fi/ws");
        let body = env.body.unwrap();
        assert!(
            body.starts_with(
                r#"{"id":"00000000-0000-4000-8000-000000000001","params":{"cancel_order":{"#
            ),
            "{body}"
        );
        assert!(body.contains(r#""timestamp":1748970123456"#));
        assert_eq!(env.expires_at, Some(1_748_970_128_456));
    }

    #[test]
    fn environments_and_base_url() {
        let env = run(&req(
            r#","environment":"testnet""#,
            r#"{"symbol":"BTC","order_id":1}"#,
        ))
        .unwrap();
        assert_eq!(env.url, "https://test-api.pacifica.fi/api/v1/orders/cancel");
        let env = run(&req(
            r#","base_url":"https://proxy.example/""#,
            r#"{"symbol":"BTC","order_id":1}"#,
        ))
        .unwrap();
        assert_eq!(env.url, "https://proxy.example/api/v1/orders/cancel");
        let e = run(&req(
            r#","base_url":"wss://proxy.example""#,
            r#"{"symbol":"BTC","order_id":1}"#,
        ))
        .unwrap_err();
        assert_eq!(e.field(), Some("base_url"));
        let e = run(&req(
            r#","environment":"devnet""#,
            r#"{"symbol":"BTC","order_id":1}"#,
        ))
        .unwrap_err();
        assert_eq!(e.field(), Some("environment"));
    }

    #[test]
    fn account_equal_to_signer_is_not_agent_mode() {
        let env = run(&req(
            &format!(r#","account":"{ADDR1}""#),
            r#"{"symbol":"BTC","order_id":1}"#,
        ))
        .unwrap();
        assert!(!env.body.unwrap().contains("agent_wallet"));
    }

    #[test]
    fn refusals_name_the_field() {
        let cases = [
            (req("", r#"{"symbol":"BTC","order_id":1,"price":"1"}"#), "params.price", ErrorCode::RequestUnknownField),
            (req("", r#"{"symbol":"","order_id":1}"#), "params.symbol", ErrorCode::ParamsInvalid),
            (req("", r#"{"symbol":"BTC","order_id":null}"#), "params.order_id", ErrorCode::ParamsInvalid),
            (req(r#","id":"00000000-0000-4000-8000-000000000001""#, r#"{"symbol":"BTC","order_id":1}"#), "id", ErrorCode::RequestUnknownField),
            (req(r#","transport":"ws","id":42"#, r#"{"symbol":"BTC","order_id":1}"#), "id", ErrorCode::RequestInvalid),
            (req(r#","wallet":"x""#, r#"{"symbol":"BTC","order_id":1}"#), "wallet", ErrorCode::RequestUnknownField),
            (req(r#","signature_type":"ledger""#, r#"{"symbol":"BTC","order_id":1}"#), "signature_type", ErrorCode::RequestInvalid),
            (
                r#"{"venue":"pacifica","action":"cancel_stop_order","transport":"ws","expiry_window":1,"params":{"symbol":"BTC","order_id":1}}"#.to_owned(),
                "transport",
                ErrorCode::RequestUnsupportedTransport,
            ),
            (
                r#"{"venue":"pacifica","action":"batch_orders","expiry_window":1,"params":{"actions":[{"type":"Cancel","symbol":"BTC","order_id":1},{"type":"cancel","symbol":"BTC","order_id":1}]}}"#.to_owned(),
                "params.actions[1].type",
                ErrorCode::ParamsInvalid,
            ),
            (
                r#"{"venue":"pacifica","action":"batch_orders","expiry_window":1,"params":{"actions":[{"type":"Cancel","symbol":"BTC","order_id":1.5}]}}"#.to_owned(),
                "params.actions[0].order_id",
                ErrorCode::ParamsInvalid,
            ),
            (
                r#"{"venue":"pacifica","action":"batch_orders","expiry_window":1,"params":{"actions":[]}}"#.to_owned(),
                "params.actions",
                ErrorCode::ParamsInvalid,
            ),
            (
                r#"{"venue":"pacifica","action":"edit_order","expiry_window":1,"params":{}}"#.to_owned(),
                "action",
                ErrorCode::RequestUnknownAction,
            ),
        ];
        for (json, field, code) in cases {
            let e = run(&json).unwrap_err();
            assert_eq!(e.field(), Some(field), "{json}: {e}");
            assert_eq!(e.code(), code, "{json}: {e}");
        }
    }

    #[test]
    fn hardware_message_limit() {
        // A batch of ten long symbols stays within the limit per action; one oversized
        // message (a 64-char symbol is fine, so force it through the envelope directly).
        assert!(offchain_envelope(&"a".repeat(MAX_OFFCHAIN_LEN)).is_ok());
        assert!(offchain_envelope(&"a".repeat(MAX_OFFCHAIN_LEN + 1)).is_err());
        assert!(offchain_envelope("tab\there").is_err());
    }

    #[test]
    fn signing_payload_is_key_free_and_sorted() {
        let mut data = Map::new();
        data.insert("symbol".into(), Value::from("BTC"));
        data.insert("order_id".into(), Value::from(42069u64));
        let op = Operation {
            op: Op::CancelOrder,
            data,
        };
        assert_eq!(
            signing_payload(&op, 1748970123456, 5000).unwrap(),
            r#"{"data":{"order_id":42069,"symbol":"BTC"},"expiry_window":5000,"timestamp":1748970123456,"type":"cancel_order"}"#
        );
    }
}
