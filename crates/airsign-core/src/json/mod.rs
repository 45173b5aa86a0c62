//! Strict JSON in, exact JSON out.
//!
//! Parsing ([`parse_object`]) refuses what `serde_json` would let through silently:
//! duplicate keys (the last one would win, and a signer must never guess which one the
//! user meant). Numbers keep their exact text (`arbitrary_precision`), so a `u64` id is
//! never rounded through `f64` and `42069.0` stays distinguishable from `42069`.
//!
//! Writing ([`Writer`]) reproduces Python's `json.dumps(obj, separators=(",", ":"))`
//! byte for byte: no whitespace, `ensure_ascii` escapes (`\u00e9`, astral characters as
//! surrogate pairs, lowercase hex), `/` unescaped, short escapes for `\b \f \n \r \t`,
//! other C0 controls and DEL as `\u00XX`. Keys are optionally sorted recursively by code
//! point, which is what venues that sign "sorted compact JSON" mean. Floats are refused:
//! Python prints them with `repr`, and no signed payload in airsign may carry one.

pub mod fast;
mod number;
mod shape;
mod strict;
mod swar;
mod writer;

pub use number::{IntCheck, is_integer, number_as_i64, number_as_u64};
pub use shape::{MAX_DEPTH, MAX_VALUES, check_shape, is_one_document};
pub use strict::parse_object;
pub use writer::{Writer, push_u64};
