//! The fast paths (`airsign_pacifica::build_fast`, `airsign_derive::build_fast`) against
//! the general path (`Request::parse` then `sign_parsed`): whenever a fast path takes a
//! request, the general path must sign it too, to the same envelope; whenever the general
//! path refuses one, no fast path may take it.
//!
//! Two sources of requests: every Pacifica and Derive reference vector and every hostile
//! line (the valid plain cancels must be taken, so the vectors run through the fast
//! paths), and
//! generated requests near the fast path's edge: fields in any order, each optional field
//! present or not, values from pools of good and bad ones (out of range, wrong type, null,
//! escaped, float, negative, too large), unknown and duplicate keys.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use airsign::sign_parsed;
use airsign_core::{Context, Envelope, Request, Result};
use airsign_keys::Keyring;
use common::root;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::Value;

/// A public test key (seed = SHA-256 of "vector-key-1").
const KEY: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";
const NOW: u64 = 1_748_970_123_456;

fn general(text: &str, keys: &Keyring) -> Result<Envelope> {
    Context::fixed(NOW, |ctx| {
        Request::parse(text).and_then(|r| sign_parsed(&r, keys, ctx))
    })
}

fn fast(text: &str, keys: &Keyring) -> Option<Result<Envelope>> {
    Context::fixed(NOW, |ctx| {
        airsign::REGISTRY.iter().find_map(|v| {
            let key = keys.fast_key(v.rules()).filter(|_| v.has_fast_path())?;
            v.build_fast(text, key, ctx)
        })
    })
}

/// Checks the two paths agree on `text`; returns whether the fast path took it.
fn agree(text: &str, keys: &Keyring) -> bool {
    let g = general(text, keys);
    match fast(text, keys) {
        None => false,
        Some(f) => {
            let f = f.unwrap_or_else(|e| panic!("fast path failed to sign {text}: {e}"));
            match g {
                Ok(g) => assert_eq!(f, g, "the paths differ on {text}"),
                Err(e) => panic!("the fast path took {text}, which the general path refuses: {e}"),
            }
            true
        }
    }
}

fn keys() -> Keyring {
    airsign::testing::keyring_signing_anything(KEY.as_bytes())
}

#[test]
fn every_vector_gives_the_same_answer_and_plain_cancels_take_the_fast_path() {
    let mut taken = 0;
    let mut total = 0;
    for file in [
        "vectors/pacifica.jsonl",
        "vectors/derive.jsonl",
        "vectors/mobula.jsonl",
        "vectors/ripio.jsonl",
        "vectors/layer1.jsonl",
        "vectors/hyperliquid.jsonl",
        "vectors/hostile.tsv",
    ] {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (request, key) = if file.ends_with(".jsonl") {
                let v: Value = serde_json::from_str(line).unwrap();
                let key = match v.get("agent_key") {
                    Some(k @ Value::Object(_)) => k["value"].as_str().unwrap().to_owned(),
                    _ => v["key"]["value"].as_str().unwrap_or(KEY).to_owned(),
                };
                (v["request"].to_string(), key)
            } else {
                // hostile.tsv: name, expected, field, then the line as a JSON string literal
                // (lines given as hex or generated are left to tests/hostile.rs).
                if line.starts_with('#') {
                    continue;
                }
                let Some(Ok(req)) = line
                    .splitn(4, '\t')
                    .nth(3)
                    .map(serde_json::from_str::<String>)
                else {
                    continue;
                };
                (req, KEY.to_owned())
            };
            let keys = airsign::testing::keyring_signing_anything(&key.into_bytes());
            total += 1;
            if agree(&request, &keys) {
                taken += 1;
            }
        }
    }
    eprintln!("{taken} of {total} vector and hostile requests took the fast path");
    assert!(total > 200, "{total} requests read");
    // The plain cancels among the vectors (Pacifica cancel_order / stop / twap by
    // order_id, Derive cancel).
    assert!(taken >= 10, "only {taken} of {total} took the fast path");
}

/// A request object: the named fields (an empty value leaves the field out), `params`,
/// and one extra raw member, in the order `order` gives (indices into that list; an index
/// past its end is skipped), with `space` around and between them.
fn object(
    named: &[(&str, &str)],
    params: &[String],
    extra: &str,
    order: &[usize],
    space: &str,
) -> String {
    let mut fields: Vec<Option<String>> = named
        .iter()
        .map(|(name, v)| (!v.is_empty()).then(|| format!("\"{name}\":{v}")))
        .collect();
    fields.push(Some(format!("\"params\":{{{}}}", params.join(","))));
    fields.push((!extra.is_empty()).then(|| extra.to_owned()));
    let ordered: Vec<String> = order
        .iter()
        .filter_map(|&i| fields.get(i).cloned().flatten())
        .collect();
    format!("{space}{{{}}}{space}", ordered.join(&format!(",{space}")))
}

/// The numbers `0..n` in a random order.
fn shuffled(n: usize) -> impl Strategy<Value = Vec<usize>> {
    Just(()).prop_perturb(move |(), mut rng| {
        let mut v: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            v.swap(i, rng.random_range(0..=i));
        }
        v
    })
}

/// A value from `pool`, whose first `good` entries the fast path may take: those 85 % of
/// the time, so that whole requests are often plain and still often near an edge.
fn pick(pool: &'static [&'static str], good: usize) -> impl Strategy<Value = &'static str> {
    prop_oneof![
        85 => proptest::sample::select(&pool[..good]),
        15 => proptest::sample::select(pool),
    ]
}

const ACTIONS: &[&str] = &[
    "\"cancel_order\"",
    "\"cancel_order\"",
    "\"cancel_stop_order\"",
    "\"cancel_twap_order\"",
    "\"cancel_all_orders\"",
    "\"Cancel_order\"",
    "null",
];
const VENUES: &[&str] = &[
    "\"pacifica\"",
    "\"pacifica\"",
    "\"pacifica\"",
    "\"derive\"",
    "\"\\u0070acifica\"",
    // No venue at all: the general path refuses it, so no fast path may take it.
    "",
];
const TRANSPORTS: &[&str] = &["", "", "\"rest\"", "\"ws\"", "\"WS\"", "null", "1"];
const TIMESTAMPS: &[&str] = &[
    "",
    "",
    "1748970123456",
    "100000000000",
    "99999999999",
    "1748970123",
    "253402300799999",
    "253402300800000",
    "1748970123456.0",
    "1.748970123456e12",
    "-1748970123456",
    "\"1748970123456\"",
    "18446744073709551616",
    "null",
];
const WINDOWS: &[&str] = &[
    "5000",
    "5000",
    "",
    "0",
    "-0",
    "18446744073709551615",
    "18446744073709000000",
    "5000.5",
    "-1",
    "null",
    "\"5000\"",
];
const ACCOUNTS: &[&str] = &[
    "",
    "",
    "\"vwYrjUyZbzW4ysgdveAQTKngA5XPTr8e6aqs2T4QhSj\"",
    "\"11111111111111111111111111111111\"",
    "\"not-base58-0OIl\"",
    "\"3yZe7d\"",
    "null",
    "\"vwYrjUyZbzW4ysgdveAQTKngA5XPTr8e6aqs2T4Qh\\u0053j\"",
];
const SYMBOLS: &[&str] = &[
    "\"BTC\"",
    "\"BTC\"",
    "\"kBONK\"",
    "\"\"",
    "\"0123456789012345678901234567890123456789012345678901234567890123\"",
    "\"01234567890123456789012345678901234567890123456789012345678901234\"",
    "\"ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé\"",
    "\"B\\u0054C\"",
    "\"B\\tC\"",
    "\"€\"",
    "\"🚀\"",
    "null",
    "7",
];
const ORDER_IDS: &[&str] = &[
    "42069",
    "42069",
    "0",
    "-0",
    "18446744073709551615",
    "18446744073709551616",
    "-1",
    "42069.0",
    "4.2069e4",
    "\"42069\"",
    "null",
];
const EXTRAS: &[&str] = &[
    "",
    "",
    "",
    "\"signature_type\":\"software\"",
    "\"signature_type\":\"hardware\"",
    "\"environment\":\"mainnet\"",
    "\"environment\":\"testnet\"",
    "\"id\":\"550e8400-e29b-41d4-a716-446655440000\"",
    "\"base_url\":\"https://api.pacifica.fi\"",
    "\"unknown\":1",
    "\"venue\":\"pacifica\"",
    "\"expiry_window\":5000",
];
const PARAM_EXTRAS: &[&str] = &[
    "",
    "",
    "",
    "\"client_order_id\":\"550e8400-e29b-41d4-a716-446655440000\"",
    "\"symbol\":\"BTC\"",
    "\"order_id\":1",
    "\"extra\":true",
];
const SPACES: &[&str] = &["", "", " ", "\n", "\t "];

prop_compose! {
    fn request()(
        venue in pick(VENUES, 1),
        action in pick(ACTIONS, 4),
        transport in pick(TRANSPORTS, 4),
        timestamp in pick(TIMESTAMPS, 7),
        window in pick(WINDOWS, 6),
        account in pick(ACCOUNTS, 4),
        symbol in pick(SYMBOLS, 7),
        order_id in pick(ORDER_IDS, 5),
        extra in pick(EXTRAS, 3),
        param_extra in pick(PARAM_EXTRAS, 3),
        drop_symbol in proptest::bool::weighted(0.05),
        drop_order_id in proptest::bool::weighted(0.05),
        symbol_first in any::<bool>(),
        order in shuffled(9),
        space in pick(SPACES, 5),
    ) -> String {
        let mut params = Vec::new();
        let sym = (!drop_symbol).then(|| format!("\"symbol\":{space}{symbol}"));
        let oid = (!drop_order_id).then(|| format!("\"order_id\":{order_id}"));
        if symbol_first {
            params.extend(sym);
            params.extend(oid);
        } else {
            params.extend(oid);
            params.extend(sym);
        }
        if !param_extra.is_empty() {
            params.push(param_extra.to_owned());
        }
        object(
            &[
                ("venue", venue),
                ("action", action),
                ("transport", transport),
                ("timestamp", timestamp),
                ("expiry_window", window),
                ("account", account),
            ],
            &params,
            extra,
            &order,
            space,
        )
    }
}

const D_VENUES: &[&str] = &["\"derive\"", "\"pacifica\"", "\"Derive\"", ""];
const D_ACTIONS: &[&str] = &[
    "\"cancel\"",
    "\"cancel_all\"",
    "\"cancel_by_label\"",
    "\"private/cancel\"",
    "null",
];
const D_WALLETS: &[&str] = &[
    "",
    "",
    "\"0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81\"",
    "\"0xaecd5d1257167020ed09ca8f0f94cbcdc68cbc81\"",
    "\"0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC8\"",
    "\"0xAECD5D1257167020ED09CA8F0F94CBCDC68CBC81\"",
    "\"0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC82\"",
    "null",
    "\"\\u0030xaecd5d1257167020ed09ca8f0f94cbcdc68cbc81\"",
];
const D_NAMES: &[&str] = &[
    "\"ETH-PERP\"",
    "\"BTC-PERP\"",
    "\"é-PERP\"",
    "\"\"",
    "\"ETH\\u002dPERP\"",
    "null",
    "1",
];
const D_ORDER_IDS: &[&str] = &[
    "\"a1b2c3d4-0000-4000-8000-000000000001\"",
    "\"A1B2C3D4-0000-4000-8000-000000000001\"",
    "\"a1b2c3d4000040008000000000000001\"",
    "\"a1b2c3d4-0000-4000-8000-00000000000\"",
    "42",
    "null",
];
const D_SUBACCOUNTS: &[&str] = &[
    "12345",
    "0",
    "9223372036854775807",
    "-0",
    "9223372036854775808",
    "-1",
    "12345.0",
    "\"12345\"",
    "null",
];
const D_EXTRAS: &[&str] = &[
    "",
    "",
    "",
    "\"id\":7",
    "\"id\":\"abc\"",
    "\"id\":\"\"",
    "\"id\":-0",
    "\"id\":-1",
    "\"id\":1.5",
    "\"id\":null",
    "\"id\":{\"a\":1,\"a\":2}",
    "\"id\":[1]",
    "\"environment\":\"mainnet\"",
    "\"environment\":\"testnet\"",
    "\"base_url\":\"https://api.derive.xyz\"",
    "\"expiry_window\":5000",
    "\"action\":\"cancel\"",
];
const D_PARAM_EXTRAS: &[&str] = &[
    "",
    "",
    "",
    "\"label\":\"x\"",
    "\"order_id\":\"a1b2c3d4-0000-4000-8000-000000000001\"",
    "\"wallet\":\"0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81\"",
];

prop_compose! {
    fn derive_request()(
        venue in pick(D_VENUES, 1),
        action in pick(D_ACTIONS, 1),
        transport in pick(TRANSPORTS, 4),
        timestamp in pick(TIMESTAMPS, 7),
        wallet in pick(D_WALLETS, 4),
        name in pick(D_NAMES, 3),
        order_id in pick(D_ORDER_IDS, 1),
        sub in pick(D_SUBACCOUNTS, 4),
        extra in pick(D_EXTRAS, 3),
        param_extra in pick(D_PARAM_EXTRAS, 3),
        drop in proptest::option::weighted(0.05, 0..3usize),
        params_order in shuffled(3),
        order in shuffled(7),
        space in pick(SPACES, 5),
    ) -> String {
        let all = [
            format!("\"instrument_name\":{name}"),
            format!("\"order_id\":{space}{order_id}"),
            format!("\"subaccount_id\":{sub}"),
        ];
        let mut params: Vec<String> = params_order
            .iter()
            .filter(|&&i| Some(i) != drop)
            .map(|&i| all[i].clone())
            .collect();
        if !param_extra.is_empty() {
            params.push(param_extra.to_owned());
        }
        object(
            &[
                ("venue", venue),
                ("action", action),
                ("transport", transport),
                ("timestamp", timestamp),
                ("wallet", wallet),
            ],
            &params,
            extra,
            &order,
            space,
        )
    }
}

const H_VENUES: &[&str] = &["\"hyperliquid\"", "\"derive\"", "\"Hyperliquid\"", ""];
const H_ACTIONS: &[&str] = &[
    "\"cancel\"",
    "\"cancelByCloid\"",
    "\"twapCancel\"",
    "\"Cancel\"",
    "\"can\\u0063el\"",
    "null",
];
const H_ASSETS: &[&str] = &[
    "0",
    "159",
    "10107",
    "4294967295",
    "4294967296",
    "-0",
    "-1",
    "1.0",
    "\"BTC\"",
    "null",
];
const H_OIDS: &[&str] = &[
    "12345",
    "0",
    "18446744073709551615",
    "18446744073709551616",
    "-1",
    "1.5",
    "1e3",
    "\"12345\"",
    "null",
];
const H_ITEM_EXTRAS: &[&str] = &["", "", "\"x\":1", "\"coin\":\"BTC\"", "\"a\":1"];
const H_EXTRAS: &[&str] = &[
    "",
    "",
    "",
    "\"id\":7",
    "\"environment\":\"testnet\"",
    "\"environment\":\"mainnet\"",
    "\"vault_address\":\"0x1719884eb866cb12b2287399b15f7db5e7d775ea\"",
    "\"expires_after\":1748970183456",
    "\"base_url\":\"https://api.hyperliquid.xyz\"",
    "\"wallet\":\"x\"",
];
const H_PARAM_EXTRAS: &[&str] = &["", "", "", "\"time\":1", "\"cancels\":[]"];

prop_compose! {
    fn hl_cancel()(
        a in pick(H_ASSETS, 4),
        o in pick(H_OIDS, 3),
        extra in pick(H_ITEM_EXTRAS, 2),
        flip in any::<bool>(),
        space in pick(SPACES, 5),
    ) -> String {
        let mut f = vec![format!("\"a\":{a}"), format!("\"o\":{space}{o}")];
        if flip {
            f.reverse();
        }
        if !extra.is_empty() {
            f.push(extra.to_owned());
        }
        format!("{{{}}}", f.join(","))
    }
}

prop_compose! {
    fn hl_request()(
        venue in pick(H_VENUES, 1),
        action in pick(H_ACTIONS, 1),
        transport in pick(TRANSPORTS, 4),
        timestamp in pick(TIMESTAMPS, 7),
        cancels in prop_oneof![
            4 => proptest::collection::vec(hl_cancel(), 0..4),
            1 => proptest::collection::vec(hl_cancel(), 0..18),
        ],
        extra in pick(H_EXTRAS, 3),
        param_extra in pick(H_PARAM_EXTRAS, 3),
        order in shuffled(6),
        space in pick(SPACES, 5),
    ) -> String {
        let mut params = vec![format!("\"cancels\":[{}]", cancels.join(","))];
        if !param_extra.is_empty() {
            params.push(param_extra.to_owned());
        }
        object(
            &[
                ("venue", venue),
                ("action", action),
                ("transport", transport),
                ("timestamp", timestamp),
            ],
            &params,
            extra,
            &order,
            space,
        )
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn the_hyperliquid_fast_path_agrees_with_the_general_path(text in hl_request()) {
        agree(&text, &keys());
    }

    #[test]
    fn the_fast_path_agrees_with_the_general_path(text in request()) {
        agree(&text, &keys());
    }

    #[test]
    fn the_derive_fast_path_agrees_with_the_general_path(text in derive_request()) {
        agree(&text, &keys());
    }
}

#[test]
fn generated_requests_often_take_the_fast_path() {
    // Guards against a vacuous property: a fair share of generated requests must be
    // taken by the fast path, and a fair share refused by both.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let keys = keys();
    let (mut taken, mut n) = (0, 0);
    let (mut hl_taken, mut hl_n) = (0, 0);
    for i in 0..4000 {
        let text = match i % 3 {
            0 => request().new_tree(&mut runner).unwrap().current(),
            1 => derive_request().new_tree(&mut runner).unwrap().current(),
            _ => hl_request().new_tree(&mut runner).unwrap().current(),
        };
        n += 1;
        let took = agree(&text, &keys);
        if took {
            taken += 1;
        }
        if i % 3 == 2 {
            hl_n += 1;
            hl_taken += usize::from(took);
        }
    }
    eprintln!("hyperliquid: {hl_taken} of {hl_n} generated requests took the fast path");
    assert!(
        hl_taken * 20 > hl_n && hl_taken * 2 < hl_n,
        "hyperliquid: {hl_taken} of {hl_n} took the fast path"
    );
    eprintln!("{taken} of {n} generated requests took the fast path");
    assert!(taken * 20 > n, "only {taken} of {n} took the fast path");
    assert!(
        taken * 2 < n,
        "{taken} of {n} took the fast path: the edges are not reached"
    );
}
