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
pub mod envelope;
mod fast;
pub mod msgpack;
pub mod payload;
pub mod request;
mod verify;

use airsign_core::{Context, Envelope, Request, Result};
use airsign_keys::Key;

pub use action::{ACTIONS, Action, ActionData};
pub use envelope::{DigestSign, SCHEME, sign};
pub use fast::{build_fast, parse_fast};
pub use request::{Environment, HlRequest, parse};
pub use verify::{DigestReplay, verify};

/// The venue name in requests and envelopes.
pub const VENUE: &str = "hyperliquid";

/// What the keyring and the signing policy need to know of Hyperliquid: secp256k1 keys,
/// the `vault_address` a key may pin, and its cancel family (every action: the cancels,
/// `scheduleCancel`, `twapCancel` and `noop`, which only burns a nonce).
pub const RULES: airsign_keys::VenueRules = airsign_keys::VenueRules {
    venue: VENUE,
    scheme: airsign_keys::Scheme::Secp256k1,
    identity: &["vault_address"],
    cancel_family: airsign_keys::every_action,
};

/// Builds the signed envelope for a Hyperliquid request.
pub fn build(req: &Request, keys: &Key, ctx: &Context<'_>) -> Result<Envelope> {
    let p = parse(req, ctx)?;
    let signer = keys.secp256k1()?;
    sign(&p, signer)
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
}
