//! Offline verification of envelopes: the shared pieces.
//!
//! An envelope is verified by re-deriving its request from its own body, url and headers
//! (the venue's `read_back`), assembling that request again with the envelope's own
//! proofs, requiring the result to equal the given envelope field for field (so the body
//! is byte-exact), and then checking each proof over the payload the venue re-derives
//! ([`crate::venue::verify`]). The `signed` field is compared, never trusted.
//!
//! This module holds what every venue shares: parsing an envelope strictly, the verdict
//! type, the url allow-list and the field-by-field comparison.

use serde_json::{Map, Value};

use crate::error::describe;
use crate::{Envelope, Error, ErrorCode, Result};

/// How one signature check ended, when it did not fail (a failure is an [`Error`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckResult {
    /// The signature verifies over the re-derived bytes.
    Verified,
    /// The signature could not be checked; the text says why (e.g. no HMAC secret given).
    Unverifiable(String),
}

/// One signature check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The scheme, as in the envelope's `signed` entries (`ed25519`, `eip191`, …).
    pub scheme: String,
    /// Who signed: the public key or address the check was made against, if any.
    pub signer: Option<String>,
    /// The outcome.
    pub result: CheckResult,
}

/// What verifying one envelope found, when nothing failed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    /// One entry per signature (empty for a bearer-token request: nothing is signed).
    pub checks: Vec<Check>,
    /// Parts of the request the venue receives that no signature binds (e.g. `body` for
    /// Derive, whose auth signs only the timestamp). Changing them cannot be detected
    /// offline; they are listed so nobody mistakes a verified envelope for a sealed one.
    pub unsigned: Vec<String>,
    /// Why the envelope could not be fully verified although nothing failed (a bearer
    /// token, a missing HMAC secret); `None` when every part that is signed verified.
    pub unverifiable: Option<String>,
}

impl Verdict {
    /// The overall result word: `ok` or `unverifiable`.
    pub fn result(&self) -> &'static str {
        let any_unverifiable = self.unverifiable.is_some()
            || self
                .checks
                .iter()
                .any(|c| matches!(c.result, CheckResult::Unverifiable(_)));
        if any_unverifiable {
            "unverifiable"
        } else {
            "ok"
        }
    }
}

/// Options for verification.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Base URLs to accept besides the venues' own (for envelopes built with `base_url`).
    pub base_urls: Vec<String>,
    /// The time to judge expiring credentials against (ms since the epoch): a bearer
    /// token whose JWT `exp` has passed fails. The CLI passes the host clock.
    pub now_ms: u64,
}

impl VerifyOptions {
    /// Checks that `base` (scheme and host, maybe a path prefix; no trailing `/`) is one of
    /// the venue's `known` bases or one the user allowed. `verify.unknown_url` otherwise:
    /// an envelope pointed at an unexpected host is refused, whatever its signature.
    pub fn check_base(&self, base: &str, known: &[&str]) -> Result<()> {
        let allowed = known.contains(&base)
            || self
                .base_urls
                .iter()
                .any(|b| b.trim_end_matches('/') == base);
        if allowed {
            Ok(())
        } else {
            Err(Error::new(
                ErrorCode::VerifyUnknownUrl,
                Some("url"),
                format!(
                    "expected an endpoint under one of {} (or a --base-url you allow), saw {}",
                    known.join(", "),
                    describe(&Value::from(base))
                ),
            ))
        }
    }
}

/// Parses one envelope strictly: a JSON object (no duplicate keys, no BOM) with exactly
/// the contract's fields, `airsign` = 1. An error object (a refused request in `batch`
/// output) is `envelope.malformed`, naming its code.
pub fn parse_envelope(text: &str) -> Result<Envelope> {
    // The common case in one pass: straight into the typed envelope, which refuses
    // unknown and duplicate fields (headers included) and a null login by itself. Any
    // failure takes the strict path below, which alone words the error.
    if crate::json::check_shape(text).is_ok()
        && let Ok(env) = serde_json::from_str::<Envelope>(text)
        && env.airsign == crate::FORMAT_VERSION
    {
        return Ok(env);
    }
    let map = crate::json::parse_object(text)
        .map_err(|e| Error::new(ErrorCode::EnvelopeMalformed, None, e.message().to_owned()))?;
    if let Some(err) = map.get("error") {
        let code = err.get("code").and_then(Value::as_str).unwrap_or("unknown");
        return Err(Error::new(
            ErrorCode::EnvelopeMalformed,
            Some("error"),
            format!("expected an envelope, saw an error object ({code}): nothing was signed"),
        ));
    }
    match map.get("airsign") {
        Some(Value::Number(n)) if n.as_u64() == Some(u64::from(crate::FORMAT_VERSION)) => {}
        Some(v) => return Err(malformed("airsign", "1", v)),
        None => return Err(missing("airsign")),
    }
    // The contract's fields in order; `login` is the one that may be absent.
    const KNOWN: &[&str] = &[
        "airsign",
        "venue",
        "action",
        "transport",
        "method",
        "url",
        "headers",
        "body",
        "login",
        "signer",
        "signed",
        "expires_at",
    ];
    if let Some(field) = KNOWN
        .iter()
        .find(|f| **f != "login" && !map.contains_key(**f))
    {
        return Err(missing(field));
    }
    if let Some(k) = map.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(Error::new(
            ErrorCode::EnvelopeMalformed,
            Some(k),
            "expected only the envelope's fields (see docs/format.md), saw an unknown one",
        ));
    }
    // airsign never writes `"login":null` (a REST envelope has no login at all); read
    // leniently it would vanish and the envelope still compare equal.
    if map.get("login").is_some_and(Value::is_null) {
        return Err(malformed(
            "login",
            "a login frame (WebSocket) or no login field",
            &Value::Null,
        ));
    }
    serde_json::from_value(Value::Object(map)).map_err(|e| {
        Error::new(
            ErrorCode::EnvelopeMalformed,
            None,
            format!("expected the envelope's field types (see docs/format.md): {e}"),
        )
    })
}

fn missing(field: &str) -> Error {
    Error::new(
        ErrorCode::EnvelopeMalformed,
        Some(field),
        "missing; expected every field of an envelope (see docs/format.md)",
    )
}

fn malformed(field: &str, expected: &str, seen: &Value) -> Error {
    Error::new(
        ErrorCode::EnvelopeMalformed,
        Some(field),
        format!("expected {expected}, saw {}", describe(seen)),
    )
}

/// A `verify.mismatch` error for `field`.
pub fn mismatch(field: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorCode::VerifyMismatch, Some(field), message)
}

/// Parses a body (or frame) text of the envelope as a JSON object, strictly.
pub fn parse_body(field: &str, text: &str) -> Result<Map<String, Value>> {
    crate::json::parse_object(text).map_err(|e| mismatch(field, e.message().to_owned()))
}

/// Re-labels an error from re-validating the derived request: whatever the venue would
/// refuse to sign, verify refuses as a mismatch, keeping the venue's explanation.
pub fn as_mismatch(e: Error) -> Error {
    match e.code() {
        ErrorCode::VerifyBadSignature
        | ErrorCode::VerifyMismatch
        | ErrorCode::VerifyUnknownUrl
        | ErrorCode::EnvelopeMalformed => e,
        code => {
            let what = match e.field() {
                Some(f) => format!("{code} at {f}"),
                None => code.to_string(),
            };
            mismatch(
                "body",
                format!(
                    "expected a request the venue accepts; re-deriving it gives {what}: {}",
                    e.message()
                ),
            )
        }
    }
}

/// The start of a request re-derived from `env`: its venue, action and transport. Each
/// venue adds what it reads from the url, headers and body.
pub fn request_fields(env: &Envelope) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("venue".into(), Value::from(env.venue.as_str()));
    m.insert("action".into(), Value::from(env.action.as_str()));
    m.insert("transport".into(), Value::from(env.transport.as_str()));
    m
}

/// The base of `env.url` before `path` (the action's endpoint), or `verify.mismatch`
/// when the url does not end with it.
pub fn url_base<'a>(env: &'a Envelope, path: &str) -> Result<&'a str> {
    strip_suffix(&env.url, path).ok_or_else(|| {
        mismatch(
            "url",
            format!("expected a url ending in {path} for action {}", env.action),
        )
    })
}

/// Requires the rebuilt envelope to equal the given one, field by field, all but `signed`
/// (see [`compare_signed`]). The message
/// names the first field that differs and, for text, the byte offset; it never prints a
/// header value (an `Authorization` header holds a token).
pub fn compare(given: &Envelope, rebuilt: &Envelope) -> Result<()> {
    fn text(field: &str, a: &str, b: &str) -> Result<()> {
        if a == b {
            return Ok(());
        }
        let at = a
            .bytes()
            .zip(b.bytes())
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        Err(mismatch(
            field,
            format!(
                "expected the exact text airsign builds from this envelope's contents; \
                 it differs at byte {at} ({} bytes given, {} expected)",
                a.len(),
                b.len()
            ),
        ))
    }
    fn opt(field: &str, a: Option<&str>, b: Option<&str>) -> Result<()> {
        match (a, b) {
            (Some(a), Some(b)) => text(field, a, b),
            (None, None) => Ok(()),
            (Some(_), None) => Err(mismatch(field, "expected null, saw a value")),
            (None, Some(_)) => Err(mismatch(field, "expected a value, saw null")),
        }
    }
    if given.venue != rebuilt.venue {
        return Err(mismatch("venue", "the venue does not match the request"));
    }
    if given.action != rebuilt.action {
        return Err(mismatch(
            "action",
            format!(
                "expected {} for this url and body, saw {}",
                describe(&Value::from(rebuilt.action.as_str())),
                describe(&Value::from(given.action.as_str()))
            ),
        ));
    }
    if given.transport != rebuilt.transport {
        return Err(mismatch(
            "transport",
            "the transport does not match the url",
        ));
    }
    opt("method", given.method.as_deref(), rebuilt.method.as_deref())?;
    text("url", &given.url, &rebuilt.url)?;
    let (g, r) = (&given.headers.0, &rebuilt.headers.0);
    for i in 0..g.len().max(r.len()) {
        match (g.get(i), r.get(i)) {
            (Some((gk, gv)), Some((rk, rv))) => {
                if gk != rk {
                    return Err(mismatch(
                        "headers",
                        format!("expected header {rk} at position {}, saw {gk}", i + 1),
                    ));
                }
                if gv != rv {
                    return Err(mismatch(
                        &format!("headers.{gk}"),
                        "expected the value airsign derives from the request; it differs",
                    ));
                }
            }
            (Some((gk, _)), None) => {
                return Err(mismatch("headers", format!("unexpected header {gk}")));
            }
            (None, Some((rk, _))) => {
                return Err(mismatch("headers", format!("missing header {rk}")));
            }
            (None, None) => {}
        }
    }
    opt("body", given.body.as_deref(), rebuilt.body.as_deref())?;
    opt("login", given.login.as_deref(), rebuilt.login.as_deref())?;
    opt("signer", given.signer.as_deref(), rebuilt.signer.as_deref())?;
    if given.expires_at != rebuilt.expires_at {
        return Err(mismatch(
            "expires_at",
            format!(
                "expected {:?}, saw {:?}",
                rebuilt.expires_at, given.expires_at
            ),
        ));
    }
    Ok(())
}

/// Requires the envelope's `signed` audit entries to be exactly the messages and
/// signatures re-derived from its body, url and headers. Run after the signatures have
/// been checked, so a changed body reports the bad signature rather than this.
pub fn compare_signed(given: &Envelope, rebuilt: &Envelope) -> Result<()> {
    if given.signed == rebuilt.signed {
        Ok(())
    } else {
        Err(mismatch(
            "signed",
            "expected the messages and signatures re-derived from the body, url and headers",
        ))
    }
}

/// Splits `url` into its base and `suffix`, when it ends with `suffix`.
pub fn strip_suffix<'a>(url: &'a str, suffix: &str) -> Option<&'a str> {
    url.strip_suffix(suffix).filter(|b| !b.is_empty())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const ENV: &str = r#"{"airsign":1,"venue":"layer1","action":"cancel_conversion","transport":"rest","method":"DELETE","url":"https://x","headers":{"Authorization":"Bearer t"},"body":null,"signer":null,"signed":[],"expires_at":null}"#;

    #[test]
    fn parses_a_contract_envelope() {
        let e = parse_envelope(ENV).unwrap();
        assert_eq!(e.to_json_line(), ENV);
    }

    #[test]
    fn refuses_error_objects_unknown_fields_and_duplicates() {
        let err = parse_envelope(r#"{"airsign":1,"line":3,"error":{"code":"params.missing"}}"#)
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::EnvelopeMalformed);
        assert!(err.message().contains("params.missing"));
        let extra = ENV.replace(r#""expires_at":null"#, r#""expires_at":null,"x":1"#);
        assert_eq!(
            parse_envelope(&extra).unwrap_err().field(),
            Some("x"),
            "unknown field"
        );
        let dup = ENV.replace(r#""body":null"#, r#""body":null,"body":"{}""#);
        assert_eq!(
            parse_envelope(&dup).unwrap_err().code(),
            ErrorCode::EnvelopeMalformed
        );
        let v2 = ENV.replace(r#""airsign":1"#, r#""airsign":2"#);
        assert_eq!(parse_envelope(&v2).unwrap_err().field(), Some("airsign"));
    }

    #[test]
    fn compare_names_the_first_difference_without_header_values() {
        let a = parse_envelope(ENV).unwrap();
        let mut b = a.clone();
        b.headers.0[0].1 = "Bearer secret-token".into();
        let err = compare(&b, &a).unwrap_err();
        assert_eq!(err.field(), Some("headers.Authorization"));
        assert!(!err.to_string().contains("secret-token"));
        let mut c = a.clone();
        c.url = "https://y".into();
        assert!(compare(&c, &a).unwrap_err().message().contains("byte 8"));
    }

    #[test]
    fn base_urls_are_allow_listed() {
        let opts = VerifyOptions {
            base_urls: vec!["https://proxy.example/".into()],
            now_ms: 0,
        };
        assert!(opts.check_base("https://api.x", &["https://api.x"]).is_ok());
        assert!(opts.check_base("https://proxy.example", &[]).is_ok());
        let err = opts.check_base("https://evil.example", &["https://api.x"]);
        assert_eq!(err.unwrap_err().code(), ErrorCode::VerifyUnknownUrl);
    }
}
