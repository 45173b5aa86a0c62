//! Entry points for the fuzz targets in `fuzz/` and the corpus replay test. Not API.
//!
//! Each function takes arbitrary bytes and checks an invariant; a panic is how it reports
//! a finding (libFuzzer turns it into a crash file). The same functions run on stable
//! Rust in `tests/fuzz_corpus.rs`, which replays every committed seed and crash, so a
//! finding, once fixed, stays a regression test.
//!
//! The invariants, per target:
//! - `request`: any bytes as a batch line give exactly one line of JSON: an envelope or an
//!   error object, and the `ok` flag agrees with it; a line the Pacifica fast path takes
//!   is signed by the general path to the same envelope.
//! - `batch`: any bytes as a whole batch input give exactly one answer per input line, in
//!   order, with the same refusals on one thread and on two.
//! - `key_solana_json`, `key_base58`, `key_hex`, `key_token`: a key parser returns a
//!   signer or a `key.*` error; the error's text holds no piece of the key file (no run of
//!   [`LEAK_RUN`] alphanumeric characters from the input).
//! - `keystore_v3`: parsing returns a keystore or `key.invalid`; cheap keystores are then
//!   decrypted (wrong password or key); no hostile parameter gets past the caps.
//! - `canonical_json`: writing is deterministic, refuses exactly the documents holding a
//!   float, and parse → write → parse → write gives the same bytes.

#![allow(clippy::panic)] // a panic is how a fuzz target reports a finding

use airsign_core::json::{self, Writer};
use airsign_core::{Context, Error, ErrorCode};
use airsign_keys::keystore::{self, Keystore};
use airsign_keys::{
    BearerToken, Ed25519Signer, HmacSigner, Keyring, Secp256k1Signer, SecretBytes, decode_base58_32,
};
use serde_json::Value;

/// A public test key (seed = SHA-256 of "vector-key-1"), never a real one.
const TEST_KEY_HEX: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";

/// The password the `keystore_v3` seeds are encrypted with.
pub const FUZZ_PASSWORD: &[u8] = b"fuzz-password";

/// Keystores whose KDF costs more than this many block mixes are parsed but not decrypted
/// by the fuzzer (scrypt n=2^18 would take a second per input and find nothing new).
pub const MAX_FUZZ_KDF_COST: u64 = 1 << 10;

/// An error text that holds this many consecutive alphanumeric characters of the key file
/// is a leak. (No fixed message text has such a run, so a hit is never a false alarm.)
pub const LEAK_RUN: usize = 16;

/// Any bytes as one batch line: the answer must be one line of valid JSON, either an
/// envelope or an error object. Panics (the fuzzer's signal) otherwise.
pub fn request_line(data: &[u8]) {
    let keys = crate::testing::keyring_signing_anything(TEST_KEY_HEX.as_bytes());
    let (line, ok) = Context::fixed(1_748_970_123_456, |ctx| {
        super::answer_line(1, data, &keys, ctx)
    });
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
    // A fast path takes a line only when the general path signs it the same.
    if let Ok(text) = std::str::from_utf8(data) {
        for v in crate::REGISTRY {
            let Some(key) = keys.fast_key(v.rules()).filter(|_| v.has_fast_path()) else {
                continue;
            };
            let Some(fast) = Context::fixed(1_748_970_123_456, |ctx| v.build_fast(text, key, ctx))
            else {
                continue;
            };
            let general = Context::fixed(1_748_970_123_456, |ctx| {
                airsign_core::Request::parse(text).and_then(|r| super::sign_parsed(&r, &keys, ctx))
            });
            match (fast, general) {
                (Ok(f), Ok(g)) => assert_eq!(f, g, "the fast and general paths differ"),
                (f, g) => panic!("the fast path took a line: fast {f:?}, general {g:?}"),
            }
        }
    }
}

/// Any bytes as the whole input of `batch` (small chunks and a 256-byte line cap, so
/// chunk boundaries and overlong lines are reached): one answer per input line, in
/// order, refusals numbered, and (for one input in eight) the same refusals on one thread
/// and on two.
pub fn batch(data: &[u8]) {
    // No key: every line stops at its signer, so the fuzzer spends its time on line
    // framing and ordering (the `request` target covers signing).
    let keys = Keyring::empty();
    let expected = data.iter().filter(|&&b| b == b'\n').count()
        + usize::from(!data.is_empty() && !data.ends_with(b"\n"));
    // Threads are costly under the sanitizer: one input in eight also runs on two.
    let parallel = data.first().is_some_and(|b| b % 8 == 0);
    let mut outputs = Vec::new();
    for jobs in [1, 2].into_iter().take(if parallel { 2 } else { 1 }) {
        let opts = crate::BatchOptions {
            jobs,
            chunk_lines: 3,
            chunk_bytes: 512,
            max_line_bytes: 256,
            fail_fast: false,
        };
        let mut out = Vec::new();
        let summary = match Context::fixed(1_748_970_123_456, |ctx| {
            crate::run_batch(data, &mut out, &keys, ctx, opts)
        }) {
            Ok(s) => s,
            Err(e) => panic!("batch failed on in-memory input: {e}"),
        };
        let text = match String::from_utf8(out) {
            Ok(t) => t,
            Err(e) => panic!("batch wrote invalid UTF-8: {e}"),
        };
        let answers: Vec<&str> = text.lines().collect();
        assert_eq!(answers.len(), expected, "one answer per line (jobs {jobs})");
        assert_eq!(summary.signed + summary.refused, expected as u64);
        for (i, a) in answers.iter().enumerate() {
            let v: Value = match serde_json::from_str(a) {
                Ok(v) => v,
                Err(e) => panic!("answer {} is not JSON ({e}): {a}", i + 1),
            };
            if v.get("error").is_some() {
                assert_eq!(v["line"], Value::from(i + 1), "{a}");
            }
        }
        outputs.push(text);
    }
    // The same answers whatever the threads: refusals byte for byte; envelopes may
    // differ only in ids drawn from the shared sequence (threads draw in any order).
    let Some(two) = outputs.get(1) else { return };
    for (a, b) in outputs[0].lines().zip(two.lines()) {
        let refused = |l: &str| l.starts_with("{\"airsign\":1,\"line\":");
        assert_eq!(refused(a), refused(b), "jobs 1 and 2 disagree:\n{a}\n{b}");
        if refused(a) {
            assert_eq!(a, b, "jobs 1 and 2 refuse differently");
        }
    }
}

/// Panics when an error from parsing `input` as a key is not a `key.*` refusal, or its
/// text (message, field, JSON line) holds a run of [`LEAK_RUN`] alphanumeric characters
/// of the input.
pub fn assert_key_error_clean(input: &[u8], e: &Error) {
    assert!(
        matches!(
            e.code(),
            ErrorCode::KeyInvalid
                | ErrorCode::KeyMismatch
                | ErrorCode::KeyBadPassword
                | ErrorCode::KeyTokenExpired
        ),
        "a key parser failed with {}: {e}",
        e.code()
    );
    assert_no_leak(input, &e.to_string());
    assert_no_leak(input, &e.to_json_line(Some(1)));
}

/// Panics when `text` holds a run of [`LEAK_RUN`] alphanumeric characters of `input`.
pub fn assert_no_leak(input: &[u8], text: &str) {
    for run in alnum_runs(input, LEAK_RUN) {
        assert!(
            !text.contains(run),
            "the text holds {run:?} from the key file: {text}"
        );
    }
}

/// Every window of `len` consecutive ASCII alphanumeric bytes in `data`, as text.
fn alnum_runs(data: &[u8], len: usize) -> impl Iterator<Item = &str> {
    data.windows(len)
        .filter(|w| w.iter().all(u8::is_ascii_alphanumeric))
        .filter_map(|w| std::str::from_utf8(w).ok())
}

fn check_ed25519(data: &[u8], parsed: airsign_core::Result<Ed25519Signer>) {
    match parsed {
        Ok(s) => {
            assert_eq!(
                decode_base58_32(s.address()).as_ref(),
                Some(s.public_key()),
                "the address is the public key in base58"
            );
        }
        Err(e) => assert_key_error_clean(data, &e),
    }
}

/// Any bytes as a Solana CLI keypair file (`[n, n, …]`), through the JSON parser and
/// through the key-file dispatcher.
pub fn key_solana_json(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        check_ed25519(data, Ed25519Signer::from_solana_json(text));
    }
    check_ed25519(data, Ed25519Signer::from_key_file(data));
}

/// Any bytes as a base58 keypair file (and as a base58 account, as requests carry them).
pub fn key_base58(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        check_ed25519(data, Ed25519Signer::from_base58_keypair(text));
        if let Some(pk) = decode_base58_32(text) {
            assert_eq!(airsign_keys::base58_32(&pk), text, "base58 round trip");
        }
    }
    check_ed25519(data, Ed25519Signer::from_key_file(data));
}

/// Any bytes as a hex key file: an ed25519 seed and a secp256k1 private key. Both must
/// agree on whether the text is 64 hex digits.
pub fn key_hex(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        check_ed25519(data, Ed25519Signer::from_hex_seed(text));
    }
    check_ed25519(data, Ed25519Signer::from_key_file(data));
    match Secp256k1Signer::from_hex_key_file(data) {
        Ok(s) => {
            let sig = match s.sign_eip191(b"fuzz") {
                Ok(sig) => sig,
                Err(e) => panic!("a parsed secp256k1 key cannot sign: {e}"),
            };
            assert_eq!(sig.recover_eip191(b"fuzz"), Some(s.address()));
        }
        Err(e) => assert_key_error_clean(data, &e),
    }
}

/// Any bytes as a text credential: an HMAC secret (Ripio) and a bearer token (Layer1).
pub fn key_token(data: &[u8]) {
    match HmacSigner::from_key_file(data) {
        Ok(s) => {
            let tag = s.sign_base64(b"fuzz");
            assert!(s.verify_base64(b"fuzz", &tag));
        }
        Err(e) => assert_key_error_clean(data, &e),
    }
    match BearerToken::from_key_file(data) {
        Ok(t) => {
            let token = data.strip_suffix(b"\n").unwrap_or(data);
            let token = token.strip_suffix(b"\r").unwrap_or(token);
            assert_eq!(
                t.authorization_value().as_bytes(),
                [b"Bearer ", token].concat()
            );
            if let Err(e) = t.check_not_expired(1_700_000_000_000) {
                assert_eq!(e.code(), ErrorCode::KeyTokenExpired);
                assert_key_error_clean(data, &e);
            }
            assert_no_leak(data, &format!("{t:?}"));
        }
        Err(e) => assert_key_error_clean(data, &e),
    }
}

/// Any bytes as an Ethereum keystore V3 file: parsed with the caps, and decrypted with
/// [`FUZZ_PASSWORD`] when its KDF is cheap.
pub fn keystore_v3(data: &[u8]) {
    let ks = match Keystore::parse(data) {
        Ok(ks) => ks,
        Err(e) => {
            assert_eq!(e.code(), ErrorCode::KeyInvalid, "{e}");
            return;
        }
    };
    let cost = ks.kdf_cost();
    assert!(
        cost <= (keystore::MAX_SCRYPT_WORK / 128).max(keystore::MAX_PBKDF2_ROUNDS),
        "a keystore past the caps was accepted: cost {cost}"
    );
    if cost > MAX_FUZZ_KDF_COST {
        return;
    }
    if let Err(e) = ks.decrypt(FUZZ_PASSWORD) {
        assert!(
            matches!(e.code(), ErrorCode::KeyInvalid | ErrorCode::KeyBadPassword),
            "{e}"
        );
    }
    let asked = std::cell::Cell::new(0);
    let result = Secp256k1Signer::from_key_file(data, || {
        asked.set(asked.get() + 1);
        Ok(SecretBytes::new(FUZZ_PASSWORD.to_vec()))
    });
    assert!(
        asked.get() <= 1,
        "the password was asked for more than once"
    );
    match result {
        Ok(s) => {
            if let Some(a) = ks.address() {
                assert_eq!(a, s.address(), "a keystore's address field is checked");
            }
        }
        Err(e) => {
            assert!(
                matches!(
                    e.code(),
                    ErrorCode::KeyInvalid | ErrorCode::KeyBadPassword | ErrorCode::KeyMismatch
                ),
                "{e}"
            );
            assert!(!e.message().contains("fuzz-password"));
        }
    }
}

const WRITERS: [Writer; 4] = Writer::ALL;

/// Any bytes as JSON: canonical writing is stable (parse → write → parse → write gives
/// the same bytes), keeps the value, and is refused exactly for documents with a float.
pub fn canonical_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let strict = json::parse_object(text);
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        assert!(
            strict.is_err(),
            "strict parsing accepted what serde_json refused"
        );
        return;
    };
    if let Ok(map) = &strict {
        assert_eq!(&Value::Object(map.clone()), &value);
    }
    let has_float = any_float(&value);
    for w in WRITERS {
        let out = match w.to_string(&value) {
            Ok(out) => out,
            Err(e) => {
                assert!(has_float, "refused a document without floats: {e}");
                continue;
            }
        };
        assert!(!has_float, "wrote a float: {out}");
        if w.ensure_ascii {
            assert!(out.is_ascii(), "ensure_ascii output is not ASCII: {out}");
        }
        let again: Value = match serde_json::from_str(&out) {
            Ok(v) => v,
            Err(e) => panic!("canonical output does not parse ({e}): {out}"),
        };
        assert_eq!(normalized(&again), normalized(&value), "the value changed");
        match w.to_string(&again) {
            Ok(out2) => assert_eq!(out2, out, "not idempotent"),
            Err(e) => panic!("canonical output cannot be rewritten: {e}"),
        }
        if let Value::Object(map) = &value {
            let mut direct = String::new();
            if let Err(e) = w.write_object(map, &mut direct) {
                panic!("write_object refused what write accepted: {e}");
            }
            assert_eq!(direct, out);
        }
    }
}

fn any_float(v: &Value) -> bool {
    match v {
        Value::Number(n) => !json::is_integer(n),
        Value::Array(a) => a.iter().any(any_float),
        Value::Object(o) => o.values().any(any_float),
        _ => false,
    }
}

/// `v` with `-0` written as `0` (Python reads `-0` as the int 0).
fn normalized(v: &Value) -> Value {
    match v {
        Value::Number(n)
            if n.as_str().starts_with('-') && n.as_str()[1..].bytes().all(|b| b == b'0') =>
        {
            Value::from(0)
        }
        Value::Array(a) => Value::Array(a.iter().map(normalized).collect()),
        Value::Object(o) => {
            Value::Object(o.iter().map(|(k, v)| (k.clone(), normalized(v))).collect())
        }
        other => other.clone(),
    }
}

/// The HMAC secret and bearer-free key text the `verify_envelope` seeds were made with:
/// Ripio seeds are signed with this text as their API secret, so `verify` checks them.
pub const VERIFY_FUZZ_SECRET: &str = TEST_KEY_HEX;

/// Any bytes as `airsign verify` input (one envelope): the answer is one JSON line whose
/// `result` agrees with the outcome (`failed` exactly when it carries an `error`); and an
/// envelope that verifies still verifies, with the same verdict, once re-serialised from
/// its parsed form (the check depends on the envelope's content, not its spacing).
pub fn verify_envelope(data: &[u8]) {
    use airsign_core::verify::{VerifyOptions, parse_envelope};
    let keys = crate::testing::keyring_signing_anything(VERIFY_FUZZ_SECRET.as_bytes());
    let opts = VerifyOptions {
        base_urls: vec!["https://proxy.example".into()],
        // Before every seed's `expires_at` (some are signed in 2001): the seeds exercise the
        // signature checks, not expiry (`tests/clock.rs` covers that).
        now_ms: airsign_core::MIN_TIMESTAMP_MS,
    };
    let (line, outcome) = super::verify_line(1, data, &keys, &opts);
    assert!(!line.contains('\n'), "a result is one line");
    let v: Value = match serde_json::from_str(&line) {
        Ok(v) => v,
        Err(e) => panic!("result is not JSON ({e}): {line}"),
    };
    let word = match outcome {
        super::Outcome::Ok => "ok",
        super::Outcome::Unverifiable => "unverifiable",
        super::Outcome::Failed => "failed",
    };
    assert_eq!(v["result"], word, "result word matches the outcome: {line}");
    assert_eq!(
        v.get("error").is_some(),
        outcome == super::Outcome::Failed,
        "an error exactly when failed: {line}"
    );
    if outcome != super::Outcome::Failed {
        let text = std::str::from_utf8(data).unwrap_or_default();
        let env = match parse_envelope(text) {
            Ok(env) => env,
            Err(e) => panic!("verified but does not parse: {e}"),
        };
        let (again, outcome2) = super::verify_line(1, env.to_json_line().as_bytes(), &keys, &opts);
        assert_eq!(outcome, outcome2, "re-serialised: {again}");
        assert_eq!(line, again, "same verdict once re-serialised");
    }
}

/// Any bytes as a request's `base_url`: refused with `base_url` as the field, or accepted
/// as a URL every part of which the rule allows (checked here again, independently): the
/// scheme, a host that is a DNS name or an IP literal, a port in 1..=65535, plain path
/// segments; and accepting is idempotent (the returned URL is accepted as itself).
pub fn base_url(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let u = match airsign_core::url::check_base_url(text) {
        Err(e) => {
            assert_eq!(e.field(), Some("base_url"), "{e}");
            return;
        }
        Ok(u) => u,
    };
    assert_eq!(
        airsign_core::url::check_base_url(&u).ok().as_deref(),
        Some(u.as_str()),
        "not idempotent: {text:?}"
    );
    assert!(!u.ends_with('/'), "{u:?}");
    assert!(
        u.bytes().all(|b| b.is_ascii_graphic()),
        "a control, space or non-ASCII byte: {u:?}"
    );
    for c in ['%', '@', '?', '#', '\\'] {
        assert!(!u.contains(c), "{c} in {u:?}");
    }
    let rest = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("wss://"))
        .unwrap_or_else(|| panic!("scheme: {u:?}"));
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (addr, after) = v6.split_once(']').unwrap_or_else(|| panic!("{u:?}"));
            assert!(addr.parse::<core::net::Ipv6Addr>().is_ok(), "{u:?}");
            (None, after.strip_prefix(':'))
        }
        None => match authority.split_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(authority), None),
        },
    };
    if let Some(h) = host {
        assert!(!h.is_empty() && h.len() <= 253, "{u:?}");
        let is_ip = h.parse::<core::net::Ipv4Addr>().is_ok();
        for label in h.split('.') {
            assert!(!label.is_empty() && label.len() <= 63, "{u:?}");
            assert!(!label.starts_with('-') && !label.ends_with('-'), "{u:?}");
        }
        let last = h.rsplit('.').next().unwrap_or("");
        assert!(is_ip || !last.bytes().all(|b| b.is_ascii_digit()), "{u:?}");
    }
    if let Some(p) = port {
        let n: u32 = p.parse().unwrap_or_else(|_| panic!("port in {u:?}"));
        assert!((1..=65535).contains(&n) && !p.starts_with('0'), "{u:?}");
    }
    for seg in path.split('/').filter(|_| !path.is_empty()) {
        assert!(!seg.is_empty() && seg != "." && seg != "..", "{u:?}");
    }
}

/// Any bytes as a keyring file: parsed strictly into a keyring or refused with an error
/// that never quotes a pinned identity or a file path from it (the `api_token` pin is
/// half a credential); an accepted keyring has unique names and known venues only, and
/// reading it again gives the same keys.
pub fn keyring(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let venues = crate::venue_names();
    let opts = airsign_keys::LoadOptions {
        file_policy: airsign_keys::FilePolicy::Warn,
        warn: std::sync::Arc::new(|_| {}),
    };
    let dir = std::path::Path::new("/nonexistent-keyring-dir");
    match airsign_keys::Keyring::parse(text, dir, &venues, &opts) {
        Err(e) => {
            let shown = e.to_json_line(None);
            let Ok(Value::Object(top)) = serde_json::from_str::<Value>(text) else {
                return;
            };
            const PINS: [&str; 6] = [
                "file",
                "password_file",
                "account",
                "wallet",
                "api_token",
                "vault_address",
            ];
            let Some(Value::Array(keys)) = top.get("keys") else {
                return;
            };
            // Everything else in the file (field names, key names, venues, URLs) may be
            // named in an error: a window that also occurs there is not a leak of a pin.
            let mut rest = Value::Object(top.clone());
            if let Some(Value::Array(ks)) = rest.get_mut("keys") {
                for k in ks.iter_mut() {
                    if let Value::Object(m) = k {
                        for f in PINS {
                            m.remove(f);
                        }
                    }
                }
            }
            let mut names = vec![rest.to_string()];
            collect_field_names(&rest, &mut names);
            for k in keys {
                for field in [
                    "file",
                    "password_file",
                    "account",
                    "wallet",
                    "api_token",
                    "vault_address",
                ] {
                    let Some(Value::String(v)) = k.get(field) else {
                        continue;
                    };
                    let chars: Vec<char> = v.chars().collect();
                    for w in chars.windows(LEAK_RUN) {
                        let w: String = w.iter().collect();
                        if w.chars().all(char::is_alphanumeric)
                            && !names.iter().any(|n| n.contains(&w))
                        {
                            assert!(!shown.contains(&w), "{field} quoted in {shown}");
                        }
                    }
                }
            }
        }
        Ok(ring) => {
            let names: Vec<&str> = ring.keys().iter().map(airsign_keys::Key::name).collect();
            for (i, n) in names.iter().enumerate() {
                assert!(!names[..i].contains(n), "duplicate name {n:?} accepted");
            }
            for k in ring.keys() {
                for v in k.venues().unwrap_or_default() {
                    assert!(venues.contains(&v.as_str()), "unknown venue {v:?} accepted");
                }
            }
            let again = airsign_keys::Keyring::parse(text, dir, &venues, &opts)
                .unwrap_or_else(|e| panic!("accepted once, refused again: {e}"));
            let again: Vec<&str> = again.keys().iter().map(airsign_keys::Key::name).collect();
            assert_eq!(names, again);
        }
    }
}

/// Every object key anywhere in `v`.
fn collect_field_names(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                out.push(k.clone());
                collect_field_names(v, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect_field_names(v, out)),
        _ => {}
    }
}
