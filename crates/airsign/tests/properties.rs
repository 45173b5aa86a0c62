//! Properties across venues, through the same code path as the CLI:
//!
//! - `batch`: any bytes in give exactly one answer line per input line, in order, each
//!   valid JSON, refusals carrying their line number, whatever the thread count and
//!   chunk size;
//! - integer ids (u64, uint64, int64, digit strings) reach the signed bytes digit for
//!   digit: never rounded through a float;
//! - a key file of any content, used by any venue, gives an envelope or an error whose
//!   text holds no 10-character piece of the key file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airsign::{BatchOptions, run_batch, sign_request};
use airsign_core::Context;
use airsign_keys::{Key, Keyring, Policy, Scheme, SecretBytes};
use proptest::prelude::*;
use serde_json::Value;

const KEY1: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";

fn ctx_run<T>(f: impl FnOnce(&Context<'_>) -> T) -> T {
    Context::fixed(1_748_970_123_456, f)
}

const GOOD: &[&str] = &[
    r#"{"venue":"pacifica","action":"cancel_order","expiry_window":5000,"params":{"symbol":"BTC","order_id":1}}"#,
    r#"{"venue":"derive","action":"cancel_all","timestamp":1700000000000,"params":{"subaccount_id":1}}"#,
    r#"{"venue":"mobula","action":"cancel-order","timestamp":1735686300000,"params":{"orderIndex":"42","marketId":"lighter-btc-usd","chainId":"lighter:301","dex":"lighter"}}"#,
    r#"{"venue":"ripio","action":"cancel_all_orders","timestamp":1700000000000,"api_token":"t","params":{}}"#,
    r#"{"venue":"layer1","action":"cancel_conversion","params":{"conversion_id":"3c90c3cc-0d44-4b50-8888-8dd25736052a"}}"#,
    r#"{"venue":"hyperliquid","action":"cancel","params":{"cancels":[{"a":0,"o":1}]}}"#,
];

/// Input built from request lines, garbage, line breaks (LF, CRLF, lone CR), invalid
/// UTF-8 and empty lines, in any mix.
fn batch_input() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        (0..GOOD.len()).prop_map(|i| GOOD[i].as_bytes().to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\xff\xfe".to_vec()),
        Just(b"{\"venue\":".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..20),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn batch_answers_each_input_line_exactly_once(
        input in batch_input(),
        jobs in 1usize..=3,
        chunk_lines in 1usize..=8,
        max_line_bytes in prop_oneof![Just(airsign::MAX_LINE_BYTES), 50usize..400],
    ) {
        let keys = airsign::testing::keyring_signing_anything(KEY1.as_bytes());
        let mut out = Vec::new();
        let summary = ctx_run(|ctx| {
            let opts = BatchOptions { jobs, chunk_lines, max_line_bytes, ..BatchOptions::default() };
            run_batch(&input[..], &mut out, &keys, ctx, opts).unwrap()
        });
        // Lines as `wc -l` counts them, plus a last one without a line break.
        let expected = input.iter().filter(|&&b| b == b'\n').count()
            + usize::from(!input.is_empty() && !input.ends_with(b"\n"));
        let text = String::from_utf8(out).unwrap();
        prop_assert!(text.is_empty() || text.ends_with('\n'));
        let answers: Vec<&str> = text.lines().collect();
        prop_assert_eq!(answers.len(), expected);
        let mut refused = 0;
        for (i, a) in answers.iter().enumerate() {
            let v: Value = serde_json::from_str(a).unwrap();
            if v.get("error").is_some() {
                refused += 1;
                prop_assert_eq!(&v["line"], &Value::from(i + 1));
            } else {
                prop_assert!(v["signed"].is_array() || v["venue"] == "layer1");
            }
        }
        prop_assert_eq!(summary.refused, refused as u64);
        prop_assert_eq!(summary.signed + summary.refused, expected as u64);
    }

    #[test]
    fn integer_ids_are_never_rounded(n in any::<u64>(), i in any::<i64>(), digits in "[0-9]{1,40}") {
        let keys = airsign::testing::keyring_signing_anything(KEY1.as_bytes());
        let sign = |req: String| ctx_run(|ctx| sign_request(&req, &keys, ctx));
        // Pacifica order_id: u64, in the signed message and the body.
        let env = sign(format!(
            r#"{{"venue":"pacifica","action":"cancel_order","expiry_window":5000,"params":{{"symbol":"BTC","order_id":{n}}}}}"#
        )).unwrap();
        let needle = format!("\"order_id\":{n}");
        prop_assert!(env.signed[0].message.as_ref().unwrap().contains(&needle));
        prop_assert!(env.body.as_ref().unwrap().contains(&needle));
        // Derive: uint64 subaccount_id (RFQ methods), int64 nonce (non-negative only).
        let env = sign(format!(
            r#"{{"venue":"derive","action":"cancel_batch_rfqs","timestamp":1700000000000,"params":{{"subaccount_id":{n}}}}}"#
        )).unwrap();
        let needle = format!("\"subaccount_id\":{n}");
        prop_assert!(env.body.as_ref().unwrap().contains(&needle), "{}", needle);
        let nonce = sign(format!(
            r#"{{"venue":"derive","action":"cancel_by_nonce","timestamp":1700000000000,"params":{{"instrument_name":"ETH-PERP","nonce":{i},"subaccount_id":1}}}}"#
        ));
        match nonce {
            Ok(env) => {
                prop_assert!(i >= 0);
                let needle = format!("\"nonce\":{i}");
        prop_assert!(env.body.as_ref().unwrap().contains(&needle), "{}", needle);
            }
            Err(e) => {
                prop_assert!(i < 0, "{}", e);
                prop_assert_eq!(e.field(), Some("params.nonce"));
            }
        }
        // Hyperliquid: u64 order ids and u32 asset indices, in the body and (as the
        // smallest msgpack unsigned form) in the hashed action.
        let a = (n >> 32) as u32;
        let env = sign(format!(
            r#"{{"venue":"hyperliquid","action":"cancel","params":{{"cancels":[{{"o":{n},"a":{a}}}]}}}}"#
        )).unwrap();
        let needle = format!("{{\"a\":{a},\"o\":{n}}}");
        prop_assert!(env.body.as_ref().unwrap().contains(&needle), "{}", needle);
        let audit: Value = serde_json::from_str(env.signed[0].message.as_ref().unwrap()).unwrap();
        let msgpack = audit["action_msgpack"].as_str().unwrap();
        let tail = match n {
            0..=0x7f => format!("{n:02x}"),
            0x80..=0xff => format!("cc{n:02x}"),
            0x100..=0xffff => format!("cd{n:04x}"),
            0x1_0000..=0xffff_ffff => format!("ce{n:08x}"),
            _ => format!("cf{n:016x}"),
        };
        prop_assert!(msgpack.ends_with(&format!("a16f{tail}")), "{} {}", n, msgpack);
        // Mobula: digit-string ids of any length as written; JSON numbers only where a
        // JavaScript double holds them exactly, else refused.
        let env = sign(format!(
            r#"{{"venue":"mobula","action":"cancel-order","timestamp":1735686300000,"params":{{"orderIndex":"{digits}","marketId":"m","chainId":"lighter:301","dex":"lighter"}}}}"#
        )).unwrap();
        let needle = format!("\"orderIndex\":\"{digits}\"");
        prop_assert!(env.body.as_ref().unwrap().contains(&needle), "{}", needle);
        let account = sign(format!(
            r#"{{"venue":"mobula","action":"create-account","timestamp":1735686300000,"params":{{"dex":"lighter","chainId":"lighter:304","accountIndex":{n},"apiKeyIndex":0}}}}"#
        ));
        match account {
            Ok(env) => {
                let needle = format!("\"accountIndex\":{n}");
        prop_assert!(env.body.as_ref().unwrap().contains(&needle), "{}", needle);
            }
            Err(e) => {
                prop_assert!(n > 1 << 53, "{}", e);
                prop_assert_eq!(e.field(), Some("params.accountIndex"));
            }
        }
    }

    #[test]
    fn no_venue_error_holds_a_piece_of_the_key_file(
        key in prop_oneof![
            "[0-9a-fA-F]{60,70}[ g-z]{0,2}",
            "\\[[0-9, ]{10,200}\\]",
            "[1-9A-HJ-NP-Za-km-z]{80,90}",
            "[!-~]{10,80}[ \t\r\n]{0,2}[!-~]{0,10}",
            proptest::collection::vec(any::<u8>(), 0..100)
                .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        ],
    ) {
        let b = key.as_bytes();
        let pieces: Vec<&str> = (0..b.len().saturating_sub(9))
            .filter(|&i| b[i..i + 10].iter().all(u8::is_ascii_alphanumeric))
            .map(|i| &key[i..i + 10])
            .collect();
        // The key file read as every scheme the operator could fix for it (one key file,
        // one scheme), and as one keyring holding it once per scheme; every venue's
        // request, also redirected to a host the operator never allowed.
        let mut rings: Vec<(Option<Scheme>, Keyring)> = Scheme::ALL
            .into_iter()
            .map(|scheme| {
                let k = Key::from_bytes("key file", scheme, SecretBytes::new(b.to_vec()));
                (Some(scheme), Keyring::single(k, Policy::new()))
            })
            .collect();
        rings.push((None, airsign::testing::keyring_signing_anything(b)));
        let redirected: Vec<String> = GOOD
            .iter()
            .map(|r| format!(r#"{{"base_url":"https://attacker.example",{}"#, &r[1..]))
            .collect();
        for (scheme, keys) in &rings {
            for req in GOOD.iter().copied().chain(redirected.iter().map(String::as_str)) {
                let venue = req.split("\"venue\":\"").nth(1).unwrap().split('"').next().unwrap();
                let shown = match ctx_run(|ctx| sign_request(req, keys, ctx)) {
                    Ok(env) => {
                        prop_assert!(!req.contains("attacker"), "{} signed", req);
                        // The bearer token's one legitimate place is the header; a
                        // Ripio secret appears nowhere at all.
                        let mut env = env;
                        if venue == "layer1" {
                            env.headers.0.clear();
                        }
                        env.to_json_line()
                    }
                    Err(e) => e.to_json_line(Some(1)),
                };
                for p in &pieces {
                    prop_assert!(!shown.contains(p), "{:?} {}: {:?} in {}", scheme, venue, p, shown);
                }
            }
        }
    }
}
