//! What `verify` must not claim: a change no signature binds is listed in `unsigned`, and
//! a structural extra fails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airsign::{Outcome, sign_request, verify_line};
use airsign_core::Context;
use airsign_core::verify::VerifyOptions;
use airsign_keys::Keyring;
use serde_json::Value;

const KEY1_HEX: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";

fn keys() -> Keyring {
    airsign::testing::keyring_signing_anything(KEY1_HEX.as_bytes())
}

fn sign(req: &str) -> String {
    Context::fixed(1_748_970_123_456, |ctx| {
        sign_request(req, &keys(), ctx).unwrap().to_json_line()
    })
}

fn verify(line: &str) -> (Value, Outcome) {
    let opts = VerifyOptions {
        base_urls: Vec::new(),
        // Before every envelope's `expires_at`: this checks what is listed as unsigned,
        // not expiry (`tests/clock.rs` covers that).
        now_ms: airsign_core::MIN_TIMESTAMP_MS,
    };
    let (out, outcome) = verify_line(1, line.as_bytes(), &keys(), &opts);
    (serde_json::from_str(&out).unwrap(), outcome)
}

fn unsigned(v: &Value) -> Vec<String> {
    v["unsigned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// The verdict for `line`, which must not fail.
fn verified(line: &str) -> Vec<String> {
    let (v, outcome) = verify(line);
    assert_ne!(outcome, Outcome::Failed, "{v}");
    unsigned(&v)
}

const BATCH: &str = r#"{"venue":"pacifica","action":"batch_orders","timestamp":1748970123456,"expiry_window":5000,"params":{"actions":[{"type":"Cancel","symbol":"BTC","order_id":1},{"type":"Cancel","symbol":"ETH","order_id":2},{"type":"Cancel","symbol":"SOL","order_id":3}]}}"#;

#[test]
fn a_pacifica_batch_lists_its_composition_as_unsigned() {
    let env = sign(BATCH);
    assert!(verified(&env).contains(&"body.actions".to_owned()));
    // Drop the last action, or swap two: still ok (each is signed alone), and so listed.
    let v: Value = serde_json::from_str(&env).unwrap();
    let body: Value = serde_json::from_str(v["body"].as_str().unwrap()).unwrap();
    let actions = body["actions"].as_array().unwrap().clone();
    for (i, changed) in [
        actions[..2].to_vec(),
        vec![actions[1].clone(), actions[0].clone(), actions[2].clone()],
    ]
    .into_iter()
    .enumerate()
    {
        let mut b = body.clone();
        b["actions"] = Value::Array(changed);
        let mut e = v.clone();
        e["body"] = Value::from(b.to_string());
        let mut signed = e["signed"].as_array().unwrap().clone();
        signed.truncate(e["body"].as_str().unwrap().matches("\"signature\"").count());
        e["signed"] = Value::Array(signed);
        let (answer, outcome) = verify(&e.to_string());
        // The batch with its last cancel dropped verifies: only the listing tells.
        if i == 0 {
            assert_eq!(outcome, Outcome::Ok, "{answer}");
        }
        if outcome != Outcome::Failed {
            assert!(
                unsigned(&answer).contains(&"body.actions".to_owned()),
                "{answer}"
            );
        }
    }
}

#[test]
fn a_host_switch_between_a_venues_own_environments_is_listed() {
    let pacifica = sign(
        r#"{"venue":"pacifica","action":"cancel_order","timestamp":1748970123456,"expiry_window":5000,"params":{"symbol":"BTC","order_id":1}}"#,
    );
    assert!(pacifica.contains("https://api.pacifica.fi/"), "{pacifica}");
    let testnet = pacifica.replace("https://api.pacifica.fi/", "https://test-api.pacifica.fi/");
    for e in [&pacifica, &testnet] {
        assert!(verified(e).contains(&"url".to_owned()), "{e}");
    }
    let mobula = sign(
        r#"{"venue":"mobula","action":"cancel-order","timestamp":1735686300000,"params":{"orderIndex":"42","marketId":"lighter-btc-usd","chainId":"lighter:301","dex":"lighter"}}"#,
    );
    let demo = mobula.replace("https://api.mobula.io/", "https://demo-api.mobula.io/");
    assert_ne!(mobula, demo);
    for e in [&mobula, &demo] {
        assert!(verified(e).contains(&"url".to_owned()), "{e}");
    }
}

#[test]
fn structural_extras_fail() {
    let env = sign(
        r#"{"venue":"pacifica","action":"cancel_order","timestamp":1748970123456,"expiry_window":5000,"params":{"symbol":"BTC","order_id":1}}"#,
    );
    verified(&env);
    let extra_in_signed = env.replacen(r#""signature":"#, r#""note":"x","signature":"#, 1);
    assert!(extra_in_signed.contains(r#""note":"x""#));
    let login_null = env.replacen(r#","signer":"#, r#","login":null,"signer":"#, 1);
    assert!(login_null.contains(r#""login":null"#));
    for bad in [extra_in_signed, login_null] {
        let (v, outcome) = verify(&bad);
        assert_eq!(outcome, Outcome::Failed, "{bad}: {v}");
        assert_eq!(v["error"]["code"], "envelope.malformed", "{v}");
    }
}
