//! Signing cost: the bare primitive beside airsign's full request → envelope path, in the
//! same run, with their ratio printed; and `batch` end to end.
//!
//! Run: `cargo bench -p airsign --bench signing`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use airsign::{BatchOptions, run_batch, sign_request};
use airsign_core::{Context, FixedClock, SequenceIds};
use airsign_keys::{Ed25519Signer, Keyring, SecretBytes, base58_64};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A public test key (seed = SHA-256 of "vector-key-1").
const KEY: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";
const PACIFICA: &str = r#"{"venue":"pacifica","action":"cancel_order","transport":"rest","timestamp":1748970123456,"expiry_window":5000,"params":{"symbol":"BTC","order_id":42069}}"#;
const PACIFICA_MSG: &[u8] = br#"{"data":{"order_id":42069,"symbol":"BTC"},"expiry_window":5000,"timestamp":1748970123456,"type":"cancel_order"}"#;

fn per_op(mut f: impl FnMut(), iters: u32) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed() / iters
}

fn pacifica(c: &mut Criterion) {
    let keys = Keyring::new(SecretBytes::new(KEY.as_bytes().to_vec()));
    let signer = Ed25519Signer::from_key_file(KEY.as_bytes()).unwrap_or_else(|_| unreachable!());
    let clock = FixedClock(1_748_970_123_456);
    let ids = SequenceIds::new(0);
    let ctx = Context {
        clock: &clock,
        ids: &ids,
    };
    let mut g = c.benchmark_group("pacifica");
    g.throughput(Throughput::Elements(1));
    g.bench_function("primitive: ed25519 sign + base58", |b| {
        b.iter(|| base58_64(&signer.sign(black_box(PACIFICA_MSG))))
    });
    g.bench_function("airsign: request -> envelope line", |b| {
        b.iter(|| {
            sign_request(black_box(PACIFICA), &keys, &ctx)
                .map(|e| e.to_json_line())
                .unwrap_or_default()
        })
    });
    g.finish();
    // The ratio, measured back to back in this run.
    let prim = per_op(
        || drop(black_box(base58_64(&signer.sign(PACIFICA_MSG)))),
        20_000,
    );
    let full = per_op(
        || {
            drop(black_box(
                sign_request(PACIFICA, &keys, &ctx).map(|e| e.to_json_line()),
            ))
        },
        20_000,
    );
    eprintln!(
        "pacifica: primitive {:.2} µs, airsign per request {:.2} µs, ratio primitive/airsign = {:.2}",
        prim.as_secs_f64() * 1e6,
        full.as_secs_f64() * 1e6,
        prim.as_secs_f64() / full.as_secs_f64()
    );
}

fn batch(c: &mut Criterion) {
    let keys = Keyring::new(SecretBytes::new(KEY.as_bytes().to_vec()));
    let clock = FixedClock(1_748_970_123_456);
    let ids = SequenceIds::new(0);
    let ctx = Context {
        clock: &clock,
        ids: &ids,
    };
    let n = 10_000u64;
    let mut input = Vec::new();
    for _ in 0..n {
        input.extend_from_slice(PACIFICA.as_bytes());
        input.push(b'\n');
    }
    let mut g = c.benchmark_group("batch");
    g.throughput(Throughput::Elements(n));
    g.sample_size(10);
    let cores = BatchOptions::default().jobs;
    for jobs in [1, cores] {
        g.bench_function(format!("pacifica 10k lines, jobs={jobs}"), |b| {
            b.iter(|| {
                let mut out = Vec::with_capacity(input.len() * 5);
                let opts = BatchOptions {
                    jobs,
                    ..BatchOptions::default()
                };
                run_batch(&input[..], &mut out, &keys, &ctx, opts).map(|s| s.signed)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, pacifica, batch);
criterion_main!(benches);
