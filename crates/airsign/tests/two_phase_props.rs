//! Property: for random requests of every venue signed with a public key (Pacifica,
//! Derive, Mobula, Hyperliquid), `assemble(prepare(x), external signatures) == sign(x)`,
//! byte for byte; the signatures are made over the prepared payloads alone.

#![allow(clippy::unwrap_used, clippy::panic)]

use airsign::twophase;
use airsign_core::{Context, FixedClock, Payload, Proof, Prover, Request, Scheme, SequenceIds};
use airsign_keys::{Key, Keyring, Policy, SecretBytes, base58_64};
use proptest::prelude::*;
use serde_json::Value;

const KEY1: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";

fn key(scheme: Scheme) -> Key {
    Key::from_bytes(
        "key file",
        scheme,
        SecretBytes::new(KEY1.as_bytes().to_vec()),
    )
}

fn request() -> impl Strategy<Value = String> {
    let ts = 1_700_000_000_000u64..1_800_000_000_000;
    let pacifica = (
        ts.clone(),
        1u64..120_000,
        any::<u64>(),
        "[A-Z]{2,6}",
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(t, w, oid, sym, ws, hw)| {
            let transport = if ws && !hw { "ws" } else { "rest" };
            let sig = if hw { r#","signature_type":"hardware""# } else { "" };
            format!(
                r#"{{"venue":"pacifica","action":"cancel_order","transport":"{transport}","timestamp":{t},"expiry_window":{w}{sig},"params":{{"symbol":"{sym}","order_id":{oid}}}}}"#
            )
        });
    let derive = (ts.clone(), 1u64..1_000_000, any::<bool>()).prop_map(|(t, sub, ws)| {
        let transport = if ws { "ws" } else { "rest" };
        format!(
            r#"{{"venue":"derive","action":"cancel_all","transport":"{transport}","timestamp":{t},"params":{{"subaccount_id":{sub}}}}}"#
        )
    });
    let mobula = (ts.clone(), 0u32..100_000).prop_map(|(t, idx)| {
        format!(
            r#"{{"venue":"mobula","action":"cancel-order","timestamp":{t},"params":{{"dex":"gains","chainId":"evm:42161","orderIndex":"{idx}","orderType":"order"}}}}"#
        )
    });
    let hyperliquid = (ts, 0u32..200, 1u64..u64::from(u32::MAX), any::<bool>()).prop_map(
        |(t, a, o, ws)| {
            let transport = if ws { "ws" } else { "rest" };
            format!(
                r#"{{"venue":"hyperliquid","action":"cancel","transport":"{transport}","timestamp":{t},"params":{{"cancels":[{{"a":{a},"o":{o}}}]}}}}"#
            )
        },
    );
    prop_oneof![pacifica, derive, mobula, hyperliquid]
}

/// A signature over `payload` by `key`, in the text form a device prints.
fn external_signature(key: &Key, payload: &Payload) -> String {
    match key.prove(payload).unwrap() {
        Proof::Ed25519(s) => base58_64(&s),
        Proof::Secp256k1(b) => format!("0x{}", hex::encode(b)),
        other => panic!("no external form for {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn assemble_of_prepare_is_sign(text in request()) {
        let venue = Request::parse(&text).unwrap().venue;
        let scheme = if venue == "pacifica" { Scheme::Ed25519 } else { Scheme::Secp256k1 };
        let real = key(scheme);
        let signer = real.signer(scheme).unwrap();
        let external = Keyring::single(Key::external("device", signer), Policy::new());
        let (clock, ids) = (FixedClock(1_750_000_000_000), SequenceIds::new(7));
        let ctx = Context { clock: &clock, ids: &ids };
        let prepared = twophase::prepare(&text, &external, &ctx).unwrap();
        let p: Value = serde_json::from_str(&prepared).unwrap();
        let fixed = Request::from_map(p["request"].as_object().unwrap().clone()).unwrap();

        // The payloads as the venue computes them for the fixed request, signed outside
        // the pipeline and handed back as text.
        let v = airsign::registry::venue(&venue).unwrap();
        let payloads = v.payloads_of(&fixed, &real.signer(scheme).unwrap()).unwrap();
        prop_assert_eq!(payloads.len(), p["payloads"].as_array().unwrap().len());
        let sigs: Vec<String> = payloads.iter().map(|x| external_signature(&real, x)).collect();
        let assembled = twophase::assemble(&prepared, &sigs, &Keyring::empty(), 0).unwrap();

        let signing = Keyring::single(key(scheme), Policy::new());
        let fixed_text = p["request"].to_string();
        let signed = airsign::sign_request(&fixed_text, &signing, &ctx).unwrap();
        prop_assert_eq!(assembled.to_json_line(), signed.to_json_line());
    }
}
