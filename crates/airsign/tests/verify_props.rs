//! Property: for random valid requests of every venue, `verify(sign(x))` passes, and any
//! single-byte change to the body or to the signature fails.
//!
//! "Random valid requests": every valid reference case of every venue serves as a
//! template; each run picks one and gives it a fresh random key (of the case's kind), a
//! random timestamp (Layer1 has none in its envelope and keeps its own) and, for
//! Pacifica, a random symbol and order id. The signature is then different every run.
//!
//! Single-byte changes: one ASCII byte of the body (or login frame) is replaced by another
//! printable ASCII byte; one character of the signature is changed everywhere the
//! envelope carries it (the wire copy and the `signed` audit entry alike, so only the
//! cryptographic check can catch it).
//!
//! The body half of the property holds exactly where the venue's signature covers the
//! body. Where it does not (Derive signs only a timestamp; Mobula only the endpoint and
//! timestamp; a Pacifica agent's `account`, a WebSocket id, Ripio's `api_token`), a
//! changed byte can still give a valid envelope. The test then requires `verify` to have
//! said so: every JSON path the change touched must be listed in the result's `unsigned`.
//! Layer1 (a bearer token) signs nothing: its results are `unverifiable`, never `ok`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use airsign::Outcome;
use airsign_core::verify::VerifyOptions;
use airsign_core::{Context, Envelope, FixedClock, SequenceIds};
use airsign_keys::Keyring;
use common::root;
use proptest::prelude::*;
use serde_json::{Map, Value};

const NOW: u64 = 1_700_000_000_000;

struct Template {
    venue: String,
    request: Map<String, Value>,
    kind: String,
    key: String,
}

fn templates() -> Vec<Template> {
    let mut out = Vec::new();
    for venue in [
        "pacifica",
        "derive",
        "mobula",
        "ripio",
        "layer1",
        "hyperliquid",
    ] {
        let text = std::fs::read_to_string(root().join(format!("vectors/{venue}.jsonl"))).unwrap();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: Value = serde_json::from_str(line).unwrap();
            if v["expected"].get("error").is_some() {
                continue;
            }
            let key = match v.get("agent_key") {
                Some(k @ Value::Object(_)) => k.clone(),
                _ => v["key"].clone(),
            };
            out.push(Template {
                venue: venue.to_owned(),
                request: v["request"].as_object().unwrap().clone(),
                kind: key["kind"].as_str().unwrap().to_owned(),
                key: key["value"].as_str().unwrap().to_owned(),
            });
        }
    }
    out
}

fn options() -> VerifyOptions {
    VerifyOptions {
        base_urls: vec![],
        // Before every case's `expires_at` (some are signed in 2001): this checks
        // signatures, not expiry (`tests/clock.rs` covers that).
        now_ms: airsign_core::MIN_TIMESTAMP_MS,
    }
}

/// A request from template `t` with the random parts filled in, its key text, and the
/// options that allow its base_url.
fn instance(
    t: &Template,
    seed: [u8; 32],
    ts: u64,
    symbol: &str,
    order_id: u64,
) -> (Map<String, Value>, String, VerifyOptions) {
    let mut req = t.request.clone();
    let key = match t.kind.as_str() {
        "ed25519-seed-hex" | "secp256k1-hex" => {
            // Any 32 bytes below the curve order work for secp256k1 with overwhelming
            // probability; keep the top byte low to make it certain.
            let mut s = seed;
            s[0] &= 0x7f;
            s[0] |= 0x01;
            hex::encode(s)
        }
        "hmac-secret" => hex::encode(&seed[..24]),
        _ => t.key.clone(),
    };
    if t.venue != "layer1" {
        req.insert("timestamp".into(), Value::from(ts));
    }
    // Hyperliquid times are relative to the nonce: keep their distance from it.
    if t.venue == "hyperliquid" {
        let old_ts = t.request["timestamp"].as_u64().unwrap();
        if let Some(e) = req.get("expires_after").and_then(Value::as_u64) {
            req.insert("expires_after".into(), Value::from(ts + (e - old_ts)));
        }
        if let Some(Value::Object(p)) = req.get_mut("params")
            && let Some(time) = p.get("time").and_then(Value::as_u64)
        {
            p.insert("time".into(), Value::from(ts + (time - old_ts)));
        }
    }
    if t.venue == "pacifica"
        && let Some(Value::Object(p)) = req.get_mut("params")
    {
        if p.contains_key("symbol") {
            p.insert("symbol".into(), Value::from(symbol));
        }
        if p.contains_key("order_id") {
            p.insert("order_id".into(), Value::from(order_id));
        }
    }
    let mut opts = options();
    if let Some(b) = req.get("base_url").and_then(Value::as_str) {
        opts.base_urls.push(b.to_owned());
    }
    (req, key, opts)
}

fn sign(req: &Map<String, Value>, key: &str) -> (Envelope, Keyring) {
    let keys = airsign::testing::keyring_signing_anything(key.as_bytes());
    let clock = FixedClock(NOW);
    let ids = SequenceIds::new(0);
    let ctx = Context {
        clock: &clock,
        ids: &ids,
    };
    let text = Value::Object(req.clone()).to_string();
    let env = airsign::sign_request(&text, &keys, &ctx)
        .unwrap_or_else(|e| panic!("template no longer valid: {e}: {text}"));
    (env, keys)
}

fn verify(env: &Envelope, keys: &Keyring, opts: &VerifyOptions) -> (Value, Outcome) {
    let (line, outcome) = airsign::verify_line(1, env.to_json_line().as_bytes(), keys, opts);
    (serde_json::from_str(&line).unwrap(), outcome)
}

/// The JSON paths (`body.x`, `body.params.y`, `body.actions[0].data.z`) where `a` and `b`
/// differ; a non-object on either side is one path.
fn diff_paths(prefix: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                if out.iter().any(|p| p == &format!("{prefix}.{k}")) {
                    continue;
                }
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => diff_paths(&format!("{prefix}.{k}"), p, q, out),
                    _ => out.push(format!("{prefix}.{k}")),
                }
            }
            let keys_x: Vec<&String> = x.keys().collect();
            let keys_y: Vec<&String> = y.keys().collect();
            if keys_x != keys_y && out.is_empty() {
                out.push(prefix.to_owned()); // same keys, different order
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                diff_paths(&format!("{prefix}[{i}]"), p, q, out);
            }
        }
        _ if a != b => out.push(prefix.to_owned()),
        _ => {}
    }
}

fn covered(path: &str, unsigned: &[String]) -> bool {
    unsigned.iter().any(|u| {
        path == u || path.starts_with(&format!("{u}.")) || path.starts_with(&format!("{u}["))
    })
}

fn strategy() -> impl Strategy<Value = (usize, [u8; 32], u64, String, u64, usize, u8, usize)> {
    (
        any::<usize>(),
        any::<[u8; 32]>(),
        1_000_000_000_000u64..4_000_000_000_000,
        "[A-Za-z0-9]{1,12}",
        any::<u64>(),
        any::<usize>(),
        0x20u8..0x7f,
        any::<usize>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 768, ..ProptestConfig::default() })]

    #[test]
    fn sign_then_verify_passes_and_single_byte_changes_fail(
        (pick, seed, ts, symbol, order_id, pos, byte, sig_pos) in strategy()
    ) {
        let all = templates_cached();
        let t = &all[pick % all.len()];
        let (req, key, opts) = instance(t, seed, ts, &symbol, order_id);
        let (env, keys) = sign(&req, &key);

        // 1. The untouched envelope verifies.
        let (answer, outcome) = verify(&env, &keys, &opts);
        let want = if t.venue == "layer1" { Outcome::Unverifiable } else { Outcome::Ok };
        prop_assert_eq!(outcome, want, "{}", answer);
        let unsigned: Vec<String> = answer["unsigned"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();

        // 2. One changed byte of the body (or the login frame, when the body has none).
        let (field, text) = match (&env.body, &env.login) {
            (Some(b), _) => ("body", b.clone()),
            (None, Some(l)) => ("login", l.clone()),
            (None, None) => ("url", env.url.clone()),
        };
        let ascii: Vec<usize> = text.bytes().enumerate().filter(|(_, b)| b.is_ascii()).map(|(i, _)| i).collect();
        let i = ascii[pos % ascii.len()];
        let mut bytes = text.clone().into_bytes();
        let replacement = if bytes[i] == byte { if byte == b'~' { b'!' } else { byte + 1 } } else { byte };
        bytes[i] = replacement;
        let changed = String::from_utf8(bytes).unwrap();
        let mut t2 = env.clone();
        match field {
            "body" => t2.body = Some(changed.clone()),
            "login" => t2.login = Some(changed.clone()),
            _ => t2.url = changed.clone(),
        }
        let (answer2, outcome2) = verify(&t2, &keys, &opts);
        if outcome2 != Outcome::Failed {
            // Only possible where no signature covers what changed, and verify said so.
            let before: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let after: Value = serde_json::from_str(&changed).unwrap_or(Value::Null);
            let mut paths = Vec::new();
            if field == "url" {
                paths.push("url".to_owned());
            } else {
                diff_paths(field, &before, &after, &mut paths);
            }
            prop_assert!(!paths.is_empty(), "byte {} of {} changed yet nothing differs: {}", i, field, answer2);
            for p in &paths {
                prop_assert!(
                    covered(p, &unsigned),
                    "{} {}: changing {} (byte {} to {:?}) still verifies but is not listed as unsigned {:?}: {}",
                    t.venue, env.action, p, i, replacement as char, unsigned, answer2
                );
            }
        }

        // 3. One changed character of the signature, everywhere it appears.
        if let Some(s) = env.signed.first() {
            let sig = s.signature.clone();
            let body = sig.strip_prefix("0x").map_or(0, |_| 2);
            let j = body + sig_pos % (sig.len() - body);
            let old = sig.as_bytes()[j];
            let alphabet: &[u8] = if sig.starts_with("0x") {
                b"0123456789abcdef"
            } else if s.scheme == "hmac-sha256" {
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            } else {
                b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
            };
            let new = alphabet[(alphabet.iter().position(|&c| c == old).unwrap_or(0) + 1 + sig_pos % (alphabet.len() - 1)) % alphabet.len()];
            prop_assume!(new != old);
            let mut forged = sig.clone().into_bytes();
            forged[j] = new;
            let forged = String::from_utf8(forged).unwrap();
            let mut t3 = env.clone();
            for (_, v) in &mut t3.headers.0 { *v = v.replace(&sig, &forged); }
            t3.body = t3.body.map(|b| b.replace(&sig, &forged));
            t3.login = t3.login.map(|b| b.replace(&sig, &forged));
            for e in &mut t3.signed { e.signature = e.signature.replace(&sig, &forged); }
            if t.venue == "hyperliquid" {
                // The body carries r and s as integers without leading zeros: forge the
                // same digit there too (the `signed` copy is padded to 64 digits).
                t3 = forge_hyperliquid(&env, &forged);
            }
            let (answer3, outcome3) = verify(&t3, &keys, &opts);
            prop_assert_eq!(outcome3, Outcome::Failed, "{} {}: forged signature passed: {}", t.venue, env.action, answer3);
        }
    }
}

/// `env` with its body's `r`/`s` and its `signed` entry replaced by the 65-byte `forged`
/// signature (so only the cryptographic check can tell).
fn forge_hyperliquid(env: &Envelope, forged: &str) -> Envelope {
    let d = forged.strip_prefix("0x").unwrap();
    let int = |h: &str| {
        let t = h.trim_start_matches('0');
        format!("0x{}", if t.is_empty() { "0" } else { t })
    };
    let sig = &env.signed[0].signature[2..];
    let mut t = env.clone();
    let body = t.body.take().unwrap();
    let body = body
        .replace(
            &format!("\"r\":\"{}\"", int(&sig[..64])),
            &format!("\"r\":\"{}\"", int(&d[..64])),
        )
        .replace(
            &format!("\"s\":\"{}\"", int(&sig[64..128])),
            &format!("\"s\":\"{}\"", int(&d[64..128])),
        )
        .replace(
            &format!("\"v\":{}", u8::from_str_radix(&sig[128..], 16).unwrap()),
            &format!("\"v\":{}", u8::from_str_radix(&d[128..], 16).unwrap_or(0)),
        );
    t.body = Some(body);
    t.signed[0].signature = forged.to_owned();
    t
}

fn templates_cached() -> &'static [Template] {
    static T: std::sync::OnceLock<Vec<Template>> = std::sync::OnceLock::new();
    T.get_or_init(templates)
}

/// Every venue and every valid template is reachable by the property above.
#[test]
fn templates_cover_every_venue() {
    let t = templates_cached();
    for venue in [
        "pacifica",
        "derive",
        "mobula",
        "ripio",
        "layer1",
        "hyperliquid",
    ] {
        assert!(t.iter().any(|x| x.venue == venue), "{venue}");
    }
    assert!(t.len() >= 160, "{}", t.len());
}
