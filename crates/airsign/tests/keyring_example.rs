//! The worked keyring of `docs/keys-and-policy.md` (`examples/keyring/`): the command the
//! page and the README show is run as written, and must print one envelope per venue,
//! which `verify` with the same keyring accepts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(
    clippy::disallowed_methods,
    reason = "these tests run the built binary, as a user would; airsign itself never \
              starts a program (clippy.toml)"
)]

mod common;

use std::path::Path;

use common::{airsign, root, run_with_stdin, set_mode};
use serde_json::Value;

const COMMAND_START: &str = "cargo run -q -p airsign -- batch --keyring ";

/// The one line in `text` that runs the worked keyring.
fn documented_command(text: &str, what: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_start().starts_with(COMMAND_START))
        .collect();
    assert_eq!(
        lines.len(),
        1,
        "{what} shows the worked keyring command once"
    );
    lines[0].trim().to_owned()
}

/// Copies `from` into `to`, recursively.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// The README's Quick start output (the Pacifica envelope).
fn readme_pacifica_line(readme: &str) -> String {
    let start = readme.find("## Quick start").unwrap();
    let rest = &readme[start..];
    let at = rest.find("```json\n").unwrap() + "```json\n".len();
    rest[at..].lines().next().unwrap().to_owned()
}

#[test]
fn the_worked_keyring_signs_one_cancel_per_venue() {
    let page = std::fs::read_to_string(root().join("docs/keys-and-policy.md")).unwrap();
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let command = documented_command(&page, "docs/keys-and-policy.md");
    assert_eq!(
        documented_command(&readme, "README.md"),
        command,
        "the README and docs/keys-and-policy.md show the same command"
    );
    let (args, input) = command
        .split_once(" -- ")
        .unwrap()
        .1
        .split_once(" < ")
        .expect("the command reads its requests from a file on stdin");
    let args: Vec<&str> = args.split_whitespace().collect();
    assert_eq!(
        args,
        ["batch", "--keyring", "examples/keyring/keyring.json"],
        "{command}"
    );

    // Run it in a copy of examples/, so the checkout's umask (a group-writable keyring is
    // refused, as the page says) cannot decide the outcome.
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("examples"), &dir.path().join("examples"));
    set_mode(&dir.path().join("examples/keyring/keyring.json"), 0o644);
    let requests = std::fs::read(dir.path().join(input.trim())).unwrap();

    let mut cmd = airsign();
    cmd.current_dir(dir.path())
        .env_remove("AIRSIGN_KEYRING")
        .args(&args);
    let out = run_with_stdin(cmd, &requests);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");

    let lines: Vec<&str> = stdout.lines().collect();
    let venues: Vec<String> = lines
        .iter()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            assert_eq!(v["airsign"], 1, "{l}");
            assert!(v.get("error").is_none(), "not an envelope: {l}");
            for field in ["url", "headers", "body", "signed"] {
                assert!(v.get(field).is_some(), "an envelope has {field}: {l}");
            }
            v["venue"].as_str().unwrap().to_owned()
        })
        .collect();
    let mut expected: Vec<String> = airsign::venue_names()
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        venues, expected,
        "one envelope per venue, in the order of requests.ndjson"
    );
    expected.sort();
    expected.dedup();
    assert_eq!(expected.len(), lines.len());

    // The Pacifica key and request are the Quick start's, pinned account and all.
    assert_eq!(lines[0], readme_pacifica_line(&readme));

    // verify with the same keyring: the Ripio HMAC found by the same key choice.
    let mut cmd = airsign();
    cmd.current_dir(dir.path())
        .env_remove("AIRSIGN_KEYRING")
        // As of a time before any of the example envelopes expires (their requests carry
        // fixed timestamps).
        .args([
            "verify",
            "--at",
            "100000000000",
            "--keyring",
            "examples/keyring/keyring.json",
        ]);
    let out = run_with_stdin(cmd, stdout.as_bytes());
    let verified = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{verified}");
    let results: Vec<(String, String)> = verified
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["venue"].as_str().unwrap().to_owned(),
                v["result"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (venue, result) in &results {
        let want = if venue == "layer1" {
            "unverifiable"
        } else {
            "ok"
        };
        assert_eq!(result, want, "{venue}: {verified}");
    }
    assert_eq!(results.len(), lines.len());
}

#[test]
fn the_worked_keyring_refuses_what_the_page_says() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("examples"), &dir.path().join("examples"));
    set_mode(&dir.path().join("examples/keyring/keyring.json"), 0o644);
    let cases: &[(&str, &str, &str)] = &[
        (
            r#"{"venue":"pacifica","action":"cancel_order","expiry_window":30000,"account":"11111111111111111111111111111111","params":{"symbol":"BTC","order_id":1}}"#,
            "policy.denied",
            "account",
        ),
        (
            r#"{"venue":"ripio","action":"cancel_order","api_token":"other","params":{"id":"7155ED34-9EC4-4733-8B32-1E4319CB662F"}}"#,
            "policy.denied",
            "api_token",
        ),
        (
            r#"{"venue":"pacifica","action":"cancel_order","expiry_window":90000,"params":{"symbol":"BTC","order_id":1}}"#,
            "policy.denied",
            "expiry_window",
        ),
        (
            r#"{"venue":"layer1","action":"cancel_conversion","base_url":"https://proxy.example","params":{"conversion_id":"550e8400-e29b-41d4-a716-446655440000"}}"#,
            "policy.denied",
            "base_url",
        ),
        (
            r#"{"venue":"mobula","action":"create-order","params":{}}"#,
            "policy.denied",
            "action",
        ),
        (
            r#"{"venue":"pacifica","action":"cancel_order","key":"ripio","expiry_window":30000,"params":{"symbol":"BTC","order_id":1}}"#,
            "policy.denied",
            "key",
        ),
        (
            r#"{"venue":"pacifica","action":"cancel_order","key":"nope","expiry_window":30000,"params":{"symbol":"BTC","order_id":1}}"#,
            "key.missing",
            "key",
        ),
    ];
    let input: String = cases.iter().map(|(r, _, _)| format!("{r}\n")).collect();
    let mut cmd = airsign();
    cmd.current_dir(dir.path())
        .env_remove("AIRSIGN_KEYRING")
        .args(["batch", "--keyring", "examples/keyring/keyring.json"]);
    let out = run_with_stdin(cmd, input.as_bytes());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), cases.len(), "{stdout}");
    for (line, (req, code, field)) in lines.iter().zip(cases) {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["error"]["code"], *code, "{req}\n{line}");
        assert_eq!(v["error"]["field"], *field, "{req}\n{line}");
    }
}

#[cfg(unix)]
#[test]
fn a_keyring_others_can_write_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("examples"), &dir.path().join("examples"));
    set_mode(&dir.path().join("examples/keyring/keyring.json"), 0o664);
    let requests = std::fs::read(root().join("examples/keyring/requests.ndjson")).unwrap();
    let mut cmd = airsign();
    cmd.current_dir(dir.path())
        .env_remove("AIRSIGN_KEYRING")
        .args(["batch", "--keyring", "examples/keyring/keyring.json"]);
    let out = run_with_stdin(cmd, &requests);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_ne!(out.status.code(), Some(0), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one error, nothing signed: {stdout}");
    let v: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(v["error"]["code"], "key.permissions", "{stdout}");
    assert_eq!(v["error"]["field"], "keyring", "{stdout}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("chmod go-w"),
        "the refusal says how to fix it"
    );
}
