//! Helpers the unit tests share.

use airsign_core::{Context, Envelope, Request, Result};
use airsign_keys::{Key, Scheme, SecretBytes};

/// A conversion id.
pub(crate) const ID: &str = "550e8400-e29b-41d4-a716-446655440000";

/// A JWT (unsigned for the purpose: its signature is never checked) with `payload`.
pub(crate) fn jwt(payload: &str) -> String {
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

/// Builds `req` with the bearer token `token` (the key file's text) at clock `now`.
pub(crate) fn run(req: &str, token: &str, now: u64) -> Result<Envelope> {
    let keys = Key::from_bytes(
        "key file",
        Scheme::Bearer,
        SecretBytes::new(token.as_bytes().to_vec()),
    );
    Context::fixed(now, |ctx| crate::build(&Request::parse(req)?, &keys, ctx))
}

/// A `cancel_conversion` of [`ID`] with `extra` top-level fields (`,"k":v…`).
pub(crate) fn req(extra: &str) -> String {
    format!(
        r#"{{"venue":"layer1","action":"cancel_conversion"{extra},"params":{{"conversion_id":"{ID}"}}}}"#
    )
}
