//! airsign core: what every venue shares.
//!
//! - [`Request`]: the user's request (CONTRACT.md §1), parsed strictly from JSON.
//! - [`Envelope`]: the ready-to-send output (CONTRACT.md §2).
//! - [`json`]: strict parsing (duplicate keys refused, numbers kept exact) and the
//!   Python-compatible compact writer that signed messages are built with.
//! - [`Error`]: one error type with stable machine codes.
//! - [`Context`]: the injected clock and id source, so tests pin timestamps and ids.
//! - [`verify`]: what offline verification of envelopes shares across venues.
//!
//! This crate does no I/O and holds no secrets: key material lives in `airsign-keys`.
#![forbid(unsafe_code)]

mod context;
mod envelope;
mod error;
pub mod json;
mod request;
pub mod text;
pub mod url;
pub mod validate;
pub mod verify;

pub use context::{Clock, Context, FixedClock, IdSource, RandomIds, SequenceIds, SystemClock};
pub use envelope::{Envelope, Headers, Signed};
pub use error::{Error, ErrorCode, Result, json_kind};
pub use request::{MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, Request, Transport, timestamp_in_range};

/// The envelope format version printed as `"airsign":1`.
pub const FORMAT_VERSION: u8 = 1;
