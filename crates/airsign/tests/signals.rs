//! SIGTERM, SIGINT and SIGHUP mid-batch: the batch stops reading, writes whole lines for
//! what it read, prints its summary and exits 128 + the signal.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(
    clippy::disallowed_methods,
    reason = "these tests run the built binary, as a user would; airsign itself never \
              starts a program (clippy.toml)"
)]

mod common;

use std::io::{Read, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{airsign, private_key};
use rustix::process::{Pid, Signal, kill_process};

fn requests(n: usize) -> Vec<u8> {
    airsign::testing::pacifica_lines(n, 5, 2)
}

/// Every line is a whole JSON object, numbered in order where it is an error.
fn check_whole_lines(out: &[u8]) -> usize {
    assert!(
        out.is_empty() || out.ends_with(b"\n"),
        "a partial last line"
    );
    let text = std::str::from_utf8(out).unwrap();
    for (i, line) in text.lines().enumerate() {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("line {}: {e}: {line}", i + 1));
        assert!(v.is_object());
        if i % 5 == 2 {
            assert_eq!(v["line"], i + 1, "{line}");
        } else {
            assert!(v["signed"].is_array(), "{line}");
        }
    }
    text.lines().count()
}

/// Batch from a large file into a slowly read pipe; a signal mid-run.
fn stop_mid_batch(sig: Signal, code: i32, jobs: &str) {
    let dir = tempfile::tempdir().unwrap();
    let key = private_key(dir.path());
    let n = 20_000;
    let input = dir.path().join("in.ndjson");
    std::fs::write(&input, requests(n)).unwrap();
    let mut child = airsign()
        .args(["batch", "--jobs", jobs, "--key-file"])
        .arg(&key)
        .stdin(std::fs::File::open(&input).unwrap())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    // Read slowly: the batch fills the pipe and waits on its writes.
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_millis(400) {
        let k = stdout.read(&mut buf).unwrap();
        out.extend_from_slice(&buf[..k]);
        std::thread::sleep(Duration::from_millis(5));
    }
    kill_process(Pid::from_child(&child), sig).unwrap();
    // Then read everything, still slowly at first.
    for _ in 0..20 {
        let k = stdout.read(&mut buf).unwrap();
        out.extend_from_slice(&buf[..k]);
        std::thread::sleep(Duration::from_millis(2));
    }
    stdout.read_to_end(&mut out).unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(code), "{status:?} {err}");
    let lines = check_whole_lines(&out);
    assert!(lines > 0 && lines < n, "{lines} lines answered");
    let want = format!("after line {lines}:");
    assert!(err.contains("stopped by") && err.contains(&want), "{err}");
}

#[test]
fn sigterm_mid_batch_writes_whole_lines_and_exits_143() {
    stop_mid_batch(Signal::TERM, 143, "2");
    stop_mid_batch(Signal::TERM, 143, "1");
}

#[test]
fn sigint_and_sighup_mid_batch_exit_130_and_129() {
    stop_mid_batch(Signal::INT, 130, "2");
    stop_mid_batch(Signal::HUP, 129, "1");
}

/// A producer that wrote three lines and went silent: the signal is not kept waiting for
/// its next line.
#[test]
fn a_stop_signal_does_not_wait_for_a_silent_producer() {
    let dir = tempfile::tempdir().unwrap();
    let key = private_key(dir.path());
    for jobs in ["1", "2"] {
        let mut child = airsign()
            .args(["batch", "--jobs", jobs, "--key-file"])
            .arg(&key)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(&requests(3)).unwrap();
        // Half a line more: not whole when the signal comes, so not answered.
        stdin.write_all(br#"{"venue":"pacifica","#).unwrap();
        stdin.flush().unwrap();
        std::thread::sleep(Duration::from_millis(500));
        let t0 = Instant::now();
        kill_process(Pid::from_child(&child), Signal::TERM).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
        drop(stdin);
        assert_eq!(out.status.code(), Some(143), "{out:?}");
        assert_eq!(check_whole_lines(&out.stdout), 3);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("stopped by SIGTERM after line 3"), "{err}");
    }
}
