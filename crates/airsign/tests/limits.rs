//! Resource limits of the built binary, measured with GNU time (`/usr/bin/time -v`): what a
//! hostile key file or request line may cost in memory and time before it is refused.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(
    clippy::disallowed_methods,
    reason = "these tests run the built binary, as a user would; airsign itself never \
              starts a program (clippy.toml)"
)]

mod common;

use std::ffi::OsStr;
use std::process::Stdio;
use std::time::Duration;

use common::{measured, private_file};

const DERIVE: &str = r#"{"venue":"derive","action":"cancel_quote","timestamp":1700000000000,"params":{"quote_id":"3d0958f3-2ec2-4502-974c-65c64cc9ac88","subaccount_id":12345}}"#;

fn scrypt_keystore(n: u64, r: u64, p: u64) -> String {
    format!(
        r#"{{"version":3,"crypto":{{"cipher":"aes-128-ctr","cipherparams":{{"iv":"83dbcc02d8ccb40e466191a123791e0e"}},"ciphertext":"d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c","kdf":"scrypt","kdfparams":{{"dklen":32,"n":{n},"r":{r},"p":{p},"salt":"ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"}},"mac":"2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"}}}}"#
    )
}

/// scrypt settings whose block array (128·r·p bytes) no cap counted: refused before any
/// work, with any password, in under 2 s and 64 MiB.
#[test]
fn scrypt_keystores_with_huge_r_or_p_are_refused_cheaply() {
    let dir = tempfile::tempdir().unwrap();
    let pw = private_file(dir.path(), "pw", "any password\n");
    let req = private_file(dir.path(), "req.json", DERIVE);
    for (n, r, p) in [(2u64, 1u64 << 20, 4u64), (2, 1, 1 << 22)] {
        let ks = private_file(dir.path(), "ks.json", scrypt_keystore(n, r, p));
        let args: Vec<&OsStr> = vec![
            "sign".as_ref(),
            "--key-file".as_ref(),
            ks.as_os_str(),
            "--password-file".as_ref(),
            pw.as_os_str(),
            req.as_os_str(),
        ];
        let Some((out, kib, took)) = measured(&args, Stdio::null()) else {
            return;
        };
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "n={n} r={r} p={p}: {err}");
        assert!(err.contains("key.invalid"), "{err}");
        assert!(took < Duration::from_secs(2), "n={n} r={r} p={p}: {took:?}");
        assert!(kib < 64 * 1024, "n={n} r={r} p={p}: peak {kib} KiB");
    }
}

/// The red team's line: 15 MiB of `{"x":[0,0,…]}` (7.8 million values).
fn wide_line() -> Vec<u8> {
    let n = 15 * 1024 * 1024 / 2 - 8;
    let mut v = Vec::with_capacity(2 * n + 16);
    v.extend_from_slice(br#"{"x":["#);
    for _ in 0..n - 1 {
        v.extend_from_slice(b"0,");
    }
    v.extend_from_slice(b"0]}\n");
    v
}

fn run_measured(args: &[&str], input: &std::path::Path) -> Option<(String, u64)> {
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    let (out, kib, _) = measured(&args, Stdio::from(std::fs::File::open(input).unwrap()))?;
    let stdout = String::from_utf8(out.stdout).unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    Some((stdout, kib))
}

/// Peak RSS for one 15 MiB hostile line: at most 96 MiB for `sign` and `verify` (it was
/// 798 MiB), and for four of them through `batch --jobs 2` at most 160 MiB (1.4 GiB).
#[test]
fn a_wide_line_is_refused_in_memory_near_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one.ndjson");
    std::fs::write(&one, wide_line()).unwrap();
    let four = dir.path().join("four.ndjson");
    std::fs::write(&four, wide_line().repeat(4)).unwrap();
    let key = private_file(dir.path(), "key.hex", format!("{}\n", "11".repeat(32)));
    let key = key.to_str().unwrap();

    let mut peaks = Vec::new();
    for (what, args, input, lines, cap_mib) in [
        (
            "sign",
            vec!["sign", "--scheme", "ed25519", "--key-file", key],
            &one,
            1,
            96,
        ),
        ("verify", vec!["verify"], &one, 1, 96),
        (
            "verify --jobs 2",
            vec!["verify", "--jobs", "2"],
            &four,
            4,
            160,
        ),
        (
            "batch --jobs 2",
            vec![
                "batch",
                "--jobs",
                "2",
                "--scheme",
                "ed25519",
                "--key-file",
                key,
            ],
            &four,
            4,
            160,
        ),
    ] {
        let Some((stdout, kib)) = run_measured(&args, input) else {
            return;
        };
        assert_eq!(stdout.lines().count(), lines, "{what}: {stdout:.300}");
        for l in stdout.lines() {
            assert!(l.contains("malformed"), "{what}: {l:.300}");
            assert!(l.len() < 4096, "{what}: the answer echoes the line");
        }
        peaks.push(format!("{what}: {} MiB", kib / 1024));
        assert!(
            kib <= cap_mib * 1024,
            "{what}: peak {kib} KiB > {cap_mib} MiB"
        );
    }
    eprintln!("peak RSS: {}", peaks.join(", "));
}
