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
//! - `batch-derive`: `run_batch` on one thread over N Derive cancels.

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
        other => panic!("unknown mode {other}"),
    }
}
