//! CLI behaviour, run against the built binary as a user would run it: the README's
//! example, batch with bad lines among good ones, exit codes, key-file permissions.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(
    clippy::disallowed_methods,
    reason = "these tests run the built binary, as a user would; airsign itself never \
              starts a program (clippy.toml)"
)]

mod common;

use std::io::Write;
use std::process::Stdio;

use common::{airsign, private_key, root, run_with_stdin, set_mode};
use serde_json::Value;

/// The fenced block after the "Quick start" heading, and the first ```json block after it.
fn readme_quick_start() -> (Vec<String>, String) {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("## Quick start").expect("Quick start section");
    let rest = &readme[start..];
    let mut blocks = rest.split("```").skip(1).step_by(2);
    let commands: Vec<String> = blocks
        .next()
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    let output = blocks
        .next()
        .unwrap()
        .strip_prefix("json\n")
        .expect("a json block with the example output")
        .trim_end()
        .to_owned();
    (commands, output)
}

#[test]
fn readme_example_signs_and_prints_what_the_readme_shows() {
    let (commands, shown) = readme_quick_start();
    assert_eq!(commands.len(), 2, "Quick start holds exactly two commands");
    assert_eq!(commands[1].trim(), "cargo test --workspace");
    let first = &commands[0];
    assert!(first.starts_with("cargo run "), "{first}");
    let args: Vec<&str> = first
        .split_once(" -- ")
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    let out = airsign().args(&args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim_end(), shown);
    // The bundled key is marked as a test key in its name and in the README.
    assert!(first.contains("TEST-KEY"));
}

#[test]
fn batch_answers_every_line_signs_the_good_ones_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let key = private_key(dir.path());
    let good = std::fs::read_to_string(root().join("examples/cancel-order.json")).unwrap();
    let good: Value = serde_json::from_str(&good).unwrap();
    let good = good.to_string();
    let mut input: Vec<u8> = Vec::new();
    let lines: Vec<&[u8]> = vec![
        good.as_bytes(),
        b"{not json",
        b"",
        b"\xff\xfe{}",
        br#"{"venue":"nowhere","action":"x"}"#,
        br#"{"venue":"pacifica","action":"cancel_order","timestamp":1748970123456,"expiry_window":5000,"params":{"symbol":"BTC","order_id":-1}}"#,
        b"[1,2,3]",
        br#"{"venue":"pacifica","action":"cancel_order","venue":"pacifica"}"#,
        good.as_bytes(),
    ];
    for l in &lines {
        input.extend_from_slice(l);
        input.push(b'\n');
    }
    // A last line without a newline still counts.
    input.extend_from_slice(good.as_bytes());
    let mut cmd = airsign();
    cmd.args(["batch", "--key-file"]).arg(&key);
    let out = run_with_stdin(cmd, &input);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let answers: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), lines.len() + 1, "one answer per input line");
    for (i, a) in answers.iter().enumerate() {
        let n = i as u64 + 1;
        let is_good = [1, 9, 10].contains(&n);
        if is_good {
            assert!(a.get("signed").is_some(), "line {n}: {a}");
        } else {
            assert_eq!(a["line"].as_u64(), Some(n), "line {n}: {a}");
            assert!(a["error"]["code"].is_string(), "line {n}: {a}");
        }
    }
    assert_eq!(answers[5]["error"]["field"], "params.order_id");
    assert_eq!(answers[4]["error"]["code"], "request.unknown_venue");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("3 signed, 7 refused"), "{err}");
}

#[test]
fn batch_fail_fast_stops_after_the_first_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    let key = private_key(dir.path());
    let mut cmd = airsign();
    cmd.args(["batch", "--fail-fast", "--key-file"]).arg(&key);
    let out = run_with_stdin(cmd, b"{}\n{}\n{}\n");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 1);
}

#[test]
fn batch_of_only_good_lines_exits_0_and_empty_input_prints_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let key = private_key(dir.path());
    let good: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/cancel-order.json")).unwrap(),
    )
    .unwrap();
    let mut cmd = airsign();
    cmd.args(["batch", "--key-file"]).arg(&key);
    let out = run_with_stdin(cmd, format!("{good}\r\n{good}\n").as_bytes());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 2);
    let mut cmd = airsign();
    cmd.args(["batch", "--key-file"]).arg(&key);
    let out = run_with_stdin(cmd, b"");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let key = private_key(dir.path());
    // 2: usage. There is no flag that takes a key's value.
    let out = airsign().args(["sign", "--key", "abc"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = airsign().output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // 3: unreadable request file, unreadable key file.
    let out = airsign()
        .args(["sign", "--key-file"])
        .arg(&key)
        .arg(dir.path().join("missing.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let out = airsign()
        .args(["sign", "--key-file"])
        .arg(dir.path().join("missing-key"))
        .arg("examples/cancel-order.json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let e: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["error"]["code"], "io");
    // 1: refused request; no key at all.
    let mut cmd = airsign();
    cmd.args(["sign", "--key-file"]).arg(&key).arg("-");
    let out = run_with_stdin(cmd, br#"{"venue":"pacifica","action":"cancel_order"}"#);
    assert_eq!(out.status.code(), Some(1));
    let out = airsign()
        .args(["sign", "examples/cancel-order.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let e: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["error"]["code"], "key.missing");
}

#[test]
fn key_file_from_environment_and_pubkey() {
    let dir = tempfile::tempdir().unwrap();
    let key = private_key(dir.path());
    let out = airsign()
        .args(["pubkey", "--scheme", "ed25519"])
        .env("AIRSIGN_KEY_FILE", &key)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["address"], "5UbRrwLm27uQXLNhSnbjLHtbYPDW2QP1NJHzfMcskFKw");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[cfg(unix)]
#[test]
fn readable_key_files_warn_or_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let key = private_key(dir.path());
    set_mode(&key, 0o644);
    let out = airsign()
        .args(["sign", "--key-file"])
        .arg(&key)
        .arg("examples/cancel-order.json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("readable by others"));
    let out = airsign()
        .args(["sign", "--strict-permissions", "--key-file"])
        .arg(&key)
        .arg("examples/cancel-order.json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let e: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["error"]["code"], "key.permissions");
}

#[test]
fn broken_key_files_never_echo_key_material() {
    let dir = tempfile::tempdir().unwrap();
    // Recognisable secret material in several broken shapes.
    let secret_hex = "5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75e";
    let cases = [
        format!("{secret_hex}zz"),
        format!("[{}]", "99,".repeat(63).trim_end_matches(',')),
        format!("0x{secret_hex}"),
        "5ec7e7SecretSecretSecretSecret".to_owned(),
    ];
    for (i, c) in cases.iter().enumerate() {
        let p = dir.path().join(format!("k{i}"));
        std::fs::write(&p, c).unwrap();
        set_mode(&p, 0o600);
        let out = airsign()
            .args(["sign", "--key-file"])
            .arg(&p)
            .arg("examples/cancel-order.json")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{c}");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains("5ec7e7"), "{all}");
        assert!(!all.contains("99,99"), "{all}");
    }
}

#[test]
fn batch_answers_each_line_before_the_input_ends() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let key = private_key(dir.path());
    let good: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/cancel-order.json")).unwrap(),
    )
    .unwrap();
    let mut child = airsign()
        .args(["batch", "--jobs", "2", "--key-file"])
        .arg(&key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    for round in 0..3 {
        writeln!(stdin, "{good}").unwrap();
        stdin.flush().unwrap();
        // The answer must arrive while stdin is still open.
        let answer = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("round {round}: no answer before EOF"));
        assert!(answer.contains("\"signed\""), "{answer}");
    }
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn help_examples_run() {
    // The examples in `sign --help` and `pubkey --help` name real files and succeed.
    for sub in ["sign", "pubkey"] {
        let out = airsign().args([sub, "--help"]).output().unwrap();
        let help = String::from_utf8(out.stdout).unwrap();
        let example = help
            .lines()
            .skip_while(|l| !l.starts_with("Example:"))
            .nth(1)
            .unwrap_or_else(|| panic!("{sub} --help has an example"))
            .trim();
        let args: Vec<&str> = example.split_whitespace().skip(1).collect();
        assert_eq!(args.first(), Some(&sub), "{example}");
        let out = airsign().args(&args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{example}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}
