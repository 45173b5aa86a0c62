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
//! Flow: [`CancelConversion::from_request`] validates the request into typed values,
//! [`CancelConversion::url`] is the pure, key-free request line, [`CancelConversion::authorize`]
//! adds the token. This crate does no I/O.
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

use airsign_core::validate::{Fields, is_uuid};
use airsign_core::verify::{Verdict, VerifyOptions};
use airsign_core::{Context, Envelope, Error, Headers, Request, Result, Transport};
use airsign_keys::{BearerToken, Key};
use serde_json::{Map, Value};

/// The venue name in requests and envelopes.
pub const VENUE: &str = "layer1";

/// The actions this crate builds.
pub const ACTIONS: &[&str] = &["cancel_conversion"];

/// What the keyring and the signing policy need to know of layer1: its key scheme, the
/// request fields a key may pin, and its cancel family (its one action is a cancel).
pub const RULES: airsign_keys::VenueRules = airsign_keys::VenueRules {
    venue: "layer1",
    scheme: airsign_keys::Scheme::Bearer,
    identity: &[],
    cancel_family: airsign_keys::every_action,
};

/// The HTTP method of a cancel.
pub const METHOD: &str = "DELETE";

/// The path below the host, before the conversion id.
pub const CONVERSIONS_PATH: &str = "/trade/v1/conversions/";

/// Builds the envelope for one Layer1 request.
///
/// Validates the request first (so a bad request is refused before the key file is
/// touched), then reads the bearer token from `keys` and refuses it if it is a JWT whose
/// `exp` is at or before the request's time (`timestamp`, else the clock).
pub fn build(req: &Request, keys: &Key, ctx: &Context<'_>) -> Result<Envelope> {
    let cancel = CancelConversion::from_request(req, ctx)?;
    let token = keys.bearer_token()?;
    cancel.authorize(token)
}

/// A Layer1 deployment (`environment`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    /// `https://api.layer1.com` (the default; the host is inferred, docs/venues/layer1.md).
    Production,
    /// `https://api.staging.layer1.com` (the host every trade reference page uses).
    Staging,
    /// `https://api.sandbox.layer1.com`.
    Sandbox,
}

impl Environment {
    /// Parses `environment`; absent means production.
    pub fn parse(name: Option<&str>) -> Result<Self> {
        match name {
            None | Some("production") => Ok(Self::Production),
            Some("staging") => Ok(Self::Staging),
            Some("sandbox") => Ok(Self::Sandbox),
            Some(other) => Err(Error::invalid(
                "environment",
                "\"production\" (the default), \"staging\" or \"sandbox\", or a base_url \
                 for a customer-hosted deployment (unknown_environment)",
                &Value::from(other),
            )),
        }
    }

    /// The API host, without a trailing `/`.
    pub const fn host(self) -> &'static str {
        match self {
            Self::Production => "https://api.layer1.com",
            Self::Staging => "https://api.staging.layer1.com",
            Self::Sandbox => "https://api.sandbox.layer1.com",
        }
    }
}

/// A validated `cancel_conversion`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelConversion {
    /// The API base: the environment's host or `base_url` (which may carry a path prefix
    /// for a customer-hosted deployment), without a trailing `/`.
    pub base: String,
    /// The conversion id: a UUID, case kept as given.
    pub conversion_id: String,
    /// The request's time (`timestamp`, else the clock), ms: the token must outlive it.
    pub at_ms: u64,
}

impl CancelConversion {
    /// Validates `req`: action `cancel_conversion` over REST, no Layer1-foreign fields, a
    /// known environment or an `https://` base URL, and `params.conversion_id` a UUID.
    pub fn from_request(req: &Request, ctx: &Context<'_>) -> Result<Self> {
        if req.venue != VENUE {
            return Err(Error::invalid(
                "venue",
                "\"layer1\"",
                &Value::from(req.venue.as_str()),
            ));
        }
        req.allow_extra(&[])?;
        if req.action != "cancel_conversion" {
            return Err(req.unknown_action(ACTIONS));
        }
        req.require_transport(&[Transport::Rest])?;
        if req.id.is_some() {
            return Err(Error::new(
                airsign_core::ErrorCode::RequestUnknownField,
                Some("id"),
                "a Layer1 REST request carries no request id",
            ));
        }
        let environment = Environment::parse(req.environment.as_deref())?;
        let base = match &req.base_url {
            None => environment.host().to_owned(),
            Some(u) if u.starts_with("https://") => u.clone(),
            Some(u) => {
                return Err(Error::invalid(
                    "base_url",
                    "an https:// URL (Layer1's API is HTTPS only)",
                    &Value::from(u.as_str()),
                ));
            }
        };
        let params = Fields::new(&req.params, "params", &["conversion_id"])?;
        let id = match params.get("conversion_id") {
            None => {
                return Err(params.missing(
                    "conversion_id",
                    "the conversion's UUID (missing_conversion_id)",
                ));
            }
            Some(Value::String(s)) if is_uuid(s) => s.clone(),
            // A UUID check, not an escape: the id is interpolated into the path, and
            // `../estimate` or `x?y` must never reach it.
            Some(v) => {
                return Err(params.invalid(
                    "conversion_id",
                    "a UUID in 8-4-4-4-12 hex form, any case (invalid_conversion_id_uuid)",
                    v,
                ));
            }
        };
        Ok(Self {
            base,
            conversion_id: id,
            at_ms: req.timestamp_or_now(ctx)?,
        })
    }

    /// `<base>/trade/v1/conversions/<id>`. Pure and key-free.
    pub fn url(&self) -> String {
        format!("{}{CONVERSIONS_PATH}{}", self.base, self.conversion_id)
    }

    /// The envelope with `Authorization: Bearer <token>`; refuses a token whose JWT `exp`
    /// is at or before [`CancelConversion::at_ms`] (`key.token_expired`).
    pub fn authorize(&self, token: &BearerToken) -> Result<Envelope> {
        token.check_not_expired(self.at_ms)?;
        Ok(Envelope {
            airsign: airsign_core::FORMAT_VERSION,
            venue: VENUE.to_owned(),
            action: "cancel_conversion".to_owned(),
            transport: Transport::Rest,
            method: Some(METHOD.to_owned()),
            url: self.url(),
            // No body, so no Content-Type (docs/venues/layer1.md, "Envelope").
            headers: Headers(vec![(
                "Authorization".to_owned(),
                token.authorization_value(),
            )]),
            body: None,
            login: None,
            signer: None,
            signed: Vec::new(),
            // The token's own claim (unverified): Layer1 refuses the request after it.
            expires_at: token.expires_at_ms(),
        })
    }
}

/// Verifies a Layer1 envelope offline, as far as that goes: re-derives the request from
/// the url and the `Authorization` header, rebuilds it, and requires it to equal `env`
/// exactly; a JWT whose `exp` is at or before `opts.now_ms` fails. A bearer token signs
/// nothing, so the verdict is `unverifiable` at best.
pub fn verify(env: &Envelope, opts: &VerifyOptions) -> Result<Verdict> {
    use airsign_core::verify::{mismatch, rederive, request_fields, settle};
    let (base, id) = env
        .url
        .rsplit_once(CONVERSIONS_PATH)
        .filter(|(b, _)| !b.is_empty())
        .ok_or_else(|| {
            mismatch(
                "url",
                format!("expected <base>{CONVERSIONS_PATH}<conversion id>"),
            )
        })?;
    let known: Vec<&str> = [
        Environment::Production,
        Environment::Staging,
        Environment::Sandbox,
    ]
    .iter()
    .map(|e| e.host())
    .collect();
    opts.check_base(base, &known)?;
    let token = env
        .headers
        .get("Authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| mismatch("headers", "expected Authorization: Bearer <token>"))?;
    let token = BearerToken::from_key_file(token.as_bytes())
        .map_err(|e| mismatch("headers.Authorization", e.message().to_owned()))?;
    let mut params = Map::new();
    params.insert("conversion_id".into(), Value::from(id));
    let mut req = request_fields(env);
    req.insert("base_url".into(), Value::from(base));
    req.insert("params".into(), Value::Object(params));
    let rebuilt = rederive(req, opts.now_ms, |request, ctx| {
        CancelConversion::from_request(request, ctx)?.authorize(&token)
    })?;
    let checks = settle(env, &rebuilt, || Ok(Vec::new()))?;
    Ok(Verdict {
        checks,
        unsigned: vec!["url".to_owned(), "headers.Authorization".to_owned()],
        unverifiable: Some(
            "a bearer token authorizes this request: nothing is signed, so only its form \
             (and a JWT's expiry) can be checked offline"
                .to_owned(),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use airsign_core::ErrorCode;
    use airsign_keys::SecretBytes;

    const ID: &str = "550e8400-e29b-41d4-a716-446655440000";

    fn jwt(payload: &str) -> String {
        // base64url without padding, written out so the test does not share the
        // decoder it checks.
        fn b64url(data: &[u8]) -> String {
            const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let mut out = String::new();
            for chunk in data.chunks(3) {
                let n = chunk
                    .iter()
                    .enumerate()
                    .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
                for i in 0..=chunk.len() {
                    out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
                }
            }
            out
        }
        format!(
            "{}.{}.c2ln",
            b64url(br#"{"alg":"RS256","typ":"JWT"}"#),
            b64url(payload.as_bytes())
        )
    }

    fn run(req: &str, token: &str, now: u64) -> Result<Envelope> {
        let keys = Key::from_bytes(
            "key file",
            airsign_keys::Scheme::Bearer,
            SecretBytes::new(token.as_bytes().to_vec()),
        );
        Context::fixed(now, |ctx| build(&Request::parse(req)?, &keys, ctx))
    }

    fn req(extra: &str) -> String {
        format!(
            r#"{{"venue":"layer1","action":"cancel_conversion"{extra},"params":{{"conversion_id":"{ID}"}}}}"#
        )
    }

    #[test]
    fn envelope_shape() {
        let e = run(
            &req(r#","environment":"staging""#),
            "tok-1\n",
            1_700_000_000_000,
        )
        .unwrap();
        assert_eq!(
            e.to_json_line(),
            format!(
                r#"{{"airsign":1,"venue":"layer1","action":"cancel_conversion","transport":"rest","method":"DELETE","url":"https://api.staging.layer1.com/trade/v1/conversions/{ID}","headers":{{"Authorization":"Bearer tok-1"}},"body":null,"signer":null,"signed":[],"expires_at":null}}"#
            )
        );
        let e = run(
            &req(r#","base_url":"https://layer1.customer.example/api/""#),
            "tok-1",
            1_700_000_000_000,
        )
        .unwrap();
        assert_eq!(
            e.url,
            format!("https://layer1.customer.example/api/trade/v1/conversions/{ID}")
        );
    }

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
}
