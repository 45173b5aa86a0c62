//! airsign venue: Layer1 (BVNK) trade API cancels (`docs/venues/layer1.md`).
//!
//! Layer1's one cancel is `DELETE <host>/trade/v1/conversions/{conversionId}`, with no
//! body, no query and `Authorization: Bearer <access token>`. Nothing is signed: the
//! OAuth2 access token (minted elsewhere, e.g. by Keycloak client credentials) is the
//! whole credential, so the envelope's `signer` is `null` and `signed` is empty.
//!
//! The token comes from the key file (never from the request or argv) through
//! [`airsign_keys::Key::bearer_token`], which checks its shape and, for a JWT, reads
//! the `exp` claim. **No signature check is possible offline**: the issuer's signing key
//! is not available here, so a JWT is only *decoded*, never verified; `exp` serves to
//! refuse a token that is already stale at the request's time (`key.token_expired`) and
//! to fill the envelope's `expires_at`, not to vouch for the token. The token appears in
//! the `Authorization` header and nowhere else (not in errors, not in `signed`).
//!
//! The venue is [`VENUE`], an [`airsign_core::Venue`]: `parse` validates the request into
//! a [`CancelConversion`] (its [`CancelConversion::url`] is the pure, key-free request
//! line); `payloads` is one `bearer` payload with no bytes, valid at the request's time;
//! the prover (the key) checks the token's expiry there and hands the token over as the
//! proof; `assemble` puts it in the header; `read_back` reads url and token back for
//! `verify`. [`build`] and [`verify`] are the generic pipeline over it. This crate does no
//! I/O.
//!
//! # Example
//!
//! Build a cancel with an opaque test token (the key file's text):
//!
//! ```
//! use airsign_core::{Context, Request};
//! use airsign_keys::{Key, Scheme, SecretBytes};
//!
//! let keys = Key::from_bytes("key file", Scheme::Bearer, SecretBytes::new(b"test-token-not-a-jwt\n".to_vec()));
//! let req = Request::parse(
//!     r#"{"venue":"layer1","action":"cancel_conversion",
//!         "params":{"conversion_id":"0f8c3e5a-1b2d-4c6e-9f01-23456789abcd"}}"#,
//! )?;
//! let env = Context::fixed(1_748_970_123_456, |ctx| airsign_layer1::build(&req, &keys, ctx))?;
//! assert_eq!(env.method.as_deref(), Some("DELETE"));
//! assert_eq!(
//!     env.url,
//!     "https://api.layer1.com/trade/v1/conversions/0f8c3e5a-1b2d-4c6e-9f01-23456789abcd"
//! );
//! assert_eq!(env.headers.get("Authorization"), Some("Bearer test-token-not-a-jwt"));
//! // A bearer token signs nothing.
//! assert!(env.signer.is_none() && env.signed.is_empty() && env.body.is_none());
//! # Ok::<(), airsign_core::Error>(())
//! ```
#![forbid(unsafe_code)]

mod assemble;
mod read_back;
mod request;
#[cfg(test)]
mod testing;

use airsign_core::venue::{ActionInfo, REST_ONLY};
use airsign_core::verify::{Verdict, VerifyOptions};
use airsign_core::{
    Context, Drawn, Envelope, Payload, PayloadScheme, Proof, ReadBack, Request, Result, SignerId,
    Venue, VenueRules,
};
use airsign_keys::{Checker, Key, Keyring};

pub use request::{CancelConversion, Environment};

/// The venue name in requests and envelopes.
pub const NAME: &str = "layer1";

/// The actions this crate builds.
pub const ACTIONS: &[&str] = &["cancel_conversion"];

/// What the keyring and the signing policy need to know of layer1: its key scheme, the
/// request fields a key may pin, and its cancel family (its one action is a cancel).
pub const RULES: VenueRules = VenueRules {
    venue: NAME,
    scheme: airsign_core::Scheme::Bearer,
    identity: &[],
    fields: &[],
    cancel_family: airsign_core::every_action,
};

/// The HTTP method of a cancel.
pub const METHOD: &str = "DELETE";

/// The path below the host, before the conversion id.
pub const CONVERSIONS_PATH: &str = "/trade/v1/conversions/";

/// Where the credential sits in the envelope.
const TOKEN_FIELD: &str = "headers.Authorization";

/// The one action, REST only.
static ACTION_INFO: &[ActionInfo] = &[ActionInfo {
    name: "cancel_conversion",
    transports: REST_ONLY,
}];

/// Layer1 as an [`airsign_core::Venue`]: one REST cancel authorized by a bearer token.
#[derive(Debug, Clone, Copy, Default)]
pub struct Layer1;

/// The venue, for the generic pipeline (`airsign_core::venue::{build, verify, …}`).
pub static VENUE: Layer1 = Layer1;

impl Venue for Layer1 {
    type Parsed = CancelConversion;

    fn rules(&self) -> &'static VenueRules {
        &RULES
    }

    fn actions(&self) -> &'static [ActionInfo] {
        ACTION_INFO
    }

    fn parse(&self, req: &Request, ctx: &Context<'_>) -> Result<CancelConversion> {
        request::parse(req, ctx)
    }

    /// The request's time when it came from the clock (a prepared request then carries
    /// it as its `timestamp`, and the token is checked at the same time later); Layer1
    /// takes no id.
    fn drawn(&self, p: &CancelConversion) -> Drawn {
        Drawn {
            timestamp: p.at_drawn.then_some(p.at_ms),
            id: None,
        }
    }

    fn payloads(&self, p: &CancelConversion, _signer: &SignerId) -> Result<Vec<Payload>> {
        Ok(vec![Payload {
            scheme: PayloadScheme::Bearer {
                valid_at_ms: p.at_ms,
            },
            bytes: Vec::new(),
            text: None,
            field: TOKEN_FIELD.to_owned(),
        }])
    }

    fn assemble(
        &self,
        p: &CancelConversion,
        _signer: &SignerId,
        _payloads: &[Payload],
        proofs: &[Proof],
    ) -> Result<Envelope> {
        assemble::assemble(p, proofs)
    }

    fn read_back(&self, env: &Envelope, opts: &VerifyOptions) -> Result<ReadBack> {
        read_back::read_back(env, opts)
    }

    fn meaning(&self) -> &'static str {
        "nothing is signed: the bearer token itself authorizes any call its scope allows \
         until it expires, so this envelope carries a credential, not a signature; whoever \
         holds it can replay or alter the request"
    }
}

/// Builds the envelope for one Layer1 request (the generic
/// [`airsign_core::venue::build`] over [`VENUE`]).
///
/// Validates the request first (so a bad request is refused before the key file is
/// touched), then reads the bearer token from `keys` and refuses it if it is a JWT whose
/// `exp` is at or before the request's time (`timestamp`, else the clock):
/// `key.token_expired`.
pub fn build(req: &Request, keys: &Key, ctx: &Context<'_>) -> Result<Envelope> {
    airsign_core::venue::build(&VENUE, req, keys, ctx)
}

/// Verifies a Layer1 envelope offline, as far as that goes (the generic
/// [`airsign_core::venue::verify`] over [`VENUE`]): re-derives the request from the url
/// and the `Authorization` header, rebuilds it, and requires it to equal `env` exactly;
/// a JWT whose `exp` is at or before `opts.now_ms` fails. A bearer token signs nothing,
/// so the verdict is `unverifiable` at best.
pub fn verify(env: &Envelope, opts: &VerifyOptions) -> Result<Verdict> {
    airsign_core::venue::verify(&VENUE, env, &Checker::new(&Keyring::empty()), opts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{ID, jwt, req, run};
    use airsign_core::ErrorCode;
    use airsign_keys::SecretBytes;

    #[test]
    fn expired_jwt_refused_at_the_requests_time() {
        let token = jwt(r#"{"sub":"client","exp":1700000300}"#);
        // Valid before exp: expires_at carries the claim.
        let e = run(&req(""), &token, 1_700_000_000_000).unwrap();
        assert_eq!(e.expires_at, Some(1_700_000_300_000));
        // The request's own timestamp wins over the clock.
        let e = run(
            &req(r#","timestamp":1700000300000"#),
            &token,
            1_600_000_000_000,
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeyTokenExpired);
        assert_eq!(e.code().as_str(), "key.token_expired");
        assert!(!e.to_string().contains(&token[..20]), "{e}");
        let e = run(&req(""), &token, 1_700_000_400_000).unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeyTokenExpired);
        // Request problems are reported before the key is read.
        let e = run(
            &req(r#","environment":"mainnet""#),
            &token,
            1_700_000_400_000,
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("environment"));
    }

    #[test]
    fn refusals_name_the_field() {
        let cases: &[(String, ErrorCode, &str)] = &[
            (req(r#","environment":"mainnet""#), ErrorCode::RequestInvalid, "environment"),
            (req(r#","base_url":"wss://x.example""#), ErrorCode::RequestInvalid, "base_url"),
            (req(r#","transport":"ws""#), ErrorCode::RequestUnsupportedTransport, "transport"),
            (req(r#","id":"r1""#), ErrorCode::RequestUnknownField, "id"),
            (req(r#","api_token":"t""#), ErrorCode::RequestUnknownField, "api_token"),
            (
                r#"{"venue":"layer1","action":"cancel_order","params":{}}"#.to_owned(),
                ErrorCode::RequestUnknownAction,
                "action",
            ),
            (
                r#"{"venue":"layer1","action":"cancel_conversion","params":{}}"#.to_owned(),
                ErrorCode::ParamsMissing,
                "params.conversion_id",
            ),
            (
                r#"{"venue":"layer1","action":"cancel_conversion","params":{"conversion_id":"../estimate"}}"#.to_owned(),
                ErrorCode::ParamsInvalid,
                "params.conversion_id",
            ),
            (
                r#"{"venue":"layer1","action":"cancel_conversion","params":{"conversion_id":"550e8400-e29b-41d4-a716-44665544000g"}}"#.to_owned(),
                ErrorCode::ParamsInvalid,
                "params.conversion_id",
            ),
            (
                r#"{"venue":"layer1","action":"cancel_conversion","params":{"conversion_id":42}}"#.to_owned(),
                ErrorCode::ParamsInvalid,
                "params.conversion_id",
            ),
            (
                format!(r#"{{"venue":"layer1","action":"cancel_conversion","params":{{"conversion_id":"{ID}","reference":"x"}}}}"#),
                ErrorCode::RequestUnknownField,
                "params.reference",
            ),
        ];
        for (json, code, field) in cases {
            let e = run(json, "tok", 1_700_000_000_000).unwrap_err();
            assert_eq!((e.code(), e.field()), (*code, Some(*field)), "{json}: {e}");
        }
        let e = run(&req(""), "", 1_700_000_000_000).unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeyInvalid);
        let e = Context::fixed(1_700_000_000_000, |ctx| {
            build(
                &Request::parse(&req("")).unwrap(),
                &Key::from_bytes(
                    "key file",
                    airsign_keys::Scheme::Hmac,
                    SecretBytes::new(Vec::new()),
                ),
                ctx,
            )
        })
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeySchemeMismatch);
    }

    #[test]
    fn a_prepared_request_keeps_its_time() {
        use airsign_core::Prover;
        let token = jwt(r#"{"exp":1700000300}"#);
        let keys = Key::from_bytes(
            "key file",
            airsign_keys::Scheme::Bearer,
            SecretBytes::new(token.as_bytes().to_vec()),
        );
        for (text, drawn) in [
            (req(""), Some(1_700_000_000_000)),
            (req(r#","timestamp":1700000000000"#), None),
        ] {
            let r = Request::parse(&text).unwrap();
            let p = Context::fixed(1_700_000_000_000, |ctx| VENUE.parse(&r, ctx)).unwrap();
            assert_eq!(
                VENUE.drawn(&p),
                Drawn {
                    timestamp: drawn,
                    id: None
                }
            );
            let prepared = Context::fixed(1_700_000_000_000, |ctx| {
                airsign_core::venue::prepare(&VENUE, &r, SignerId::Secret, ctx)
            })
            .unwrap();
            assert_eq!(prepared.request["timestamp"], 1_700_000_000_000u64);
            assert_eq!(
                prepared.payloads[0].scheme,
                PayloadScheme::Bearer {
                    valid_at_ms: 1_700_000_000_000
                }
            );
            assert_eq!(prepared.payloads[0].field, "headers.Authorization");
            let fixed = Request::from_map(prepared.request).unwrap();
            let proofs = [keys.prove(&prepared.payloads[0]).unwrap()];
            let (env, payloads) =
                airsign_core::venue::assemble(&VENUE, &fixed, &SignerId::Secret, &proofs).unwrap();
            assert_eq!(payloads, prepared.payloads);
            assert_eq!(Ok(env), run(&text, &token, 1_700_000_000_000));
        }
        // The prover refuses the token at the request's time.
        let late = Payload {
            scheme: PayloadScheme::Bearer {
                valid_at_ms: 1_700_000_300_000,
            },
            bytes: Vec::new(),
            text: None,
            field: TOKEN_FIELD.to_owned(),
        };
        assert_eq!(
            keys.prove(&late).unwrap_err().code(),
            ErrorCode::KeyTokenExpired
        );
    }

    #[test]
    fn the_venue_as_the_cli_holds_it() {
        let v: &'static dyn airsign_core::AnyVenue = &VENUE;
        assert_eq!(v.rules().venue, "layer1");
        assert!(!v.has_fast_path());
        assert_eq!(
            v.actions(),
            [ActionInfo {
                name: ACTIONS[0],
                transports: REST_ONLY
            }]
        );
    }
}
