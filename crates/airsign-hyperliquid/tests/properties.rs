//! Properties of the Hyperliquid encoding:
//!
//! - the MessagePack writer's output decodes (with an independent decoder written here)
//!   to the same value, and every integer takes the smallest form;
//! - for random cancels, the action's MessagePack decodes to exactly its JSON (same keys,
//!   same order, same numbers), and the request's key order never changes a byte of the
//!   envelope.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airsign_core::{Context, Request};
use airsign_hyperliquid::msgpack::Writer;
use airsign_keys::{Key, SecretBytes};
use proptest::prelude::*;
use serde_json::{Map, Value};

const KEY: &str = "a655ac2ac50b40f3e43c0254b7f8dbb89cbc2f91279154a7d17ab95b3824ea69";

/// Decodes the subset of MessagePack the writer produces into JSON; panics on anything
/// else (a property failure).
fn decode(b: &[u8], i: &mut usize) -> Value {
    let tag = b[*i];
    *i += 1;
    let mut take = |n: usize| {
        let s = &b[*i..*i + n];
        *i += n;
        s.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x))
    };
    match tag {
        0x00..=0x7f => Value::from(tag),
        0xcc => Value::from(take(1)),
        0xcd => Value::from(take(2)),
        0xce => Value::from(take(4)),
        0xcf => Value::from(take(8)),
        0xa0..=0xbf | 0xd9 | 0xda => {
            let len = match tag {
                0xd9 => take(1),
                0xda => take(2),
                _ => u64::from(tag & 0x1f),
            } as usize;
            let s = std::str::from_utf8(&b[*i..*i + len]).unwrap().to_owned();
            *i += len;
            Value::from(s)
        }
        0x90..=0x9f | 0xdc => {
            let len = if tag == 0xdc {
                take(2)
            } else {
                u64::from(tag & 0x0f)
            };
            Value::Array((0..len).map(|_| decode(b, i)).collect())
        }
        0x80..=0x8f | 0xde => {
            let len = if tag == 0xde {
                take(2)
            } else {
                u64::from(tag & 0x0f)
            };
            let mut m = Map::new();
            for _ in 0..len {
                let Value::String(k) = decode(b, i) else {
                    panic!("non-string key")
                };
                let v = decode(b, i);
                m.insert(k, v);
            }
            Value::Object(m)
        }
        other => panic!("unexpected tag {other:#x}"),
    }
}

fn smallest_len(n: u64) -> usize {
    match n {
        0..=0x7f => 1,
        0x80..=0xff => 2,
        0x100..=0xffff => 3,
        0x1_0000..=0xffff_ffff => 5,
        _ => 9,
    }
}

fn sign(text: &str) -> String {
    let keys = Key::from_bytes(
        "key file",
        airsign_keys::Scheme::Secp256k1,
        SecretBytes::new(KEY.as_bytes().to_vec()),
    );
    Context::fixed(1_750_000_000_000, |ctx| {
        airsign_hyperliquid::build(&Request::parse(text).unwrap(), &keys, ctx)
    })
    .unwrap()
    .to_json_line()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn integers_round_trip_in_the_smallest_form(n in prop_oneof![
        any::<u64>(), 0u64..300, 60_000u64..70_000, (1u64 << 32) - 2..(1u64 << 32) + 2
    ]) {
        let mut w = Writer::default();
        w.uint(n);
        prop_assert_eq!(w.buf.len(), smallest_len(n));
        let mut i = 0;
        prop_assert_eq!(decode(&w.buf, &mut i), Value::from(n));
        prop_assert_eq!(i, w.buf.len());
    }

    #[test]
    fn strings_round_trip(s in "[a-zA-Z0-9 é€]{0,300}") {
        let mut w = Writer::default();
        w.str(&s);
        let mut i = 0;
        prop_assert_eq!(decode(&w.buf, &mut i), Value::from(s.as_str()));
        prop_assert_eq!(i, w.buf.len());
    }

    #[test]
    fn msgpack_is_the_json_and_request_order_changes_nothing(
        cancels in proptest::collection::vec((any::<u32>(), any::<u64>(), any::<bool>()), 1..20),
        cloids in proptest::collection::vec((any::<u32>(), any::<u128>(), any::<bool>()), 1..20),
    ) {
        let (given, flipped): (Vec<String>, Vec<String>) = cancels
            .iter()
            .map(|(a, o, f)| {
                let (x, y) = (format!(r#"{{"a":{a},"o":{o}}}"#), format!(r#"{{"o":{o},"a":{a}}}"#));
                if *f { (x, y) } else { (y, x) }
            })
            .unzip();
        let (cg, cf): (Vec<String>, Vec<String>) = cloids
            .iter()
            .map(|(a, c, f)| {
                let (x, y) = (
                    format!(r#"{{"asset":{a},"cloid":"0x{c:032x}"}}"#),
                    format!(r#"{{"cloid":"0x{c:032x}","asset":{a}}}"#),
                );
                if *f { (x, y) } else { (y, x) }
            })
            .unzip();
        for (action, one, other) in [("cancel", given, flipped), ("cancelByCloid", cg, cf)] {
            let req = |items: &[String]| format!(
                r#"{{"venue":"hyperliquid","action":"{action}","timestamp":1750000000000,"params":{{"cancels":[{}]}}}}"#,
                items.join(",")
            );
            let a = sign(&req(&one));
            prop_assert_eq!(&a, &sign(&req(&other)));
            let env: Value = serde_json::from_str(&a).unwrap();
            let audit: Value = serde_json::from_str(env["signed"][0]["message"].as_str().unwrap()).unwrap();
            let bytes = hex::decode(audit["action_msgpack"].as_str().unwrap()).unwrap();
            let mut i = 0;
            let decoded = decode(&bytes, &mut i);
            prop_assert_eq!(i, bytes.len());
            // Same keys in the same order (serde_json's preserve_order keeps it), same numbers.
            prop_assert_eq!(decoded.to_string(), audit["action"].to_string());
            let body: Value = serde_json::from_str(env["body"].as_str().unwrap()).unwrap();
            prop_assert_eq!(body["action"].to_string(), audit["action"].to_string());
        }
    }
}
