//! Writing to stdout and stderr without panicking and without losing a failure.
//!
//! std's `println!`/`eprintln!` panic when the stream cannot be written (`> /dev/full`,
//! `2>/dev/full`); airsign never uses them. Every line for people goes through
//! [`stderr_line`], which never fails and records a failed write so the run can end with
//! the I/O exit code ([`exit_code`]). Every JSON line goes through [`stdout_line`], which
//! tells the three endings apart: written, the reader went away (a closed stdout is not an
//! error: the run stops quietly), or a real write error (exit 3).

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static STDERR_FAILED: AtomicBool = AtomicBool::new(false);

/// How a write to stdout ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Written and flushed.
    Yes,
    /// The reader went away (broken pipe): not an error, but stop writing.
    Closed,
}

/// Whether a write error means the reader went away (a closed pipe), which is not an
/// error for airsign.
pub fn is_closed(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe
}

/// Writes one message line (`airsign: …` is the caller's) to stderr in a single write.
///
/// Never panics and never fails: a write error other than a closed pipe is recorded, and
/// [`exit_code`] turns a successful run into exit 3.
pub fn stderr_line(args: fmt::Arguments<'_>) {
    let mut line = args.to_string();
    line.push('\n');
    let mut err = io::stderr().lock();
    if let Err(e) = err.write_all(line.as_bytes()).and_then(|()| err.flush())
        && !is_closed(&e)
    {
        STDERR_FAILED.store(true, Ordering::Relaxed);
    }
}

/// Whether a message for stderr could not be written (anything but a closed pipe).
pub fn stderr_failed() -> bool {
    STDERR_FAILED.load(Ordering::Relaxed)
}

/// Writes `line` and a line break to stdout and flushes.
///
/// # Errors
///
/// Any write error but a broken pipe (which is [`Written::Closed`]), e.g. a full disk.
pub fn stdout_line(line: &str) -> io::Result<Written> {
    let mut out = io::stdout().lock();
    let r = out
        .write_all(line.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match r {
        Ok(()) => Ok(Written::Yes),
        Err(e) if is_closed(&e) => Ok(Written::Closed),
        Err(e) => Err(e),
    }
}

/// The exit code a run ends with: `code`, except that a run that would exit 0 exits 3
/// (I/O) when a message could not be written to stderr.
pub fn exit_code(code: u8) -> u8 {
    if code == 0 && stderr_failed() {
        3
    } else {
        code
    }
}
