//! Unwritable outputs: stdout or stderr to `/dev/full` is an I/O error (exit 3), never a
//! panic and never exit 0 with nothing written; a closed stdout stays quiet.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "these tests run the built binary, as a user would; airsign itself never \
              starts a program (clippy.toml)"
)]

mod common;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{airsign, private_key, root, set_mode};

fn request() -> PathBuf {
    root().join("examples/cancel-order.json")
}

fn full() -> Stdio {
    Stdio::from(File::options().write(true).open("/dev/full").unwrap())
}

/// A request `sign` refuses.
fn bad_request(dir: &Path) -> PathBuf {
    let p = dir.join("bad.json");
    std::fs::write(&p, r#"{"venue":"pacifica"}"#).unwrap();
    p
}

fn file_in(p: &Path) -> Stdio {
    Stdio::from(File::open(p).unwrap())
}

fn run(mut c: Command) -> Output {
    c.output().unwrap()
}

fn no_panic(o: &Output) {
    assert_ne!(o.status.code(), Some(101), "panicked: {o:?}");
    assert!(o.status.code().is_some(), "killed by a signal: {o:?}");
}

/// One signed envelope, to feed `verify`.
fn envelope(dir: &Path, key: &Path) -> PathBuf {
    let o = run({
        let mut c = airsign();
        c.arg("sign").arg("--key-file").arg(key).arg(request());
        c
    });
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let p = dir.join("env.json");
    std::fs::write(&p, &o.stdout).unwrap();
    p
}

/// Each command with stdout to /dev/full: exit 3, a message on stderr.
#[test]
fn stdout_to_dev_full_is_an_io_error_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let key = private_key(dir.path());
    let env = envelope(dir.path(), &key);
    let cmds: Vec<(&str, Command)> = vec![
        ("sign", {
            let mut c = airsign();
            c.arg("sign").arg("--key-file").arg(&key).arg(request());
            c
        }),
        ("pubkey", {
            let mut c = airsign();
            c.args(["pubkey", "--scheme", "ed25519", "--key-file"])
                .arg(&key);
            c
        }),
        ("verify", {
            let mut c = airsign();
            c.args(["verify", "--at", "1748970123456"]).arg(&env);
            c
        }),
        ("batch", {
            let mut c = airsign();
            c.arg("batch").arg("--key-file").arg(&key);
            c.stdin(file_in(&request()));
            c
        }),
        ("batch --jobs 2", {
            let mut c = airsign();
            c.args(["batch", "--jobs", "2", "--key-file"]).arg(&key);
            c.stdin(file_in(&request()));
            c
        }),
        ("refused sign", {
            let mut c = airsign();
            c.arg("sign").arg("--key-file").arg(&key);
            c.stdin(file_in(&bad_request(dir.path())));
            c
        }),
    ];
    for (name, mut c) in cmds {
        c.stdout(full());
        let o = run(c);
        no_panic(&o);
        assert_eq!(o.status.code(), Some(3), "{name}: {o:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("No space left"), "{name}: {err}");
    }
}

/// stderr to /dev/full: no panic; a refused `sign` still prints its JSON error line, a
/// good one its envelope.
#[test]
fn stderr_to_dev_full_never_panics_and_stdout_still_carries_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let key = private_key(dir.path());
    // A key file others may read: its warning goes to stderr, which cannot be written.
    let loose = dir.path().join("loose.json");
    std::fs::copy(&key, &loose).unwrap();
    set_mode(&loose, 0o644);

    let mut c = airsign();
    c.arg("sign").arg("--key-file").arg(&key);
    c.stdin(file_in(&bad_request(dir.path()))).stderr(full());
    let o = run(c);
    no_panic(&o);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let line: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(line["error"]["code"].is_string(), "{line}");

    // The envelope is written; the warning could not be: an I/O error, not a panic.
    let mut c = airsign();
    c.arg("sign").arg("--key-file").arg(&loose).arg(request());
    c.stderr(full());
    let o = run(c);
    no_panic(&o);
    assert_eq!(o.status.code(), Some(3), "{o:?}");
    let line: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(line["signed"].is_array(), "{line}");

    // verify's summary and batch's refusal summary go to stderr too.
    let env = envelope(dir.path(), &key);
    let mut c = airsign();
    c.args(["verify", "--at", "1748970123456"])
        .arg(&env)
        .stderr(full());
    let o = run(c);
    no_panic(&o);
    assert_eq!(o.status.code(), Some(3), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"result\":\"ok\""));

    let mut c = airsign();
    c.arg("batch").arg("--key-file").arg(&key);
    c.stdin(file_in(&bad_request(dir.path()))).stderr(full());
    let o = run(c);
    no_panic(&o);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"error\""));

    // A usage error for pubkey (no key file) prints only to stderr.
    let mut c = airsign();
    c.args(["pubkey", "--scheme", "ed25519"]).stderr(full());
    let o = run(c);
    no_panic(&o);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
}

/// A closed stdout is not an error: the run ends quietly with exit 0.
#[test]
fn a_closed_stdout_stays_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let key = private_key(dir.path());
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut c = airsign();
    c.arg("sign").arg("--key-file").arg(&key).arg(request());
    c.stdout(writer);
    let o = run(c);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
