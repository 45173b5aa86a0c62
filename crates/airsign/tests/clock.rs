//! Clock and validity discipline: a host clock before the build is refused (naming the
//! host clock, not a request field), `--now` replaces it, `verify` fails an envelope past
//! its `expires_at` unless `--at` moves the check, and a window too short to carry across
//! the gap is warned about.
//!
//! The 1970 host clock is tested twice: through the library with a host clock that reads
//! 0 (every venue, the fast paths among them), and on the built binary under `faketime`
//! (libfaketime), which `.ci/run` installs; without it those CLI checks fail when `CI` is
//! set and are skipped loudly elsewhere.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(
    clippy::disallowed_types,
    clippy::disallowed_methods,
    reason = "these tests run the built binary (under faketime), as a user would; airsign \
              itself never starts a program or reads the environment (clippy.toml)"
)]

mod common;

use std::process::Command;

use airsign::clock::{BUILD_FLOOR_MS, HostClock};
use airsign_core::{Context, ErrorCode, SequenceIds};
use airsign_keys::{Key, Keyring, Policy, Scheme, SecretBytes};
use common::{airsign, run_with_stdin};
use serde_json::Value;

const KEY: &str = "examples/TEST-KEY-readme.json";
const ED25519_SEED: &str = "a38c0cda6f6f2b4e0a2b5cf2b7e4fa3b4b8f9a3d2e1c0b9a8f7e6d5c4b3a2918";
const SECP_KEY: &str = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";

/// Requests without a timestamp, one or more per venue: the plain cancels take the fast
/// paths, the others the general one.
const NO_TIMESTAMP: &[(&str, &str)] = &[
    (
        ED25519_SEED,
        r#"{"venue":"pacifica","action":"cancel_order","expiry_window":30000,"params":{"symbol":"BTC","order_id":1}}"#,
    ),
    (
        ED25519_SEED,
        r#"{"venue":"pacifica","action":"cancel_all_orders","expiry_window":30000,"params":{"all_symbols":true,"exclude_reduce_only":false}}"#,
    ),
    (
        SECP_KEY,
        r#"{"venue":"derive","action":"cancel","params":{"instrument_name":"ETH-PERP","order_id":"550e8400-e29b-41d4-a716-446655440000","subaccount_id":1}}"#,
    ),
    (
        SECP_KEY,
        r#"{"venue":"derive","action":"cancel_all","params":{"subaccount_id":1}}"#,
    ),
    (
        SECP_KEY,
        r#"{"venue":"mobula","action":"cancel-order","params":{"dex":"gains","chainId":"evm:42161","orderIndex":"1","orderType":"order"}}"#,
    ),
    (
        SECP_KEY,
        r#"{"venue":"hyperliquid","action":"cancel","params":{"cancels":[{"a":0,"o":1}]}}"#,
    ),
    (
        "vector-secret-1",
        r#"{"venue":"ripio","action":"cancel_order","api_token":"t","params":{"id":"550e8400-e29b-41d4-a716-446655440000"}}"#,
    ),
];

/// The key for `req`'s venue, with the scheme an operator would fix for it.
fn keyring(key: &str, req: &str) -> Keyring {
    let scheme = if req.contains("\"pacifica\"") {
        Scheme::Ed25519
    } else if req.contains("\"ripio\"") {
        Scheme::Hmac
    } else {
        Scheme::Secp256k1
    };
    let key = Key::from_bytes(
        "key file",
        scheme,
        SecretBytes::new(key.as_bytes().to_vec()),
    );
    Keyring::single(key, Policy::new())
}

#[test]
fn a_host_clock_in_1970_is_refused_naming_the_host_clock() {
    let clock = HostClock::with_reader(BUILD_FLOOR_MS, || 86_400_000);
    let ids = SequenceIds::new(0);
    let ctx = Context {
        clock: &clock,
        ids: &ids,
    };
    for (key, req) in NO_TIMESTAMP {
        let keys = keyring(key, req);
        let e = airsign::sign_request(req, &keys, &ctx).unwrap_err();
        assert_eq!(e.code(), ErrorCode::ClockBeforeBuild, "{req}: {e}");
        assert_eq!(e.field(), None, "{req}: not a request field");
        assert!(
            e.message()
                .starts_with("the host clock reads 1970-01-02T00:00:00.000Z"),
            "{e}"
        );
        // The same request with its own timestamp signs whatever the host clock says.
        let mut with: serde_json::Map<String, Value> = serde_json::from_str(req).unwrap();
        with.insert("timestamp".into(), Value::from(1_748_970_123_456u64));
        airsign::sign_request(&Value::Object(with).to_string(), &keys, &ctx)
            .unwrap_or_else(|e| panic!("{req}: {e}"));
    }
    // A clock after the floor is taken as it is.
    let ok = HostClock::with_reader(BUILD_FLOOR_MS, || BUILD_FLOOR_MS + 1);
    let ctx = Context {
        clock: &ok,
        ids: &ids,
    };
    let keys = keyring(ED25519_SEED, NO_TIMESTAMP[0].1);
    let env = airsign::sign_request(NO_TIMESTAMP[0].1, &keys, &ctx).unwrap();
    assert_eq!(env.expires_at, Some(BUILD_FLOOR_MS + 1 + 30_000));
}

/// `faketime` if it works here; `None` (after saying so) where it may be skipped.
fn faketime() -> Option<&'static str> {
    let works = Command::new("faketime")
        .args(["1970-01-02 00:00:00", "date", "+%Y"])
        .output()
        .is_ok_and(|o| o.status.success() && o.stdout.starts_with(b"1970"));
    if works {
        return Some("faketime");
    }
    let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    assert!(
        !in_ci,
        "faketime is missing and CI is set: .ci/run must install it"
    );
    eprintln!(
        "\n*** SKIPPED: the 1970-host-clock CLI checks need faketime (apt-get install \
         faketime). CI runs them. ***\n"
    );
    None
}

/// The built binary under a host clock that reads `when`.
fn airsign_at(faketime: &str, when: &str) -> Command {
    let probe = airsign();
    let mut c = Command::new(faketime);
    c.current_dir(common::root())
        .env_remove("AIRSIGN_KEY_FILE")
        .env_remove("AIRSIGN_PASSWORD_FILE")
        .arg(when)
        .arg(probe.get_program());
    c
}

#[test]
fn the_binary_refuses_a_1970_clock_and_takes_now_instead() {
    let Some(ft) = faketime() else { return };
    let req = NO_TIMESTAMP[0].1;
    for sub in ["sign", "batch"] {
        let mut c = airsign_at(ft, "1970-01-02 00:00:00");
        c.args([sub, "--key-file", KEY]);
        let out = run_with_stdin(c, format!("{req}\n").as_bytes());
        assert_eq!(out.status.code(), Some(1), "{sub}");
        let line: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(line["error"]["code"], "clock.before_build", "{sub}: {line}");
        assert!(line["error"].get("field").is_none(), "{sub}: {line}");
        let message = line["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with("the host clock reads 1970-01-02"),
            "{message}"
        );
        // --now replaces the host clock.
        let mut c = airsign_at(ft, "1970-01-02 00:00:00");
        c.args([sub, "--key-file", KEY, "--now", "1748970123456"]);
        let out = run_with_stdin(c, format!("{req}\n").as_bytes());
        assert_eq!(
            out.status.code(),
            Some(0),
            "{sub}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let env: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(env["expires_at"], 1_748_970_153_456u64);
    }
    // A clock stuck in 2019 too.
    let mut c = airsign_at(ft, "2019-06-01 00:00:00");
    c.args(["sign", "--key-file", KEY]);
    let out = run_with_stdin(c, req.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the host clock reads 2019-06-01"));
    // verify cannot judge expiry by such a clock, unless told when with --at.
    let env = sign(&["--now", "1748970123456"], req);
    let mut c = airsign_at(ft, "1970-01-02 00:00:00");
    c.arg("verify");
    let out = run_with_stdin(c, &env);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("clock.before_build"));
    let mut c = airsign_at(ft, "1970-01-02 00:00:00");
    c.args(["verify", "--at", "1748970123456"]);
    let out = run_with_stdin(c, &env);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

fn sign(args: &[&str], req: &str) -> Vec<u8> {
    let (code, out, err) = sign_full(args, req);
    assert_eq!(code, 0, "{err}");
    out
}

fn sign_full(args: &[&str], req: &str) -> (i32, Vec<u8>, String) {
    let mut c = airsign();
    c.args(["sign", "--key-file", KEY]).args(args);
    let out = run_with_stdin(c, req.as_bytes());
    (
        out.status.code().unwrap(),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn host_now() -> u64 {
    u64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

#[test]
fn now_is_honoured_by_sign_and_batch() {
    let req = NO_TIMESTAMP[0].1;
    let env: Value = serde_json::from_slice(&sign(&["--now", "1748970123456"], req)).unwrap();
    let body: Value = serde_json::from_str(env["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["timestamp"], 1_748_970_123_456u64);
    // A request's own timestamp still wins.
    let own = req.replace(
        r#""expiry_window""#,
        r#""timestamp":1700000000000,"expiry_window""#,
    );
    let env: Value = serde_json::from_slice(&sign(&["--now", "1748970123456"], &own)).unwrap();
    assert_eq!(env["expires_at"], 1_700_000_030_000u64);
    let mut c = airsign();
    c.args(["batch", "--key-file", KEY, "--now", "1748970123456"]);
    let out = run_with_stdin(c, format!("{req}\n{req}\n").as_bytes());
    assert_eq!(out.status.code(), Some(0));
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let env: Value = serde_json::from_str(line).unwrap();
        assert_eq!(env["expires_at"], 1_748_970_153_456u64);
    }
    // Seconds, or not a number, are usage errors.
    for bad in ["1748970123", "soon", "-5"] {
        let (code, out, err) = sign_full(&["--now", bad], req);
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(out.is_empty());
    }
}

#[test]
fn an_expired_envelope_fails_verify_unless_at_moves_the_check() {
    let req = NO_TIMESTAMP[0].1;
    // Signed a minute ago with a 30 s window: expired now.
    let signed_at = host_now() - 60_000;
    let env = sign(&["--now", &signed_at.to_string()], req);
    let expires_at = signed_at + 30_000;
    let verify = |args: &[&str]| {
        let mut c = airsign();
        c.arg("verify").args(args);
        let out = run_with_stdin(c, &env);
        let line: Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code().unwrap(), line)
    };
    let (code, line) = verify(&[]);
    assert_eq!(code, 1, "{line}");
    assert_eq!(line["result"], "failed");
    assert_eq!(line["error"]["code"], "verify.expired");
    assert_eq!(line["error"]["field"], "expires_at");
    // Checked as of a time inside the window: ok.
    let (code, line) = verify(&["--at", &(expires_at - 1).to_string()]);
    assert_eq!((code, line["result"].as_str()), (0, Some("ok")), "{line}");
    let (code, _) = verify(&["--at", &expires_at.to_string()]);
    assert_eq!(code, 0, "valid through expires_at itself");
    let (code, line) = verify(&["--at", &(expires_at + 1).to_string()]);
    assert_eq!(
        (code, line["error"]["code"].as_str()),
        (1, Some("verify.expired"))
    );
    // Signed just now with a 30 s window: ok by the host clock.
    let fresh = sign(&[], req);
    let mut c = airsign();
    c.arg("verify");
    let out = run_with_stdin(c, &fresh);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_window_too_short_to_carry_is_warned_about() {
    let short = NO_TIMESTAMP[0].1.replace("30000", "5000");
    let (code, out, err) = sign_full(&[], &short);
    assert_eq!(code, 0);
    assert!(!out.is_empty());
    assert!(
        err.contains("warning: expires at") && err.contains("too short"),
        "{err}"
    );
    let (_, _, err) = sign_full(&[], NO_TIMESTAMP[0].1);
    assert!(!err.contains("too short"), "{err}");
    // batch names the line.
    let mut c = airsign();
    c.args(["batch", "--key-file", KEY]);
    let input = format!("{}\n{short}\n", NO_TIMESTAMP[0].1);
    let out = run_with_stdin(c, input.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: line 2: expires at"), "{err}");
    assert!(!err.contains("line 1:"), "{err}");
}
