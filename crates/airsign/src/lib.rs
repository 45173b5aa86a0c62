//! The airsign command-line tool, as a library: venue dispatch and the batch loop.
//!
//! The binary (`src/main.rs`) parses flags, reads the key file and input, and prints; this
//! library holds the one code path every request takes — [`sign_request`] — so the CLI,
//! the vector harness and the benches all sign the same way. It holds no venue logic: it
//! only routes a request to its venue crate.

#![forbid(unsafe_code)]

mod batch;
pub mod clock;
mod harden;
pub mod output;
pub mod render;
#[cfg(unix)]
pub mod signals;
pub mod twophase;
pub mod verify;

pub use batch::{
    Answer, BatchOptions, BatchSummary, LineAnswerer, MAX_LINE_BYTES, run_batch, run_batch_until,
    run_lines,
};
pub use harden::{Hardening, disable_core_dumps};
pub use verify::{Outcome, Verifier, verify_envelope, verify_line, verify_parsed};

use airsign_core::{Context, Envelope, Error, ErrorCode, Request, Result};
use airsign_keys::Keyring;

pub mod registry;

pub use registry::{REGISTRY, venue, venue_names};

/// Parses one request (JSON text) and builds its signed envelope.
pub fn sign_request(text: &str, keys: &Keyring, ctx: &Context<'_>) -> Result<Envelope> {
    // Refused for its shape before anything is parsed: no tree is built for a line of a
    // million values (the fast paths included).
    airsign_core::json::check_shape(text)?;
    // The plainest cancels are read straight from the text (the kill-switch case:
    // thousands of them) when the run's one key for that venue pins nothing the fast path
    // would have to check; anything else, and every error, takes the general path.
    for v in REGISTRY {
        if v.has_fast_path()
            && let Some(key) = keys.fast_key(v.rules())
            && let Some(signed) = v.build_fast(text, key, ctx)
        {
            return signed;
        }
    }
    let req = Request::parse(text)?;
    sign_parsed(&req, keys, ctx)
}

/// Builds the signed envelope for an already parsed request: its venue from the
/// registry, then the operator's policy and key choice ([`Keyring::authorize`]), then the
/// venue's own build with the chosen key.
pub fn sign_parsed(req: &Request, keys: &Keyring, ctx: &Context<'_>) -> Result<Envelope> {
    let v = venue(&req.venue).ok_or_else(|| {
        Error::new(
            ErrorCode::RequestUnknownVenue,
            Some("venue"),
            format!(
                "expected one of {}; saw {}",
                venue_names().join(", "),
                serde_json::Value::from(req.venue.as_str())
            ),
        )
    })?;
    let now = match req.timestamp {
        Some(t) => t,
        None => ctx.clock.now_ms(),
    };
    // The venue's own top-level fields, before the policy looks at any of them.
    req.allow_extra(v.rules().fields)?;
    let (key, req) = keys.authorize(req, v.rules(), now)?;
    v.build(&req, key, ctx)
}

/// Shortest `expiry_window` signed without a warning (ms): carrying a request across an
/// air gap takes longer than a second.
pub const MIN_QUIET_EXPIRY_MS: u64 = 1000;

/// The request's `expiry_window` when it is below [`MIN_QUIET_EXPIRY_MS`] (for a warning
/// on stderr). A quick look at the text, not a parse: called on requests already signed.
pub fn short_expiry_window(text: &str) -> Option<u64> {
    let at = text.find("\"expiry_window\"")? + "\"expiry_window\"".len();
    let rest = text[at..].trim_start().strip_prefix(':')?.trim_start();
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let w: u64 = rest[..end].parse().ok()?;
    (w < MIN_QUIET_EXPIRY_MS).then_some(w)
}

/// The warning for requests whose `expiry_window` is below [`MIN_QUIET_EXPIRY_MS`].
pub fn short_expiry_warning(what: &str) -> String {
    format!(
        "warning: {what} an expiry_window under {MIN_QUIET_EXPIRY_MS} ms: carrying a request \
         across an air gap takes longer than that, so it may be expired on arrival"
    )
}

/// The answer to a batch line longer than `max` bytes (its bytes are never parsed).
pub fn oversize_line(line_no: u64, max: usize) -> String {
    Error::new(
        ErrorCode::RequestMalformed,
        None,
        format!(
            "expected one request per line, saw a line longer than {max} bytes (not read; \
             is a line break missing?)"
        ),
    )
    .to_json_line(Some(line_no))
}

/// One input line's outcome: its answer (an envelope or an error object, no newline) and
/// whether it was signed.
pub fn answer_line(line_no: u64, raw: &[u8], keys: &Keyring, ctx: &Context<'_>) -> (String, bool) {
    let mut out = String::new();
    let ok = answer_line_into(line_no, raw, keys, ctx, &mut out);
    (out, ok)
}

/// [`answer_line`], appending the answer to `out` (batch writes a chunk's answers into one
/// buffer); returns whether the line was signed.
pub fn answer_line_into(
    line_no: u64,
    raw: &[u8],
    keys: &Keyring,
    ctx: &Context<'_>,
    out: &mut String,
) -> bool {
    let result = match std::str::from_utf8(raw) {
        Err(e) => Err(Error::not_utf8(ErrorCode::RequestMalformed, &e)),
        Ok(text) if text.trim().is_empty() => Err(Error::new(
            ErrorCode::RequestMalformed,
            None,
            "expected a JSON request object, saw an empty line",
        )),
        Ok(text) => sign_request(text, keys, ctx),
    };
    match result {
        Ok(env) => {
            env.write_json_line(out);
            true
        }
        Err(e) => {
            out.push_str(&e.to_json_line(Some(line_no)));
            false
        }
    }
}

#[doc(hidden)]
pub mod fuzzing;
#[doc(hidden)]
pub mod testing;
