//! Hyperliquid cancel actions: `cancel`, `cancelByCloid`, `scheduleCancel` (the venue's
//! dead man's switch), `twapCancel` and `noop`.
//!
//! Every one is an "L1 action", signed the way the official Python SDK's
//! `sign_l1_action` signs it (`hyperliquid-python-sdk`, `hyperliquid/utils/signing.py`):
//!
//! 1. the action object is written as MessagePack in the venue's own field order
//!    ([`msgpack`], [`action`]), whatever order the request gave;
//! 2. the nonce (the request's `timestamp`, 8 bytes big-endian), a vault flag byte (and
//!    the 20 vault address bytes) and, when given, `0x00` + `expires_after` (8 bytes
//!    big-endian) are appended, and the Keccak-256 of it all is the *connection id*;
//! 3. the key signs the EIP-712 digest of `Agent{string source, bytes32 connectionId}` in
//!    the domain `Exchange` / `1` / chain 1337 / `0x0`, `source` `"a"` on mainnet and
//!    `"b"` on testnet ([`payload`]).
//!
//! The body is what the SDK posts to `/exchange` (`action`, `nonce`, `signature` with `r`
//! and `s` as hex integers without leading zeros, `vaultAddress`, `expiresAfter`), or the
//! same payload inside a WebSocket `post` frame. The envelope's `signed` entry (scheme
//! `eip712`) shows every step — the action JSON, its MessagePack, the connection id, the
//! digest — so an auditor, or a hardware signer in two-phase signing, can see exactly
//! what is signed. Assets are integer indices only: a coin name needs market data an
//! offline host does not have. This crate does no I/O and never sees key bytes.
//!
//! The venue is [`VENUE`], an [`airsign_core::Venue`]: `parse` checks the request
//! ([`request`]; the plainest cancels also through a fast parse of their text),
//! `payloads` gives the one EIP-712 payload `0x19 0x01 ‖ domain ‖ struct` ([`payload`]),
//! `assemble` writes the body around the signature a prover made over it, and
//! `read_back` reads an envelope's request, signer and signature for `verify`. [`build`],
//! [`build_fast`] and [`verify`] are the generic pipeline over it.
//!
//! ```
//! use airsign_core::{Context, Request};
//! use airsign_keys::{Key, Scheme, SecretBytes};
//!
//! // A public test key (never use it for funds).
//! let key = "a655ac2ac50b40f3e43c0254b7f8dbb89cbc2f91279154a7d17ab95b3824ea69";
//! let keys = Key::from_bytes("key file", Scheme::Secp256k1, SecretBytes::new(key.as_bytes().to_vec()));
//! let req = Request::parse(
//!     r#"{"venue":"hyperliquid","action":"cancel","timestamp":1750000001000,
//!         "params":{"cancels":[{"a":0,"o":12345}]}}"#,
//! )?;
//! let env = Context::fixed(0, |ctx| airsign_hyperliquid::build(&req, &keys, ctx))?;
//! assert_eq!(env.url, "https://api.hyperliquid.xyz/exchange");
//! assert_eq!(env.signer.as_deref(), Some("0x9DA48F09b8C771db1d0f73656798346A73391718"));
//! assert!(env.body.as_deref().is_some_and(|b| b.starts_with(
//!     r#"{"action":{"type":"cancel","cancels":[{"a":0,"o":12345}]},"nonce":1750000001000,"#
//! )));
//! assert_eq!(env.signed[0].scheme, "eip712");
//! # Ok::<(), airsign_core::Error>(())
//! ```
#![forbid(unsafe_code)]

pub mod action;
mod assemble;
mod fast;
pub mod msgpack;
pub mod payload;
mod read_back;
pub mod request;

use airsign_core::venue::{ActionInfo, REST_AND_WS};
use airsign_core::verify::{Verdict, VerifyOptions};
use airsign_core::{
    Context, Drawn, Envelope, Payload, Proof, ReadBack, Request, Result, SignerId, Venue,
    VenueRules,
};
use airsign_keys::{Checker, Key, Keyring};
use serde_json::Value;

pub use action::{ACTIONS, Action, ActionData};
pub use request::{Environment, HlRequest};

/// The venue name in requests and envelopes.
pub const NAME: &str = "hyperliquid";

/// What the keyring and the signing policy need to know of Hyperliquid: secp256k1 keys,
/// the `vault_address` a key may pin, and its cancel family (every action: the cancels,
/// `scheduleCancel`, `twapCancel` and `noop`, which only burns a nonce).
pub const RULES: VenueRules = VenueRules {
    venue: NAME,
    scheme: airsign_core::Scheme::Secp256k1,
    identity: &["vault_address"],
    fields: &["vault_address", "expires_after"],
    cancel_family: airsign_core::every_action,
};

/// Every action, each offered over REST and the WebSocket `post` frame.
static ACTION_INFO: &[ActionInfo] = &[
    ActionInfo {
        name: Action::Cancel.name(),
        transports: REST_AND_WS,
    },
    ActionInfo {
        name: Action::CancelByCloid.name(),
        transports: REST_AND_WS,
    },
    ActionInfo {
        name: Action::ScheduleCancel.name(),
        transports: REST_AND_WS,
    },
    ActionInfo {
        name: Action::TwapCancel.name(),
        transports: REST_AND_WS,
    },
    ActionInfo {
        name: Action::Noop.name(),
        transports: REST_AND_WS,
    },
];

/// Hyperliquid as an [`airsign_core::Venue`]: L1 actions, one EIP-712 signature each.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hyperliquid;

/// The venue, for the generic pipeline (`airsign_core::venue::{build, verify, …}`).
pub static VENUE: Hyperliquid = Hyperliquid;

impl Venue for Hyperliquid {
    type Parsed = HlRequest;

    const FAST_PATH: bool = true;

    fn rules(&self) -> &'static VenueRules {
        &RULES
    }

    fn actions(&self) -> &'static [ActionInfo] {
        ACTION_INFO
    }

    fn parse(&self, req: &Request, ctx: &Context<'_>) -> Result<HlRequest> {
        request::parse(req, ctx)
    }

    fn parse_fast(&self, text: &str, ctx: &Context<'_>) -> Option<HlRequest> {
        fast::parse_fast(text, ctx)
    }

    /// The nonce is the request's timestamp; the id is the WebSocket post id (a REST
    /// request carries none).
    fn drawn(&self, p: &HlRequest) -> Drawn {
        Drawn {
            timestamp: Some(p.nonce),
            id: match p.transport {
                airsign_core::Transport::Rest => None,
                airsign_core::Transport::Ws => Some(Value::from(p.id)),
            },
        }
    }

    fn payloads(&self, p: &HlRequest, _signer: &SignerId) -> Result<Vec<Payload>> {
        Ok(payload::payloads(p))
    }

    fn assemble(
        &self,
        p: &HlRequest,
        signer: &SignerId,
        _payloads: &[Payload],
        proofs: &[Proof],
    ) -> Result<Envelope> {
        assemble::assemble(p, signer, proofs)
    }

    fn read_back(&self, env: &Envelope, opts: &VerifyOptions) -> Result<ReadBack> {
        read_back::read_back(env, opts)
    }

    fn meaning(&self) -> &'static str {
        "the signature authorizes exactly this action (its msgpack bytes), nonce, vault and \
         expiry on the network its EIP-712 source names, for the signing wallet or the API \
         wallet's master account; the nonce stays usable once, for about a day"
    }
}

/// Builds the signed envelope for a Hyperliquid request (the generic
/// [`airsign_core::venue::build`] over [`VENUE`]): the request is checked before the key
/// is asked for anything.
pub fn build(req: &Request, keys: &Key, ctx: &Context<'_>) -> Result<Envelope> {
    airsign_core::venue::build(&VENUE, req, keys, ctx)
}

/// Signs `text` through the fast path when it takes the request (the plainest `cancel`
/// by order id, read straight from its text); `None` means: use the general path.
pub fn build_fast(text: &str, keys: &Key, ctx: &Context<'_>) -> Option<Result<Envelope>> {
    let p = fast::parse_fast(text, ctx)?;
    Some(airsign_core::venue::sign_parsed(&VENUE, &p, keys))
}

/// Verifies a Hyperliquid envelope offline (the generic [`airsign_core::venue::verify`]
/// over [`VENUE`]): the request re-derived from the url and body is rebuilt with the
/// body's signature, must equal the envelope field for field, and the signature must
/// recover to the envelope's `signer` over the re-derived digest. The WebSocket post id
/// is listed as unsigned.
pub fn verify(env: &Envelope, opts: &VerifyOptions) -> Result<Verdict> {
    airsign_core::venue::verify(&VENUE, env, &Checker::new(&Keyring::empty()), opts)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use airsign_core::verify::VerifyOptions;
    use airsign_keys::SecretBytes;

    const KEY: &str = "a655ac2ac50b40f3e43c0254b7f8dbb89cbc2f91279154a7d17ab95b3824ea69";

    fn run(text: &str) -> Result<Envelope> {
        let keys = Key::from_bytes(
            "key file",
            airsign_keys::Scheme::Secp256k1,
            SecretBytes::new(KEY.as_bytes().to_vec()),
        );
        Context::fixed(1_750_000_000_000, |ctx| {
            build(&Request::parse(text)?, &keys, ctx)
        })
    }

    #[test]
    fn cancel_one_vector() {
        let env = run(r#"{"venue":"hyperliquid","action":"cancel","transport":"rest","timestamp":1750000001000,"params":{"cancels":[{"a":0,"o":12345}]}}"#).unwrap();
        assert_eq!(
            env.body.as_deref(),
            Some(
                r#"{"action":{"type":"cancel","cancels":[{"a":0,"o":12345}]},"nonce":1750000001000,"signature":{"r":"0x6616706788b125b560ec853af9cb4750bdc619a885cb4a8211be6658370a54c6","s":"0x76d83dc793e2764f2c5cd0c6612e05aebb0efcbe9e4d326acb4b5b582ebc6a68","v":27},"vaultAddress":null,"expiresAfter":null}"#
            )
        );
        assert_eq!(env.expires_at, Some(1_750_000_001_000 + 86_400_000));
        let m = env.signed[0].message.as_deref().unwrap();
        assert!(m.contains(r#""connectionId":"0x6a8772b10571512b780aada8abeefd7fbe0c81d0080b9d2d2613ebda83995040""#), "{m}");
        assert!(
            m.contains(
                r#""digest":"0x1987e514bc73d5b808ddb41fa0fd4eae8a994e4c8802e4b90264ed5c2acec5c4""#
            ),
            "{m}"
        );
        let v = verify(&env, &VerifyOptions::default()).unwrap();
        assert_eq!(v.result(), "ok");
        assert!(v.unsigned.is_empty());
    }

    #[test]
    fn ws_frame_verifies_and_lists_the_id() {
        let env = run(r#"{"venue":"hyperliquid","action":"scheduleCancel","transport":"ws","id":7,"environment":"testnet","vault_address":"0x2222222222222222222222222222222222222222","expires_after":1750000100000,"timestamp":1750000001012,"params":{"time":1750086401000}}"#).unwrap();
        assert_eq!(env.url, "wss://api.hyperliquid-testnet.xyz/ws");
        assert!(env.body.as_deref().unwrap().starts_with(
            r#"{"method":"post","id":7,"request":{"type":"action","payload":{"action":{"type":"scheduleCancel","time":1750086401000},"#
        ));
        let v = verify(&env, &VerifyOptions::default()).unwrap();
        assert_eq!(v.unsigned, ["body.id"]);
        // A changed vault (signed) fails.
        let mut t = env.clone();
        t.body = t.body.map(|b| {
            b.replace(
                "0x2222222222222222222222222222222222222222",
                "0x3333333333333333333333333333333333333333",
            )
        });
        assert!(verify(&t, &VerifyOptions::default()).is_err());
        // A custom host must be allowed, and then the network comes from the signed source.
        let mut c = env.clone();
        c.url = "wss://proxy.example/ws".into();
        assert!(verify(&c, &VerifyOptions::default()).is_err());
        let opts = VerifyOptions {
            base_urls: vec!["wss://proxy.example".into()],
            now_ms: 0,
        };
        // The envelope was built for the testnet host, so the url differs from a rebuild
        // under the custom host only in the url itself; build one for the proxy.
        let env2 = run(r#"{"venue":"hyperliquid","action":"noop","transport":"ws","id":7,"environment":"testnet","base_url":"wss://proxy.example","timestamp":1750000001012}"#).unwrap();
        assert_eq!(verify(&env2, &opts).unwrap().result(), "ok");
    }

    #[test]
    fn drawn_fixes_what_a_later_parse_would_draw() {
        let req =
            Request::parse(r#"{"venue":"hyperliquid","action":"noop","transport":"ws"}"#).unwrap();
        let p = Context::fixed(1_750_000_000_000, |ctx| VENUE.parse(&req, ctx)).unwrap();
        assert_eq!(
            VENUE.drawn(&p),
            Drawn {
                timestamp: Some(1_750_000_000_000),
                id: Some(Value::from(p.id)),
            }
        );
        let rest = Request::parse(r#"{"venue":"hyperliquid","action":"noop"}"#).unwrap();
        let p = Context::fixed(1_750_000_000_000, |ctx| VENUE.parse(&rest, ctx)).unwrap();
        assert_eq!(VENUE.drawn(&p).id, None);
    }

    #[test]
    fn prepare_then_assemble_gives_the_built_envelope() {
        use airsign_core::Prover;
        let keys = Key::from_bytes(
            "key file",
            airsign_keys::Scheme::Secp256k1,
            SecretBytes::new(KEY.as_bytes().to_vec()),
        );
        for text in [
            r#"{"venue":"hyperliquid","action":"scheduleCancel","transport":"ws","params":{"time":1750000100000}}"#,
            r#"{"venue":"hyperliquid","action":"cancel","vault_address":"0x1719884eb866cb12b2287399b15f7db5e7d775ea","params":{"cancels":[{"a":3,"o":9}]}}"#,
        ] {
            let req = Request::parse(text).unwrap();
            let built = run(text).unwrap();
            let signer = keys.signer(airsign_core::Scheme::Secp256k1).unwrap();
            let prepared = Context::fixed(1_750_000_000_000, |ctx| {
                airsign_core::venue::prepare(&VENUE, &req, signer.clone(), ctx)
            })
            .unwrap();
            let fixed = Request::from_map(prepared.request).unwrap();
            let proofs: Vec<Proof> = prepared
                .payloads
                .iter()
                .map(|p| keys.prove(p).unwrap())
                .collect();
            let (env, payloads) =
                airsign_core::venue::assemble(&VENUE, &fixed, &signer, &proofs).unwrap();
            assert_eq!(env, built, "{text}");
            assert_eq!(payloads, prepared.payloads);
            // The audit text is the envelope's signed message.
            assert_eq!(payloads[0].text, env.signed[0].message);
        }
    }

    #[test]
    fn assembly_takes_one_secp256k1_proof_and_signs_nothing() {
        let req =
            Request::parse(r#"{"venue":"hyperliquid","action":"noop","timestamp":1750000001000}"#)
                .unwrap();
        let p = Context::fixed(0, |ctx| VENUE.parse(&req, ctx)).unwrap();
        let signer = airsign_keys::secp256k1_id(
            airsign_keys::eth::Address::parse(
                "signer",
                "0x9DA48F09b8C771db1d0f73656798346A73391718",
            )
            .unwrap(),
        );
        let mut v29 = [0; 65];
        v29[64] = 29;
        for proofs in [
            vec![],
            vec![Proof::Hmac([0; 32])],
            vec![Proof::Secp256k1(v29)],
            vec![Proof::Secp256k1([27; 65]), Proof::Secp256k1([27; 65])],
        ] {
            let e = VENUE.assemble(&p, &signer, &[], &proofs).unwrap_err();
            assert_eq!(
                (e.code().as_str(), e.field()),
                ("request.invalid", Some("signatures"))
            );
        }
        let e = VENUE
            .assemble(&p, &SignerId::Secret, &[], &[Proof::Secp256k1([27; 65])])
            .unwrap_err();
        assert_eq!(e.code().as_str(), "key.scheme_mismatch");
    }

    #[test]
    fn a_key_of_another_scheme_is_refused_after_the_request() {
        let keys = Key::from_bytes(
            "key file",
            airsign_keys::Scheme::Ed25519,
            SecretBytes::new(KEY.as_bytes().to_vec()),
        );
        let run = |text: &str| {
            Context::fixed(1_750_000_000_000, |ctx| {
                build(&Request::parse(text)?, &keys, ctx)
            })
            .unwrap_err()
        };
        let e = run(r#"{"venue":"hyperliquid","action":"noop","environment":"devnet"}"#);
        assert_eq!(e.field(), Some("environment"));
        let e = run(r#"{"venue":"hyperliquid","action":"noop"}"#);
        assert_eq!(e.code().as_str(), "key.scheme_mismatch");
        let e = build_fast(
            r#"{"venue":"hyperliquid","action":"cancel","params":{"cancels":[{"a":0,"o":1}]}}"#,
            &keys,
            &Context {
                clock: &airsign_core::FixedClock(1_750_000_000_000),
                ids: &airsign_core::SequenceIds::new(0),
            },
        )
        .unwrap()
        .unwrap_err();
        assert_eq!(e.code().as_str(), "key.scheme_mismatch");
    }

    #[test]
    fn the_venue_as_the_cli_holds_it() {
        let v: &'static dyn airsign_core::AnyVenue = &VENUE;
        assert_eq!(v.rules().venue, "hyperliquid");
        assert!(v.has_fast_path());
        let names: Vec<&str> = v.actions().iter().map(|a| a.name).collect();
        let all: Vec<&str> = ACTIONS.iter().map(|a| a.name()).collect();
        assert_eq!(names, all);
        assert!(v.actions().iter().all(|a| a.transports == REST_AND_WS));
    }
}
