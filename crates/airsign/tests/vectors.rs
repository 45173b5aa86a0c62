//! The vector harness: every case in `vectors/*.jsonl` goes through the same code path as
//! the CLI (`airsign::sign_request` with a keyring over the case's key text), and every
//! field of `expected` is checked byte for byte. A field the harness does not know fails
//! the run, so no expectation is ever skipped silently.
//!
//! The same cases are then fed to the built binary (`airsign sign` per case and
//! `airsign batch` per key) to prove the CLI prints the very same envelopes.
//!
//! A must-fail case passes only when it is refused for its own reason: the error code and
//! field recorded for it in `vectors/refusals.tsv` (our own file beside the reference
//! copies), and its error text must not contain the case's key. Every must-fail case
//! needs a row there, and every row must match a case.
//!
//! Each case's key is given the scheme its `key.kind` names (as an operator would with
//! `--scheme`), under a policy that allows every action and the case's own `base_url`:
//! the vectors test signing, not policy (some are Mobula's non-cancel payload builders).
//! `default_policy_refuses_every_non_cancel_vector` shows the default policy refuses those.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "these tests run the built binary, as a user would; airsign itself never \
              starts a program (clippy.toml)"
)]

mod common;

use std::collections::BTreeMap;

use airsign_core::{Envelope, ErrorCode, Request};
use airsign_keys::{Policy, Scheme};
use airsign_testkit::{
    Case, assert_cases, keyring_for, keyring_with, signing_policy, with_context,
};
use common::{airsign, private_file, run_with_stdin};
use serde_json::{Map, Value};

/// Every case of every `vectors/*.jsonl`, each file checked against its expected count.
fn load_cases() -> Vec<Case> {
    airsign_testkit::load_all()
}

fn sign(case: &Case) -> Result<Envelope, airsign_core::Error> {
    sign_with(case, &case.request, signing_policy(&case.request))
}

/// `req` (the case's request or a variant of it) through the CLI's one signing path,
/// `airsign::sign_request`, with the case's key under `policy`, in the fixed context.
fn sign_with(
    case: &Case,
    req: &Map<String, Value>,
    policy: Policy,
) -> Result<Envelope, airsign_core::Error> {
    let text = Value::Object(req.clone()).to_string();
    let keys = keyring_with(case, policy);
    with_context(req, |ctx| airsign::sign_request(&text, &keys, ctx))
}

#[test]
fn reference_vectors_pass_byte_for_byte() {
    let cases = load_cases();
    // Every row of vectors/refusals.tsv must match a must-fail case (None: all venues).
    let checked = assert_cases("vectors", &cases, None, &|case, req| {
        sign_with(case, req, signing_policy(req))
    });
    assert_eq!(checked, cases.len());
}

/// The valid cases whose request pins everything the CLI would otherwise take from the
/// clock or the id source (the binary runs with the real ones).
fn pinned(case: &Case) -> bool {
    let needs_id = case.request.get("transport").and_then(Value::as_str) == Some("ws");
    !case.expected.contains_key("error")
        && case.request.contains_key("timestamp")
        && (!needs_id || case.request.contains_key("id"))
}

#[test]
fn cli_sign_and_batch_print_the_same_envelopes() {
    let dir = tempfile::tempdir().unwrap();
    let cases = load_cases();
    let mut by_key: BTreeMap<(String, Scheme), Vec<&Case>> = BTreeMap::new();
    for case in cases.iter().filter(|c| pinned(c)) {
        by_key
            .entry((case.key_text.clone(), case.scheme))
            .or_default()
            .push(case);
    }
    let mut checked = 0;
    for (i, ((key, scheme), group)) in by_key.iter().enumerate() {
        // A keyring with this one key, bound to the group's venues, allowing what the
        // group asks for (Mobula's builders, the requests' own base_urls).
        let file = format!("key{i}");
        private_file(dir.path(), &file, format!("{key}\n"));
        let mut venues: Vec<&str> = group.iter().map(|c| c.venue.as_str()).collect();
        venues.sort_unstable();
        venues.dedup();
        let base_urls: Vec<&str> = group
            .iter()
            .filter_map(|c| c.request.get("base_url").and_then(Value::as_str))
            .collect();
        let ring = serde_json::json!({
            "airsign_keyring": 1,
            "keys": [{"name": "k", "scheme": scheme.as_str(), "file": file, "venues": venues}],
            "policy": {
                "allow_actions": {"mobula": common::MOBULA_BUILDERS},
                "base_urls": base_urls,
            },
        });
        let key_path = private_file(dir.path(), &format!("keyring{i}.json"), ring.to_string());
        let mut batch_in = String::new();
        let mut want_lines = Vec::new();
        for case in group {
            let req_text = Value::Object(case.request.clone()).to_string();
            let want = sign(case).unwrap().to_json_line();
            // `airsign sign FILE`
            let req_path = private_file(dir.path(), "req.json", &req_text);
            let out = airsign()
                .args(["sign", "--keyring"])
                .arg(&key_path)
                .arg(&req_path)
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}: {}",
                case.name,
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                String::from_utf8(out.stdout).unwrap(),
                format!("{want}\n"),
                "{}",
                case.name
            );
            batch_in.push_str(&req_text);
            batch_in.push('\n');
            want_lines.push(want);
            checked += 1;
        }
        // `airsign batch` over all of this key's cases at once.
        let mut cmd = airsign();
        cmd.args(["batch", "--keyring"]).arg(&key_path);
        let out = run_with_stdin(cmd, batch_in.as_bytes());
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got = String::from_utf8(out.stdout).unwrap();
        let got: Vec<&str> = got.lines().collect();
        assert_eq!(got, want_lines);
    }
    eprintln!("cli: {checked} pinned valid cases printed identically by sign and batch");
    assert!(checked > 0);
}

/// Every valid reference case, once signed, passes `verify` (with its key for Ripio's
/// HMAC; Layer1's bearer token is `unverifiable` by nature); and for each of them a
/// changed signature, url, header value and body each make it fail.
#[test]
fn every_valid_vector_verifies_and_tampering_fails() {
    use airsign::Outcome;
    use airsign_core::verify::VerifyOptions;
    let opts = VerifyOptions {
        base_urls: vec![],
        // Before every case's `expires_at` (some are signed in 2001): this checks
        // signatures, not expiry (`tests/clock.rs` covers that).
        now_ms: airsign_core::MIN_TIMESTAMP_MS,
    };
    let mut verified = BTreeMap::<String, usize>::new();
    let mut failures = Vec::new();
    for case in load_cases() {
        if case.expected.contains_key("error") {
            continue;
        }
        let env = sign(&case).unwrap();
        let keys = keyring_for(&case);
        // Custom hosts are allowed explicitly, as a user of base_url would.
        let mut opts = opts.clone();
        if let Some(b) = case.request.get("base_url").and_then(Value::as_str) {
            opts.base_urls.push(b.to_owned());
        }
        let line = env.to_json_line();
        let (answer, outcome) = airsign::verify_line(1, line.as_bytes(), &keys, &opts);
        let want = if case.venue == "layer1" {
            Outcome::Unverifiable
        } else {
            Outcome::Ok
        };
        if outcome != want {
            failures.push(format!("{}: {answer}", case.name));
            continue;
        }
        *verified.entry(case.venue.clone()).or_default() += 1;
        let mut tampered: Vec<(&str, Envelope)> = Vec::new();
        if let Some(s) = env.signed.first() {
            // Change one character of the signature where the envelope carries it.
            let sig = &s.signature;
            let pos = sig.len() / 2;
            let c = if &sig[pos..=pos] == "a" { "b" } else { "a" };
            let new_sig = format!("{}{c}{}", &sig[..pos], &sig[pos + 1..]);
            let mut t = env.clone();
            for (_, v) in &mut t.headers.0 {
                *v = v.replace(sig.as_str(), &new_sig);
            }
            t.body = t.body.map(|b| b.replace(sig.as_str(), &new_sig));
            t.login = t.login.map(|b| b.replace(sig.as_str(), &new_sig));
            for s in &mut t.signed {
                s.signature = s.signature.replace(sig.as_str(), &new_sig);
            }
            tampered.push(("signature", t));
        }
        let mut t = env.clone();
        t.url.insert(t.url.len() - 1, 'x');
        tampered.push(("url", t));
        let mut t = env.clone();
        t.url = t.url.replacen("://", "://evil.", 1);
        tampered.push(("host", t));
        if !env.headers.0.is_empty() {
            let mut t = env.clone();
            t.headers.0[0].1.push(' ');
            tampered.push(("header", t));
        }
        if let Some(b) = &env.body {
            let mut t = env.clone();
            t.body = Some(format!("{b} "));
            tampered.push(("body", t));
        }
        for (what, t) in tampered {
            let (answer, outcome) =
                airsign::verify_line(1, t.to_json_line().as_bytes(), &keys, &opts);
            if outcome != Outcome::Failed {
                failures.push(format!("{}: tampered {what} passed: {answer}", case.name));
            }
        }
    }
    eprintln!("verify: valid vector cases verified per venue: {verified:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let total: usize = verified.values().sum();
    assert!(total >= 120, "only {total} cases verified");
}

/// The vectors hold Mobula's non-cancel payload builders; they sign above only because the
/// harness's policy allows them. The default policy (one key file, no keyring) refuses
/// every one of them, naming the rule, and signs every cancel-family case.
#[test]
fn default_policy_refuses_every_non_cancel_vector() {
    let (mut refused, mut signed) = (0, 0);
    for case in load_cases() {
        if case.expected.contains_key("error") || case.request.contains_key("base_url") {
            continue;
        }
        let request = Request::parse(&Value::Object(case.request.clone()).to_string()).unwrap();
        let rules = airsign::venue(&case.venue).unwrap().rules();
        let result = sign_with(&case, &case.request, Policy::new());
        if (rules.cancel_family)(&request) {
            assert!(result.is_ok(), "{}: {result:?}", case.name);
            signed += 1;
        } else {
            let e = result.unwrap_err();
            assert_eq!(e.code(), ErrorCode::PolicyDenied, "{}", case.name);
            assert_eq!(e.field(), Some("action"), "{}", case.name);
            assert!(e.message().contains("policy.allow_actions.mobula"), "{e}");
            assert_eq!(case.venue, "mobula", "{}", case.name);
            refused += 1;
        }
    }
    eprintln!("default policy: {signed} cancel-family vectors signed, {refused} refused");
    assert!(refused >= 10, "only {refused} non-cancel vectors");
    assert!(signed >= 100, "only {signed} cancel vectors");
}
