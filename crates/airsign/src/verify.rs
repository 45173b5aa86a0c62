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
use serde_json::{Map, Value};

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
pub fn verify_parsed(env: &Envelope, keys: &Keyring, opts: &VerifyOptions) -> Result<Verdict> {
    match venue(&env.venue) {
        Some(v) => (v.verify)(env, keys, opts),
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
    let mut top = Map::new();
    top.insert("airsign".into(), Value::from(airsign_core::FORMAT_VERSION));
    top.insert("line".into(), Value::from(line_no));
    if let Ok(env) = &result {
        top.insert("venue".into(), Value::from(env.venue.as_str()));
        top.insert("action".into(), Value::from(env.action.as_str()));
    }
    let outcome = match result.and_then(|env| verify_parsed(&env, keys, opts)) {
        Ok(verdict) => {
            let word = verdict.result();
            top.insert("result".into(), Value::from(word));
            let checks: Vec<Value> = verdict
                .checks
                .iter()
                .map(|c| {
                    let mut m = Map::new();
                    m.insert("scheme".into(), Value::from(c.scheme.as_str()));
                    if let Some(s) = &c.signer {
                        m.insert("signer".into(), Value::from(s.as_str()));
                    }
                    match &c.result {
                        CheckResult::Verified => {
                            m.insert("result".into(), Value::from("ok"));
                        }
                        CheckResult::Unverifiable(why) => {
                            m.insert("result".into(), Value::from("unverifiable"));
                            m.insert("reason".into(), Value::from(why.as_str()));
                        }
                    }
                    Value::Object(m)
                })
                .collect();
            top.insert("checks".into(), Value::Array(checks));
            top.insert(
                "unsigned".into(),
                Value::Array(
                    verdict
                        .unsigned
                        .iter()
                        .map(|s| Value::from(s.as_str()))
                        .collect(),
                ),
            );
            if let Some(why) = &verdict.unverifiable {
                top.insert("reason".into(), Value::from(why.as_str()));
            }
            if word == "ok" {
                Outcome::Ok
            } else {
                Outcome::Unverifiable
            }
        }
        Err(e) => {
            top.insert("result".into(), Value::from("failed"));
            let mut err = Map::new();
            err.insert("code".into(), Value::from(e.code().as_str()));
            if let Some(f) = e.field() {
                err.insert("field".into(), Value::from(f));
            }
            err.insert("message".into(), Value::from(e.message()));
            top.insert("error".into(), Value::Object(err));
            Outcome::Failed
        }
    };
    (Value::Object(top).to_string(), outcome)
}
