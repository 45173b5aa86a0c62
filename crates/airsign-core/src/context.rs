//! The injected clock and id source.
//!
//! Nothing in a venue crate reads the time or draws randomness directly: it asks the
//! [`Context`]. The CLI passes the real ones; tests pass [`FixedClock`] and
//! [`SequenceIds`], which is what makes "same input, key and timestamp, same bytes" hold.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of "now", in milliseconds since the Unix epoch.
pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;

    /// "Now" for a request without a `timestamp`, or an error when this clock cannot be
    /// trusted to say (a host clock set before the program was built). The default
    /// trusts [`Clock::now_ms`].
    fn now_checked(&self) -> crate::Result<u64> {
        Ok(self.now_ms())
    }
}

/// A source of request ids for venues whose frames carry one (WebSocket, JSON-RPC).
pub trait IdSource: Send + Sync {
    /// A fresh random (version 4) UUID in canonical lowercase form.
    fn uuid_v4(&self) -> String;
    /// A fresh positive integer id (JSON-RPC style).
    fn int_id(&self) -> u64;
}

/// What a venue's `build` may ask of the outside world: the time and fresh ids.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The clock for requests without a `timestamp`.
    pub clock: &'a dyn Clock,
    /// The id source for requests without an `id`.
    pub ids: &'a dyn IdSource,
}

impl std::fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context").finish_non_exhaustive()
    }
}

impl Context<'_> {
    /// Runs `f` with a clock stuck at `now_ms` and ids counting up from 0: the context
    /// of tests and fuzzing, where the same input must give the same bytes.
    pub fn fixed<T>(now_ms: u64, f: impl FnOnce(&Context<'_>) -> T) -> T {
        let clock = FixedClock(now_ms);
        let ids = SequenceIds::new(0);
        f(&Context {
            clock: &clock,
            ids: &ids,
        })
    }
}

/// The host's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        // A clock before 1970 is a broken host; 0 then fails every venue's range check.
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0)
    }
}

/// A clock stuck at one instant (tests, reproducible runs).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub u64);

impl Clock for FixedClock {
    fn now_ms(&self) -> u64 {
        self.0
    }
}

/// Ids from the operating system's random source.
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomIds;

impl IdSource for RandomIds {
    fn uuid_v4(&self) -> String {
        let mut b = [0u8; 16];
        // The OS random source does not fail on supported platforms; if it ever did,
        // a time-derived fallback still gives a unique, well-formed id.
        if getrandom::fill(&mut b).is_err() {
            let t = SystemClock.now_ms().to_le_bytes();
            b[..8].copy_from_slice(&t);
        }
        uuid_from_bytes(b)
    }

    fn int_id(&self) -> u64 {
        let mut b = [0u8; 8];
        let _ = getrandom::fill(&mut b);
        // Keep it within 2^53 so JavaScript peers echo it back exactly.
        (u64::from_le_bytes(b) & ((1 << 53) - 1)).max(1)
    }
}

/// Deterministic ids: UUIDs and integers from a counter (tests, reproducible runs).
#[derive(Debug, Default)]
pub struct SequenceIds(AtomicU64);

impl SequenceIds {
    /// A sequence starting after `start`.
    pub fn new(start: u64) -> Self {
        Self(AtomicU64::new(start))
    }
}

impl IdSource for SequenceIds {
    fn uuid_v4(&self) -> String {
        let n = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        let mut b = [0u8; 16];
        b[8..].copy_from_slice(&n.to_be_bytes());
        uuid_from_bytes(b)
    }

    fn int_id(&self) -> u64 {
        self.0.fetch_add(1, Ordering::Relaxed) + 1
    }
}

/// Formats 16 bytes as a version-4, variant-1 UUID.
fn uuid_from_bytes(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h =
        |r: std::ops::Range<usize>| -> String { b[r].iter().map(|x| format!("{x:02x}")).collect() };
    format!(
        "{}-{}-{}-{}-{}",
        h(0..4),
        h(4..6),
        h(6..8),
        h(8..10),
        h(10..16)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_canonical() {
        let ids = SequenceIds::new(0);
        assert_eq!(ids.uuid_v4(), "00000000-0000-4000-8000-000000000001");
        assert!(crate::validate::is_canonical_uuid(&RandomIds.uuid_v4()));
    }
}
