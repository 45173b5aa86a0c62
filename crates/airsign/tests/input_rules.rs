//! The conservative input rules: one rule on the fast and the general paths, and a warning
//! for an expiry window too short to cross an air gap.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(
    clippy::disallowed_methods,
    reason = "these tests run the built binary, as a user would; airsign itself never \
              starts a program (clippy.toml)"
)]

mod common;

use airsign::sign_request;
use airsign_core::{Context, ErrorCode};

const KEY1_HEX: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";

fn pacifica(symbol: &str, order_id: &str, window: &str) -> String {
    format!(
        r#"{{"venue":"pacifica","action":"cancel_order","timestamp":1748970123456,"expiry_window":{window},"params":{{"symbol":"{symbol}","order_id":{order_id}}}}}"#
    )
}

fn derive(quote_id: &str, sub: &str) -> String {
    format!(
        r#"{{"venue":"derive","action":"cancel_quote","timestamp":1700000000000,"params":{{"quote_id":"{quote_id}","subaccount_id":{sub}}}}}"#
    )
}

/// The fast paths never take what the general path refuses: both refuse, with the
/// general path's error.
#[test]
fn the_fast_paths_refuse_exactly_what_the_general_path_refuses() {
    let keys = airsign::testing::keyring_signing_anything(KEY1_HEX.as_bytes());
    let uuid = "3d0958f3-2ec2-4502-974c-65c64cc9ac88";
    let cases = [
        (pacifica("BTC\\u0000", "1", "5000"), "params.symbol"),
        (pacifica("BTC\\n", "1", "5000"), "params.symbol"),
        (pacifica("BTC\\u202e", "1", "5000"), "params.symbol"),
        (pacifica("BTC\u{200b}", "1", "5000"), "params.symbol"),
        (pacifica("\\ufeffBTC", "1", "5000"), "params.symbol"),
        (pacifica("BTC", "-0", "5000"), "params.order_id"),
        (pacifica("BTC", "1", "-0"), "expiry_window"),
        (pacifica("BTC", "1", "0"), "expiry_window"),
        (derive(uuid, "-0"), "params.subaccount_id"),
    ];
    Context::fixed(1_748_970_123_456, |ctx| {
        for (text, field) in &cases {
            assert!(
                airsign::REGISTRY.iter().all(|v| {
                    let Some(key) = keys.fast_key(v.rules()).filter(|_| v.has_fast_path()) else {
                        return true;
                    };
                    v.build_fast(text, key, ctx).is_none()
                }),
                "a fast path took {text}"
            );
            let e = sign_request(text, &keys, ctx).unwrap_err();
            assert_eq!(e.field(), Some(*field), "{text}: {e}");
            assert!(
                matches!(
                    e.code(),
                    ErrorCode::ParamsInvalid | ErrorCode::RequestInvalid
                ),
                "{text}: {e}"
            );
        }
        // A tab (the reference vector co-json-escapes) and non-ASCII letters are signed.
        for ok in [
            pacifica("A\\tB", "1", "5000"),
            pacifica("\\u00e9\u{20ac}", "1", "1"),
        ] {
            sign_request(&ok, &keys, ctx).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
    });
}

/// An expiry window under a second is signed with a warning on stderr; batch warns once.
#[test]
fn a_short_expiry_window_gets_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let key = common::private_file(dir.path(), "key.hex", format!("{KEY1_HEX}\n"));
    let short = pacifica("BTC", "1", "999");
    let mut cmd = common::airsign();
    cmd.args(["sign", "--scheme", "ed25519", "--key-file"])
        .arg(&key);
    let out = common::run_with_stdin(cmd, short.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("expiry_window under 1000 ms"), "{err}");

    let mut cmd = common::airsign();
    cmd.args(["sign", "--scheme", "ed25519", "--key-file"])
        .arg(&key);
    let out = common::run_with_stdin(cmd, pacifica("BTC", "1", "1000").as_bytes());
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let input = format!("{short}\n{}\n{short}\n", pacifica("BTC", "2", "30000"));
    let mut cmd = common::airsign();
    cmd.args(["batch", "--scheme", "ed25519", "--key-file"])
        .arg(&key);
    let out = common::run_with_stdin(cmd, input.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("warning").count(), 1, "{err}");
    assert!(
        err.contains("2 signed requests have an expiry_window under 1000 ms"),
        "{err}"
    );
}
