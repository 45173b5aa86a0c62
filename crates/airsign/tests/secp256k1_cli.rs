//! secp256k1 keys through the CLI: an Ethereum keystore (with `--password-file` or
//! `AIRSIGN_PASSWORD_FILE`) signs exactly what the equivalent hex key signs; a wrong
//! password, or a keystore with no password source and no terminal, fails at once.
//!
//! The keystores are `crates/airsign-keys/tests/data/vector-key-1.*.json`, made outside
//! airsign (see `make_keystores.py` there) from SHA-256("vector-key-1").

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "these tests run the built binary, as a user would; airsign itself never \
              starts a program (clippy.toml)"
)]

mod common;

use common::{airsign, private_file, run_with_stdin};

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

const KEY1_HEX: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";
const KEY1_ADDRESS: &str = "0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81";

const REQUESTS: &[&str] = &[
    r#"{"venue":"derive","action":"cancel_quote","timestamp":1700000000000,"params":{"quote_id":"3d0958f3-2ec2-4502-974c-65c64cc9ac88","subaccount_id":12345}}"#,
    r#"{"venue":"derive","action":"cancel_all","transport":"ws","id":7,"timestamp":1700000000001,"params":{"subaccount_id":1}}"#,
    r#"{"venue":"mobula","action":"cancel-order","timestamp":1735686300000,"params":{"dex":"lighter","chainId":"lighter:301","orderIndex":"42","marketId":"lighter-btc-usd"}}"#,
    r#"{"venue":"hyperliquid","action":"scheduleCancel","transport":"ws","id":3,"timestamp":1750000000000,"params":{"time":1750000060000}}"#,
];

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../airsign-keys/tests/data")
        .join(name)
}

struct Files {
    _dir: tempfile::TempDir,
    hex: PathBuf,
    scrypt: PathBuf,
    pbkdf2: PathBuf,
    password: PathBuf,
}

fn files() -> Files {
    let dir = tempfile::tempdir().unwrap();
    let read = |n: &str| std::fs::read(data(n)).unwrap();
    Files {
        hex: private_file(dir.path(), "key.hex", format!("0x{KEY1_HEX}\n").as_bytes()),
        scrypt: private_file(dir.path(), "ks1.json", read("vector-key-1.scrypt.json")),
        pbkdf2: private_file(dir.path(), "ks2.json", read("vector-key-1.pbkdf2.json")),
        password: private_file(dir.path(), "pw", read("vector-key-1.password")),
        _dir: dir,
    }
}

#[test]
fn keystore_signs_exactly_like_the_hex_key() {
    let f = files();
    for req in REQUESTS {
        let mut hex = airsign();
        hex.args(["sign", "--scheme", "secp256k1", "--key-file"])
            .arg(&f.hex)
            .arg("-");
        let want = run_with_stdin(hex, req.as_bytes());
        assert_eq!(want.status.code(), Some(0), "{req}");
        let want = String::from_utf8(want.stdout).unwrap();
        assert!(want.contains(KEY1_ADDRESS));
        for ks in [&f.scrypt, &f.pbkdf2] {
            // The flag ...
            let mut cmd = airsign();
            cmd.args(["sign", "--key-file"])
                .arg(ks)
                .arg("--password-file")
                .arg(&f.password)
                .arg("-");
            let got = run_with_stdin(cmd, req.as_bytes());
            assert_eq!(
                got.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&got.stderr)
            );
            assert_eq!(String::from_utf8(got.stdout).unwrap(), want, "{req}");
            // ... and the environment variables.
            let mut cmd = airsign();
            cmd.arg("sign")
                .env("AIRSIGN_KEY_FILE", ks)
                .env("AIRSIGN_PASSWORD_FILE", &f.password);
            let got = run_with_stdin(cmd, req.as_bytes());
            assert_eq!(String::from_utf8(got.stdout).unwrap(), want, "{req}");
        }
    }
}

#[test]
fn batch_decrypts_once_and_matches_the_hex_key() {
    let f = files();
    let input = REQUESTS.join("\n") + "\n";
    let mut hex = airsign();
    hex.args(["batch", "--scheme", "secp256k1", "--key-file"])
        .arg(&f.hex);
    let want = run_with_stdin(hex, input.as_bytes());
    let mut ks = airsign();
    ks.args(["batch", "--key-file"])
        .arg(&f.scrypt)
        .arg("--password-file")
        .arg(&f.password);
    let got = run_with_stdin(ks, input.as_bytes());
    assert_eq!(got.status.code(), Some(0));
    assert_eq!(got.stdout, want.stdout);
    assert_eq!(
        String::from_utf8(got.stdout).unwrap().lines().count(),
        REQUESTS.len()
    );
}

#[test]
fn pubkey_secp256k1() {
    let f = files();
    for (key, pw) in [
        (&f.hex, None),
        (&f.scrypt, Some(&f.password)),
        (&f.pbkdf2, Some(&f.password)),
    ] {
        let mut cmd = airsign();
        cmd.args(["pubkey", "--scheme", "secp256k1", "--key-file"])
            .arg(key);
        if let Some(pw) = pw {
            cmd.arg("--password-file").arg(pw);
        }
        let out = run_with_stdin(cmd, "".as_bytes());
        assert_eq!(out.status.code(), Some(0));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["address"], KEY1_ADDRESS);
        assert_eq!(v["scheme"], "secp256k1");
    }
}

#[test]
fn wrong_password_is_key_bad_password() {
    let f = files();
    let dir = tempfile::tempdir().unwrap();
    let wrong = private_file(dir.path(), "wrong", b"correct horse battery stapler\n");
    let mut cmd = airsign();
    cmd.args(["sign", "--key-file"])
        .arg(&f.pbkdf2)
        .arg("--password-file")
        .arg(&wrong)
        .arg("-");
    let out = run_with_stdin(cmd, REQUESTS[0].as_bytes());
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], "key.bad_password");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains("stapler"), "{all}");
}

#[test]
fn keystore_without_password_or_terminal_fails_at_once() {
    let f = files();
    // setsid: a new session has no controlling terminal, so /dev/tty cannot be opened,
    // whatever terminal the test itself runs on.
    let setsid = ["/usr/bin/setsid", "/bin/setsid"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let Some(setsid) = setsid else {
        eprintln!("skipped: no setsid on this machine");
        return;
    };
    let mut cmd = Command::new(setsid);
    cmd.arg("--wait")
        .arg(env!("CARGO_BIN_EXE_airsign"))
        .env_remove("AIRSIGN_KEY_FILE")
        .env_remove("AIRSIGN_PASSWORD_FILE")
        .args(["sign", "--key-file"])
        .arg(&f.scrypt)
        .arg("-");
    let start = Instant::now();
    let out = run_with_stdin(cmd, REQUESTS[0].as_bytes());
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], "key.missing");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--password-file")
    );
    // A keystore is a secp256k1 key by its content: calling it ed25519 is refused before
    // any password is asked for.
    let mut cmd = airsign();
    cmd.args(["pubkey", "--scheme", "ed25519", "--key-file"])
        .arg(&f.scrypt);
    let out = run_with_stdin(cmd, "".as_bytes());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], "key.scheme_mismatch");
}
