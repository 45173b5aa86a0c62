//! `batch`'s own answerer (each line a request to sign) and its entry points.

use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use airsign_core::Context;
use airsign_keys::Keyring;

use super::{Answer, BatchOptions, BatchSummary, LineAnswerer, run_lines};
use crate::{answer_line_into, oversize_line};

/// `batch`: each line is a request to sign.
struct Signer<'a> {
    keys: &'a Keyring,
    ctx: &'a Context<'a>,
    /// Signed lines with an `expiry_window` under a second (for one warning).
    short_windows: AtomicU64,
}

impl LineAnswerer for Signer<'_> {
    fn answer(&self, line_no: u64, raw: &[u8], out: &mut String) -> Answer {
        if answer_line_into(line_no, raw, self.keys, self.ctx, out) {
            if std::str::from_utf8(raw)
                .ok()
                .and_then(crate::short_expiry_window)
                .is_some()
            {
                self.short_windows.fetch_add(1, Ordering::Relaxed);
            }
            Answer::Good
        } else {
            Answer::Refused
        }
    }
    fn oversize(&self, line_no: u64, max: usize, out: &mut String) -> Answer {
        out.push_str(&oversize_line(line_no, max));
        Answer::Refused
    }
}

/// Answers every line of `input` (read in large buffered blocks) on `out`: one output line per input line, in input
/// order, each an envelope or an error object with its `"line"`.
///
/// Returns an error only for I/O on `input` or `out`; a closed `out` (broken pipe) ends
/// the run quietly with `stopped_early`.
pub fn run_batch<R: Read + Send, W: Write + Send>(
    input: R,
    out: W,
    keys: &Keyring,
    ctx: &Context<'_>,
    opts: BatchOptions,
) -> io::Result<BatchSummary> {
    run_batch_until(input, out, keys, ctx, opts, &AtomicBool::new(false))
}

/// [`run_batch`] that stops reading once `stop` is set (by a signal handler): the lines
/// already taken are answered and written whole, then the run ends with `stopped_early`.
/// An `input` that blocks should return end of input once `stop` is set, or the stop waits
/// for its next line.
pub fn run_batch_until<R: Read + Send, W: Write + Send>(
    input: R,
    out: W,
    keys: &Keyring,
    ctx: &Context<'_>,
    opts: BatchOptions,
    stop: &AtomicBool,
) -> io::Result<BatchSummary> {
    let signer = Signer {
        keys,
        ctx,
        short_windows: AtomicU64::new(0),
    };
    let mut summary = run_lines(input, out, &signer, opts, stop)?;
    summary.short_windows = signer.short_windows.load(Ordering::Relaxed);
    Ok(summary)
}
