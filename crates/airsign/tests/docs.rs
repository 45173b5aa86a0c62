//! The documented commands run as documented: every fenced `sh` block that follows a
//! `<!-- run -->` line in `README.md`, `docs/air-gap.md` and `docs/external-signers.md` is run by `sh -e`, in order,
//! in one scratch directory holding a copy of `examples/`, with the built `airsign` first
//! on `PATH`. A block that needs the network (sending to a venue) is a `text` block and is
//! not run.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(
    clippy::disallowed_types,
    clippy::disallowed_methods,
    reason = "this test runs the documented shell commands, as a user would; airsign \
              itself never starts a program or reads the environment (clippy.toml)"
)]

mod common;

use std::path::Path;
use std::process::Command;

use common::root;

/// The `sh` blocks marked to run, in order.
fn run_blocks(doc: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(doc)).unwrap();
    let mut blocks = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "<!-- run -->" {
            continue;
        }
        assert_eq!(
            lines.next(),
            Some("```sh"),
            "{doc}: <!-- run --> must precede ```sh"
        );
        let block: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        blocks.push(block.join("\n"));
    }
    blocks
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn run_doc(doc: &str, min_blocks: usize) {
    let blocks = run_blocks(doc);
    assert!(
        blocks.len() >= min_blocks,
        "{doc}: {} run blocks",
        blocks.len()
    );
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("examples"), &dir.path().join("examples"));
    let bin = Path::new(env!("CARGO_BIN_EXE_airsign")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for block in &blocks {
        let out = Command::new("sh")
            .args(["-e", "-c", block])
            .current_dir(dir.path())
            .env("PATH", &path)
            .env_remove("AIRSIGN_KEY_FILE")
            .env_remove("AIRSIGN_PASSWORD_FILE")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{doc}: this block failed:\n{block}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_air_gap_page_runs() {
    run_doc("docs/air-gap.md", 6);
}

#[test]
fn the_external_signer_round_trip_runs() {
    let has_nacl = Command::new("python3")
        .args(["-c", "import nacl"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_nacl {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have python3 with PyNaCl"
        );
        eprintln!("SKIPPED: docs/external-signers.md needs python3 with PyNaCl");
        return;
    }
    run_doc("docs/external-signers.md", 1);
}

#[test]
fn the_readme_send_step_runs() {
    run_doc("README.md", 1);
}

#[test]
fn the_signed_example_is_what_sign_prints() {
    // examples/signed-cancel.json is the Quick start's output, used by the docs.
    let out = common::airsign()
        .args([
            "sign",
            "--key-file",
            "examples/TEST-KEY-readme.json",
            "examples/cancel-order.json",
        ])
        .output()
        .unwrap();
    let file = std::fs::read(root().join("examples/signed-cancel.json")).unwrap();
    assert_eq!(out.stdout, file);
}
