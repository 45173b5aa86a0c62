//! `airsign verify` at the speed of the signature: the verify pipeline (every core, the
//! batch pipeline, results in order) over 40 000 Pacifica and 20 000 Derive envelopes,
//! beside the verification primitive run on every core at once, in one run:
//!
//! - ed25519 (Pacifica): `ed25519_dalek::VerifyingKey::verify_strict` on the signed
//!   message;
//! - EIP-191 (Derive): k256 public-key recovery from the signature over the EIP-191 hash
//!   (which includes the keccak), as `airsign_keys::eth::EthSignature::recover_eip191`
//!   does it.
//!
//! Run: `cargo bench -p airsign --bench verify`. The summary lines start with `ratio:`;
//! the README's performance section quotes them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr,
    missing_docs
)]

use std::hint::black_box;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use airsign::{BatchOptions, Verifier, run_lines, sign_request};
use airsign_core::verify::VerifyOptions;
use airsign_core::{Context, FixedClock, SequenceIds};
use airsign_keys::Keyring;
use airsign_keys::eth::EthSignature;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A public test key (seed = SHA-256 of "vector-key-1").
const KEY: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";

fn keys() -> Keyring {
    airsign::testing::keyring_signing_anything(KEY.as_bytes())
}

/// `n` envelopes, each for its own order, one per line.
fn envelopes(n: usize, req: impl Fn(usize) -> String) -> Vec<u8> {
    let keys = keys();
    let clock = FixedClock(1_748_970_123_456);
    let ids = SequenceIds::new(0);
    let ctx = Context {
        clock: &clock,
        ids: &ids,
    };
    let mut out = Vec::new();
    for i in 0..n {
        let env = sign_request(&req(i), &keys, &ctx).unwrap();
        out.extend_from_slice(env.to_json_line().as_bytes());
        out.push(b'\n');
    }
    out
}

fn pacifica(i: usize) -> String {
    format!(
        r#"{{"venue":"pacifica","action":"cancel_order","transport":"rest","timestamp":1748970123456,"expiry_window":5000,"params":{{"symbol":"BTC","order_id":{i}}}}}"#
    )
}

fn derive(i: usize) -> String {
    format!(
        r#"{{"venue":"derive","action":"cancel","transport":"rest","timestamp":{},"params":{{"subaccount_id":12345,"instrument_name":"ETH-PERP","order_id":"a1b2c3d4-0000-4000-8000-{:012}"}}}}"#,
        1_748_970_123_456u64 + i as u64,
        i
    )
}

/// Counts result lines and `"result":"ok"` ones; keeps nothing.
struct Count {
    lines: u64,
    ok: u64,
}

impl std::io::Write for Count {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        for line in data.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            self.lines += 1;
            if line.windows(13).any(|w| w == br#""result":"ok""#) {
                self.ok += 1;
            }
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The verify pipeline as `airsign verify` runs it, in process; returns envelopes/s.
fn verify_all(input: &[u8], n: usize, jobs: usize) -> f64 {
    let keys = keys();
    let opts = VerifyOptions {
        base_urls: Vec::new(),
        now_ms: 1_748_970_123_456,
    };
    let mut out = Count { lines: 0, ok: 0 };
    let batch = BatchOptions {
        jobs,
        ..BatchOptions::default()
    };
    let t = Instant::now();
    let s = run_lines(
        input,
        &mut out,
        &Verifier {
            keys: &keys,
            opts: &opts,
        },
        batch,
        &AtomicBool::new(false),
    )
    .unwrap();
    let dt = t.elapsed().as_secs_f64();
    assert_eq!(s.signed, n as u64, "every envelope verifies");
    assert_eq!(out.ok, n as u64);
    n as f64 / dt
}

/// `primitive` on `cores` threads at once, `per` calls each; calls/s in all.
fn parallel(cores: usize, per: u32, primitive: &(dyn Fn(usize) + Sync)) -> f64 {
    let t = Instant::now();
    std::thread::scope(|s| {
        for c in 0..cores {
            s.spawn(move || {
                for i in 0..per {
                    primitive(c * per as usize + i as usize);
                }
            });
        }
    });
    f64::from(per) * cores as f64 / t.elapsed().as_secs_f64()
}

/// The signed messages and signatures of the envelopes (for the primitives).
fn pacifica_material(input: &[u8]) -> Vec<(Vec<u8>, ed25519_dalek::Signature)> {
    input
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_slice(l).unwrap();
            let s = &v["signed"][0];
            let msg = s["message"].as_str().unwrap().as_bytes().to_vec();
            let sig = airsign_keys::decode_base58_64(s["signature"].as_str().unwrap()).unwrap();
            (msg, ed25519_dalek::Signature::from_bytes(&sig))
        })
        .collect()
}

fn derive_material(input: &[u8]) -> Vec<(Vec<u8>, EthSignature)> {
    input
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_slice(l).unwrap();
            let s = &v["signed"][0];
            let msg = s["message"].as_str().unwrap().as_bytes().to_vec();
            let sig = EthSignature::parse_hex(s["signature"].as_str().unwrap()).unwrap();
            (msg, sig)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let cores = BatchOptions::default().jobs;
    let mut seed = [0u8; 32];
    hex::decode_to_slice(KEY, &mut seed).unwrap();
    let vk = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();

    let np = 40_000;
    let nd = 20_000;
    let pac = envelopes(np, pacifica);
    let der = envelopes(nd, derive);
    let pm = pacifica_material(&pac);
    let dm = derive_material(&der);
    let ed = |i: usize| {
        let (m, s) = &pm[i % pm.len()];
        vk.verify_strict(black_box(m), black_box(s)).unwrap();
    };
    let k1 = |i: usize| {
        let (m, s) = &dm[i % dm.len()];
        black_box(s.recover_eip191(black_box(m)).unwrap());
    };

    for (name, input, n, primitive, per) in [
        (
            "ed25519 (pacifica)",
            &pac,
            np,
            &ed as &(dyn Fn(usize) + Sync),
            (np / cores) as u32,
        ),
        ("eip191 (derive)", &der, nd, &k1, (nd / cores) as u32),
    ] {
        let mut g = c.benchmark_group(format!("verify {name}"));
        g.throughput(Throughput::Elements(n as u64));
        g.sample_size(10);
        g.bench_function(format!("{n} envelopes, jobs={cores}"), |b| {
            b.iter(|| verify_all(input, n, cores))
        });
        g.finish();
        // Side by side in interleaved rounds (a neighbour that comes and goes hits both
        // alike), best round of each.
        let (mut prim, mut one, mut all) = (0f64, 0f64, 0f64);
        for _ in 0..5 {
            prim = prim.max(parallel(cores, per, primitive));
            one = one.max(verify_all(input, n, 1));
            all = all.max(verify_all(input, n, cores));
        }
        eprintln!(
            "ratio: verify {name}: primitive {prim:.0}/s on {cores} threads at once; airsign verify {one:.0}/s on 1 thread, {all:.0}/s on {cores}; verify(all cores) / primitive(all cores) = {:.2} (target >= 0.8)",
            all / prim
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
