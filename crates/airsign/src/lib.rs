//! The airsign command-line tool, as a library: venue dispatch and the batch loop.
//!
//! The binary (`src/main.rs`) parses flags, reads the key file and input, and prints; this
//! library holds the one code path every request takes — [`sign_request`] — so the CLI,
//! the vector harness and the benches all sign the same way. It holds no venue logic: it
//! only routes a request to its venue crate.

#![forbid(unsafe_code)]

mod batch;
pub mod verify;

pub use batch::{BatchOptions, BatchSummary, run_batch};
pub use verify::{Outcome, verify_envelope, verify_line, verify_parsed};

use airsign_core::{Context, Envelope, Error, ErrorCode, Request, Result};
use airsign_keys::Keyring;

/// The venues airsign knows, as named in requests.
pub const VENUES: &[&str] = &["pacifica", "derive", "mobula", "ripio", "layer1"];

/// Parses one request (JSON text) and builds its signed envelope.
pub fn sign_request(text: &str, keys: &Keyring, ctx: &Context<'_>) -> Result<Envelope> {
    let req = Request::parse(text)?;
    sign_parsed(&req, keys, ctx)
}

/// Builds the signed envelope for an already parsed request.
pub fn sign_parsed(req: &Request, keys: &Keyring, ctx: &Context<'_>) -> Result<Envelope> {
    match req.venue.as_str() {
        "pacifica" => airsign_pacifica::build(req, keys, ctx),
        "derive" => airsign_derive::build(req, keys, ctx),
        "mobula" => airsign_mobula::build(req, keys, ctx),
        "ripio" => airsign_ripio::build(req, keys, ctx),
        "layer1" => airsign_layer1::build(req, keys, ctx),
        other => Err(Error::new(
            ErrorCode::RequestUnknownVenue,
            Some("venue"),
            format!(
                "expected one of {}; saw {}",
                VENUES.join(", "),
                serde_json::Value::from(other)
            ),
        )),
    }
}

/// One input line's outcome.
pub fn answer_line(line_no: u64, raw: &[u8], keys: &Keyring, ctx: &Context<'_>) -> (String, bool) {
    let result = match std::str::from_utf8(raw) {
        Err(e) => Err(Error::new(
            ErrorCode::RequestMalformed,
            None,
            format!(
                "expected UTF-8 text, saw an invalid byte at offset {}",
                e.valid_up_to()
            ),
        )),
        Ok(text) if text.trim().is_empty() => Err(Error::new(
            ErrorCode::RequestMalformed,
            None,
            "expected a JSON request object, saw an empty line",
        )),
        Ok(text) => sign_request(text, keys, ctx),
    };
    match result {
        Ok(env) => (env.to_json_line(), true),
        Err(e) => (e.to_json_line(Some(line_no)), false),
    }
}

/// Entry points for the fuzz targets in `fuzz/` and the corpus replay test. Not API.
#[doc(hidden)]
#[allow(clippy::panic)] // a panic is how a fuzz target reports a finding
pub mod fuzzing {
    use airsign_core::{Context, FixedClock, SequenceIds};
    use airsign_keys::{Keyring, SecretBytes};

    /// A public test key (seed = SHA-256 of "vector-key-1"), never a real one.
    const TEST_KEY_HEX: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";

    /// Any bytes as one batch line: the answer must be one line of valid JSON, either an
    /// envelope or an error object. Panics (the fuzzer's signal) otherwise.
    pub fn request_line(data: &[u8]) {
        let keys = Keyring::new(SecretBytes::new(TEST_KEY_HEX.as_bytes().to_vec()));
        let clock = FixedClock(1_748_970_123_456);
        let ids = SequenceIds::new(0);
        let ctx = Context {
            clock: &clock,
            ids: &ids,
        };
        let (line, ok) = super::answer_line(1, data, &keys, &ctx);
        assert!(!line.contains('\n'), "an answer is one line");
        let v: serde_json::Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => panic!("answer is not JSON ({e}): {line}"),
        };
        assert_eq!(
            ok,
            v.get("error").is_none(),
            "ok flag matches the answer: {line}"
        );
    }
}
