//! Reading a Layer1 envelope back for offline verification, as far as that goes: the
//! request is re-derived from the url (base and conversion id) and the token from the
//! `Authorization` header. The generic verify rebuilds the envelope with that token and
//! requires it to equal the given one; a JWT whose `exp` is at or before the verifier's
//! time fails. A bearer token signs nothing, so the verdict is `unverifiable` at best.

use airsign_core::verify::{VerifyOptions, mismatch, request_fields};
use airsign_core::{Envelope, ReadBack, Result, SignerId};
use airsign_keys::BearerToken;
use serde_json::{Map, Value};

use crate::CONVERSIONS_PATH;
use crate::request::Environment;

/// Why a Layer1 verdict is `unverifiable` even when nothing fails.
const UNVERIFIABLE: &str = "a bearer token authorizes this request: nothing is signed, so \
                            only its form (and a JWT's expiry) can be checked offline";

/// What `env` says of its request and credential. Its url must be under one of Layer1's
/// hosts or a base `opts` allows.
pub(crate) fn read_back(env: &Envelope, opts: &VerifyOptions) -> Result<ReadBack> {
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
    let known = Environment::ALL.map(Environment::host);
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
    Ok(ReadBack {
        request: req,
        signer: SignerId::Secret,
        proofs: vec![token.to_proof()],
        unsigned: vec!["url".to_owned(), "headers.Authorization".to_owned()],
        unverifiable: Some(UNVERIFIABLE.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testing::{jwt, req, run};

    fn opts(now_ms: u64) -> VerifyOptions {
        VerifyOptions {
            base_urls: Vec::new(),
            now_ms,
        }
    }

    fn code(env: &Envelope, now_ms: u64) -> (&'static str, Option<String>) {
        let e = crate::verify(env, &opts(now_ms)).unwrap_err();
        (e.code().as_str(), e.field().map(str::to_owned))
    }

    #[test]
    fn a_built_envelope_verifies_as_unverifiable() {
        let token = jwt(r#"{"exp":1700000300}"#);
        let env = run(
            &req(r#","environment":"sandbox""#),
            &token,
            1_700_000_000_000,
        )
        .unwrap();
        let v = crate::verify(&env, &opts(1_700_000_100_000)).unwrap();
        assert_eq!(v.result(), "unverifiable");
        assert!(v.checks.is_empty());
        assert_eq!(v.unsigned, ["url", "headers.Authorization"]);
        assert_eq!(v.unverifiable.as_deref(), Some(UNVERIFIABLE));
        // At or after the token's exp, verify refuses it.
        let (c, f) = code(&env, 1_700_000_300_000);
        assert_eq!((c, f.as_deref()), ("verify.mismatch", Some("body")));
        let e = crate::verify(&env, &opts(1_700_000_300_000)).unwrap_err();
        assert!(e.message().contains("key.token_expired"), "{e}");
        assert!(!e.to_string().contains(&token[..20]), "{e}");
    }

    #[test]
    fn each_tampering_fails_for_its_reason() {
        let env = run(&req(""), "tok-1", 1_700_000_000_000).unwrap();
        let now = 1_700_000_000_000;
        let mut t = env.clone();
        t.url = "https://api.layer1.com/trade/v1/conversion/x".into();
        assert_eq!(code(&t, now), ("verify.mismatch", Some("url".into())));
        let mut t = env.clone();
        t.url = t.url.replace("api.layer1.com", "evil.example");
        assert_eq!(code(&t, now), ("verify.unknown_url", Some("url".into())));
        let mut t = env.clone();
        t.url = t.url.replace("550e8400", "../../x");
        assert_eq!(code(&t, now).0, "verify.mismatch");
        let mut t = env.clone();
        t.headers.0[0].1 = "Basic tok-1".into();
        assert_eq!(code(&t, now), ("verify.mismatch", Some("headers".into())));
        let mut t = env.clone();
        t.headers.0[0].1 = "Bearer Bearer tok-1".into();
        assert_eq!(
            code(&t, now),
            ("verify.mismatch", Some("headers.Authorization".into()))
        );
        let mut t = env.clone();
        t.expires_at = Some(1_800_000_000_000);
        assert_eq!(
            code(&t, now),
            ("verify.mismatch", Some("expires_at".into()))
        );
        let mut t = env.clone();
        t.signer = Some("x".into());
        assert_eq!(code(&t, now), ("verify.mismatch", Some("signer".into())));
        // A customer-hosted base verifies once allowed.
        let custom = run(
            &req(r#","base_url":"https://layer1.customer.example/api""#),
            "tok-1",
            now,
        )
        .unwrap();
        assert_eq!(code(&custom, now).0, "verify.unknown_url");
        let allowed = VerifyOptions {
            base_urls: vec!["https://layer1.customer.example/api/".into()],
            now_ms: now,
        };
        assert_eq!(
            crate::verify(&custom, &allowed).unwrap().result(),
            "unverifiable"
        );
    }
}
