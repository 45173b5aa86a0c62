//! `airsign verify` as a user runs it: piped from `sign` and `batch`, on a pretty-printed
//! file, with and without the HMAC secret, and on tampered or foreign input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{airsign, private_file, run_with_stdin};
use serde_json::Value;

const README_KEY: &str = "examples/TEST-KEY-readme.json";
const RIPIO_SECRET: &str = "test-secret-for-verify-cli";

fn sign(args: &[&str], input: &[u8]) -> Vec<u8> {
    let mut c = airsign();
    c.args(args);
    let out = run_with_stdin(c, input);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The envelopes here are signed at fixed timestamps of 2023–2025, so they are checked as
/// of a time before any of them expires (`--at`, unless a test gives its own);
/// `tests/clock.rs` tests expiry itself.
const AT: &str = "1700000000000";

fn verify(args: &[&str], input: &[u8]) -> (i32, Vec<Value>, String) {
    let mut c = airsign();
    c.arg("verify");
    if !args.contains(&"--at") {
        c.args(["--at", AT]);
    }
    c.args(args);
    let out = run_with_stdin(c, input);
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (
        out.status.code().unwrap(),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn readme_envelope() -> Vec<u8> {
    sign(
        &[
            "sign",
            "--key-file",
            README_KEY,
            "examples/cancel-order.json",
        ],
        b"",
    )
}

#[test]
fn a_signed_envelope_verifies_and_a_changed_one_fails() {
    let env = readme_envelope();
    let (code, lines, stderr) = verify(&[], &env);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["result"], "ok");
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(
        lines[0]["checks"][0]["signer"],
        "5UbRrwLm27uQXLNhSnbjLHtbYPDW2QP1NJHzfMcskFKw"
    );
    assert!(
        stderr.contains("1 ok, 0 unverifiable, 0 failed"),
        "{stderr}"
    );

    // The order id, changed in the body only and in body and `signed` alike.
    let text = String::from_utf8(env).unwrap();
    let once = text.replacen("42069", "42068", 1);
    let everywhere = text.replace("42069", "42068");
    for tampered in [once, everywhere] {
        let (code, lines, _) = verify(&[], tampered.as_bytes());
        assert_eq!(code, 1);
        assert_eq!(lines[0]["result"], "failed");
        assert_eq!(
            lines[0]["error"]["code"], "verify.bad_signature",
            "{}",
            lines[0]
        );
    }
    // Another host.
    let moved = text.replace("api.pacifica.fi", "api.pacifica.fi.evil.example");
    let (code, lines, _) = verify(&[], moved.as_bytes());
    assert_eq!(code, 1);
    assert_eq!(lines[0]["error"]["code"], "verify.unknown_url");
    // ...unless the user allows that base URL.
    let (code, lines, _) = verify(
        &["--base-url", "https://api.pacifica.fi.evil.example"],
        moved.as_bytes(),
    );
    assert_eq!(code, 0, "{}", lines[0]);
}

#[test]
fn a_pretty_printed_envelope_file_verifies() {
    let env: Value = serde_json::from_slice(&readme_envelope()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("envelope.json");
    std::fs::write(&path, serde_json::to_string_pretty(&env).unwrap()).unwrap();
    let (code, lines, stderr) = verify(&[path.to_str().unwrap()], b"");
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["result"], "ok");
}

#[test]
fn batch_output_gets_one_result_per_line() {
    let req = std::fs::read_to_string(common::root().join("examples/cancel-order.json")).unwrap();
    let one = serde_json::from_str::<Value>(&req).unwrap().to_string();
    let input = format!("{one}\nnot json\n{one}\n");
    let mut c = airsign();
    c.args(["batch", "--key-file", README_KEY]);
    let out = run_with_stdin(c, input.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    let (code, lines, stderr) = verify(&[], &out.stdout);
    assert_eq!(code, 1, "{stderr}");
    let results: Vec<&str> = lines
        .iter()
        .map(|l| l["result"].as_str().unwrap())
        .collect();
    assert_eq!(results, ["ok", "failed", "ok"]);
    assert_eq!(lines[1]["error"]["code"], "envelope.malformed");
    assert_eq!(lines[1]["line"], 2);
    assert!(
        stderr.contains("2 ok, 0 unverifiable, 1 failed"),
        "{stderr}"
    );
}

#[test]
fn hmac_is_unverifiable_without_the_secret_and_checked_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let secret = private_file(dir.path(), "ripio.secret", RIPIO_SECRET);
    let wrong = private_file(dir.path(), "wrong.secret", "another-secret");
    let req = r#"{"venue":"ripio","action":"cancel_order","timestamp":1700000000000,"api_token":"TOKEN-123","params":{"id":"550e8400-e29b-41d4-a716-446655440000"}}"#;
    let env = sign(
        &[
            "sign",
            "--scheme",
            "hmac",
            "--key-file",
            secret.to_str().unwrap(),
        ],
        req.as_bytes(),
    );
    let (code, lines, _) = verify(&[], &env);
    assert_eq!(code, 0);
    assert_eq!(lines[0]["result"], "unverifiable");
    assert_eq!(lines[0]["checks"][0]["result"], "unverifiable");
    let (code, lines, _) = verify(
        &["--scheme", "hmac", "--key-file", secret.to_str().unwrap()],
        &env,
    );
    assert_eq!(code, 0);
    assert_eq!(lines[0]["result"], "ok");
    let (code, lines, stdout_stderr) = verify(
        &["--scheme", "hmac", "--key-file", wrong.to_str().unwrap()],
        &env,
    );
    assert_eq!(code, 1);
    assert_eq!(lines[0]["error"]["code"], "verify.bad_signature");
    assert!(!stdout_stderr.contains("another-secret"));
}

#[test]
fn empty_input_and_missing_file_are_errors() {
    let (code, _, stderr) = verify(&[], b"\n\n");
    assert_eq!(code, 1, "{stderr}");
    let (code, _, _) = verify(&["/nonexistent/envelopes.ndjson"], b"");
    assert_eq!(code, 3);
}

/// The README's `verify` example prints exactly what the README shows.
#[test]
fn readme_verify_example_is_true() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let cmd = "$ airsign sign --key-file examples/TEST-KEY-readme.json examples/cancel-order.json | airsign verify --at 1748970123456";
    let mut lines = readme.lines().skip_while(|l| *l != cmd);
    assert_eq!(lines.next(), Some(cmd), "README lost its verify example");
    let shown = lines.next().unwrap();
    let (code, out, _) = verify(&["--at", "1748970123456"], &readme_envelope());
    assert_eq!(code, 0);
    assert_eq!(out[0].to_string(), shown);
}
