//! Properties of Pacifica's signed messages over generated cancels (every action, REST
//! and ws, batches of 1–10):
//!
//! - key order: the signed message is `{"data","expiry_window","timestamp","type"}` and
//!   every object in it has its keys in code-point order, compact, ASCII only;
//! - the message and signature do not depend on the request's key order, while the body
//!   keeps the request's order after `account, signature, timestamp, expiry_window`;
//! - `data` is the request's params exactly, and `order_id` keeps every digit of any u64.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airsign_core::{Context, Envelope, Request};
use airsign_keys::{Key, Scheme, SecretBytes};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const KEY1: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";
const ACCOUNT: &str = "vwYrjUyZbzW4ysgdveAQTKngA5XPTr8e6aqs2T4QhSj";

fn build(req: &str) -> Envelope {
    let keys = Key::from_bytes(
        "key file",
        Scheme::Ed25519,
        SecretBytes::new(KEY1.as_bytes().to_vec()),
    );
    Context::fixed(1_748_970_123_456, |ctx| {
        airsign_pacifica::build(&Request::parse(req).unwrap(), &keys, ctx)
    })
    .unwrap_or_else(|e| panic!("{e}: {req}"))
}

fn uuid() -> impl Strategy<Value = String> {
    "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
}

fn symbol() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Z]{2,6}",
        "k[A-Z]{3,8}",
        "[a-zA-Z0-9]{1,64}",
        // Non-ASCII and escapes: signed as \u escapes like the Python SDK.
        "[A-Z\u{e9}\u{20ac}\u{1f680}\"\\\\/\t]{1,10}",
    ]
}

/// (action, params as ordered key/value pairs) for one single-op cancel.
fn single_op() -> impl Strategy<Value = (&'static str, Vec<(String, Value)>)> {
    let by_ref = |action: &'static str| {
        (
            symbol(),
            prop_oneof![
                any::<u64>().prop_map(|n| ("order_id".to_owned(), json!(n))),
                uuid().prop_map(|u| ("client_order_id".to_owned(), json!(u))),
            ],
        )
            .prop_map(move |(s, (k, v))| (action, vec![("symbol".to_owned(), json!(s)), (k, v)]))
    };
    prop_oneof![
        by_ref("cancel_order"),
        by_ref("cancel_stop_order"),
        by_ref("cancel_twap_order"),
        (any::<bool>(), proptest::option::of(symbol())).prop_map(|(excl, sym)| {
            let mut p = vec![
                ("all_symbols".to_owned(), json!(sym.is_none())),
                ("exclude_reduce_only".to_owned(), json!(excl)),
            ];
            if let Some(s) = sym {
                p.push(("symbol".to_owned(), json!(s)));
            }
            ("cancel_all_orders", p)
        }),
        uuid().prop_map(|u| (
            "cancel_order_strategy",
            vec![("strategy_id".to_owned(), json!(u))]
        )),
    ]
}

fn object(pairs: &[(String, Value)]) -> Value {
    Value::Object(pairs.iter().cloned().collect::<Map<_, _>>())
}

/// Panics unless every object in `v` has strictly increasing keys (code point order).
fn assert_sorted(v: &Value) {
    match v {
        Value::Object(o) => {
            let keys: Vec<&String> = o.keys().collect();
            for w in keys.windows(2) {
                assert!(w[0] < w[1], "keys out of order: {keys:?}");
            }
            o.values().for_each(assert_sorted);
        }
        Value::Array(a) => a.iter().for_each(assert_sorted),
        _ => {}
    }
}

/// Checks one signed message against the operation it signs.
fn check_message(message: &str, type_name: &str, data: &Value, ts: u64, window: u64) {
    assert!(message.is_ascii(), "{message}");
    let parsed: Value = serde_json::from_str(message).unwrap();
    assert_sorted(&parsed);
    let top: Vec<&String> = parsed.as_object().unwrap().keys().collect();
    assert_eq!(top, ["data", "expiry_window", "timestamp", "type"]);
    assert_eq!(parsed["type"], type_name);
    assert_eq!(parsed["timestamp"], ts);
    assert_eq!(parsed["expiry_window"], window);
    assert_eq!(&parsed["data"], data);
    // Compact: re-serialising the parsed, already sorted value changes nothing.
    let compact = serde_json::to_string(&parsed).unwrap();
    if !message.contains("\\u") {
        assert_eq!(compact, message);
    }
    if let Some(id) = data.get("order_id") {
        assert!(message.contains(&format!("\"order_id\":{id}")), "{message}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn signed_message_keys_are_sorted_whatever_the_request_order(
        (action, params) in single_op(),
        shuffled in any::<u64>(),
        ws in any::<bool>(),
        ts in 100_000_000_000u64..=4_000_000_000_000,
        window in 1u64..=600_000,
    ) {
        let ws = ws && matches!(action, "cancel_order" | "cancel_all_orders");
        let transport = if ws { "ws" } else { "rest" };
        let req = |pairs: &[(String, Value)]| {
            json!({
                "venue": "pacifica", "action": action, "transport": transport,
                "timestamp": ts, "expiry_window": window, "params": object(pairs),
            })
            .to_string()
        };
        // The same params in another order (a rotation picked by the generator).
        let mut other = params.clone();
        let len = other.len();
        other.rotate_left((shuffled % len as u64) as usize);
        other.reverse();

        let a = build(&req(&params));
        let b = build(&req(&other));
        prop_assert_eq!(a.signed.len(), 1);
        let message = a.signed[0].message.as_deref().unwrap();
        check_message(message, action, &object(&params), ts, window);
        prop_assert_eq!(&a.signed, &b.signed, "request key order changed what was signed");

        // The body (or the ws frame's op) keeps the request's order after the header.
        let body: Value = serde_json::from_str(a.body.as_deref().unwrap()).unwrap();
        let fields = if ws { &body["params"][action] } else { &body };
        let keys: Vec<&str> = fields.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected = vec!["account", "signature", "timestamp", "expiry_window"];
        expected.extend(params.iter().map(|(k, _)| k.as_str()));
        prop_assert_eq!(keys, expected);
        prop_assert_eq!(&fields["account"], ACCOUNT);
    }

    #[test]
    fn every_batch_action_is_signed_with_sorted_keys(
        actions in proptest::collection::vec(
            (any::<bool>(), symbol(), prop_oneof![
                any::<u64>().prop_map(|n| ("order_id".to_owned(), json!(n))),
                uuid().prop_map(|u| ("client_order_id".to_owned(), json!(u))),
            ], any::<bool>()),
            1..=10,
        ),
        ts in 100_000_000_000u64..=4_000_000_000_000,
    ) {
        let list: Vec<Value> = actions
            .iter()
            .map(|(stop, sym, (k, v), id_first)| {
                let t = if *stop { "CancelStopOrder" } else { "Cancel" };
                let mut pairs = vec![("type".to_owned(), json!(t))];
                let s = ("symbol".to_owned(), json!(sym));
                let i = (k.clone(), v.clone());
                if *id_first { pairs.extend([i, s]) } else { pairs.extend([s, i]) }
                object(&pairs)
            })
            .collect();
        let req = json!({
            "venue": "pacifica", "action": "batch_orders", "timestamp": ts,
            "expiry_window": 5000, "params": {"actions": list},
        })
        .to_string();
        let env = build(&req);
        prop_assert_eq!(env.signed.len(), actions.len());
        for ((stop, sym, (k, v), _), s) in actions.iter().zip(&env.signed) {
            let op = if *stop { "cancel_stop_order" } else { "cancel_order" };
            let data = json!({"symbol": sym, k.as_str(): v});
            check_message(s.message.as_deref().unwrap(), op, &data, ts, 5000);
        }
    }
}
