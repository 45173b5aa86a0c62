//! `airsign verify`: one result line per envelope.
//!
//! The checking itself is each venue crate's `verify`; this module parses the envelope,
//! routes it, and writes the result line:
//!
//! ```text
//! {"airsign":1,"line":1,"venue":"pacifica","action":"cancel_order","result":"ok",
//!  "checks":[{"scheme":"ed25519","signer":"…","result":"ok"}],"unsigned":[]}
//! ```
//!
//! `result` is `ok` (every signature verifies and the envelope is exactly what airsign
//! builds from its own contents), `unverifiable` (nothing failed, but something could not
//! be checked: a bearer token, an HMAC without its secret; `reason` says what) or `failed`
//! (with the contract's `error` object).

use airsign_core::verify::{CheckResult, Verdict, VerifyOptions, parse_envelope};
use airsign_core::{Envelope, Error, ErrorCode, Result};
use airsign_keys::Keyring;
use serde_json::Value;

use crate::batch::{Answer, LineAnswerer};
use crate::{venue, venue_names};

/// How one envelope's verification ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every signature verified.
    Ok,
    /// Nothing failed, but not everything could be checked.
    Unverifiable,
    /// A check failed, or the input is not a valid envelope.
    Failed,
}

/// Verifies one envelope given as JSON text.
pub fn verify_envelope(
    text: &str,
    keys: &Keyring,
    opts: &VerifyOptions,
) -> Result<(Envelope, Verdict)> {
    let env = parse_envelope(text)?;
    let verdict = verify_parsed(&env, keys, opts)?;
    Ok((env, verdict))
}

/// Verifies an already parsed envelope with its venue's rules.
///
/// An envelope whose `expires_at` lies before `opts.now_ms` (the host clock, or `--at`)
/// fails with `verify.expired` first: the venue would refuse it, whatever its signatures.
pub fn verify_parsed(env: &Envelope, keys: &Keyring, opts: &VerifyOptions) -> Result<Verdict> {
    if let Some(expires_at) = env.expires_at
        && expires_at < opts.now_ms
    {
        return Err(Error::new(
            ErrorCode::VerifyExpired,
            Some("expires_at"),
            format!(
                "expected an envelope still valid at {} ({}), saw one that expired at {} ({expires_at}); sign it again, or pass --at MS for the time it will be sent",
                crate::clock::utc(opts.now_ms),
                opts.now_ms,
                crate::clock::utc(expires_at)
            ),
        ));
    }
    match venue(&env.venue) {
        Some(v) => v.verify(env, &airsign_keys::Checker::new(keys), opts),
        None => Err(Error::new(
            ErrorCode::EnvelopeMalformed,
            Some("venue"),
            format!(
                "expected one of {}; saw {}",
                venue_names().join(", "),
                Value::from(env.venue.as_str())
            ),
        )),
    }
}

/// `verify` through the batch pipeline: each non-blank line is an envelope, answered with
/// its result line, in input order, on every core.
#[derive(Debug, Clone, Copy)]
pub struct Verifier<'a> {
    /// HMAC secrets (Ripio), if a key file was given.
    pub keys: &'a Keyring,
    /// The accepted base URLs and the clock.
    pub opts: &'a VerifyOptions,
}

impl LineAnswerer for Verifier<'_> {
    fn answer(&self, line_no: u64, raw: &[u8], out: &mut String) -> Answer {
        if raw.iter().all(u8::is_ascii_whitespace) {
            return Answer::Skipped;
        }
        let (line, outcome) = verify_line(line_no, raw, self.keys, self.opts);
        out.push_str(&line);
        match outcome {
            Outcome::Ok => Answer::Good,
            Outcome::Unverifiable => Answer::Unverifiable,
            Outcome::Failed => Answer::Refused,
        }
    }
    fn oversize(&self, line_no: u64, max: usize, out: &mut String) -> Answer {
        let e = oversize_error(max);
        out.push_str(&result_line(line_no, Err(e), self.keys, self.opts).0);
        Answer::Refused
    }
}

/// The error for an envelope (a line, or a whole document) longer than `max` bytes.
pub fn oversize_error(max: usize) -> Error {
    Error::new(
        ErrorCode::EnvelopeMalformed,
        None,
        format!(
            "expected one envelope per line, saw one longer than {max} bytes (not read; no \
             envelope is that large)"
        ),
    )
}

/// Verifies one input (a line, or a whole document) and writes its result line.
pub fn verify_line(
    line_no: u64,
    raw: &[u8],
    keys: &Keyring,
    opts: &VerifyOptions,
) -> (String, Outcome) {
    let result = match std::str::from_utf8(raw) {
        Err(e) => Err(Error::not_utf8(ErrorCode::EnvelopeMalformed, &e)),
        Ok(text) => parse_envelope(text),
    };
    result_line(line_no, result, keys, opts)
}

/// The result line for a parsed (or refused) envelope.
fn result_line(
    line_no: u64,
    result: Result<Envelope>,
    keys: &Keyring,
    opts: &VerifyOptions,
) -> (String, Outcome) {
    // Written straight out, in a fixed key order; strings escaped by serde_json.
    let mut out = Vec::with_capacity(256);
    let str_ = |out: &mut Vec<u8>, s: &str| {
        // Writing a string into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    };
    out.extend_from_slice(b"{\"airsign\":");
    out.extend_from_slice(airsign_core::FORMAT_VERSION.to_string().as_bytes());
    out.extend_from_slice(b",\"line\":");
    out.extend_from_slice(line_no.to_string().as_bytes());
    if let Ok(env) = &result {
        out.extend_from_slice(b",\"venue\":");
        str_(&mut out, &env.venue);
        out.extend_from_slice(b",\"action\":");
        str_(&mut out, &env.action);
    }
    let outcome = match result.and_then(|env| verify_parsed(&env, keys, opts)) {
        Ok(verdict) => {
            let word = verdict.result();
            out.extend_from_slice(b",\"result\":");
            str_(&mut out, word);
            out.extend_from_slice(b",\"checks\":[");
            for (i, c) in verdict.checks.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(b"{\"scheme\":");
                str_(&mut out, &c.scheme);
                if let Some(s) = &c.signer {
                    out.extend_from_slice(b",\"signer\":");
                    str_(&mut out, s);
                }
                match &c.result {
                    CheckResult::Verified => out.extend_from_slice(b",\"result\":\"ok\""),
                    CheckResult::Unverifiable(why) => {
                        out.extend_from_slice(b",\"result\":\"unverifiable\",\"reason\":");
                        str_(&mut out, why);
                    }
                }
                out.push(b'}');
            }
            out.extend_from_slice(b"],\"unsigned\":[");
            for (i, u) in verdict.unsigned.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                str_(&mut out, u);
            }
            out.push(b']');
            if let Some(why) = &verdict.unverifiable {
                out.extend_from_slice(b",\"reason\":");
                str_(&mut out, why);
            }
            if word == "ok" {
                Outcome::Ok
            } else {
                Outcome::Unverifiable
            }
        }
        Err(e) => {
            out.extend_from_slice(b",\"result\":\"failed\",\"error\":{\"code\":");
            str_(&mut out, e.code().as_str());
            if let Some(f) = e.field() {
                out.extend_from_slice(b",\"field\":");
                str_(&mut out, f);
            }
            out.extend_from_slice(b",\"message\":");
            str_(&mut out, e.message());
            out.push(b'}');
            Outcome::Failed
        }
    };
    out.push(b'}');
    // Only ASCII punctuation and serde_json's escaped strings went in: valid UTF-8.
    (String::from_utf8(out).unwrap_or_default(), outcome)
}
