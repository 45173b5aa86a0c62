//! Running the built binary as a user would, and the files it reads.
//!
//! Every function that starts the binary takes its path (a test passes
//! `env!("CARGO_BIN_EXE_airsign")`, which only the CLI crate's own tests can name).

#![allow(
    clippy::disallowed_types,
    clippy::disallowed_methods,
    reason = "the CLI tests start the built binary, as a user would; airsign itself never \
              starts a program (clippy.toml)"
)]

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::root;

/// The environment variables that name key material; a test's binary never inherits them.
const KEY_VARIABLES: &[&str] = &[
    "AIRSIGN_KEY_FILE",
    "AIRSIGN_PASSWORD_FILE",
    "AIRSIGN_KEYRING",
];

/// The binary at `bin`, run from the repository root, with no key, password or keyring
/// file inherited from the environment.
pub fn command(bin: impl AsRef<OsStr>) -> Command {
    let mut c = Command::new(bin);
    c.current_dir(root());
    for v in KEY_VARIABLES {
        c.env_remove(v);
    }
    c
}

/// Runs `cmd` with `input` on stdin and collects its output. The binary may exit before
/// reading all of stdin (a bad key file is refused first), so a write error is ignored.
pub fn run_with_stdin(mut cmd: Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// Writes `contents` to `dir/name` readable by its owner only (0600), as a key file
/// should be, and returns the path.
pub fn private_file(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, contents).unwrap();
    set_mode(&p, 0o600);
    p
}

/// Sets a file's Unix permission bits (no-op elsewhere).
pub fn set_mode(p: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = (p, mode);
}

/// A private (0600) copy of the README test key in `dir`.
pub fn private_key(dir: &Path) -> PathBuf {
    let p = dir.join("key.json");
    std::fs::copy(root().join("examples/TEST-KEY-readme.json"), &p).unwrap();
    set_mode(&p, 0o600);
    p
}

/// Mobula's payload builders besides cancel-order.
pub const MOBULA_BUILDERS: &[&str] = &[
    "create-order",
    "close-position",
    "edit-order",
    "update-margin",
    "withdraw",
    "deposit",
    "create-account",
    "execute-v2",
];

/// Writes a keyring in `dir` that holds `key_text` once per scheme (keys named
/// `ed25519`, `secp256k1`, `hmac`, `bearer`), each bound to every venue of its scheme,
/// with Mobula's non-cancel builders allowed (these tests check signing, not policy), and
/// returns the keyring's path.
pub fn all_schemes_keyring(dir: &Path, key_text: &str) -> PathBuf {
    let file = private_file(dir, "all-schemes.key", format!("{key_text}\n"));
    let file = file.file_name().unwrap().to_str().unwrap().to_owned();
    let ring = serde_json::json!({
        "airsign_keyring": 1,
        "keys": [
            {"name": "ed25519", "scheme": "ed25519", "file": file, "venues": ["pacifica"]},
            {"name": "secp256k1", "scheme": "secp256k1", "file": file, "venues": ["derive", "mobula", "hyperliquid"]},
            {"name": "hmac", "scheme": "hmac", "file": file, "venues": ["ripio"]},
            {"name": "bearer", "scheme": "bearer", "file": file, "venues": ["layer1"]},
        ],
        "policy": {
            "allow_actions": {"mobula": MOBULA_BUILDERS},
            "base_urls": ["https://proxy.example:8443"],
        },
    });
    private_file(dir, "keyring.json", ring.to_string())
}

/// `/usr/bin/time`, which measures a child's peak RSS (`-v`); `None` where it is missing
/// (CI installs it: there a missing one fails the test).
pub fn gnu_time() -> Option<PathBuf> {
    let p = PathBuf::from("/usr/bin/time");
    if p.exists() {
        return Some(p);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI runs these tests: install GNU time (apt-get install time)"
    );
    eprintln!("SKIPPED: /usr/bin/time is missing (apt-get install time)");
    None
}

/// Runs the binary at `bin` with `args` and `stdin` under `/usr/bin/time -v`, from the
/// repository root with no key variables inherited: its output, peak resident set size
/// in KiB, and wall time. `None` without GNU time.
pub fn measured(
    bin: impl AsRef<OsStr>,
    args: &[&OsStr],
    stdin: Stdio,
) -> Option<(Output, u64, Duration)> {
    let time = gnu_time()?;
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("time.txt");
    let mut cmd = command(time);
    cmd.arg("-v").arg("-o").arg(&report).arg(bin).args(args);
    let t0 = Instant::now();
    let out = cmd
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let took = t0.elapsed();
    let text = std::fs::read_to_string(&report).unwrap();
    let kib = text
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .unwrap_or_else(|| panic!("no peak RSS in {text}"))
        .trim()
        .parse()
        .unwrap();
    Some((out, kib, took))
}
