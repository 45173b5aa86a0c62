//! The pipeline: `jobs` workers that each read, answer and, in turn, write chunks, in
//! input order with bounded memory; or the calling thread alone for one job.

use std::collections::BTreeMap;
use std::io::{self, BufReader, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use super::answer::{Answered, answer_chunk};
use super::read::read_chunk;
use super::write::{flush, write_answered};
use super::{BatchOptions, BatchSummary, LineAnswerer};

/// The pipeline itself: every line of `input` answered by `answerer` on `out`, in input
/// order, on `opts.jobs` workers, until the input ends or `stop` is set.
///
/// # Errors
///
/// I/O on `input` or `out` (a closed `out` is not an error: `stopped_early`).
pub fn run_lines<R: Read + Send, W: Write + Send, A: LineAnswerer + ?Sized>(
    input: R,
    mut out: W,
    answerer: &A,
    opts: BatchOptions,
    stop: &AtomicBool,
) -> io::Result<BatchSummary> {
    let mut input = BufReader::with_capacity(1 << 16, input);
    let jobs = opts.jobs.max(1);
    if jobs == 1 {
        let mut summary = BatchSummary::default();
        let mut line = 1;
        let mut seq = 0;
        while let Some(chunk) = read_chunk(&mut input, seq, line, &opts, stop)? {
            seq += 1;
            line += chunk.ends.len() as u64;
            let a = answer_chunk(&chunk, answerer, opts.max_line_bytes);
            if !write_answered(&mut out, &a, &mut summary, opts.fail_fast)?
                || !flush(&mut out, &mut summary)?
            {
                break;
            }
        }
        summary.stopped_early |= stop.load(Ordering::Relaxed);
        return Ok(summary);
    }

    // At most this many answered chunks wait for their turn to be written; with the one
    // chunk each worker holds, that bounds memory however long the input is.
    let max_pending = 2 * jobs + 2;
    let shared = Shared {
        feed: Mutex::new(Feed {
            input,
            seq: 0,
            line: 1,
            done: false,
            error: None,
        }),
        turn: Mutex::new(Turn {
            pending: BTreeMap::new(),
            next: 0,
            writing: false,
            stop: false,
        }),
        room: Condvar::new(),
        out: Mutex::new(Sink {
            out,
            summary: BatchSummary::default(),
            error: None,
        }),
        max_pending,
        answerer,
        opts,
        stop,
    };
    std::thread::scope(|s| -> io::Result<()> {
        // `jobs - 1` more workers beside this thread; each reads its own chunks, signs
        // them, and writes whatever answers are next in line (no reader or writer thread
        // to hand chunks to and wake).
        let workers: Vec<_> = (1..jobs).map(|_| s.spawn(|| shared.work())).collect();
        shared.work();
        for w in workers {
            // Joined explicitly: the scope alone only waits for their closures, and a
            // thread still tearing down after that shows up as a leak under
            // LeakSanitizer (found by the `batch` fuzz target).
            w.join()
                .map_err(|_| io::Error::other("batch worker thread panicked"))?;
        }
        Ok(())
    })?;
    let Shared { feed, out, .. } = shared;
    let mut sink = out.into_inner().unwrap_or_else(PoisonError::into_inner);
    sink.summary.stopped_early |= stop.load(Ordering::Relaxed);
    if let Some(e) = sink.error {
        return Err(e);
    }
    if let Some(e) = feed
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .error
    {
        return Err(e);
    }
    Ok(sink.summary)
}

/// Where the workers take their input from.
struct Feed<R> {
    input: BufReader<R>,
    /// Sequence number and first line number of the next chunk.
    seq: u64,
    line: u64,
    /// End of input (or a read error) reached.
    done: bool,
    error: Option<io::Error>,
}

/// Answered chunks waiting for their turn to be written.
struct Turn {
    pending: BTreeMap<u64, Answered>,
    /// The sequence number to write next.
    next: u64,
    /// A worker is writing: it goes on while the next chunk is pending, so the others
    /// only leave theirs here.
    writing: bool,
    /// Stop early: fail-fast hit, the output gone, or a write failed.
    stop: bool,
}

/// The output and what has been written to it.
struct Sink<W> {
    out: W,
    summary: BatchSummary,
    error: Option<io::Error>,
}

/// What every worker shares.
struct Shared<'a, R, W, A: ?Sized> {
    feed: Mutex<Feed<R>>,
    turn: Mutex<Turn>,
    /// Signalled when `pending` shrinks or the run stops.
    room: Condvar,
    out: Mutex<Sink<W>>,
    max_pending: usize,
    answerer: &'a A,
    opts: BatchOptions,
    /// Set by a signal: read no more.
    stop: &'a AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<R: Read, W: Write, A: LineAnswerer + ?Sized> Shared<'_, R, W, A> {
    /// One worker: read a chunk, answer it, hand it to the writer; until the input ends
    /// or the run stops.
    fn work(&self) {
        // Should a worker panic, the chunk it holds is never written: stop the others
        // rather than let them wait for it.
        let _guard = StopOnPanic(self);
        loop {
            {
                let mut turn = lock(&self.turn);
                while !turn.stop && turn.pending.len() >= self.max_pending {
                    turn = self.room.wait(turn).unwrap_or_else(PoisonError::into_inner);
                }
                if turn.stop {
                    return;
                }
            }
            let chunk = {
                let mut feed = lock(&self.feed);
                if feed.done {
                    return;
                }
                let (seq, line) = (feed.seq, feed.line);
                match read_chunk(&mut feed.input, seq, line, &self.opts, self.stop) {
                    Ok(Some(chunk)) => {
                        feed.seq += 1;
                        feed.line += chunk.ends.len() as u64;
                        chunk
                    }
                    Ok(None) => {
                        feed.done = true;
                        return;
                    }
                    Err(e) => {
                        // The chunks already read are still answered and written.
                        feed.done = true;
                        feed.error = Some(e);
                        return;
                    }
                }
            };
            let answered = answer_chunk(&chunk, self.answerer, self.opts.max_line_bytes);
            drop(chunk);
            self.deliver(answered);
        }
    }

    /// Leaves `a` for the writer, and becomes the writer if there is none: then writes
    /// every answer that is next in line, its own and those others left meanwhile.
    fn deliver(&self, a: Answered) {
        let mut turn = lock(&self.turn);
        if turn.stop {
            return;
        }
        turn.pending.insert(a.seq, a);
        if turn.writing {
            return;
        }
        turn.writing = true;
        loop {
            let mut ready = Vec::new();
            loop {
                let next = turn.next;
                let Some(a) = turn.pending.remove(&next) else {
                    break;
                };
                turn.next += 1;
                ready.push(a);
            }
            if ready.is_empty() {
                turn.writing = false;
                return;
            }
            self.room.notify_all();
            drop(turn);
            let go_on = {
                let mut sink = lock(&self.out);
                let Sink {
                    out,
                    summary,
                    error,
                } = &mut *sink;
                let mut go_on = true;
                for a in &ready {
                    match write_answered(out, a, summary, self.opts.fail_fast) {
                        Ok(true) => {}
                        Ok(false) => go_on = false,
                        Err(e) => {
                            *error = Some(e);
                            go_on = false;
                        }
                    }
                    if !go_on {
                        break;
                    }
                }
                // Flushed once whatever was next in line is written: a producer waiting
                // for its answer gets it now.
                if go_on {
                    match flush(out, summary) {
                        Ok(true) => {}
                        Ok(false) => go_on = false,
                        Err(e) => {
                            *error = Some(e);
                            go_on = false;
                        }
                    }
                }
                go_on
            };
            turn = lock(&self.turn);
            if !go_on {
                turn.stop = true;
                turn.writing = false;
                turn.pending.clear();
                self.room.notify_all();
                return;
            }
        }
    }
}

/// Stops the run when the worker holding it unwinds.
struct StopOnPanic<'s, 'a, R, W, A: ?Sized>(&'s Shared<'a, R, W, A>);

impl<R, W, A: ?Sized> Drop for StopOnPanic<'_, '_, R, W, A> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut turn = lock(&self.0.turn);
            turn.stop = true;
            self.0.room.notify_all();
        }
    }
}
