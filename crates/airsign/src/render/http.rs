//! `--format http`: the raw HTTP/1.1 request of a REST envelope, as it goes on the wire:
//! the request line (method, path and query), `Host`, the envelope's headers in order,
//! `Content-Length` when there is a body, a blank line, and the body bytes exactly.

use airsign_core::{Envelope, Error, ErrorCode, Result, Transport};

use crate::render::{check_common, is_token};

/// The request bytes for one REST envelope.
pub fn render(env: &Envelope) -> Result<Vec<u8>> {
    let (_, authority, target) = check_common(env)?;
    if env.transport != Transport::Rest {
        return Err(Error::new(
            ErrorCode::EnvelopeMalformed,
            Some("transport"),
            "expected a rest envelope: a ws envelope is frames on a WebSocket, not one HTTP \
             request (use --format curl for its frames)",
        ));
    }
    let method = env
        .method
        .as_deref()
        .filter(|m| is_token(m))
        .ok_or_else(|| {
            Error::new(
                ErrorCode::EnvelopeMalformed,
                Some("method"),
                "expected an HTTP method (a token such as POST)",
            )
        })?;
    let mut out = format!("{method} {target} HTTP/1.1\r\n");
    if env.headers.get("Host").is_none() {
        out.push_str(&format!("Host: {authority}\r\n"));
    }
    for (k, v) in &env.headers.0 {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = &env.body
        && env.headers.get("Content-Length").is_none()
    {
        out.push_str(&format!("Content-Length: {}\r\n", b.len()));
    }
    out.push_str("\r\n");
    if let Some(b) = &env.body {
        out.push_str(b);
    }
    Ok(out.into_bytes())
}
