//! Signing cost, measured as ratios within one run:
//!
//! - per venue, the bare signing primitive beside airsign's full request → envelope line;
//! - `batch` end to end (in process, parsing NDJSON and writing envelopes) for both
//!   schemes, on one core and on all cores, against `primitive × cores`;
//! - one-shot `airsign sign` (a fresh process per request) against starting a trivial
//!   process (`examples/noop`, an empty Rust `main`) and `airsign --version`.
//!
//! Run: `cargo bench -p airsign --bench signing` (after `cargo build --release -p airsign
//! --bin airsign --example noop` for the one-shot figures). The summary lines start with
//! `ratio:` and are what the README's performance section quotes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr,
    clippy::type_complexity
)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use airsign::{BatchOptions, run_batch, sign_request};
use airsign_core::{Context, FixedClock, SequenceIds};
use airsign_keys::{HmacSigner, Keyring, Secp256k1Signer, base58_64, eth};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A public test key (seed = SHA-256 of "vector-key-1").
const KEY: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";
const RIPIO_SECRET: &str = "bench-secret-not-a-real-one";
const LAYER1_TOKEN: &str = "bench-token-not-a-real-one";

const PACIFICA: &str = r#"{"venue":"pacifica","action":"cancel_order","transport":"rest","timestamp":1748970123456,"expiry_window":5000,"params":{"symbol":"BTC","order_id":42069}}"#;
const PACIFICA_MSG: &[u8] = br#"{"data":{"order_id":42069,"symbol":"BTC"},"expiry_window":5000,"timestamp":1748970123456,"type":"cancel_order"}"#;
const DERIVE: &str = r#"{"venue":"derive","action":"cancel","transport":"rest","timestamp":1748970123456,"params":{"subaccount_id":12345,"instrument_name":"ETH-PERP","order_id":"a1b2c3d4-0000-4000-8000-000000000001"}}"#;
const MOBULA: &str = r#"{"venue":"mobula","action":"cancel-order","timestamp":1748970123456,"params":{"dex":"gains","chainId":"evm:42161","orderIndex":"3","orderType":"order"}}"#;
const RIPIO: &str = r#"{"venue":"ripio","action":"cancel_order","timestamp":1748970123456,"api_token":"TOKEN-123","params":{"id":"550e8400-e29b-41d4-a716-446655440000"}}"#;
const HYPERLIQUID: &str = r#"{"venue":"hyperliquid","action":"cancel","transport":"rest","timestamp":1748970123456,"params":{"cancels":[{"a":0,"o":42069}]}}"#;
const LAYER1: &str = r#"{"venue":"layer1","action":"cancel_conversion","timestamp":1748970123456,"params":{"conversion_id":"550e8400-e29b-41d4-a716-446655440000"}}"#;

fn per_op(mut f: impl FnMut(), iters: u32) -> Duration {
    f();
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed() / iters
}

fn ctx_parts() -> (FixedClock, SequenceIds) {
    (FixedClock(1_748_970_123_456), SequenceIds::new(0))
}

fn keys(text: &str) -> Keyring {
    airsign::testing::keyring_signing_anything(text.as_bytes())
}

fn full_line(req: &str, keys: &Keyring, ctx: &Context<'_>) -> String {
    sign_request(req, keys, ctx)
        .map(|e| e.to_json_line())
        .unwrap_or_else(|e| panic!("bench request refused: {e}"))
}

/// One venue: criterion figures for both, then the back-to-back ratio line.
fn venue(c: &mut Criterion, name: &str, req: &str, key: &str, primitive: &mut dyn FnMut()) {
    let (clock, ids) = ctx_parts();
    let ctx = Context {
        clock: &clock,
        ids: &ids,
    };
    let keys = keys(key);
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Elements(1));
    g.bench_function("primitive", |b| b.iter(&mut *primitive));
    g.bench_function("airsign request -> envelope line", |b| {
        b.iter(|| full_line(black_box(req), &keys, &ctx))
    });
    g.finish();
    // Interleaved rounds, best of each, as for batch below: a neighbour that comes and
    // goes hits both figures alike.
    let iters = 2_000;
    let (mut prim, mut full) = (Duration::MAX, Duration::MAX);
    for _ in 0..7 {
        prim = prim.min(per_op(&mut *primitive, iters));
        full = full.min(per_op(
            || drop(black_box(full_line(req, &keys, &ctx))),
            iters,
        ));
    }
    eprintln!(
        "ratio: {name}: primitive {:.2} µs, airsign per request {:.2} µs, primitive/airsign = {:.2}",
        prim.as_secs_f64() * 1e6,
        full.as_secs_f64() * 1e6,
        prim.as_secs_f64() / full.as_secs_f64()
    );
}

/// The bare ed25519 primitive as the issue names it: `ed25519_dalek::SigningKey::sign` (which
/// expands the key for every signature; airsign's signer keeps it expanded) and base58.
fn ed25519_primitive() -> impl Fn() + Sync {
    let mut seed = [0u8; 32];
    hex::decode_to_slice(KEY, &mut seed).unwrap();
    let sk = ed25519_dalek::SigningKey::from_bytes(&seed);
    move || {
        use ed25519_dalek::Signer as _;
        black_box(base58_64(&sk.sign(black_box(PACIFICA_MSG)).to_bytes()));
    }
}

fn venues(c: &mut Criterion) {
    let ed = ed25519_primitive();
    venue(c, "pacifica", PACIFICA, KEY, &mut || ed());
    let k = Secp256k1Signer::from_hex_key_file(KEY.as_bytes()).unwrap();
    venue(c, "derive", DERIVE, KEY, &mut || {
        black_box(k.sign_eip191(black_box(b"1748970123456")).unwrap().to_hex());
    });
    venue(c, "mobula", MOBULA, KEY, &mut || {
        black_box(
            k.sign_eip191(black_box(b"api/2/perp/cancel-order-1748970123456"))
                .unwrap()
                .to_hex(),
        );
    });
    let h = HmacSigner::from_key_file(RIPIO_SECRET.as_bytes()).unwrap();
    venue(c, "ripio", RIPIO, RIPIO_SECRET, &mut || {
        black_box(h.sign_base64(black_box(
            br#"1748970123456{"id":"550e8400-e29b-41d4-a716-446655440000"}"#,
        )));
    });
    // A bearer token signs nothing: the "primitive" is writing the header value.
    venue(c, "layer1", LAYER1, LAYER1_TOKEN, &mut || {
        black_box(format!("Bearer {}", black_box(LAYER1_TOKEN)));
    });
    // Hyperliquid's primitive: the three Keccak-256 hashes every L1 action needs (the
    // connection id over msgpack ‖ nonce ‖ vault flag, the Agent struct, the EIP-712
    // digest), one k256 signature, and the signature's hex.
    let hl_data = {
        let mut d =
            hex::decode("82a474797065a663616e63656ca763616e63656c739182a16100a16fcda455").unwrap();
        d.extend_from_slice(&1_748_970_123_456u64.to_be_bytes());
        d.push(0);
        d
    };
    let (domain, agent_type, source) = (
        eth::keccak256(b"domain"),
        eth::keccak256(b"Agent(string source,bytes32 connectionId)"),
        eth::keccak256(b"a"),
    );
    venue(c, "hyperliquid", HYPERLIQUID, KEY, &mut || {
        let cid = eth::keccak256(black_box(&hl_data));
        let mut st = [0u8; 96];
        st[..32].copy_from_slice(&agent_type);
        st[32..64].copy_from_slice(&source);
        st[64..].copy_from_slice(&cid);
        let mut pre = [0u8; 66];
        pre[..2].copy_from_slice(&[0x19, 0x01]);
        pre[2..34].copy_from_slice(&domain);
        pre[34..].copy_from_slice(&eth::keccak256(&st));
        black_box(k.sign_prehash(&eth::keccak256(&pre)).unwrap().to_hex());
    });
    // Keep the keccak hash in the binary's view for the EIP-191 primitive.
    black_box(eth::keccak256(b""));
}

fn batch_input(req: &str, n: usize) -> Vec<u8> {
    let mut input = Vec::with_capacity((req.len() + 1) * n);
    for _ in 0..n {
        input.extend_from_slice(req.as_bytes());
        input.push(b'\n');
    }
    input
}

/// Where `batch` writes in the benches: every byte is copied, as a pipe would take it,
/// into one reused 64 KiB buffer (a fresh multi-megabyte `Vec` per run would add page
/// faults that writing to stdout never has).
struct Discard {
    buf: Vec<u8>,
    at: usize,
    lines: u64,
}

impl Discard {
    fn new() -> Self {
        Self {
            buf: vec![0; 1 << 16],
            at: 0,
            lines: 0,
        }
    }
}

impl std::io::Write for Discard {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        for piece in data.chunks(self.buf.len()) {
            if self.at + piece.len() > self.buf.len() {
                self.at = 0;
            }
            self.buf[self.at..self.at + piece.len()].copy_from_slice(piece);
            self.at += piece.len();
        }
        self.lines += data.iter().filter(|&&b| b == b'\n').count() as u64;
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn run(input: &[u8], keys: &Keyring, jobs: usize) -> u64 {
    let (clock, ids) = ctx_parts();
    let ctx = Context {
        clock: &clock,
        ids: &ids,
    };
    let mut out = Discard::new();
    let opts = BatchOptions {
        jobs,
        ..BatchOptions::default()
    };
    let s = run_batch(input, &mut out, keys, &ctx, opts).unwrap();
    assert_eq!(s.refused, 0);
    assert_eq!(out.lines, s.signed);
    s.signed
}

fn batch(c: &mut Criterion) {
    let cores = BatchOptions::default().jobs;
    let n = 20_000;
    let ed = ed25519_primitive();
    let k = Secp256k1Signer::from_hex_key_file(KEY.as_bytes()).unwrap();
    let schemes: [(&str, &str, Box<dyn Fn() + Sync>); 2] = [
        ("ed25519 (pacifica)", PACIFICA, Box::new(ed)),
        (
            "eip191 (derive)",
            DERIVE,
            Box::new(move || {
                drop(black_box(
                    k.sign_eip191(black_box(b"1748970123456")).unwrap().to_hex(),
                ))
            }),
        ),
    ];
    let keys = keys(KEY);
    for (name, req, primitive) in &schemes {
        let input = batch_input(req, n);
        let mut g = c.benchmark_group(format!("batch {name}"));
        g.throughput(Throughput::Elements(n as u64));
        g.sample_size(10);
        for jobs in [1, cores] {
            g.bench_function(format!("{n} lines, jobs={jobs}"), |b| {
                b.iter(|| run(&input, &keys, jobs))
            });
        }
        g.finish();
        // The ratio: the primitive on one core, batch on one and on all cores, and the
        // primitive on all cores at once, measured in interleaved rounds (so a neighbour
        // that comes and goes hits every figure alike), best round of each.
        let per = 5_000u32;
        let timed_batch = |jobs| {
            let t = Instant::now();
            run(&input, &keys, jobs);
            t.elapsed().as_secs_f64() / n as f64
        };
        let parallel_primitive = || {
            let t = Instant::now();
            std::thread::scope(|s| {
                for _ in 0..cores {
                    s.spawn(|| {
                        for _ in 0..per {
                            primitive();
                        }
                    });
                }
            });
            t.elapsed().as_secs_f64() / (f64::from(per) * cores as f64)
        };
        let (mut prim, mut one, mut all, mut parallel) = (f64::MAX, f64::MAX, f64::MAX, f64::MAX);
        for _ in 0..7 {
            prim = prim.min(per_op(primitive, per).as_secs_f64());
            one = one.min(timed_batch(1));
            all = all.min(timed_batch(cores));
            parallel = parallel.min(parallel_primitive());
        }
        let target = cores as f64 / prim;
        eprintln!(
            "ratio: batch {name}: primitive {:.0}/s per core, {:.0}/s on {cores} threads at once; batch {:.0}/s on 1 core, {:.0}/s on {cores} cores; batch(1 core) / primitive = {:.2}; batch(all cores) / (primitive x {cores}) = {:.2} (target >= 0.85); batch(all cores) / primitive on {cores} threads = {:.2}",
            1.0 / prim,
            1.0 / parallel,
            1.0 / one,
            1.0 / all,
            prim / one,
            (1.0 / all) / target,
            parallel / all
        );
    }
}

#[allow(clippy::disallowed_methods)] // CARGO_TARGET_DIR is a build setting, not a secret
fn target_dir() -> PathBuf {
    // benches run from the package directory; the workspace target is two levels up.
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

#[allow(clippy::disallowed_types, clippy::disallowed_methods)] // starting processes is what is measured
fn one_shot(_c: &mut Criterion) {
    use std::process::{Command, Stdio};
    let release = target_dir().join("release");
    let airsign = release.join("airsign");
    let noop = release.join("examples/noop");
    if !airsign.exists() || !noop.exists() {
        eprintln!(
            "ratio: one-shot: skipped (build first: cargo build --release -p airsign --bin airsign --example noop)"
        );
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let time = |cmd: &mut dyn FnMut() -> Command| {
        let mut best = Duration::MAX;
        let mut total = Duration::ZERO;
        let runs = 200;
        for _ in 0..runs {
            let t = Instant::now();
            let st = cmd()
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .unwrap();
            let d = t.elapsed();
            assert!(st.success());
            best = best.min(d);
            total += d;
        }
        (best, total / runs)
    };
    let (noop_best, noop_mean) = time(&mut || Command::new(&noop));
    let (ver_best, ver_mean) = time(&mut || {
        let mut c = Command::new(&airsign);
        c.arg("--version");
        c
    });
    let key = root.join("examples/TEST-KEY-readme.json");
    let req = root.join("examples/cancel-order.json");
    let (sign_best, sign_mean) = time(&mut || {
        let mut c = Command::new(&airsign);
        c.arg("sign").arg("--key-file").arg(&key).arg(&req);
        c
    });
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    eprintln!(
        "ratio: one-shot: trivial process {:.2} ms (best {:.2}), airsign --version {:.2} ms, airsign sign (pacifica) {:.2} ms (best {:.2}); sign / trivial = {:.2} (target <= 2.5)",
        ms(noop_mean),
        ms(noop_best),
        ms(ver_mean),
        ms(sign_mean),
        ms(sign_best),
        sign_mean.as_secs_f64() / noop_mean.as_secs_f64()
    );
    let _ = ver_best;

    // Memory: peak RSS of `airsign batch` for 1,000 and for 1,000,000 requests, streamed
    // through a pipe (GNU time reads the child's maximum resident set size).
    let gnu_time = PathBuf::from("/usr/bin/time");
    if !gnu_time.exists() {
        eprintln!("ratio: memory: skipped (no /usr/bin/time)");
        return;
    }
    let peak_kb = |n: usize| -> u64 {
        let dir = std::env::temp_dir().join(format!("airsign-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let key = dir.join("key.hex");
        std::fs::write(&key, KEY).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let mut child = Command::new(&gnu_time)
            .args(["-f", "%M"])
            .arg(&airsign)
            .arg("batch")
            .args(["--scheme", "ed25519", "--key-file"])
            .arg(&key)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            use std::io::Write;
            let chunk = batch_input(PACIFICA, 1000);
            for _ in 0..n / 1000 {
                stdin.write_all(&chunk).unwrap();
            }
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        assert!(
            out.status.success(),
            "batch failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let _ = std::fs::remove_dir_all(&dir);
        String::from_utf8_lossy(&out.stderr)
            .lines()
            .last()
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or(0)
    };
    let small = peak_kb(1_000);
    let t = Instant::now();
    let large = peak_kb(1_000_000);
    let secs = t.elapsed().as_secs_f64();
    eprintln!(
        "ratio: memory: peak RSS {small} KB for 1,000 requests, {large} KB for 1,000,000 ({:.0} requests/s end to end through the binary); large / small = {:.2} (target <= 2)",
        1e6 / secs,
        large as f64 / small.max(1) as f64
    );
}

criterion_group!(benches, venues, batch, one_shot);
criterion_main!(benches);
