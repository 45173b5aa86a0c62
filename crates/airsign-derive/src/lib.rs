//! Derive (v3, formerly Lyra) cancel requests.
//!
//! Derive authenticates a request, not an action: the signer `personal_sign`s (EIP-191)
//! the decimal millisecond timestamp, and the server recovers the key from it. Over REST
//! the wallet, timestamp and signature ride in `X-DeriveWallet`, `X-DeriveTimestamp`,
//! `X-DeriveSignature` and the body is the method's params object; over WebSocket the same
//! three values go into a `public/login` frame sent first, and the request is a JSON-RPC
//! frame `{id, method, params}`. No cancel method carries an EIP-712 action signature
//! (docs/venues/derive.md, "Signed bytes").
//!
//! The signed message covers neither the wallet nor the body, so this crate's checks are
//! what stands between a typo and the venue: every param is checked against the v3
//! OpenAPI type of its method (int64 vs uint64 ids, UUIDs, booleans), unknown params are
//! refused, and the params object is then sent exactly as given, explicit `null`s
//! included. This crate does no I/O and never sees key bytes.
//!
//! The venue is [`VENUE`], an [`airsign_core::Venue`]: [`Venue::parse`] checks the request
//! and draws its timestamp and id, [`Venue::payloads`] gives the one message to sign,
//! a [`Prover`] (a key, or a device) signs it, and [`Venue::assemble`] writes the
//! envelope around the signature. [`build`] does all of that with a [`Key`].
//!
//! # Example
//!
//! Sign a cancel with a public test key (SHA-256 of `vector-key-1`; never fund it), clock
//! and ids pinned:
//!
//! ```
//! use airsign_core::{Context, PayloadScheme, Prover, Request, Venue};
//! use airsign_derive::VENUE;
//! use airsign_keys::{Key, Scheme, SecretBytes};
//!
//! let key = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";
//! let keys = Key::from_bytes("key file", Scheme::Secp256k1, SecretBytes::new(key.as_bytes().to_vec()));
//! let req = Request::parse(
//!     r#"{"venue":"derive","action":"cancel","timestamp":1700000000000,"params":{
//!         "instrument_name":"ETH-PERP","order_id":"3d0958f3-2ec2-4502-974c-65c64cc9ac88",
//!         "subaccount_id":12345}}"#,
//! )?;
//! let env = Context::fixed(1_700_000_000_000, |ctx| {
//!     // Checked, timestamp and id drawn: nothing is drawn after this.
//!     let parsed = VENUE.parse(&req, ctx)?;
//!     let signer = Prover::signer(&keys, VENUE.rules().scheme)?;
//!     // Only the timestamp is signed (EIP-191), in the X-DeriveSignature header.
//!     let payloads = VENUE.payloads(&parsed, &signer)?;
//!     assert_eq!(payloads[0].scheme, PayloadScheme::Eip191);
//!     assert_eq!(payloads[0].text.as_deref(), Some("1700000000000"));
//!     assert_eq!(payloads[0].field, "headers.X-DeriveSignature");
//!     // The key signs; assembling signs nothing.
//!     let proofs = vec![keys.prove(&payloads[0])?];
//!     let env = VENUE.assemble(&parsed, &signer, &payloads, &proofs)?;
//!     // `build` is the same pipeline in one call.
//!     assert_eq!(env, airsign_derive::build(&req, &keys, ctx)?);
//!     Ok::<_, airsign_core::Error>(env)
//! })?;
//! assert_eq!(env.url, "https://api.derive.xyz/v3/private/cancel");
//! assert_eq!(env.headers.get("X-DeriveWallet"), Some("0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81"));
//! assert_eq!(env.signed[0].message.as_deref(), Some("1700000000000"));
//! // The reference vectors' signature.
//! assert_eq!(env.headers.get("X-DeriveSignature"), Some(concat!(
//!     "0x9560ac7763eb124c1b513874f622d703e085384850206bbb75e88420db135fdc",
//!     "400e05193f48820b48e89330e0c0fd5438fd450e7bd6206c3e2e85af9f6f95381b"
//! )));
//! // And it verifies offline.
//! assert_eq!(airsign_derive::verify(&env, &Default::default())?.result(), "ok");
//! # Ok::<(), airsign_core::Error>(())
//! ```
#![forbid(unsafe_code)]

#[cfg(doc)]
use airsign_core::Prover;
use airsign_core::venue::{ActionInfo, Drawn, Payload, Proof, ReadBack, SignerId};
use airsign_core::verify::{Verdict, VerifyOptions};
use airsign_core::{Context, Envelope, Request, Result, Transport, Venue, VenueRules};
use airsign_keys::{Checker, Key, Keyring};

mod actions;
mod assemble;
mod fast;
mod payload;
mod read_back;
mod request;

pub use actions::{ACTIONS, Action, RULES};
pub use fast::{build_fast, parse_fast};
pub use payload::signing_payload;
pub use request::{DeriveRequest, parse};

/// Mainnet REST and WebSocket host.
pub const MAINNET_HOST: &str = "api.derive.xyz";
/// Testnet REST and WebSocket host.
pub const TESTNET_HOST: &str = "testnet.api.derive.xyz";

/// The Derive venue, for [`airsign_core::venue`]'s pipeline (use [`VENUE`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Derive;

/// The Derive venue.
pub static VENUE: Derive = Derive;

impl Venue for Derive {
    type Parsed = DeriveRequest;

    const FAST_PATH: bool = true;

    fn rules(&self) -> &'static VenueRules {
        &RULES
    }

    fn actions(&self) -> &'static [ActionInfo] {
        &actions::INFO
    }

    fn parse(&self, req: &Request, ctx: &Context<'_>) -> Result<DeriveRequest> {
        request::parse(req, ctx)
    }

    fn parse_fast(&self, text: &str, ctx: &Context<'_>) -> Option<DeriveRequest> {
        fast::parse_fast(text, ctx)
    }

    /// The timestamp, and the id when the request is a WebSocket frame (a REST call
    /// carries none).
    fn drawn(&self, p: &DeriveRequest) -> Drawn {
        Drawn {
            timestamp: Some(p.timestamp),
            id: match p.transport {
                Transport::Ws => Some(p.id.clone()),
                Transport::Rest => None,
            },
        }
    }

    fn payloads(&self, p: &DeriveRequest, _signer: &SignerId) -> Result<Vec<Payload>> {
        Ok(payload::payloads(p))
    }

    fn assemble(
        &self,
        p: &DeriveRequest,
        signer: &SignerId,
        _payloads: &[Payload],
        proofs: &[Proof],
    ) -> Result<Envelope> {
        assemble::assemble(p, signer, proofs)
    }

    fn meaning(&self) -> &'static str {
        "the signature covers only the timestamp: it is a short-lived credential for any \
         private call of this wallet (session key), not a signature over this cancel; \
         whoever holds the envelope can use it for other calls until the venue's freshness \
         window closes"
    }

    fn read_back(&self, env: &Envelope, opts: &VerifyOptions) -> Result<ReadBack> {
        read_back::read_back(env, opts)
    }
}

/// Builds the signed envelope for a Derive request: [`Venue::parse`], then `keys` signs
/// the payloads, then [`Venue::assemble`] (a request error comes before any key error).
pub fn build(req: &Request, keys: &Key, ctx: &Context<'_>) -> Result<Envelope> {
    airsign_core::venue::build(&VENUE, req, keys, ctx)
}

/// Verifies a Derive envelope offline: reads the request back from the url, headers (or
/// login frame) and body, rebuilds it with the envelope's signature, requires it to equal
/// `env` exactly, and recovers the signer of the timestamp, which must be `env.signer`.
///
/// Derive's auth signs only the timestamp: the body, the url path and the wallet header
/// are not bound by the signature, and the verdict lists them as unsigned.
pub fn verify(env: &Envelope, opts: &VerifyOptions) -> Result<Verdict> {
    airsign_core::venue::verify(&VENUE, env, &Checker::new(&Keyring::empty()), opts)
}

#[cfg(test)]
pub(crate) mod testing {
    //! What the tests share: the public test key and a build with the clock pinned.

    use airsign_core::{Context, Envelope, Request, Result};
    use airsign_keys::{Key, Scheme, SecretBytes};

    /// A public test key (SHA-256 of `vector-key-1`; never fund it).
    pub(crate) const KEY1: &str =
        "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";

    /// Builds `text` with [`KEY1`] at 1 700 000 000 000 ms, ids from 1.
    pub(crate) fn run(text: &str) -> Result<Envelope> {
        let keys = Key::from_bytes(
            "key file",
            Scheme::Secp256k1,
            SecretBytes::new(KEY1.as_bytes().to_vec()),
        );
        Context::fixed(1_700_000_000_000, |ctx| {
            crate::build(&Request::parse(text)?, &keys, ctx)
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_venue_lists_every_action_and_its_rules() {
        assert_eq!(VENUE.rules().venue, "derive");
        let names: Vec<&str> = VENUE.actions().iter().map(|a| a.name).collect();
        let expected: Vec<&str> = ACTIONS.iter().map(|a| a.name()).collect();
        assert_eq!(names, expected);
        const { assert!(<Derive as Venue>::FAST_PATH) };
    }

    #[test]
    fn drawn_is_what_the_envelope_carries() {
        for (transport, id) in [("rest", None), ("ws", Some(serde_json::Value::from(1)))] {
            let text = format!(
                r#"{{"venue":"derive","action":"cancel_all","transport":"{transport}","params":{{"subaccount_id":1}}}}"#
            );
            let p = Context::fixed(1_700_000_000_000, |ctx| {
                VENUE.parse(&Request::parse(&text)?, ctx)
            })
            .unwrap();
            let drawn = VENUE.drawn(&p);
            assert_eq!(drawn.timestamp, Some(1_700_000_000_000));
            assert_eq!(drawn.id, id);
        }
    }
}
