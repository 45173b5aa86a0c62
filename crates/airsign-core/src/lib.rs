//! airsign core: what every venue shares.
//!
//! - [`Request`]: the user's request (docs/format.md, "Request"), parsed strictly from JSON.
//! - [`Envelope`]: the ready-to-send output (docs/format.md, "Envelope").
//! - [`json`]: strict parsing (duplicate keys refused, numbers kept exact) and the
//!   Python-compatible compact writer that signed messages are built with.
//! - [`Error`]: one error type with stable machine codes.
//! - [`Context`]: the injected clock and id source, so tests pin timestamps and ids.
//! - [`verify`]: what offline verification of envelopes shares across venues.
//!
//! This crate does no I/O and holds no secrets: key material lives in `airsign-keys`.
//!
//! # Example
//!
//! Parse a request strictly, and fill in what it leaves out from an injected clock and id
//! source (the CLI passes [`SystemClock`] and [`RandomIds`]; tests pin both):
//!
//! ```
//! use airsign_core::{Context, ErrorCode, FixedClock, IdSource, Request, SequenceIds, Transport};
//!
//! let req = Request::parse(r#"{"venue":"pacifica","action":"cancel_order","params":{"order_id":1}}"#)?;
//! assert_eq!(req.transport, Transport::Rest);
//! assert_eq!(req.timestamp, None);
//!
//! let (clock, ids) = (FixedClock(1_748_970_123_456), SequenceIds::new(0));
//! let ctx = Context { clock: &clock, ids: &ids };
//! assert_eq!(req.timestamp_or_now(&ctx)?, 1_748_970_123_456);
//! assert_eq!(ctx.ids.uuid_v4(), "00000000-0000-4000-8000-000000000001");
//!
//! // Seconds where milliseconds belong, and unknown fields, are refused, never guessed at.
//! let e = Request::parse(r#"{"venue":"pacifica","action":"x","timestamp":1748970123}"#).unwrap_err();
//! assert_eq!(e.code(), ErrorCode::RequestInvalid);
//! assert_eq!(e.field(), Some("timestamp"));
//! // A venue names its own top-level fields (`VenueRules::fields`) and refuses the rest.
//! let req = Request::parse(r#"{"venue":"pacifica","action":"x","bogus":1}"#)?;
//! let e = req.allow_extra(&["expiry_window", "account"]).unwrap_err();
//! assert_eq!(e.code().as_str(), "request.unknown_field");
//! # Ok::<(), airsign_core::Error>(())
//! ```
#![forbid(unsafe_code)]

mod context;
mod envelope;
mod error;
pub mod json;
mod request;
pub mod text;
pub mod url;
pub mod validate;
pub mod venue;
pub mod verify;

pub use context::{Clock, Context, FixedClock, IdSource, RandomIds, SequenceIds, SystemClock};
pub use envelope::{Envelope, Headers, Signed};
pub use error::{Error, ErrorCode, Result, json_kind};
pub use request::{
    MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, Request, Transport, check_base_url, timestamp_in_range,
};
pub use venue::{
    ActionInfo, AnyVenue, Drawn, Payload, PayloadScheme, Prepared, Proof, ProofCheck, Prover,
    ReadBack, Scheme, SignerId, Venue, VenueRules, every_action,
};

/// The envelope format version printed as `"airsign":1`.
pub const FORMAT_VERSION: u8 = 1;
