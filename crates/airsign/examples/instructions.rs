//! Work for counting instructions under callgrind, where the neighbours of a shared VM
//! cannot move the figures: `scripts/instructions.sh` runs each mode for two request
//! counts and reports the difference per request.
//!
//! Modes (`instructions MODE N`):
//! - `primitive-ed25519`: `ed25519_dalek::SigningKey::sign` of a Pacifica-sized message,
//!   then base58 (the bench's ed25519 primitive);
//! - `batch-pacifica`: `run_batch` on one thread over N Pacifica cancels;
//! - `primitive-eip191`: Keccak-256 of the EIP-191 message and k256 recoverable signing,
//!   then hex (the bench's EIP-191 primitive);
//! - `batch-derive`: `run_batch` on one thread over N Derive cancels;
//! - `verify-primitive-ed25519` / `verify-primitive-eip191`: N signature checks as the
//!   verify bench's primitives do them (`verify_strict`; k256 recovery of the EIP-191
//!   hash, keccak included);
//! - `verify-pacifica` / `verify-derive`: the verify pipeline on one thread over N
//!   envelopes of those cancels;
//! - `setup-pacifica` / `setup-derive`: what the four verify modes do before checking
//!   (signing the N envelopes, reading their signatures), which the script subtracts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use airsign::{BatchOptions, run_batch};
use airsign_core::Context;
use airsign_keys::{Secp256k1Signer, base58_64};

/// A public test key (seed = SHA-256 of "vector-key-1").
const KEY: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";
const PACIFICA: &str = r#"{"venue":"pacifica","action":"cancel_order","transport":"rest","timestamp":1748970123456,"expiry_window":5000,"params":{"symbol":"BTC","order_id":42069}}"#;
const PACIFICA_MSG: &[u8] = br#"{"data":{"order_id":42069,"symbol":"BTC"},"expiry_window":5000,"timestamp":1748970123456,"type":"cancel_order"}"#;
const DERIVE: &str = r#"{"venue":"derive","action":"cancel","transport":"rest","timestamp":1748970123456,"params":{"subaccount_id":12345,"instrument_name":"ETH-PERP","order_id":"a1b2c3d4-0000-4000-8000-000000000001"}}"#;

fn batch(line: &str, n: usize) {
    let input = format!("{line}\n").repeat(n);
    let keys = airsign::testing::keyring_signing_anything(KEY.as_bytes());
    let opts = BatchOptions {
        jobs: 1,
        ..BatchOptions::default()
    };
    let s = Context::fixed(1_748_970_123_456, |ctx| {
        run_batch(input.as_bytes(), std::io::sink(), &keys, ctx, opts).unwrap()
    });
    assert_eq!(s.signed, n as u64);
}

/// N envelopes of `line` (each its own order id or timestamp), signed up front.
fn envelopes(line: &str, n: usize) -> Vec<u8> {
    let keys = airsign::testing::keyring_signing_anything(KEY.as_bytes());
    let mut out = Vec::new();
    Context::fixed(1_748_970_123_456, |ctx| {
        for i in 0..n {
            let req = line
                .replace("42069", &i.to_string())
                .replace("000000000001", &format!("{i:012}"));
            let env = airsign::sign_request(&req, &keys, ctx).unwrap();
            out.extend_from_slice(env.to_json_line().as_bytes());
            out.push(b'\n');
        }
    });
    out
}

/// The first signature and message of each envelope.
fn material(envs: &[u8]) -> Vec<(Vec<u8>, String)> {
    envs.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_slice(l).unwrap();
            let s = &v["signed"][0];
            (
                s["message"].as_str().unwrap().as_bytes().to_vec(),
                s["signature"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn verify(envs: &[u8], n: usize) {
    use airsign::{Verifier, run_lines};
    let keys = airsign::testing::keyring_signing_anything(KEY.as_bytes());
    let opts = airsign_core::verify::VerifyOptions {
        base_urls: Vec::new(),
        now_ms: 1_748_970_123_456,
    };
    let batch = BatchOptions {
        jobs: 1,
        ..BatchOptions::default()
    };
    let stop = std::sync::atomic::AtomicBool::new(false);
    let v = Verifier {
        keys: &keys,
        opts: &opts,
    };
    let s = run_lines(envs, std::io::sink(), &v, batch, &stop).unwrap();
    assert_eq!(s.signed, n as u64);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mode, n) = match args.as_slice() {
        [_, mode, n] => (mode.as_str(), n.parse::<usize>().expect("N: a count")),
        _ => panic!("usage: instructions MODE N"),
    };
    match mode {
        "primitive-ed25519" => {
            use ed25519_dalek::Signer as _;
            let mut seed = [0u8; 32];
            hex::decode_to_slice(KEY, &mut seed).unwrap();
            let sk = ed25519_dalek::SigningKey::from_bytes(&seed);
            for _ in 0..n {
                black_box(base58_64(&sk.sign(black_box(PACIFICA_MSG)).to_bytes()));
            }
        }
        "primitive-eip191" => {
            let k = Secp256k1Signer::from_hex_key_file(KEY.as_bytes()).unwrap();
            for _ in 0..n {
                black_box(k.sign_eip191(black_box(b"1748970123456")).unwrap().to_hex());
            }
        }
        "batch-pacifica" => batch(PACIFICA, n),
        "batch-derive" => batch(DERIVE, n),
        // The verify modes sign N envelopes first, the same for the primitive and the
        // pipeline, so the difference of two runs counts the checking alone.
        "verify-primitive-ed25519" => {
            let m = material(&envelopes(PACIFICA, n));
            let mut seed = [0u8; 32];
            hex::decode_to_slice(KEY, &mut seed).unwrap();
            let vk = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
            let sigs: Vec<_> = m
                .iter()
                .map(|(msg, s)| {
                    let b = airsign_keys::decode_base58_64(s).unwrap();
                    (msg, ed25519_dalek::Signature::from_bytes(&b))
                })
                .collect();
            for (msg, sig) in &sigs {
                vk.verify_strict(black_box(msg), black_box(sig)).unwrap();
            }
        }
        "verify-primitive-eip191" => {
            let m = material(&envelopes(DERIVE, n));
            let sigs: Vec<_> = m
                .iter()
                .map(|(msg, s)| (msg, airsign_keys::eth::EthSignature::parse_hex(s).unwrap()))
                .collect();
            for (msg, sig) in &sigs {
                black_box(sig.recover_eip191(black_box(msg)).unwrap());
            }
        }
        "setup-pacifica" => drop(material(&envelopes(PACIFICA, n))),
        "setup-derive" => drop(material(&envelopes(DERIVE, n))),
        "verify-pacifica" => {
            let e = envelopes(PACIFICA, n);
            drop(material(&e));
            verify(&e, n);
        }
        "verify-derive" => {
            let e = envelopes(DERIVE, n);
            drop(material(&e));
            verify(&e, n);
        }
        other => panic!("unknown mode {other}"),
    }
}
