//! Writing answered chunks: the summary counted as they go out, the cut at fail-fast, and
//! a closed output (broken pipe) ending the run quietly.

use std::io::{self, Write};

use super::answer::Answered;
use super::{Answer, BatchSummary};

/// Writes answers (without flushing); returns false when the output is gone (broken pipe)
/// or fail-fast hit.
pub(super) fn write_answered<W: Write>(
    out: &mut W,
    a: &Answered,
    summary: &mut BatchSummary,
    fail_fast: bool,
) -> io::Result<bool> {
    let mut cut = a.text.len();
    let mut stop = false;
    for (i, &ok) in a.oks.iter().enumerate() {
        match ok {
            Answer::Good => summary.signed += 1,
            Answer::Unverifiable => summary.unverifiable += 1,
            Answer::Skipped => {}
            Answer::Refused => {
                summary.refused += 1;
                if fail_fast {
                    cut = a.ends[i];
                    stop = true;
                    break;
                }
            }
        }
    }
    if !gone(out.write_all(&a.text.as_bytes()[..cut]), summary)? {
        return Ok(false);
    }
    if stop {
        // What was written before the refusal must reach the reader.
        flush(out, summary)?;
        summary.stopped_early = true;
    }
    Ok(!stop)
}

/// Flushes `out`; false when the output is gone (broken pipe).
pub(super) fn flush<W: Write>(out: &mut W, summary: &mut BatchSummary) -> io::Result<bool> {
    gone(out.flush(), summary)
}

/// A write's result: a broken pipe ends the run quietly (`stopped_early`, false).
fn gone(r: io::Result<()>, summary: &mut BatchSummary) -> io::Result<bool> {
    match r {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            summary.stopped_early = true;
            Ok(false)
        }
        Err(e) => Err(e),
    }
}
