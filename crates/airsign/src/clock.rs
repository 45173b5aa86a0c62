//! Clock discipline for a host that may have no network time: the host clock is only
//! trusted when it reads a time after this binary was built, `--now` replaces it, and a
//! validity window too short to carry across the air gap is warned about.

use airsign_core::{Clock, Error, ErrorCode, Result, SystemClock, timestamp_in_range};

/// The earliest time (ms since the Unix epoch) a correct host clock can read: the build's
/// date floor (`SOURCE_DATE_EPOCH` when the build set it, else a checked-in date; never
/// the wall-clock time of the build, so builds stay reproducible).
pub const BUILD_FLOOR_MS: u64 = include!(concat!(env!("OUT_DIR"), "/build_floor.rs"));

/// Shortest time left before `expires_at` that a person can still carry an envelope
/// across the gap and send it in (ms); less gets a warning on stderr.
pub const SHORT_WINDOW_MS: u64 = 10_000;

/// The host clock, refused when it reads earlier than [`BUILD_FLOOR_MS`]: such a clock is
/// wrong (a dead RTC battery reads 1970, a stale image 2019), and a request signed with
/// its "now" would be stale or refused at the venue.
#[derive(Debug, Clone, Copy)]
pub struct HostClock {
    floor_ms: u64,
    read: fn() -> u64,
}

impl Default for HostClock {
    fn default() -> Self {
        Self::new()
    }
}

impl HostClock {
    /// The real host clock with this build's floor.
    pub fn new() -> Self {
        Self {
            floor_ms: BUILD_FLOOR_MS,
            read: || SystemClock.now_ms(),
        }
    }

    /// A host clock read through `read` (tests: a host whose clock says 1970).
    pub fn with_reader(floor_ms: u64, read: fn() -> u64) -> Self {
        Self { floor_ms, read }
    }

    /// The host clock's reading, or the error that says it is before the build.
    pub fn check(&self) -> Result<u64> {
        let now = (self.read)();
        if now < self.floor_ms {
            return Err(Error::new(
                ErrorCode::ClockBeforeBuild,
                None,
                format!(
                    "the host clock reads {} ({now} ms), earlier than this build of airsign \
                     ({}); it is wrong, so airsign will not take the time from it. Set the \
                     host clock, or give the time in ms since the Unix epoch yourself (sign \
                     and batch: --now MS, or a timestamp in each request; verify: --at MS)",
                    utc(now),
                    utc(self.floor_ms)
                ),
            ));
        }
        Ok(now)
    }
}

impl Clock for HostClock {
    fn now_ms(&self) -> u64 {
        (self.read)()
    }

    fn now_checked(&self) -> Result<u64> {
        self.check()
    }
}

/// Parses a `--now` / `--at` value: whole milliseconds since the Unix epoch, in the range
/// every request timestamp must be in (a 10-digit value is seconds and refused).
pub fn parse_ms(s: &str) -> std::result::Result<u64, String> {
    let ms: u64 = s.parse().map_err(|_| {
        format!("expected whole milliseconds since the Unix epoch (e.g. 1748970123456), saw {s:?}")
    })?;
    if !timestamp_in_range(ms) {
        let hint = if (1_000_000_000..10_000_000_000).contains(&ms) {
            " (10 digits: that is seconds; multiply by 1000)"
        } else {
            ""
        };
        return Err(format!(
            "expected milliseconds since the Unix epoch between 100000000000 (1973) and the \
             end of year 9999, saw {ms}{hint}"
        ));
    }
    Ok(ms)
}

/// The warning for an envelope line whose `expires_at` leaves less than
/// [`SHORT_WINDOW_MS`] after `now_ms`, if it does. Reads only the line's end, where the
/// envelope writer puts `"expires_at":N}`; an error object or `null` gets none.
pub fn short_window_warning(line: &[u8], now_ms: u64) -> Option<String> {
    window_warning(expires_at_of_line(line)?, now_ms)
}

/// The warning for an envelope expiring at `expires_at` when it is `now_ms`, if any.
fn window_warning(expires_at: u64, now_ms: u64) -> Option<String> {
    let left = expires_at.checked_sub(now_ms);
    match left {
        Some(left) if left >= SHORT_WINDOW_MS => None,
        Some(left) => Some(format!(
            "expires at {} ({expires_at}), {}.{:03} s from now: too short to carry across an \
             air gap and send (under {} s); sign closer to sending or ask for a longer window",
            utc(expires_at),
            left / 1000,
            left % 1000,
            SHORT_WINDOW_MS / 1000
        )),
        None => Some(format!(
            "expired at {} ({expires_at}), before it was signed: the venue will refuse it",
            utc(expires_at)
        )),
    }
}

/// A writer that passes everything through to `inner` and, for each complete output line
/// (an envelope or an error object, as `batch` writes them), calls `warn(line number,
/// message)` when [`short_window_warning`] has one. It keeps only the end of the current
/// line, so it costs no copy of the output.
pub struct WindowWatch<'a, W> {
    inner: W,
    clock: &'a dyn Clock,
    warn: Box<dyn FnMut(u64, String) + Send + 'a>,
    line: u64,
    tail: Vec<u8>,
}

impl<W: std::fmt::Debug> std::fmt::Debug for WindowWatch<'_, W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WindowWatch")
            .field("inner", &self.inner)
            .field("line", &self.line)
            .finish_non_exhaustive()
    }
}

/// Bytes of a line's end kept: `"expires_at":` and a u64 and `}` fit.
const TAIL: usize = 40;

impl<'a, W> WindowWatch<'a, W> {
    /// Watches the lines written to `inner`, judging windows against `clock`.
    pub fn new(
        inner: W,
        clock: &'a dyn Clock,
        warn: Box<dyn FnMut(u64, String) + Send + 'a>,
    ) -> Self {
        Self {
            inner,
            clock,
            warn,
            line: 0,
            tail: Vec::with_capacity(TAIL * 2),
        }
    }

    fn scan(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while let Some(i) = memchr::memchr(b'\n', rest) {
            let (head, next) = rest.split_at(i);
            self.tail
                .extend_from_slice(&head[head.len().saturating_sub(TAIL)..]);
            self.line += 1;
            // The clock is read only for a line that has an `expires_at`.
            if let Some(msg) = expires_at_of_line(&self.tail)
                .and_then(|at| window_warning(at, self.clock.now_ms()))
            {
                (self.warn)(self.line, msg);
            }
            self.tail.clear();
            rest = &next[1..];
        }
        self.tail.extend_from_slice(rest);
        if self.tail.len() > TAIL {
            self.tail.drain(..self.tail.len() - TAIL);
        }
    }
}

impl<W: std::io::Write> std::io::Write for WindowWatch<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.scan(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// `N` from a line ending in `"expires_at":N}` (an envelope as airsign writes it).
fn expires_at_of_line(line: &[u8]) -> Option<u64> {
    const KEY: &[u8] = b"\"expires_at\":";
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let inner = line.strip_suffix(b"}")?;
    let digits_start = inner
        .iter()
        .rposition(|b| !b.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let (head, digits) = inner.split_at(digits_start);
    if digits.is_empty() || !head.ends_with(KEY) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// `ms` as an ISO 8601 UTC time with milliseconds (`1970-01-01T00:00:00.000Z`).
pub fn utc(ms: u64) -> String {
    let secs = ms / 1000;
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        ms % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(utc(1_748_970_123_456), "2025-06-03T17:02:03.456Z");
        assert_eq!(utc(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(utc(253_402_300_799_999), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn expires_at_is_read_from_the_line_end_only() {
        assert_eq!(expires_at_of_line(br#"{"a":1,"expires_at":5}"#), Some(5));
        assert_eq!(expires_at_of_line(b"{\"expires_at\":12}\n"), Some(12));
        assert_eq!(expires_at_of_line(br#"{"expires_at":null}"#), None);
        assert_eq!(expires_at_of_line(br#"{"x":"\"expires_at\":5}"}"#), None);
        assert_eq!(expires_at_of_line(br#"{"error":{"code":"x"}}"#), None);
        let line = br#"{"expires_at":20000}"#;
        assert!(short_window_warning(line, 10_000).is_none());
        assert!(
            short_window_warning(line, 10_001)
                .unwrap()
                .contains("9.999 s")
        );
        assert!(
            short_window_warning(line, 30_000)
                .unwrap()
                .contains("expired")
        );
    }

    #[test]
    fn the_floor_refuses_an_early_clock_and_names_it() {
        let c = HostClock::with_reader(1_000_000_000_000, || 0);
        let e = c.now_checked().unwrap_err();
        assert_eq!(e.code(), ErrorCode::ClockBeforeBuild);
        assert_eq!(e.field(), None);
        assert!(
            e.message().starts_with("the host clock reads 1970-01-01"),
            "{e}"
        );
        let ok = HostClock::with_reader(1_000_000_000_000, || 1_000_000_000_000);
        assert_eq!(ok.now_checked().unwrap(), 1_000_000_000_000);
    }

    #[test]
    fn the_watch_sees_each_line_however_it_is_cut() {
        use std::io::Write;
        let clock = airsign_core::FixedClock(100_000);
        let text = b"{\"expires_at\":105000}\n{\"error\":{}}\n{\"expires_at\":null}\n{\"a\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",\"expires_at\":90000}\n";
        for cut in 1..text.len() {
            let seen = std::sync::Mutex::new(Vec::new());
            let mut out = Vec::new();
            {
                let mut w = WindowWatch::new(
                    &mut out,
                    &clock,
                    Box::new(|n, _| seen.lock().unwrap().push(n)),
                );
                w.write_all(&text[..cut]).unwrap();
                w.write_all(&text[cut..]).unwrap();
            }
            assert_eq!(out, text);
            assert_eq!(*seen.lock().unwrap(), vec![1, 4], "cut at {cut}");
        }
    }

    #[test]
    fn now_values() {
        assert_eq!(parse_ms("1748970123456"), Ok(1_748_970_123_456));
        assert!(parse_ms("1748970123").unwrap_err().contains("seconds"));
        assert!(parse_ms("-1").is_err());
        assert!(parse_ms("12.5").is_err());
    }

    #[test]
    fn the_floor_is_in_the_past_of_this_test() {
        const { assert!(BUILD_FLOOR_MS > 1_700_000_000_000) };
        assert!(HostClock::new().check().is_ok());
    }
}
