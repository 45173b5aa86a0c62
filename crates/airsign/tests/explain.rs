//! `airsign explain`: what an operator reads before approving, snapshot-tested for one
//! request of every venue (text and JSON). Snapshots live in `tests/snapshots/explain/`;
//! `UPDATE_SNAPSHOTS=1 cargo test -p airsign --test explain` rewrites them after a change
//! that is meant (review the diff).

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::path::PathBuf;

use common::{airsign, private_file, run_with_stdin};
use serde_json::Value;

const KEY1: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";
const KEY2: &str = "a655ac2ac50b40f3e43c0254b7f8dbb89cbc2f91279154a7d17ab95b3824ea69";

/// (snapshot name, key scheme, key text or None for no key, request, --now)
const CASES: &[(&str, &str, Option<&str>, &str, &str)] = &[
    (
        "pacifica",
        "ed25519",
        Some(KEY1),
        r#"{"venue":"pacifica","action":"cancel_order","timestamp":1748970123456,"expiry_window":5000,"params":{"symbol":"BTC","order_id":42069}}"#,
        "1748970123456",
    ),
    (
        "pacifica-no-key",
        "ed25519",
        None,
        r#"{"venue":"pacifica","action":"batch_orders","transport":"ws","id":"00000000-0000-4000-8000-000000000001","timestamp":1748970123456,"expiry_window":5000,"params":{"actions":[{"type":"Cancel","symbol":"BTC","order_id":1},{"type":"CancelStopOrder","symbol":"ETH","order_id":2}]}}"#,
        "1748970123456",
    ),
    (
        "derive",
        "secp256k1",
        Some(KEY1),
        r#"{"venue":"derive","action":"cancel_all","transport":"ws","id":7,"timestamp":1700000000000,"params":{"subaccount_id":12345}}"#,
        "1700000000000",
    ),
    (
        "mobula",
        "secp256k1",
        Some(KEY1),
        r#"{"venue":"mobula","action":"cancel-order","timestamp":1735686300000,"params":{"dex":"gains","chainId":"evm:42161","orderIndex":"0","orderType":"order"}}"#,
        "1735686300000",
    ),
    (
        "mobula-withdraw-denied",
        "secp256k1",
        Some(KEY1),
        r#"{"venue":"mobula","action":"withdraw","timestamp":1735686300000,"params":{"dex":"lighter","chainId":"lighter:301","amountUsdc":"100"}}"#,
        "1735686300000",
    ),
    (
        "ripio",
        "hmac",
        Some("vector-secret-1"),
        r#"{"venue":"ripio","action":"cancel_order","transport":"ws","timestamp":1634567890000,"api_token":"vector-api-token-1","id":"req-001","params":{"id":"7155ED34-9EC4-4733-8B32-1E4319CB662F"}}"#,
        "1634567890000",
    ),
    (
        "layer1",
        "bearer",
        None,
        r#"{"venue":"layer1","action":"cancel_conversion","environment":"production","timestamp":1700000000000,"params":{"conversion_id":"550e8400-e29b-41d4-a716-446655440000"}}"#,
        "1700000000000",
    ),
    (
        "hyperliquid",
        "secp256k1",
        Some(KEY2),
        r#"{"venue":"hyperliquid","action":"scheduleCancel","timestamp":1750000001000,"expires_after":1750000061000,"params":{"time":1750000100000}}"#,
        "1750000001000",
    ),
];

fn snapshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/explain")
}

#[allow(
    clippy::disallowed_methods,
    reason = "UPDATE_SNAPSHOTS opts in to rewriting the snapshots; airsign itself reads no \
              environment (clippy.toml)"
)]
fn check_snapshot(name: &str, got: &str) {
    let path = snapshot_dir().join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(snapshot_dir()).unwrap();
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}: run with UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    assert_eq!(
        got,
        want,
        "explain output changed for {name} (snapshot {})",
        path.display()
    );
}

#[test]
fn explain_every_venue_matches_its_snapshot_and_never_shows_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    for (name, scheme, key, request, now) in CASES {
        for text in [true, false] {
            let mut cmd = airsign();
            cmd.args(["explain", "--now", now]);
            if text {
                cmd.arg("--text");
            }
            if let Some(k) = key {
                let file = private_file(dir.path(), "k", format!("{k}\n"));
                cmd.args(["--scheme", scheme, "--key-file"]).arg(file);
            }
            let out = run_with_stdin(cmd, request.as_bytes());
            let stdout = String::from_utf8(out.stdout).unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{name}: {stdout}{}",
                String::from_utf8_lossy(&out.stderr)
            );
            if let Some(k) = key {
                assert!(
                    !stdout.contains(&k[..10]),
                    "{name}: a secret in explain output"
                );
            }
            if text {
                check_snapshot(&format!("{name}.txt"), &stdout);
            } else {
                let v: Value = serde_json::from_str(&stdout).unwrap();
                assert_eq!(v["venue"], request_venue(request), "{name}");
                check_snapshot(&format!("{name}.json"), &stdout);
            }
        }
    }
}

fn request_venue(request: &str) -> String {
    let v: Value = serde_json::from_str(request).unwrap();
    v["venue"].as_str().unwrap().to_owned()
}
