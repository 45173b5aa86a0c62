//! Bearer tokens (OAuth2 access tokens, e.g. Layer1's Keycloak JWTs).
//!
//! The key file holds the token alone; one trailing newline is ignored. The token is the
//! whole credential, so it is handled like a secret: not `Clone`, zeroized on drop, never in
//! `Debug` or an error (errors describe it by length and shape only). Its one way out is
//! [`BearerToken::authorization_value`], the `Authorization` header value.
//!
//! A token that looks like a JWT (three base64url segments whose first decodes to a JSON
//! object) has its payload read for the `exp` claim, so a request is refused when the
//! token has already expired at the request's time. **Nothing is verified**: the JWT's
//! signature cannot be checked offline (the issuer's key is not here), so `exp` is
//! whatever the token claims — a guard against sending a stale token, not a proof that
//! the token is valid. Other tokens are opaque and taken as they are.

use std::fmt;

use airsign_core::{Error, ErrorCode, Result};
use base64::Engine as _;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::secret::strip_trailing_newline;

/// What a bearer token looks like (for messages: the token itself is never shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenShape {
    /// Three base64url segments with a JSON header: a JWS compact JWT (unverified).
    Jwt,
    /// Anything else: an opaque string.
    Opaque,
}

impl TokenShape {
    /// `JWT` or `opaque`, for messages.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Jwt => "JWT",
            Self::Opaque => "opaque",
        }
    }
}

/// A bearer token from a key file, checked for shape.
pub struct BearerToken {
    token: Zeroizing<String>,
    shape: TokenShape,
    expires_at_ms: Option<u64>,
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BearerToken")
            .field("shape", &self.shape)
            .field("len", &self.token.len())
            .field("expires_at_ms", &self.expires_at_ms)
            .finish_non_exhaustive()
    }
}

impl BearerToken {
    /// A token from key-file contents (one trailing newline ignored).
    ///
    /// Refused (`key.invalid`, field `key_file`): an empty token; a token that already
    /// starts with `Bearer ` (any case: airsign adds the scheme itself); any byte outside
    /// visible ASCII 0x21–0x7E (spaces, tabs, CR/LF would split or inject headers); a
    /// JWT-shaped token whose payload is not base64url JSON or whose `exp` is not a number.
    pub fn from_key_file(contents: &[u8]) -> Result<Self> {
        let raw = strip_trailing_newline(contents);
        if raw.is_empty() {
            return Err(key_invalid(
                "expected a bearer token; the key file is empty (empty_bearer_token)",
            ));
        }
        if has_bearer_prefix(raw) {
            return Err(key_invalid(&format!(
                "expected the token alone; the key file's {} bytes start with the \"Bearer\" \
                 scheme, which airsign adds itself: remove it (token_has_bearer_prefix)",
                raw.len()
            )));
        }
        if let Some(pos) = raw.iter().position(|b| !(0x21..=0x7e).contains(b)) {
            let what = match raw[pos] {
                b' ' => "a space",
                b'\t' => "a tab",
                b'\r' | b'\n' => "a line break",
                0..=0x1f | 0x7f => "a control character",
                _ => "a non-ASCII byte",
            };
            return Err(key_invalid(&format!(
                "expected a bearer token of visible ASCII characters (0x21-0x7E); byte {} of \
                 {} is {what} (invalid_bearer_token_chars)",
                pos + 1,
                raw.len()
            )));
        }
        // Checked above: every byte is visible ASCII.
        let text = String::from_utf8_lossy(raw).into_owned();
        let token = Zeroizing::new(text);
        let (shape, expires_at_ms) = match jwt_expiry(&token)? {
            Some(exp) => (TokenShape::Jwt, exp),
            None => (TokenShape::Opaque, None),
        };
        Ok(Self {
            token,
            shape,
            expires_at_ms,
        })
    }

    /// JWT or opaque.
    pub fn shape(&self) -> TokenShape {
        self.shape
    }

    /// The token's length in bytes (for messages).
    pub fn len(&self) -> usize {
        self.token.len()
    }

    /// Always false: an empty token is refused when it is read.
    pub fn is_empty(&self) -> bool {
        self.token.is_empty()
    }

    /// The JWT's `exp` claim in milliseconds (fractions of a second dropped), if the token
    /// is a JWT that carries one. **Unverified**: the signature cannot be checked offline.
    pub fn expires_at_ms(&self) -> Option<u64> {
        self.expires_at_ms
    }

    /// Fails with `key.token_expired` when the token claims an expiry at or before
    /// `at_ms` (RFC 7519 §4.1.4: it must not be accepted on or after `exp`).
    pub fn check_not_expired(&self, at_ms: u64) -> Result<()> {
        match self.expires_at_ms {
            Some(exp) if exp <= at_ms => Err(Error::new(
                ErrorCode::KeyTokenExpired,
                Some("key_file"),
                format!(
                    "expected a bearer token still valid at the request's time {at_ms} ms; \
                     this {} of {} characters claims exp {exp} ms, {} s earlier: fetch a \
                     fresh access token (the claim is read, not verified)",
                    self.shape.as_str(),
                    self.token.len(),
                    (at_ms - exp) / 1000
                ),
            )),
            _ => Ok(()),
        }
    }

    /// The token as the proof a venue's assembly puts on the wire (the `Authorization`
    /// header): a zeroizing copy.
    pub fn to_proof(&self) -> airsign_core::Proof {
        airsign_core::Proof::Bearer(Zeroizing::new(self.token.as_str().to_owned()))
    }

    /// The `Authorization` header value: `Bearer <token>`. This is the one place the token
    /// leaves this type; it belongs in that header and nowhere else.
    pub fn authorization_value(&self) -> String {
        format!("Bearer {}", self.token.as_str())
    }
}

/// True for `Bearer`/`bearer`/… alone or followed by whitespace.
fn has_bearer_prefix(raw: &[u8]) -> bool {
    const SCHEME: &[u8] = b"bearer";
    raw.len() >= SCHEME.len()
        && raw[..SCHEME.len()].eq_ignore_ascii_case(SCHEME)
        && raw
            .get(SCHEME.len())
            .is_none_or(|b| b.is_ascii_whitespace())
}

/// For a JWT-shaped token, `Some(exp in ms, if claimed)`; `None` for an opaque token.
///
/// JWT-shaped: exactly three dot-separated segments, the first two unpadded base64url,
/// the first decoding to a JSON object (the JOSE header). Once the header says "JWT", a
/// payload that does not decode is an error (a truncated or corrupted token), not a
/// reason to fall back to "opaque".
fn jwt_expiry(token: &str) -> Result<Option<Option<u64>>> {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(_sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Ok(None);
    };
    let Ok(header) = b64.decode(header).map(Zeroizing::new) else {
        return Ok(None);
    };
    if serde_json::from_slice::<AnyObject>(&header).is_err() {
        return Ok(None);
    }
    let len = token.len();
    let bad = |why: &str| {
        key_invalid(&format!(
            "the bearer token ({len} characters) has a JWT header but {why}; \
             is it truncated? expected the whole access token"
        ))
    };
    let payload = Zeroizing::new(
        b64.decode(payload)
            .map_err(|_| bad("its payload is not base64url"))?,
    );
    // Only `exp` is kept: the other claims are skipped without being copied out of the
    // zeroizing payload buffer.
    let claims: Claims =
        serde_json::from_slice(&payload).map_err(|_| bad("its payload is not a JSON object"))?;
    let exp = match &claims.exp {
        None => None,
        Some(Value::Number(n)) => Some(numeric_date_ms(n).ok_or_else(|| {
            bad("its exp claim is not a non-negative NumericDate (seconds since the epoch)")
        })?),
        Some(_) => {
            return Err(bad(
                "its exp claim is not a number (RFC 7519 NumericDate, seconds since the epoch)",
            ));
        }
    };
    Ok(Some(exp))
}

/// The one claim airsign reads. The others are skipped (as `IgnoredAny`) without being
/// copied out of the zeroizing payload buffer.
struct Claims {
    exp: Option<Value>,
}

/// An object key: `exp`, or any other (not kept).
enum ClaimKey {
    Exp,
    Other,
}

impl<'de> Deserialize<'de> for ClaimKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ClaimKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a claim name")
            }
            fn visit_str<E: de::Error>(self, k: &str) -> std::result::Result<ClaimKey, E> {
                Ok(if k == "exp" {
                    ClaimKey::Exp
                } else {
                    ClaimKey::Other
                })
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Claims {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Claims;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object of claims")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Claims, A::Error> {
                let mut exp = None;
                while let Some(key) = map.next_key::<ClaimKey>()? {
                    match key {
                        ClaimKey::Exp if exp.is_some() => {
                            return Err(de::Error::custom("duplicate exp claim"));
                        }
                        ClaimKey::Exp => exp = Some(map.next_value::<Value>()?),
                        ClaimKey::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(Claims { exp })
            }
        }
        d.deserialize_map(V)
    }
}

/// Any JSON object, checked for shape and skipped without copying its contents.
struct AnyObject;

impl<'de> Deserialize<'de> for AnyObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AnyObject;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<AnyObject, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(AnyObject)
            }
        }
        d.deserialize_map(V)
    }
}

/// A NumericDate (seconds, possibly fractional) as whole milliseconds.
fn numeric_date_ms(n: &serde_json::Number) -> Option<u64> {
    if let Ok(secs) = airsign_core::json::number_as_u64(n) {
        return Some(secs.saturating_mul(1000));
    }
    let secs = n.as_f64()?;
    if !secs.is_finite() || secs < 0.0 {
        return None;
    }
    // Float-to-int casts saturate; sub-millisecond fractions are dropped.
    Some((secs * 1000.0).floor() as u64)
}

fn key_invalid(msg: &str) -> Error {
    Error::new(ErrorCode::KeyInvalid, Some("key_file"), msg.to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn jwt(payload: &str) -> String {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.c2lnbmF0dXJlLWJ5dGVz",
            b64.encode(r#"{"alg":"RS256","typ":"JWT"}"#),
            b64.encode(payload)
        )
    }

    #[test]
    fn shapes_and_expiry() {
        let t = BearerToken::from_key_file(b"vector-opaque-token-3_AbC~xyz.123\n").unwrap();
        assert_eq!(t.shape(), TokenShape::Opaque);
        assert_eq!(
            t.authorization_value(),
            "Bearer vector-opaque-token-3_AbC~xyz.123"
        );
        let t = BearerToken::from_key_file(jwt(r#"{"sub":"x"}"#).as_bytes()).unwrap();
        assert_eq!((t.shape(), t.expires_at_ms()), (TokenShape::Jwt, None));
        t.check_not_expired(u64::MAX).unwrap();

        let t = BearerToken::from_key_file(jwt(r#"{"exp":1700000000}"#).as_bytes()).unwrap();
        assert_eq!(t.expires_at_ms(), Some(1_700_000_000_000));
        t.check_not_expired(1_699_999_999_999).unwrap();
        let e = t.check_not_expired(1_700_000_000_000).unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeyTokenExpired);
        assert_eq!(e.code().as_str(), "key.token_expired");

        let t = BearerToken::from_key_file(jwt(r#"{"exp":1700000000.9}"#).as_bytes()).unwrap();
        assert_eq!(t.expires_at_ms(), Some(1_700_000_000_900));
        // Three segments whose header is not JSON: opaque, not a JWT.
        let t = BearerToken::from_key_file(b"abc.def.ghi").unwrap();
        assert_eq!(t.shape(), TokenShape::Opaque);
    }

    #[test]
    fn bad_tokens_refused_without_echo() {
        let secret_jwt = jwt(r#"{"sub":"SECRETSUBJECT","exp":"soon"}"#);
        let truncated = {
            let j = jwt(r#"{"sub":"SECRETSUBJECT"}"#);
            let cut = j.find('.').unwrap() + 6;
            format!("{}.{}", &j[..cut], "c2ln")
        };
        let cases: Vec<(String, &str)> = vec![
            (String::new(), "empty_bearer_token"),
            ("\n".into(), "empty_bearer_token"),
            ("Bearer SECRETTOKENVALUE".into(), "token_has_bearer_prefix"),
            ("bearer\tSECRETTOKENVALUE".into(), "token_has_bearer_prefix"),
            ("SECRETTOKEN VALUE".into(), "invalid_bearer_token_chars"),
            (
                "SECRETTOKENVALUE\r\nX: y".into(),
                "invalid_bearer_token_chars",
            ),
            ("SECRETTOKENVALUÉ".into(), "invalid_bearer_token_chars"),
            (secret_jwt, "exp claim"),
            (jwt(r#"{"sub":"SECRETSUBJECT","exp":null}"#), "exp claim"),
            (jwt(r#"[1700000000]"#), "not a JSON object"),
            (
                jwt(r#"{"exp":1700000000,"sub":"SECRETSUBJECT","exp":1}"#),
                "not a JSON object",
            ),
            (truncated, "JWT header"),
        ];
        for (c, why) in cases {
            let e = BearerToken::from_key_file(c.as_bytes()).unwrap_err();
            assert_eq!(e.code(), ErrorCode::KeyInvalid, "{c}");
            let text = e.to_string();
            assert!(text.contains(why), "{text}");
            assert!(!text.contains("SECRET"), "{text}");
        }
        let t = BearerToken::from_key_file(b"SECRETTOKENVALUE").unwrap();
        assert!(!format!("{t:?}").contains("SECRET"));
        assert!(BearerToken::from_key_file(b"BearerSECRETTOKEN").is_ok());
    }
}
