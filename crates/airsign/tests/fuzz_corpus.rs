//! Replays the committed fuzz corpora on stable Rust, so every seed and every past crash
//! stays a regression test under a plain `cargo test`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

#[test]
fn request_corpus_replays_without_panics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/request");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            airsign::fuzzing::request_line(&std::fs::read(&path).unwrap());
            n += 1;
        }
    }
    eprintln!("fuzz corpus: {n} request inputs replayed");
    assert!(n >= 60, "corpus unexpectedly small: {n}");
}
