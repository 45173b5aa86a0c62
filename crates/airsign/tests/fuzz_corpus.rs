//! Replays the committed fuzz corpora on stable Rust, so every seed and every past crash
//! stays a regression test under a plain `cargo test`.
//!
//! For each target in `fuzz/Cargo.toml` this runs its entry in `airsign::fuzzing` over
//! `fuzz/corpus/<target>/` (curated seeds), `fuzz/regressions/<target>/` (inputs that
//! once crashed, kept under a name that says what they found) and, when present,
//! `fuzz/artifacts/<target>/` (fresh crashes from a local fuzzing run, not committed).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use airsign::fuzzing;

/// A fuzz target's name, its entry point, and the fewest seeds its corpus may hold.
type Target = (&'static str, fn(&[u8]), usize);

/// Every fuzz target.
const TARGETS: &[Target] = &[
    ("request", fuzzing::request_line, 100),
    ("batch", fuzzing::batch, 10),
    ("key_solana_json", fuzzing::key_solana_json, 15),
    ("key_base58", fuzzing::key_base58, 15),
    ("key_hex", fuzzing::key_hex, 15),
    ("key_token", fuzzing::key_token, 20),
    ("keystore_v3", fuzzing::keystore_v3, 30),
    ("canonical_json", fuzzing::canonical_json, 40),
    ("verify_envelope", fuzzing::verify_envelope, 40),
    ("base_url", fuzzing::base_url, 30),
    ("keyring", fuzzing::keyring, 8),
];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

/// Runs `f` on every file of `dir`; returns how many ran and the ones that panicked.
fn replay(dir: &Path, f: fn(&[u8])) -> (usize, Vec<String>) {
    let mut failed = Vec::new();
    let all = files(dir);
    for path in &all {
        let data = std::fs::read(path).unwrap();
        if let Err(e) = catch_unwind(AssertUnwindSafe(|| f(&data))) {
            let why = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            failed.push(format!("{}: {why}", path.display()));
        }
    }
    (all.len(), failed)
}

#[test]
fn every_corpus_and_regression_replays_without_findings() {
    let mut failed = Vec::new();
    for &(name, f, min) in TARGETS {
        let (seeds, mut bad) = replay(&fuzz_dir().join("corpus").join(name), f);
        failed.append(&mut bad);
        let (regressions, mut bad) = replay(&fuzz_dir().join("regressions").join(name), f);
        failed.append(&mut bad);
        let (artifacts, mut bad) = replay(&fuzz_dir().join("artifacts").join(name), f);
        failed.append(&mut bad);
        eprintln!(
            "fuzz {name}: {seeds} seeds, {regressions} regressions, {artifacts} local artifacts replayed"
        );
        assert!(seeds >= min, "{name}: corpus unexpectedly small: {seeds}");
    }
    assert!(failed.is_empty(), "findings:\n{}", failed.join("\n"));
}

#[test]
fn every_fuzz_target_is_replayed_here() {
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap();
    let declared: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|n| *n != "airsign-fuzz")
        .collect();
    let replayed: Vec<&str> = TARGETS.iter().map(|t| t.0).collect();
    assert_eq!(declared, replayed, "fuzz/Cargo.toml targets vs. this test");
    assert!(declared.len() >= 4);
    for name in declared {
        let src =
            std::fs::read_to_string(fuzz_dir().join(format!("fuzz_targets/{name}.rs"))).unwrap();
        assert!(
            src.contains("airsign::fuzzing::"),
            "{name}: one-line target"
        );
    }
}

/// The seeds named `valid-*` really are valid, so the targets' success paths are fuzzed
/// from the start (a parser that refused everything would pass the replay above).
#[test]
fn valid_seeds_are_accepted() {
    use airsign_keys::keystore::Keystore;
    use airsign_keys::{BearerToken, Ed25519Signer, HmacSigner, Secp256k1Signer, SecretBytes};
    let valid = |name: &str| {
        files(&fuzz_dir().join("corpus").join(name))
            .into_iter()
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("valid")
            })
            .map(|p| std::fs::read(p).unwrap())
            .collect::<Vec<_>>()
    };
    let mut n = 0;
    for name in ["key_solana_json", "key_base58", "key_hex"] {
        for data in valid(name) {
            Ed25519Signer::from_key_file(&data).unwrap();
            n += 1;
        }
    }
    for data in valid("key_hex") {
        Secp256k1Signer::from_hex_key_file(&data).unwrap();
    }
    for data in valid("keystore_v3") {
        let ks = Keystore::parse(&data).unwrap();
        assert!(ks.kdf_cost() <= fuzzing::MAX_FUZZ_KDF_COST);
        let s = Secp256k1Signer::from_key_file(&data, || {
            Ok(SecretBytes::new(fuzzing::FUZZ_PASSWORD.to_vec()))
        })
        .unwrap();
        assert_eq!(
            s.address().to_checksum(),
            "0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81"
        );
        n += 1;
    }
    for data in valid("base_url") {
        airsign_core::url::check_base_url(std::str::from_utf8(&data).unwrap()).unwrap();
        n += 1;
    }
    for f in files(&fuzz_dir().join("corpus/base_url")) {
        if f.file_name().unwrap().to_string_lossy().starts_with("bad") {
            let data = std::fs::read(&f).unwrap();
            let text = String::from_utf8(data).unwrap();
            assert!(
                airsign_core::url::check_base_url(&text).is_err(),
                "{text:?}"
            );
        }
    }
    let tokens = fuzz_dir().join("corpus/key_token");
    for f in ["hmac-secret", "opaque-token", "jwt-exp"] {
        let data = std::fs::read(tokens.join(f)).unwrap();
        HmacSigner::from_key_file(&data).unwrap();
        BearerToken::from_key_file(&data).unwrap();
        n += 1;
    }
    assert!(n >= 15, "{n}");
}

/// The `valid-*` seeds of `verify_envelope` really verify (so the fuzzer starts on the
/// success path of every venue), and the tampered ones (`sig-*`, `host-*`) fail.
#[test]
fn verify_seeds_verify_and_tampered_ones_fail() {
    use airsign::Outcome;
    use airsign_core::verify::VerifyOptions;

    let keys = airsign::testing::keyring_signing_anything(fuzzing::VERIFY_FUZZ_SECRET.as_bytes());
    let opts = VerifyOptions {
        base_urls: vec![],
        // Before every seed's `expires_at` (some are signed in 2001): the seeds exercise the
        // signature checks, not expiry (`tests/clock.rs` covers that).
        now_ms: airsign_core::MIN_TIMESTAMP_MS,
    };
    let mut seen = [0usize; 3];
    for p in files(&fuzz_dir().join("corpus/verify_envelope")) {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let (line, outcome) = airsign::verify_line(1, &std::fs::read(&p).unwrap(), &keys, &opts);
        if name.starts_with("valid-") {
            assert_ne!(outcome, Outcome::Failed, "{name}: {line}");
            seen[0] += 1;
        } else if name.starts_with("sig-") || name.starts_with("host-") {
            assert_eq!(outcome, Outcome::Failed, "{name}: {line}");
            seen[1] += 1;
        } else {
            seen[2] += 1;
        }
    }
    assert!(seen[0] >= 60 && seen[1] >= 10, "{seen:?}");
}
