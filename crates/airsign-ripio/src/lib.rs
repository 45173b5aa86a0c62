//! airsign venue: Ripio Trade cancels (`docs/venues/ripio.md`).
//!
//! Ripio authenticates with an API token (sent as is: the identity) and an API secret
//! (the HMAC key, never sent). Every request is signed with
//! `base64(HMAC-SHA256(secret, message))`, standard alphabet with `=` padding:
//!
//! - REST: `message = timestamp + METHOD + path + body`, where `path` includes the API
//!   prefix (`/trade` on api.ripio.com, `/v4` on the legacy host) and `body` is the exact
//!   bytes sent (empty when there is none). Headers: `Authorization: <token>` (no
//!   `Bearer`), `timestamp`, `signature`, `Content-Type` with a body, and the optional
//!   `timestamp-tolerance`.
//! - WebSocket `order.cancel`: `message = timestamp + compact JSON of the business params`
//!   (`{"id":…}` or `{"external_id":…}`); the frame carries those params, then
//!   `api_token`, `timestamp` (a JSON integer) and `signature`, inside `params`.
//!
//! The envelope's `body` is the very string that was signed (REST) or that embeds the
//! signed business JSON verbatim (WebSocket): it is built once, before signing, and never
//! re-serialised afterwards — a sender passes it through untouched.
//!
//! Ripio runs through the one pipeline every venue shares ([`airsign_core::Venue`],
//! implemented by [`Ripio`]): [`RipioRequest::from_request`] validates everything at the
//! edge into typed values (drawing the timestamp and WebSocket id, if the request has
//! none, from the context), [`RipioRequest::signing_payload`] is the message (pure,
//! key-free, golden-tested), the prover (a [`Key`]) makes the tag, and [`assemble`]
//! writes the envelope around it. [`read_back`] is the way back, for `verify`. This crate
//! does no I/O and never sees the secret.
//!
//! # Example
//!
//! The bytes a REST cancel signs, without a key; then the cancel signed with a test secret
//! (the key file's text is the HMAC key):
//!
//! ```
//! use airsign_core::{Context, Request, SignerId, Venue};
//! use airsign_keys::{Key, Scheme, SecretBytes};
//! use airsign_ripio::VENUE;
//!
//! let req = Request::parse(
//!     r#"{"venue":"ripio","action":"cancel_order","timestamp":1634567890000,
//!         "api_token":"your-api-token","params":{"id":"7155ED34-9EC4-4733-8B32-1E4319CB662F"}}"#,
//! )?;
//! let parsed = Context::fixed(0, |ctx| VENUE.parse(&req, ctx))?;
//! let payload = &VENUE.payloads(&parsed, &SignerId::Secret)?[0];
//! let message = r#"1634567890000DELETE/trade/orders{"id":"7155ED34-9EC4-4733-8B32-1E4319CB662F"}"#;
//! assert_eq!(payload.text.as_deref(), Some(message));
//!
//! let key = Key::from_bytes("key file", Scheme::Hmac, SecretBytes::new(b"vector-secret-1\n".to_vec()));
//! let env = Context::fixed(0, |ctx| airsign_ripio::build(&req, &key, ctx))?;
//! assert_eq!((env.method.as_deref(), env.url.as_str()), (Some("DELETE"), "https://api.ripio.com/trade/orders"));
//! assert_eq!(env.body.as_deref(), Some(r#"{"id":"7155ED34-9EC4-4733-8B32-1E4319CB662F"}"#));
//! assert_eq!(env.headers.get("Authorization"), Some("your-api-token"));
//! assert_eq!(env.headers.get("signature"), Some("nBDqqNIfvBOUbNzXXPkBrn/pbrjz8U3N4TPtXqk00AE="));
//! assert_eq!(env.signed[0].message.as_deref(), Some(message));
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
mod payload;
mod read_back;
mod request;

pub use actions::{
    ACTION_INFO, ACTIONS, DEFAULT_TIMESTAMP_TOLERANCE_MS, EXTRA_FIELDS, Environment,
    MAX_EXTERNAL_ID_LEN, MAX_REQUEST_ID_LEN, MAX_TIMESTAMP_TOLERANCE_MS, NAME, RULES, SCHEME,
    WS_METHOD,
};
pub use assemble::{assemble, tag_base64};
pub use payload::{REST_SIGNATURE_FIELD, WS_SIGNATURE_FIELD, payloads};
pub use read_back::read_back;
pub use request::{
    ApiToken, Call, HttpMethod, Operation, OrderRef, Pair, RequestId, RestCancel, RipioRequest,
    WsCancel,
};

/// Ripio on the pipeline: the CLI's registry holds [`VENUE`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Ripio;

/// The one Ripio venue value.
pub static VENUE: Ripio = Ripio;

impl Venue for Ripio {
    type Parsed = RipioRequest;

    fn rules(&self) -> &'static VenueRules {
        &RULES
    }
    fn actions(&self) -> &'static [ActionInfo] {
        ACTION_INFO
    }
    fn parse(&self, req: &Request, ctx: &Context<'_>) -> Result<RipioRequest> {
        request::parse(req, ctx)
    }
    fn drawn(&self, p: &RipioRequest) -> Drawn {
        Drawn {
            timestamp: Some(p.timestamp()),
            id: p.ws_id().map(RequestId::to_value),
        }
    }
    fn payloads(&self, p: &RipioRequest, _signer: &SignerId) -> Result<Vec<Payload>> {
        Ok(payloads(p))
    }
    fn assemble(
        &self,
        p: &RipioRequest,
        signer: &SignerId,
        _payloads: &[Payload],
        proofs: &[Proof],
    ) -> Result<Envelope> {
        assemble(p, signer, proofs)
    }
    fn meaning(&self) -> &'static str {
        "the HMAC binds the exact bytes sent (REST: timestamp, method, path and body; \
         WebSocket: the frame's business fields) under the API secret, which the venue \
         shares: it proves nothing to anyone without that secret, and the api_token beside \
         it is sent as is"
    }
    fn read_back(&self, env: &Envelope, opts: &VerifyOptions) -> Result<ReadBack> {
        read_back(env, opts)
    }
}

/// Builds the signed envelope for one Ripio request: the pipeline with `key` as prover.
///
/// Validates the request first (so a bad request is refused before the key is touched),
/// then reads the API secret from `key` (`key.scheme_mismatch` for a key of another
/// scheme, `key.invalid` for a bad secret) and signs.
pub fn build(req: &Request, key: &Key, ctx: &Context<'_>) -> Result<Envelope> {
    airsign_core::venue::build(&VENUE, req, key, ctx)
}

/// Verifies a Ripio envelope offline: re-derives the request from the url, method,
/// headers and body, requires its assembly with the envelope's tag to equal `env`
/// exactly, and — when `keys` holds the API secret for the request — recomputes the HMAC
/// over `timestamp + METHOD + path + body` (REST) or `timestamp + business JSON`
/// (WebSocket). Without the secret the tag is reported as unverifiable.
pub fn verify(env: &Envelope, keys: &Keyring, opts: &VerifyOptions) -> Result<Verdict> {
    airsign_core::venue::verify(&VENUE, env, &Checker::new(keys), opts)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use airsign_core::ErrorCode;
    use airsign_core::verify::CheckResult;
    use airsign_keys::{Policy, SecretBytes};

    fn key(scheme: airsign_keys::Scheme, secret: &str) -> Key {
        Key::from_bytes(
            "key file",
            scheme,
            SecretBytes::new(secret.as_bytes().to_vec()),
        )
    }

    fn build_json(json: &str, secret: &str) -> Result<Envelope> {
        Context::fixed(1_634_567_890_000, |ctx| {
            build(
                &Request::parse(json)?,
                &key(airsign_keys::Scheme::Hmac, secret),
                ctx,
            )
        })
    }

    const OK: &str =
        r#"{"venue":"ripio","action":"cancel_order","api_token":"t","params":{"external_id":"x"}}"#;
    const WS: &str = r#"{"venue":"ripio","action":"cancel_order","transport":"ws","api_token":"t","params":{"external_id":"x"}}"#;

    #[test]
    fn key_problems_come_after_request_checks() {
        let e = build_json(OK, "").unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeyInvalid);
        let bad = r#"{"venue":"ripio","action":"cancel_order","api_token":"t","params":{}}"#;
        assert_eq!(
            build_json(bad, "").unwrap_err().code(),
            ErrorCode::ParamsMissing
        );
        let bearer = key(airsign_keys::Scheme::Bearer, "");
        let e = Context::fixed(1_634_567_890_000, |ctx| {
            build(&Request::parse(OK).unwrap(), &bearer, ctx)
        })
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeySchemeMismatch);
        let e = Context::fixed(1_634_567_890_000, |ctx| {
            build(&Request::parse(bad).unwrap(), &bearer, ctx)
        })
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::ParamsMissing);
    }

    #[test]
    fn the_venue_describes_itself() {
        assert_eq!(Venue::rules(&VENUE).venue, "ripio");
        assert_eq!(Venue::actions(&VENUE), ACTION_INFO);
        // No fast path: every request takes the general parse.
        assert!(!airsign_core::AnyVenue::has_fast_path(&VENUE));
        let p = Context::fixed(1_634_567_890_000, |ctx| {
            VENUE.parse(&Request::parse(WS).unwrap(), ctx)
        })
        .unwrap();
        assert_eq!(
            VENUE.drawn(&p),
            Drawn {
                timestamp: Some(1_634_567_890_000),
                id: Some("00000000-0000-4000-8000-000000000001".into()),
            }
        );
        let p = Context::fixed(1_634_567_890_000, |ctx| {
            VENUE.parse(&Request::parse(OK).unwrap(), ctx)
        })
        .unwrap();
        assert_eq!(VENUE.drawn(&p).id, None);
    }

    #[test]
    fn prepared_requests_draw_nothing_and_assemble_to_the_same_bytes() {
        for json in [OK, WS] {
            let req = Request::parse(json).unwrap();
            let signed = build_json(json, "s").unwrap();
            let prepared = Context::fixed(1_634_567_890_000, |ctx| {
                airsign_core::venue::prepare(&VENUE, &req, SignerId::Secret, ctx)
            })
            .unwrap();
            let fixed = Request::from_map(prepared.request).unwrap();
            let tag = airsign_keys::HmacSigner::from_key_file(b"s")
                .unwrap()
                .sign(&prepared.payloads[0].bytes);
            let (env, _) = airsign_core::venue::assemble(
                &VENUE,
                &fixed,
                &SignerId::Secret,
                &[Proof::Hmac(tag)],
            )
            .unwrap();
            assert_eq!(env, signed, "{json}");
        }
    }

    #[test]
    fn verify_checks_the_tag_with_the_keyrings_secret() {
        let none = Keyring::empty();
        let right = Keyring::single(key(airsign_keys::Scheme::Hmac, "s"), Policy::new());
        let wrong = Keyring::single(key(airsign_keys::Scheme::Hmac, "other"), Policy::new());
        for json in [OK, WS] {
            let env = build_json(json, "s").unwrap();
            let v = verify(&env, &none, &VerifyOptions::default()).unwrap();
            assert!(matches!(v.checks[0].result, CheckResult::Unverifiable(_)));
            assert_eq!(v.result(), "unverifiable");
            let v = verify(&env, &right, &VerifyOptions::default()).unwrap();
            assert_eq!(v.result(), "ok");
            assert_eq!(v.checks[0].scheme, "hmac-sha256");
            let e = verify(&env, &wrong, &VerifyOptions::default()).unwrap_err();
            assert_eq!(e.code(), ErrorCode::VerifyBadSignature);
            // The audit copy is compared last, after the tag.
            let mut forged = env.clone();
            forged.signed[0].message = Some("x".into());
            let e = verify(&forged, &right, &VerifyOptions::default()).unwrap_err();
            assert_eq!(
                (e.code(), e.field()),
                (ErrorCode::VerifyMismatch, Some("signed"))
            );
        }
    }
}
