//! Helpers shared by the CLI-level tests: where the repo is, how to start the binary as a
//! user would (no inherited key-file variables), and how to write a private key file.
//! They live in `airsign-testkit`; this module only names the binary under test.

#![allow(dead_code, unused_imports)]
#![allow(
    clippy::disallowed_types,
    reason = "the CLI tests start the built binary, as a user would; airsign itself never \
              starts a program (clippy.toml)"
)]

use std::ffi::OsStr;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

pub use airsign_testkit::cli::{
    MOBULA_BUILDERS, all_schemes_keyring, gnu_time, private_file, private_key, run_with_stdin,
    set_mode,
};
pub use airsign_testkit::root;

/// The built `airsign` binary.
pub const BIN: &str = env!("CARGO_BIN_EXE_airsign");

/// The built `airsign` binary, run from the repository root, with no key, password or
/// keyring file inherited from the environment.
pub fn airsign() -> Command {
    airsign_testkit::cli::command(BIN)
}

/// Runs the binary with `args` and `stdin` under `/usr/bin/time -v`: its output, peak
/// resident set size in KiB, and wall time. `None` without GNU time.
pub fn measured(args: &[&OsStr], stdin: Stdio) -> Option<(Output, u64, Duration)> {
    airsign_testkit::cli::measured(BIN, args, stdin)
}
