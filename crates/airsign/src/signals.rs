//! SIGTERM, SIGINT and SIGHUP during a batch: stop reading, answer what was read, exit
//! with 128 + the signal's number.
//!
//! The handlers (signal-hook's `flag` API: safe, and nothing runs in the handler but an
//! atomic store) only record that a signal came and which; the batch checks the flag
//! before every line it takes. Handlers are installed with `SA_RESTART`, so a write that a
//! signal interrupts carries on and every line written is whole. A read from a pipe or
//! terminal could wait for the producer forever, so [`StopReader`] waits with `poll` in
//! short slices and reports end of input once the flag is up. A second signal of the same
//! kind ends the process at once (the user insists), with the same exit code.

use std::io::{self, Read};
use std::os::fd::AsFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::flag;

/// The signals that stop a batch.
pub const STOP_SIGNALS: [i32; 3] = [SIGTERM, SIGINT, SIGHUP];

/// The exit code after a stop signal: 128 + its number, as shells report a process the
/// signal killed (SIGHUP 129, SIGINT 130, SIGTERM 143).
pub fn exit_code_for(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(128)
}

/// The signal's name, for messages.
pub fn name(signal: i32) -> &'static str {
    match signal {
        SIGTERM => "SIGTERM",
        SIGINT => "SIGINT",
        SIGHUP => "SIGHUP",
        _ => "a signal",
    }
}

/// Whether a stop signal came, and which.
#[derive(Debug, Clone)]
pub struct Stop {
    any: Arc<AtomicBool>,
    which: Arc<AtomicUsize>,
}

impl Stop {
    /// Installs the handlers for [`STOP_SIGNALS`].
    ///
    /// # Errors
    ///
    /// When the OS refuses a handler.
    pub fn install() -> io::Result<Self> {
        let stop = Self {
            any: Arc::new(AtomicBool::new(false)),
            which: Arc::new(AtomicUsize::new(0)),
        };
        for sig in STOP_SIGNALS {
            // First the second-signal rule (it sees the flag as the first signal left it),
            // then the flags themselves.
            flag::register_conditional_shutdown(
                sig,
                i32::from(exit_code_for(sig)),
                Arc::clone(&stop.any),
            )?;
            flag::register_usize(sig, Arc::clone(&stop.which), sig as usize)?;
            flag::register(sig, Arc::clone(&stop.any))?;
        }
        Ok(stop)
    }

    /// The flag the batch checks; set by the first stop signal.
    pub fn flag(&self) -> &AtomicBool {
        &self.any
    }

    /// The signal that came, if one did.
    pub fn signal(&self) -> Option<i32> {
        if !self.any.load(Ordering::SeqCst) {
            return None;
        }
        i32::try_from(self.which.load(Ordering::SeqCst))
            .ok()
            .filter(|&s| s != 0)
            .or(Some(SIGTERM))
    }
}

/// A reader that waits for input in slices of [`StopReader::SLICE_MS`] and reports end of
/// input once `stop` is set, so a stop signal is not kept waiting by a silent producer.
pub struct StopReader<R> {
    inner: R,
    stop: Arc<AtomicBool>,
}

impl<R> StopReader<R> {
    /// How long one wait for input lasts before the flag is checked again.
    pub const SLICE_MS: i64 = 100;

    /// Wraps `inner`; reads end once `stop`'s flag is set.
    pub fn new(inner: R, stop: &Stop) -> Self {
        Self {
            inner,
            stop: Arc::clone(&stop.any),
        }
    }
}

impl<R: Read + AsFd> Read for StopReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use rustix::event::{PollFd, PollFlags, Timespec, poll};
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return Ok(0);
            }
            let ready = {
                let mut fds = [PollFd::new(&self.inner, PollFlags::IN)];
                let slice = Timespec {
                    tv_sec: 0,
                    tv_nsec: Self::SLICE_MS * 1_000_000,
                };
                match poll(&mut fds, Some(&slice)) {
                    Ok(n) => n > 0,
                    Err(rustix::io::Errno::INTR) => false,
                    // A descriptor poll cannot wait on: just read it.
                    Err(_) => true,
                }
            };
            if ready {
                return self.inner.read(buf);
            }
        }
    }
}
