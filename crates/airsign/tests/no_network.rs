//! airsign makes no network system call, ever: the built binary runs under
//! `strace -f -e trace=%network` for `sign` in every venue and key format (REST and ws),
//! `batch` (mixed venues, good and bad lines, several threads), `pubkey`, `prepare`,
//! `explain`, `assemble`, `venues`, and refusals,
//! and the trace must hold no system call at all — only the exit records that prove
//! strace was watching.
//!
//! A positive control first runs a probe that does open a (loopback, never used) socket
//! under the same strace command, so a trace that sees nothing is known to be able to see
//! something. Without strace the test fails when `CI` is set (`.ci/run` installs it) and
//! is skipped with a loud message otherwise.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "this test starts strace and the built binary; airsign itself never starts a \
              program (clippy.toml)"
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const KEY1_HEX: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";

/// Is strace here? `None` when it is missing or cannot trace (no ptrace permission).
fn strace_works() -> Option<()> {
    let out = Command::new("strace")
        .args(["-f", "-e", "trace=%network", "-o", "/dev/null", "true"])
        .output()
        .ok()?;
    out.status.success().then_some(())
}

/// Runs `cmd`'s program and arguments under strace (from the repository root, with no
/// key-file variables) with `stdin`; returns its output and the trace file's text.
fn traced(cmd: &Command, stdin: &[u8], trace: &Path) -> (Output, String) {
    let mut s = Command::new("strace");
    s.current_dir(common::root())
        .env_remove("AIRSIGN_KEY_FILE")
        .env_remove("AIRSIGN_PASSWORD_FILE")
        .args(["-f", "-e", "trace=%network", "-o"])
        .arg(trace)
        .arg("--")
        .arg(cmd.get_program())
        .args(cmd.get_args());
    let out = common::run_with_stdin(s, stdin);
    let text = std::fs::read_to_string(trace).unwrap_or_default();
    (out, text)
}

/// The lines of a trace that record a system call (not an exit or a signal).
fn syscalls(trace: &str) -> Vec<&str> {
    trace
        .lines()
        .filter(|l| {
            let rest = l
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .trim_start();
            !rest.is_empty() && !rest.starts_with("+++") && !rest.starts_with("---")
        })
        .collect()
}

/// `#[ignore]`d: only run by the positive control below, as a child process.
#[test]
#[ignore = "run by no_network_syscalls_in_any_venue as strace's positive control"]
fn socket_probe() {
    // Loopback, never sent to: the point is only that the call shows up in a trace.
    let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    drop(s);
}

struct Case {
    what: &'static str,
    args: Vec<String>,
    stdin: String,
    exit: i32,
}

fn case(what: &'static str, args: &[&str], stdin: &str, exit: i32) -> Case {
    Case {
        what,
        args: args.iter().map(|s| (*s).to_owned()).collect(),
        stdin: stdin.to_owned(),
        exit,
    }
}

fn data(name: &str) -> PathBuf {
    common::root().join(name)
}

#[test]
fn no_network_syscalls_in_any_venue() {
    if strace_works().is_none() {
        let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
        assert!(
            !in_ci,
            "strace is missing or cannot trace, and CI is set: .ci/run must install it"
        );
        eprintln!(
            "\n*** SKIPPED no_network_syscalls_in_any_venue: strace is not installed or \
             cannot trace here (apt-get install strace). CI runs it. ***\n"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();

    // Positive control: the probe's socket must show up.
    let trace = dir.path().join("probe.trace");
    let mut probe = Command::new(std::env::current_exe().unwrap());
    probe.args([
        "--exact",
        "socket_probe",
        "--ignored",
        "--test-threads",
        "1",
    ]);
    let (out, text) = traced(&probe, b"", &trace);
    assert!(out.status.success(), "probe failed: {out:?}");
    assert!(
        syscalls(&text).iter().any(|l| l.contains("socket(")),
        "strace did not see the probe's socket: the check below would prove nothing\n{text}"
    );

    let hex = common::private_file(dir.path(), "key.hex", format!("{KEY1_HEX}\n"));
    let solana = common::private_file(
        dir.path(),
        "id.json",
        std::fs::read(data("fuzz/corpus/key_solana_json/valid-1")).unwrap(),
    );
    let base58 = common::private_file(
        dir.path(),
        "key.b58",
        std::fs::read(data("fuzz/corpus/key_base58/valid-1")).unwrap(),
    );
    let keystore = common::private_file(
        dir.path(),
        "keystore.json",
        std::fs::read(data(
            "crates/airsign-keys/tests/data/vector-key-1.scrypt.json",
        ))
        .unwrap(),
    );
    let password = common::private_file(
        dir.path(),
        "password",
        std::fs::read(data("crates/airsign-keys/tests/data/vector-key-1.password")).unwrap(),
    );
    let secret = common::private_file(dir.path(), "ripio.secret", "vector-secret-1\n");
    let token = common::private_file(dir.path(), "layer1.token", "vector-opaque-token-3\n");
    let ring = common::all_schemes_keyring(dir.path(), KEY1_HEX);
    let p = |p: &Path| p.to_str().unwrap().to_owned();
    let ring = p(&ring);
    let (hex, solana, base58, keystore, password, secret, token) = (
        p(&hex),
        p(&solana),
        p(&base58),
        p(&keystore),
        p(&password),
        p(&secret),
        p(&token),
    );

    let pacifica = r#"{"venue":"pacifica","action":"cancel_order","timestamp":1748970123456,"expiry_window":5000,"params":{"symbol":"BTC","order_id":42069}}"#;
    let pacifica_ws = r#"{"venue":"pacifica","action":"cancel_all_orders","transport":"ws","timestamp":1748970123456,"expiry_window":5000,"params":{"all_symbols":true,"exclude_reduce_only":false}}"#;
    let derive = r#"{"venue":"derive","action":"cancel_quote","timestamp":1700000000000,"params":{"quote_id":"3d0958f3-2ec2-4502-974c-65c64cc9ac88","subaccount_id":12345}}"#;
    let derive_ws = r#"{"venue":"derive","action":"cancel_all","transport":"ws","timestamp":1700000000000,"params":{"subaccount_id":12345}}"#;
    let mobula = r#"{"venue":"mobula","action":"cancel-order","timestamp":1735686300000,"params":{"orderIndex":"42","marketId":"lighter-btc-usd","chainId":"lighter:301","dex":"lighter"}}"#;
    let ripio = r#"{"venue":"ripio","action":"cancel_order","timestamp":1700000000000,"api_token":"api-token-1","params":{"id":"7155ED34-9EC4-4733-8B32-1E4319CB662F"}}"#;
    let ripio_ws = r#"{"venue":"ripio","action":"cancel_order","transport":"ws","id":"r1","timestamp":1700000000000,"api_token":"api-token-1","params":{"id":"7155ED34-9EC4-4733-8B32-1E4319CB662F"}}"#;
    let hyperliquid = r#"{"venue":"hyperliquid","action":"cancel","timestamp":1750000001000,"params":{"cancels":[{"a":0,"o":12345}]}}"#;
    let hyperliquid_ws = r#"{"venue":"hyperliquid","action":"scheduleCancel","transport":"ws","timestamp":1750000001000,"params":{"time":1750000061000}}"#;
    let layer1 = r#"{"venue":"layer1","action":"cancel_conversion","timestamp":1700000000000,"params":{"conversion_id":"3c90c3cc-0d44-4b50-8888-8dd25736052a"}}"#;
    let batch = [
        pacifica,
        pacifica_ws,
        "{not json",
        derive,
        derive_ws,
        mobula,
        "",
        ripio,
        ripio_ws,
        layer1,
        hyperliquid,
        hyperliquid_ws,
        r#"{"venue":"nowhere","action":"x"}"#,
    ]
    .join("\n");

    let kf = "--key-file";
    let sc = "--scheme";
    let pw = "--password-file";
    let cases = [
        case(
            "pacifica rest, hex seed",
            &["sign", kf, &hex, sc, "ed25519"],
            pacifica,
            0,
        ),
        case(
            "pacifica ws, hex seed",
            &["sign", kf, &hex, sc, "ed25519"],
            pacifica_ws,
            0,
        ),
        case(
            "pacifica rest, solana json",
            &["sign", kf, &solana],
            pacifica,
            0,
        ),
        case("pacifica rest, base58", &["sign", kf, &base58], pacifica, 0),
        case(
            "derive rest, hex",
            &["sign", kf, &hex, sc, "secp256k1"],
            derive,
            0,
        ),
        case(
            "derive ws, hex",
            &["sign", kf, &hex, sc, "secp256k1"],
            derive_ws,
            0,
        ),
        case(
            "derive rest, keystore",
            &["sign", kf, &keystore, pw, &password],
            derive,
            0,
        ),
        case(
            "mobula rest, hex",
            &["sign", kf, &hex, sc, "secp256k1"],
            mobula,
            0,
        ),
        case(
            "mobula rest, keystore",
            &["sign", kf, &keystore, pw, &password],
            mobula,
            0,
        ),
        case(
            "hyperliquid rest, hex",
            &["sign", kf, &hex, sc, "secp256k1"],
            hyperliquid,
            0,
        ),
        case(
            "hyperliquid ws, hex",
            &["sign", kf, &hex, sc, "secp256k1"],
            hyperliquid_ws,
            0,
        ),
        case(
            "hyperliquid rest, keystore",
            &["sign", kf, &keystore, pw, &password],
            hyperliquid,
            0,
        ),
        case(
            "ripio rest, hmac",
            &["sign", kf, &secret, sc, "hmac"],
            ripio,
            0,
        ),
        case(
            "ripio ws, hmac",
            &["sign", kf, &secret, sc, "hmac"],
            ripio_ws,
            0,
        ),
        case(
            "layer1 rest, bearer",
            &["sign", kf, &token, sc, "bearer"],
            layer1,
            0,
        ),
        case(
            "batch, mixed, 1 job",
            &["batch", "--jobs", "1", "--keyring", &ring],
            &batch,
            1,
        ),
        case(
            "batch, mixed, 2 jobs",
            &["batch", "--jobs", "2", "--keyring", &ring],
            &batch,
            1,
        ),
        case(
            "pubkey ed25519",
            &["pubkey", kf, &solana, "--scheme", "ed25519"],
            "",
            0,
        ),
        case(
            "pubkey secp256k1 keystore",
            &[
                "pubkey",
                kf,
                &keystore,
                pw,
                &password,
                "--scheme",
                "secp256k1",
            ],
            "",
            0,
        ),
        case(
            "refused request",
            &["sign", kf, &hex, sc, "ed25519"],
            r#"{"venue":"pacifica"}"#,
            1,
        ),
        case("broken key file", &["sign", kf, &password], pacifica, 1),
        case("no key", &["sign"], pacifica, 1),
        case(
            "prepare for an external signer",
            &[
                "prepare",
                "--signer",
                "vwYrjUyZbzW4ysgdveAQTKngA5XPTr8e6aqs2T4QhSj",
                "--scheme",
                "ed25519",
            ],
            pacifica,
            0,
        ),
        case("explain", &["explain", "--text"], pacifica, 0),
        case(
            "assemble, a bad prepared file",
            &["assemble", "--signature", "x"],
            pacifica,
            1,
        ),
        case("venues", &["venues"], "", 0),
    ];
    let venues_signed: std::collections::BTreeSet<String> = cases
        .iter()
        .filter(|c| c.exit == 0 && c.args[0] == "sign")
        .map(|c| c.stdin.split('"').nth(3).unwrap().to_owned())
        .collect();
    assert_eq!(
        venues_signed.into_iter().collect::<Vec<_>>(),
        [
            "derive",
            "hyperliquid",
            "layer1",
            "mobula",
            "pacifica",
            "ripio"
        ]
    );

    for (i, c) in cases.iter().enumerate() {
        let trace = dir.path().join(format!("{i}.trace"));
        let mut cmd = common::airsign();
        cmd.args(&c.args);
        let (out, text) = traced(&cmd, c.stdin.as_bytes(), &trace);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(c.exit),
            "{}: {stdout}\n{}",
            c.what,
            String::from_utf8_lossy(&out.stderr)
        );
        if c.exit == 0 && matches!(c.args[0].as_str(), "sign" | "batch") {
            assert!(stdout.contains("\"signed\""), "{}: {stdout}", c.what);
        }
        assert!(
            text.contains(&format!("+++ exited with {} +++", c.exit)),
            "{}: strace saw no exit: is it tracing?\n{text}",
            c.what
        );
        let calls = syscalls(&text);
        assert!(
            calls.is_empty(),
            "{}: network system calls:\n{}",
            c.what,
            calls.join("\n")
        );
    }
}

/// `render` and `ur-decode` (which run on either side of the gap) make no network system
/// call either, in every format.
#[test]
fn no_network_syscalls_in_render() {
    if strace_works().is_none() {
        let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
        assert!(
            !in_ci,
            "strace is missing and CI is set: .ci/run must install it"
        );
        eprintln!("\n*** SKIPPED: render under strace needs strace. CI runs it. ***\n");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let requests = [
        r#"{"venue":"pacifica","action":"cancel_order","timestamp":1748970123456,"expiry_window":5000,"params":{"symbol":"BTC","order_id":42069}}"#,
        r#"{"venue":"pacifica","action":"cancel_all_orders","transport":"ws","timestamp":1748970123456,"expiry_window":5000,"params":{"all_symbols":true,"exclude_reduce_only":false}}"#,
    ]
    .join("\n");
    let mut c = common::airsign();
    c.args(["batch", "--key-file", "examples/TEST-KEY-readme.json"]);
    let envelopes =
        String::from_utf8(common::run_with_stdin(c, requests.as_bytes()).stdout).unwrap();
    let rest_only = envelopes.lines().next().unwrap().to_owned() + "\n";
    let mut c = common::airsign();
    c.args(["render", "--format", "ur", "--fragment-size", "100"]);
    let parts = String::from_utf8(common::run_with_stdin(c, envelopes.as_bytes()).stdout).unwrap();
    let qr_dir = dir.path().join("qr");
    let frames = dir.path().join("frames");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["render", "--format", "curl"], &envelopes),
        (vec!["render", "--format", "http"], &rest_only),
        (vec!["render", "--format", "qr"], &rest_only),
        (
            vec![
                "render",
                "--format",
                "qr",
                "--out",
                qr_dir.to_str().unwrap(),
            ],
            &envelopes,
        ),
        (vec!["render", "--format", "ur"], &envelopes),
        (
            vec![
                "render",
                "--format",
                "ur",
                "--out",
                frames.to_str().unwrap(),
            ],
            &envelopes,
        ),
        (vec!["ur-decode"], &parts),
    ];
    for (i, (args, stdin)) in cases.iter().enumerate() {
        let trace = dir.path().join(format!("render-{i}.trace"));
        let mut cmd = common::airsign();
        cmd.args(args);
        let (out, text) = traced(&cmd, stdin.as_bytes(), &trace);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains("+++ exited with 0 +++"),
            "{args:?}: is strace tracing?\n{text}"
        );
        let calls = syscalls(&text);
        assert!(
            calls.is_empty(),
            "{args:?}: network system calls:\n{}",
            calls.join("\n")
        );
    }
}
