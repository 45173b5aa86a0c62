//! Fixes the build's date floor: a host clock that reads earlier than this is wrong, and
//! airsign refuses to take "now" from it.
//!
//! The floor is `SOURCE_DATE_EPOCH` (seconds, the reproducible-builds convention) when the
//! build sets it, else [`CHECKED_IN_FLOOR_S`]. It is never the wall-clock time of the build,
//! so the same sources and environment always give the same binary.

use std::io::Write;

/// The fallback floor: 2026-11-21T23:21:34Z, the commit date of the sources this constant
/// was last updated with. Move it forward now and then (it only has to be in the past of
/// every host that runs the binary).
const CHECKED_IN_FLOOR_S: u64 = 1_795_303_294;

#[allow(
    clippy::disallowed_methods,
    clippy::expect_used,
    clippy::panic,
    reason = "a build script reads the build's SOURCE_DATE_EPOCH (not a secret) and fails the \
              build loudly when it is not a number"
)]
fn main() {
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    println!("cargo:rerun-if-changed=build.rs");
    let floor_s = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => v.trim().parse::<u64>().unwrap_or_else(|_| {
            panic!("SOURCE_DATE_EPOCH must be whole seconds since the Unix epoch, saw {v:?}")
        }),
        _ => CHECKED_IN_FLOOR_S,
    };
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("build_floor.rs");
    let mut f = std::fs::File::create(out).expect("OUT_DIR is writable");
    writeln!(f, "{}", floor_s.saturating_mul(1000)).expect("OUT_DIR is writable");
}
