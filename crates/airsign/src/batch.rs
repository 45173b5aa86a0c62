//! The batch pipeline: many requests in, one answer per line out, in input order.
//!
//! `jobs` workers (this thread and `jobs - 1` more) each take the next chunk of lines from
//! the input, sign it, and leave the answers for their turn; whichever worker finds the
//! next answers in line writes them, its own and those the others left meanwhile. There is
//! no reader or writer thread to hand chunks to and wake, so a chunk costs a few
//! uncontended locks, and chunks can stay small (64 lines) without the tail of a run
//! leaving a core idle. The answers waiting for their turn are bounded, and each worker
//! holds one chunk at most, so memory stays flat however long the input is, and a stalled
//! output stops the reading too. A chunk is dispatched early whenever nothing more is
//! buffered, and the writer flushes whenever it has written what was next in line, so a
//! producer that writes one request and waits for its answer is answered at once.
//!
//! A bad line never stops the others (unless `fail_fast`): it is answered with an error
//! object carrying its 1-based line number. That includes a line too long to be a request
//! ([`MAX_LINE_BYTES`]): its bytes are skipped as they are read, never held in memory, and
//! it is answered like any other bad line.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use airsign_core::Context;
use airsign_keys::Keyring;

use crate::{answer_line_into, oversize_line};

/// How one line was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Signed (batch) or verified `ok` (verify).
    Good,
    /// Verified, but not everything could be checked (verify only).
    Unverifiable,
    /// Refused (batch) or `failed` (verify): an error object.
    Refused,
    /// Nothing written for this line (verify skips blank lines).
    Skipped,
}

/// What the pipeline does with each line: `batch` signs it, `verify` checks it.
pub trait LineAnswerer: Sync {
    /// Appends the answer to line `line_no` (no line break) to `out`.
    fn answer(&self, line_no: u64, raw: &[u8], out: &mut String) -> Answer;
    /// Appends the answer to a line longer than `max` bytes, which was not kept.
    fn oversize(&self, line_no: u64, max: usize, out: &mut String) -> Answer;
}

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

/// Longest line `batch` reads as a request (the bytes before its line break): the same
/// 16 MiB that `sign` takes for one request, far above any real cancel.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// How a batch run behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchOptions {
    /// Workers signing in parallel, the calling thread among them (1 = no other thread).
    pub jobs: usize,
    /// Stop after the first refused line (its error is still written).
    pub fail_fast: bool,
    /// Most lines per chunk handed to a worker.
    pub chunk_lines: usize,
    /// Most input bytes per chunk (a chunk closes at the line that crosses it).
    pub chunk_bytes: usize,
    /// Longest line read as a request; longer ones are answered `request.malformed`.
    pub max_line_bytes: usize,
}

impl Default for BatchOptions {
    fn default() -> Self {
        Self {
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            fail_fast: false,
            chunk_lines: 64,
            chunk_bytes: 256 * 1024,
            max_line_bytes: MAX_LINE_BYTES,
        }
    }
}

/// What a batch run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchSummary {
    /// Lines answered with an envelope.
    pub signed: u64,
    /// Lines answered with an error object.
    pub refused: u64,
    /// Lines verified as `unverifiable` (verify only; batch leaves it 0).
    pub unverifiable: u64,
    /// Signed lines whose `expiry_window` is under a second (batch only; for a warning).
    pub short_windows: u64,
    /// Whether the run stopped early (`fail_fast`, or the reader of the output went away).
    pub stopped_early: bool,
}

/// A chunk of input lines and the number of its first line.
struct Chunk {
    seq: u64,
    first_line: u64,
    /// The lines' bytes, concatenated; `ends[i]` is where line `i` ends.
    data: Vec<u8>,
    ends: Vec<usize>,
    /// The lines (indices into `ends`) that were too long; their bytes were skipped.
    oversize: Vec<usize>,
}

/// The answers to one chunk.
struct Answered {
    seq: u64,
    text: String,
    /// Per line, in order: how it was answered.
    oks: Vec<Answer>,
    /// Byte offset in `text` after each line's answer (for cutting at fail-fast).
    ends: Vec<usize>,
}

fn strip_eol(mut raw: &[u8]) -> &[u8] {
    raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    raw.strip_suffix(b"\r").unwrap_or(raw)
}

fn answer_chunk<A: LineAnswerer + ?Sized>(
    chunk: &Chunk,
    answerer: &A,
    max_line_bytes: usize,
) -> Answered {
    let mut text = String::with_capacity(chunk.data.len() * 4 + 64);
    let mut oks = Vec::with_capacity(chunk.ends.len());
    let mut ends = Vec::with_capacity(chunk.ends.len());
    let mut start = 0;
    for (i, &end) in chunk.ends.iter().enumerate() {
        let raw = strip_eol(&chunk.data[start..end]);
        let line_no = chunk.first_line + i as u64;
        let ok = if chunk.oversize.contains(&i) {
            answerer.oversize(line_no, max_line_bytes, &mut text)
        } else {
            answerer.answer(line_no, raw, &mut text)
        };
        if ok != Answer::Skipped {
            text.push('\n');
        }
        oks.push(ok);
        ends.push(text.len());
        start = end;
    }
    Answered {
        seq: chunk.seq,
        text,
        oks,
        ends,
    }
}

/// Reads the next chunk; `None` at end of input, or once `stop` is set.
///
/// Once `stop` is set no further line is taken, and a line whose reading the stop cut
/// short (no line break yet) is dropped: only whole lines are answered.
fn read_chunk<R: Read>(
    input: &mut BufReader<R>,
    seq: u64,
    first_line: u64,
    opts: &BatchOptions,
    stop: &AtomicBool,
) -> io::Result<Option<Chunk>> {
    let mut data = Vec::new();
    let mut ends = Vec::new();
    let mut oversize = Vec::new();
    // Content up to the limit plus its line break.
    let limit = opts.max_line_bytes.saturating_add(1);
    loop {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let start = data.len();
        let n = (&mut *input)
            .take(limit as u64)
            .read_until(b'\n', &mut data)?;
        if n == 0 {
            break;
        }
        if stop.load(Ordering::Relaxed) && data.last() != Some(&b'\n') {
            // The stop came while this line was being read (a stopped reader reports end
            // of input): it is not whole, so it is not answered.
            data.truncate(start);
            break;
        }
        if n == limit && data.last() != Some(&b'\n') {
            // Too long to be a request: drop what was read, skip the rest of the line
            // without keeping it, and answer it with an error like any bad line.
            data.truncate(start);
            data.shrink_to(opts.chunk_bytes.saturating_mul(2));
            input.skip_until(b'\n')?;
            oversize.push(ends.len());
        }
        ends.push(data.len());
        if ends.len() >= opts.chunk_lines || data.len() >= opts.chunk_bytes {
            break;
        }
        // Nothing more buffered: hand over what we have rather than wait on the producer
        // (asking the reader for more here would block until it writes again).
        if input.buffer().is_empty() {
            break;
        }
    }
    Ok((!ends.is_empty()).then_some(Chunk {
        seq,
        first_line,
        data,
        ends,
        oversize,
    }))
}

/// Writes answers (without flushing); returns false when the output is gone (broken pipe)
/// or fail-fast hit.
fn write_answered<W: Write>(
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
fn flush<W: Write>(out: &mut W, summary: &mut BatchSummary) -> io::Result<bool> {
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

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::mpsc;

    const KEY: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";

    fn run(input: &[u8], opts: BatchOptions) -> (String, BatchSummary) {
        let keys = crate::testing::keyring_signing_anything(KEY.as_bytes());
        let mut out = Vec::new();
        let s = Context::fixed(1_748_970_123_456, |ctx| {
            run_batch(input, &mut out, &keys, ctx, opts).unwrap()
        });
        (String::from_utf8(out).unwrap(), s)
    }

    fn mixed_input(n: usize) -> Vec<u8> {
        crate::testing::pacifica_lines(n, 7, 3)
    }

    #[test]
    fn parallel_output_equals_sequential_output_in_order() {
        let input = mixed_input(2000);
        let seq = run(
            &input,
            BatchOptions {
                jobs: 1,
                ..BatchOptions::default()
            },
        );
        for (jobs, chunk_lines) in [(2, 1), (2, 7), (3, 512), (8, 64)] {
            let par = run(
                &input,
                BatchOptions {
                    jobs,
                    chunk_lines,
                    ..BatchOptions::default()
                },
            );
            assert_eq!(par, seq, "jobs={jobs} chunk_lines={chunk_lines}");
        }
        let (text, s) = seq;
        assert_eq!(text.lines().count(), 2000);
        assert_eq!(
            s.refused,
            2000usize.div_ceil(7) as u64 - u64::from(2000 % 7 <= 3)
        );
        for (i, line) in text.lines().enumerate() {
            if i % 7 == 3 {
                assert!(line.contains(&format!("\"line\":{}", i + 1)), "{line}");
            } else {
                assert!(line.contains(&format!("order_id\\\":{i}")), "{line}");
            }
        }
    }

    #[test]
    fn fail_fast_stops_at_the_first_refusal_in_parallel_too() {
        let input = mixed_input(100);
        for jobs in [1, 2, 4] {
            let (text, s) = run(
                &input,
                BatchOptions {
                    jobs,
                    chunk_lines: 2,
                    fail_fast: true,
                    ..BatchOptions::default()
                },
            );
            assert_eq!(text.lines().count(), 4, "jobs={jobs}");
            assert!(s.stopped_early);
            assert_eq!((s.signed, s.refused), (3, 1));
        }
    }

    #[test]
    fn overlong_lines_are_answered_without_being_kept() {
        let good = &mixed_input(1)[..];
        let mut input = Vec::new();
        input.extend_from_slice(good);
        input.extend_from_slice(&[b'x'; 5000]);
        input.push(b'\n');
        input.extend_from_slice(good);
        // Exactly at the limit (the line break not counted): read as a request.
        input.extend_from_slice(&[b' '; 200]);
        input.push(b'\n');
        input.extend_from_slice(&[b'y'; 201]);
        for jobs in [1, 2] {
            let (text, s) = run(
                &input,
                BatchOptions {
                    jobs,
                    max_line_bytes: 200,
                    chunk_lines: 2,
                    ..BatchOptions::default()
                },
            );
            let lines: Vec<&str> = text.lines().collect();
            assert_eq!(lines.len(), 5, "{text}");
            assert!(lines[0].contains("\"signed\""));
            assert!(lines[1].contains("\"line\":2"), "{}", lines[1]);
            assert!(lines[1].contains("longer than 200 bytes"), "{}", lines[1]);
            assert!(lines[2].contains("\"signed\""));
            assert!(lines[3].contains("empty line"), "{}", lines[3]);
            assert!(lines[4].contains("\"line\":5"), "{}", lines[4]);
            assert!(lines[4].contains("longer than 200 bytes"), "{}", lines[4]);
            assert_eq!((s.signed, s.refused), (2, 3));
        }
    }

    #[test]
    fn broken_pipe_ends_quietly() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::from(io::ErrorKind::BrokenPipe))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let keys = crate::testing::keyring_signing_anything(KEY.as_bytes());
        let input = mixed_input(5000);
        for jobs in [1, 2] {
            let s = Context::fixed(1_748_970_123_456, |ctx| {
                run_batch(
                    &input[..],
                    Closed,
                    &keys,
                    ctx,
                    BatchOptions {
                        jobs,
                        ..BatchOptions::default()
                    },
                )
            })
            .unwrap();
            assert!(s.stopped_early);
        }
    }

    /// Input fed line by line from another thread, as a pipe from a waiting producer.
    struct Piped {
        lines: mpsc::Receiver<Vec<u8>>,
        rest: Vec<u8>,
    }

    impl Read for Piped {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.rest.is_empty() {
                match self.lines.recv() {
                    Ok(line) => self.rest = line,
                    Err(_) => return Ok(0),
                }
            }
            let n = self.rest.len().min(buf.len());
            buf[..n].copy_from_slice(&self.rest[..n]);
            self.rest.drain(..n);
            Ok(n)
        }
    }

    /// Output that hands each flushed piece to another thread.
    struct Flushed {
        buf: Vec<u8>,
        to: mpsc::Sender<Vec<u8>>,
    }

    impl Write for Flushed {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            self.buf.extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            if !self.buf.is_empty() {
                let _ = self.to.send(std::mem::take(&mut self.buf));
            }
            Ok(())
        }
    }

    #[test]
    fn a_producer_that_waits_for_each_answer_gets_it() {
        let one = &mixed_input(1);
        for jobs in [1, 2, 4] {
            let (line_tx, line_rx) = mpsc::channel();
            let (out_tx, out_rx) = mpsc::channel();
            let keys = &crate::testing::keyring_signing_anything(KEY.as_bytes());
            std::thread::scope(move |s| {
                // Owned here, so that a failing assertion drops it and the run ends.
                let line_tx = line_tx;
                let run = s.spawn(move || {
                    Context::fixed(1_748_970_123_456, |ctx| {
                        let input = Piped {
                            lines: line_rx,
                            rest: Vec::new(),
                        };
                        let out = Flushed {
                            buf: Vec::new(),
                            to: out_tx,
                        };
                        let opts = BatchOptions {
                            jobs,
                            ..BatchOptions::default()
                        };
                        run_batch(input, out, keys, ctx, opts).unwrap()
                    })
                });
                // Each request is sent only once the previous answer is out: without the
                // early hand-over and flush this would wait forever (hence the timeout).
                for i in 0..5 {
                    line_tx.send(one.to_vec()).unwrap();
                    let answer = out_rx
                        .recv_timeout(std::time::Duration::from_secs(20))
                        .unwrap_or_else(|_| panic!("jobs={jobs}: no answer to request {i}"));
                    let text = String::from_utf8(answer).unwrap();
                    assert_eq!(text.lines().count(), 1, "jobs={jobs}: {text}");
                    assert!(text.contains("\"signed\""), "{text}");
                }
                drop(line_tx);
                let summary = run.join().unwrap();
                assert_eq!((summary.signed, summary.refused), (5, 0));
            });
        }
    }

    /// Input that counts what has been read from it.
    struct Counted<'a> {
        data: &'a [u8],
        read: &'a std::sync::atomic::AtomicUsize,
    }

    impl Read for Counted<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.data.read(buf)?;
            self.read.fetch_add(n, std::sync::atomic::Ordering::SeqCst);
            Ok(n)
        }
    }

    /// Output that takes nothing until it is let go.
    struct Stalled {
        go: mpsc::Receiver<()>,
        started: bool,
        lines: usize,
    }

    impl Write for Stalled {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            if !self.started {
                let _ = self.go.recv();
                self.started = true;
            }
            self.lines += data.iter().filter(|&&b| b == b'\n').count();
            Ok(data.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_stalled_output_stops_the_reading_too() {
        let input = mixed_input(20_000);
        let read = std::sync::atomic::AtomicUsize::new(0);
        let keys = crate::testing::keyring_signing_anything(KEY.as_bytes());
        for jobs in [2, 3] {
            read.store(0, std::sync::atomic::Ordering::SeqCst);
            let opts = BatchOptions {
                jobs,
                chunk_lines: 8,
                ..BatchOptions::default()
            };
            let (go_tx, go_rx) = mpsc::channel();
            let (input, read, keys) = (&input, &read, &keys);
            let summary = std::thread::scope(move |s| {
                // Owned here, so that a failing assertion drops it and the run ends.
                let go_tx = go_tx;
                let run = s.spawn(move || {
                    let mut out = Stalled {
                        go: go_rx,
                        started: false,
                        lines: 0,
                    };
                    let summary = Context::fixed(1_748_970_123_456, |ctx| {
                        let input = Counted { data: input, read };
                        run_batch(input, &mut out, keys, ctx, opts).unwrap()
                    });
                    (summary, out.lines)
                });
                // Wait until the reading stops growing while the output is stalled.
                let mut last = usize::MAX;
                loop {
                    std::thread::sleep(std::time::Duration::from_millis(200));
                    let now = read.load(std::sync::atomic::Ordering::SeqCst);
                    if now == last {
                        break;
                    }
                    last = now;
                }
                // Chunks pending, one being written, one per worker, and what the
                // 64 KiB input buffer holds: far less than the input.
                let chunk = 8 * input.len() / 20_000;
                let bound = (2 * jobs + 2 + 1 + jobs) * chunk + (1 << 16);
                assert!(
                    last <= bound,
                    "jobs={jobs}: read {last} bytes of {} with the output stalled (bound {bound})",
                    input.len()
                );
                go_tx.send(()).unwrap();
                run.join().unwrap()
            });
            let (summary, lines) = summary;
            assert_eq!(lines, 20_000);
            assert_eq!(summary.signed + summary.refused, 20_000);
        }
    }

    /// Input that fails after some bytes.
    struct Failing<'a>(&'a [u8]);

    impl Read for Failing<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Err(io::Error::other("disk on fire"));
            }
            self.0.read(buf)
        }
    }

    #[test]
    fn io_errors_end_the_run_with_an_error() {
        let keys = crate::testing::keyring_signing_anything(KEY.as_bytes());
        let input = mixed_input(300);
        for jobs in [1, 2, 4] {
            let opts = BatchOptions {
                jobs,
                chunk_lines: 16,
                ..BatchOptions::default()
            };
            // Reading fails after 300 lines: those are answered, then the error.
            let mut out = Vec::new();
            let r = Context::fixed(1_748_970_123_456, |ctx| {
                run_batch(Failing(&input), &mut out, &keys, ctx, opts)
            });
            let e = r.expect_err("a read error is an error");
            assert!(e.to_string().contains("disk on fire"), "{e}");
            assert_eq!(String::from_utf8(out).unwrap().lines().count(), 300);
            // Writing fails (not a closed pipe): an error, not a quiet stop.
            struct Full;
            impl Write for Full {
                fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                    Err(io::Error::other("no space left"))
                }
                fn flush(&mut self) -> io::Result<()> {
                    Ok(())
                }
            }
            let r = Context::fixed(1_748_970_123_456, |ctx| {
                run_batch(&input[..], Full, &keys, ctx, opts)
            });
            let e = r.expect_err("a write error is an error");
            assert!(e.to_string().contains("no space left"), "{e}");
        }
    }
}
