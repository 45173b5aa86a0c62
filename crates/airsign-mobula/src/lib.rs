//! Mobula perps execution API: the payload builds (`POST /api/2/perp/payloads/<action>`)
//! for Gains Network and Lighter, with `cancel-order` first among them, and
//! `POST /api/2/perp/execute-v2`.
//!
//! Authentication is an EIP-191 `personal_sign` of `<endpoint>-<timestamp>` (the path
//! without its leading slash; for execute-v2, `api/2/perp/execute-v2-<ts>-<payloadStr>`).
//! The timestamp (a JSON number) and the signature go into the JSON body next to the
//! action's fields; the server recovers the user from the signature.
//!
//! The build signature does not cover the body, so nothing but this crate's checks keeps
//! a wrong `orderIndex` from riding on a valid signature: every field is checked against
//! docs/venues/mobula.md ("Request fields") before anything is signed (`orderIndex` and `positionId` are
//! ASCII digits only, tested byte by byte — never a Unicode-aware digit class). The body
//! is written in the canonical key order of the docs' OpenAPI samples, compact, UTF-8, with
//! numbers as JavaScript prints them ([`jsnum`]). This crate does no I/O and never sees
//! key bytes.
//!
//! The venue is [`VENUE`], an [`airsign_core::Venue`]: [`Venue::parse`] checks the request
//! and draws its timestamp, [`Venue::payloads`] gives the one message to sign, a
//! [`Prover`] (a key, or a device) signs it, and [`Venue::assemble`] writes the body
//! around the signature. [`build`] does all of that with a [`Key`].
//!
//! # Example
//!
//! Sign a Lighter cancel with a public test key (SHA-256 of `vector-key-1`; never fund it):
//!
//! ```
//! use airsign_core::{Context, PayloadScheme, Prover, Request, Venue};
//! use airsign_keys::{Key, Scheme, SecretBytes};
//! use airsign_mobula::VENUE;
//!
//! let key = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";
//! let keys = Key::from_bytes("key file", Scheme::Secp256k1, SecretBytes::new(key.as_bytes().to_vec()));
//! let req = Request::parse(
//!     r#"{"venue":"mobula","action":"cancel-order","timestamp":1735686300000,"params":{
//!         "dex":"lighter","chainId":"lighter:301","orderIndex":"42","marketId":"lighter-btc-usd"}}"#,
//! )?;
//! let env = Context::fixed(1_735_686_300_000, |ctx| {
//!     // Checked, timestamp drawn: nothing is drawn after this.
//!     let parsed = VENUE.parse(&req, ctx)?;
//!     let signer = Prover::signer(&keys, VENUE.rules().scheme)?;
//!     // The endpoint and the timestamp are signed (EIP-191); the signature goes in the body.
//!     let payloads = VENUE.payloads(&parsed, &signer)?;
//!     assert_eq!(payloads[0].scheme, PayloadScheme::Eip191);
//!     assert_eq!(
//!         payloads[0].text.as_deref(),
//!         Some("api/2/perp/payloads/cancel-order-1735686300000")
//!     );
//!     assert_eq!(payloads[0].field, "body.signature");
//!     // The key signs; assembling signs nothing.
//!     let proofs = vec![keys.prove(&payloads[0])?];
//!     let env = VENUE.assemble(&parsed, &signer, &payloads, &proofs)?;
//!     // `build` is the same pipeline in one call.
//!     assert_eq!(env, airsign_mobula::build(&req, &keys, ctx)?);
//!     Ok::<_, airsign_core::Error>(env)
//! })?;
//! assert_eq!(env.url, "https://api.mobula.io/api/2/perp/payloads/cancel-order");
//! let sig = &env.signed[0].signature;
//! assert!(sig.starts_with("0xcfa33c30a55293957bbf98dcef924aa6423ca87c"));
//! let body = format!(
//!     r#"{{"timestamp":1735686300000,"signature":"{sig}","dex":"lighter","chainId":"lighter:301","orderIndex":"42","marketId":"lighter-btc-usd"}}"#
//! );
//! assert_eq!(env.body.as_deref(), Some(body.as_str()));
//! // And it verifies offline.
//! assert_eq!(airsign_mobula::verify(&env, &Default::default())?.result(), "ok");
//! # Ok::<(), airsign_core::Error>(())
//! ```
#![forbid(unsafe_code)]

#[cfg(doc)]
use airsign_core::Prover;
use airsign_core::venue::{ActionInfo, Drawn, Payload, Proof, ReadBack, SignerId};
use airsign_core::verify::{Verdict, VerifyOptions};
use airsign_core::{Context, Envelope, Request, Result, Venue, VenueRules};
use airsign_keys::{Checker, Key, Keyring};

mod actions;
mod assemble;
mod checks;
pub mod jsnum;
mod payload;
mod read_back;
mod request;

pub use actions::{ACTIONS, Action, RULES, cancel_family};
pub use payload::signing_payload;
pub use request::{MobulaRequest, parse};

/// The production host (the docs' code samples).
pub const PRODUCTION_BASE: &str = "https://api.mobula.io";
/// The host of the docs' generated "try it" requests.
pub const DEMO_BASE: &str = "https://demo-api.mobula.io";
/// The server accepts a build signature this long after its timestamp (30 s, as the docs say).
pub const VALIDITY_MS: u64 = 30_000;

/// The Mobula venue, for [`airsign_core::venue`]'s pipeline (use [`VENUE`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Mobula;

/// The Mobula venue.
pub static VENUE: Mobula = Mobula;

impl Venue for Mobula {
    type Parsed = MobulaRequest;

    fn rules(&self) -> &'static VenueRules {
        &RULES
    }

    fn actions(&self) -> &'static [ActionInfo] {
        &actions::INFO
    }

    fn parse(&self, req: &Request, ctx: &Context<'_>) -> Result<MobulaRequest> {
        request::parse(req, ctx)
    }

    /// The timestamp (a Mobula request carries no id).
    fn drawn(&self, p: &MobulaRequest) -> Drawn {
        Drawn {
            timestamp: Some(p.timestamp),
            id: None,
        }
    }

    fn payloads(&self, p: &MobulaRequest, _signer: &SignerId) -> Result<Vec<Payload>> {
        Ok(payload::payloads(p))
    }

    fn assemble(
        &self,
        p: &MobulaRequest,
        signer: &SignerId,
        _payloads: &[Payload],
        proofs: &[Proof],
    ) -> Result<Envelope> {
        assemble::assemble(p, signer, proofs)
    }

    fn meaning(&self) -> &'static str {
        "the signature covers only the endpoint (so the action) and the timestamp, and for \
         execute-v2 the payloadStr: the order, market and every other body field ride \
         unsigned, so the signature authorizes that action at that millisecond for the \
         wallet, for about 30 s, whatever the body names"
    }

    fn read_back(&self, env: &Envelope, opts: &VerifyOptions) -> Result<ReadBack> {
        read_back::read_back(env, opts)
    }
}

/// Builds the signed envelope for a Mobula request: [`Venue::parse`], then `keys` signs
/// the payload, then [`Venue::assemble`] (a request error comes before any key error).
pub fn build(req: &Request, keys: &Key, ctx: &Context<'_>) -> Result<Envelope> {
    airsign_core::venue::build(&VENUE, req, keys, ctx)
}

/// Verifies a Mobula envelope offline: reads the request back from the url and body,
/// rebuilds it with the body's signature, requires it to equal `env` exactly, and recovers
/// the signer of `<endpoint>-<timestamp>`, which must be `env.signer`.
///
/// The signature binds the endpoint (url path) and the timestamp (and for execute-v2 the
/// payloadStr); every other body field is listed as unsigned.
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

    /// Builds `text` with [`KEY1`] at 1 735 686 300 000 ms.
    pub(crate) fn run(text: &str) -> Result<Envelope> {
        let keys = Key::from_bytes(
            "key file",
            Scheme::Secp256k1,
            SecretBytes::new(KEY1.as_bytes().to_vec()),
        );
        Context::fixed(1_735_686_300_000, |ctx| {
            crate::build(&Request::parse(text)?, &keys, ctx)
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use airsign_core::ErrorCode;

    #[test]
    fn the_venue_lists_every_action_and_its_rules() {
        assert_eq!(VENUE.rules().venue, "mobula");
        let names: Vec<&str> = VENUE.actions().iter().map(|a| a.name).collect();
        let expected: Vec<&str> = ACTIONS.iter().map(|a| a.name()).collect();
        assert_eq!(names, expected);
        const { assert!(!<Mobula as Venue>::FAST_PATH) };
        let p = Context::fixed(1_735_686_300_000, |ctx| {
            VENUE.parse(
                &Request::parse(
                    r#"{"venue":"mobula","action":"withdraw","params":{"dex":"lighter","chainId":"l","amountUsdc":"5"}}"#,
                )?,
                ctx,
            )
        })
        .unwrap();
        assert_eq!(
            VENUE.drawn(&p),
            Drawn {
                timestamp: Some(1_735_686_300_000),
                id: None
            }
        );
    }

    #[test]
    fn a_request_error_comes_before_a_key_error() {
        let key = Key::from_bytes(
            "key file",
            airsign_keys::Scheme::Ed25519,
            airsign_keys::SecretBytes::new(testing::KEY1.as_bytes().to_vec()),
        );
        let build = |text: &str| {
            Context::fixed(1_735_686_300_000, |ctx| {
                crate::build(&Request::parse(text)?, &key, ctx)
            })
        };
        let e = build(r#"{"venue":"mobula","action":"withdraw","params":{"dex":"gains"}}"#)
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::ParamsInvalid);
        let e = build(
            r#"{"venue":"mobula","action":"withdraw","params":{"dex":"lighter","chainId":"l","amountUsdc":"5"}}"#,
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeySchemeMismatch);
    }
}
