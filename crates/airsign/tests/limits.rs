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
