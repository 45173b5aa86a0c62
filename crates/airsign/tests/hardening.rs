//! Process hardening of the built binary: core dumps are off while it holds a key.
//!
//! The binary is started as `airsign batch` with a key file; once it has answered one
//! line (so it is past startup, key loaded), its `/proc/<pid>/limits` must show a core
//! file size of 0, soft and hard, although it was started with the largest limit this
//! test may give it. Linux only (that is where `/proc` tells).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(
    clippy::disallowed_methods,
    reason = "this test runs the built binary, as a user would; airsign itself never \
              starts a program (clippy.toml)"
)]

mod common;

#[cfg(target_os = "linux")]
#[test]
fn core_dumps_are_off_while_a_key_is_loaded() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;

    // Give the child every core-dump allowance this process may hand out (children
    // inherit limits), so a 0 below is airsign's doing, not the environment's default.
    let mut inherited = rustix::process::getrlimit(rustix::process::Resource::Core);
    inherited.current = inherited.maximum;
    let _ = rustix::process::setrlimit(rustix::process::Resource::Core, inherited);

    let dir = tempfile::tempdir().unwrap();
    let key = common::private_file(
        dir.path(),
        "key.hex",
        "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3\n",
    );
    let mut child = common::airsign()
        .args(["batch", "--jobs", "1", "--scheme", "ed25519", "--key-file"])
        .arg(&key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdin
        .write_all(
            br#"{"venue":"pacifica","action":"cancel_order","expiry_window":5000,"params":{"symbol":"BTC","order_id":1}}
"#,
        )
        .unwrap();
    stdin.flush().unwrap();
    let mut answer = String::new();
    stdout.read_line(&mut answer).unwrap();
    assert!(answer.contains("\"signed\""), "{answer}");

    // The process is alive, waiting for more input, with the key in memory.
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id())).unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success());
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    let fields: Vec<&str> = line.split_whitespace().collect();
    // "Max core file size  <soft>  <hard>  bytes"
    assert_eq!(&fields[4..6], ["0", "0"], "{line}");
}
