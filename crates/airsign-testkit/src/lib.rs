//! Test support for the airsign workspace (not published): the reference-vector harness
//! and helpers for running the built binary.
//!
//! - [`Case`], [`load`] and [`load_all`] read `vectors/<venue>.jsonl`, with the number of
//!   cases each file must hold ([`EXPECTED_COUNTS`]), so a truncated copy fails.
//! - [`keyring_for`] gives a case's key the scheme its `key.kind` names, under a policy
//!   that allows every action and the case's own `base_url` ([`signing_policy`]): the
//!   vectors test signing, not policy. [`with_context`] is the fixed clock and ids.
//! - [`check_valid`] compares every field of a valid case's `expected` byte for byte
//!   (an unknown field fails); [`check_refusal`] holds a must-fail case to the error code
//!   and field `vectors/refusals.tsv` records for it ([`refusals`]).
//! - [`run_vectors`] runs one venue's file through that venue alone (the keyring's
//!   authorization, then [`airsign_core::AnyVenue::build`]); every venue crate calls it from
//!   its own `tests/vectors.rs`. The CLI's harness runs the same cases through
//!   `airsign::sign_request` with [`assert_cases`].
//! - [`cli`]: starting the built binary as a user would, private key files, keyrings,
//!   and peak memory under GNU time.
//!
//! It depends on no venue crate and not on the CLI: venue names appear only as the
//! vector files' own names.

#![forbid(unsafe_code)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test support: a malformed vector file or a failed check must stop the test \
              loudly, as the tests that call it may"
)]

mod case;
mod check;
pub mod cli;
mod run;
mod signing;

pub use case::{Case, EXPECTED_COUNTS, load, load_all, root};
pub use check::{
    KNOWN_FIELDS, Refusals, SignFn, assert_cases, check_refusal, check_valid, refusals,
    stale_refusals,
};
pub use run::{build_through, run_vectors};
pub use signing::{
    DEFAULT_NOW, VECTOR_KEY_1, VECTOR_KEY_2, VECTOR_KEY_3, VECTOR_KEY_4, VECTOR_KEYS, keyring_for,
    keyring_with, now_for, signing_policy, with_context,
};
