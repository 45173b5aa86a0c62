//! The batch pipeline: many requests in, one answer per line out, in input order.
//!
//! A reader cuts the input into chunks of lines, `jobs` workers sign chunks in parallel,
//! and the writer puts the answers back in input order. The work in flight is bounded
//! (a fixed number of chunks, each of bounded size), so memory stays flat however long
//! the input is. A chunk is dispatched early whenever the reader has no more input
//! buffered, so a producer that writes one request and waits for its answer is answered
//! at once; bulk input still travels in large chunks.
//!
//! A bad line never stops the others (unless `fail_fast`): it is answered with an error
//! object carrying its 1-based line number. That includes a line too long to be a request
//! ([`MAX_LINE_BYTES`]): its bytes are skipped as they are read, never held in memory, and
//! it is answered like any other bad line.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use airsign_core::Context;
use airsign_keys::Keyring;

use crate::{answer_line_into, oversize_line};

/// Longest line `batch` reads as a request (the bytes before its line break): the same
/// 16 MiB that `sign` takes for one request, far above any real cancel.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// How a batch run behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchOptions {
    /// Worker threads signing in parallel (1 = sign on the calling thread).
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
            chunk_lines: 512,
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
    /// Per line: signed or refused, in order.
    oks: Vec<bool>,
    /// Byte offset in `text` after each line's answer (for cutting at fail-fast).
    ends: Vec<usize>,
}

fn strip_eol(mut raw: &[u8]) -> &[u8] {
    raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    raw.strip_suffix(b"\r").unwrap_or(raw)
}

fn answer_chunk(
    chunk: &Chunk,
    keys: &Keyring,
    ctx: &Context<'_>,
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
            text.push_str(&oversize_line(line_no, max_line_bytes));
            false
        } else {
            answer_line_into(line_no, raw, keys, ctx, &mut text)
        };
        text.push('\n');
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

/// Reads the next chunk; `None` at end of input.
fn read_chunk<R: Read>(
    input: &mut BufReader<R>,
    seq: u64,
    first_line: u64,
    opts: &BatchOptions,
) -> io::Result<Option<Chunk>> {
    let mut data = Vec::new();
    let mut ends = Vec::new();
    let mut oversize = Vec::new();
    // Content up to the limit plus its line break.
    let limit = opts.max_line_bytes.saturating_add(1);
    loop {
        let start = data.len();
        let n = (&mut *input)
            .take(limit as u64)
            .read_until(b'\n', &mut data)?;
        if n == 0 {
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

/// Writes answers; returns false when the output is gone (broken pipe) or fail-fast hit.
fn write_answered<W: Write>(
    out: &mut W,
    a: &Answered,
    summary: &mut BatchSummary,
    fail_fast: bool,
) -> io::Result<bool> {
    let mut cut = a.text.len();
    let mut stop = false;
    for (i, &ok) in a.oks.iter().enumerate() {
        if ok {
            summary.signed += 1;
        } else {
            summary.refused += 1;
            if fail_fast {
                cut = a.ends[i];
                stop = true;
                break;
            }
        }
    }
    match out
        .write_all(&a.text.as_bytes()[..cut])
        .and_then(|()| out.flush())
    {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            summary.stopped_early = true;
            return Ok(false);
        }
        Err(e) => return Err(e),
    }
    if stop {
        summary.stopped_early = true;
    }
    Ok(!stop)
}

/// Answers every line of `input` (read in large buffered blocks) on `out`: one output line per input line, in input
/// order, each an envelope or an error object with its `"line"`.
///
/// Returns an error only for I/O on `input` or `out`; a closed `out` (broken pipe) ends
/// the run quietly with `stopped_early`.
pub fn run_batch<R: Read + Send, W: Write>(
    input: R,
    mut out: W,
    keys: &Keyring,
    ctx: &Context<'_>,
    opts: BatchOptions,
) -> io::Result<BatchSummary> {
    let mut input = BufReader::with_capacity(1 << 16, input);
    let mut summary = BatchSummary::default();
    let jobs = opts.jobs.max(1);
    if jobs == 1 {
        let mut line = 1;
        let mut seq = 0;
        while let Some(chunk) = read_chunk(&mut input, seq, line, &opts)? {
            seq += 1;
            line += chunk.ends.len() as u64;
            let a = answer_chunk(&chunk, keys, ctx, opts.max_line_bytes);
            if !write_answered(&mut out, &a, &mut summary, opts.fail_fast)? {
                break;
            }
        }
        return Ok(summary);
    }

    // At most this many chunks exist at once (queued, being signed, or awaiting their
    // turn to be written): the memory bound.
    let max_in_flight = 2 * jobs + 2;
    let stop = AtomicBool::new(false);
    let (work_tx, work_rx) = mpsc::sync_channel::<Chunk>(jobs);
    // The workers own the receiver: when the last one exits, a reader blocked on a full
    // queue gets an error instead of waiting forever.
    let work_rx = std::sync::Arc::new(std::sync::Mutex::new(work_rx));
    let (done_tx, done_rx) = mpsc::channel::<Answered>();
    let (token_tx, token_rx) = mpsc::sync_channel::<()>(max_in_flight);
    for _ in 0..max_in_flight {
        let _ = token_tx.send(());
    }
    std::thread::scope(|s| -> io::Result<BatchSummary> {
        // Workers.
        let mut workers = Vec::with_capacity(jobs);
        for _ in 0..jobs {
            let done_tx = done_tx.clone();
            let work_rx = std::sync::Arc::clone(&work_rx);
            workers.push(s.spawn(move || {
                loop {
                    let next = match work_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok(chunk) = next else { return };
                    let answered = answer_chunk(&chunk, keys, ctx, opts.max_line_bytes);
                    if done_tx.send(answered).is_err() {
                        return;
                    }
                }
            }));
        }
        drop(done_tx);
        drop(work_rx);
        // Reader.
        let stop_ref = &stop;
        let reader = s.spawn(move || -> io::Result<u64> {
            let mut line = 1;
            let mut seq = 0;
            loop {
                if token_rx.recv().is_err() || stop_ref.load(Ordering::Relaxed) {
                    break;
                }
                let Some(chunk) = read_chunk(&mut input, seq, line, &opts)? else {
                    break;
                };
                seq += 1;
                line += chunk.ends.len() as u64;
                if work_tx.send(chunk).is_err() {
                    break;
                }
            }
            Ok(seq)
        });
        // Writer (this thread): put chunks back in order.
        let mut pending: BTreeMap<u64, Answered> = BTreeMap::new();
        let mut next = 0u64;
        let mut result = Ok(());
        'recv: for a in done_rx.iter() {
            pending.insert(a.seq, a);
            while let Some(a) = pending.remove(&next) {
                next += 1;
                match write_answered(&mut out, &a, &mut summary, opts.fail_fast) {
                    Ok(true) => {
                        let _ = token_tx.send(());
                    }
                    Ok(false) => {
                        stop.store(true, Ordering::Relaxed);
                        break 'recv;
                    }
                    Err(e) => {
                        stop.store(true, Ordering::Relaxed);
                        result = Err(e);
                        break 'recv;
                    }
                }
            }
        }
        // Unblock the reader if it waits for a token, then let everything wind down.
        stop.store(true, Ordering::Relaxed);
        drop(token_tx);
        drop(done_rx);
        let read = reader
            .join()
            .map_err(|_| io::Error::other("batch reader thread panicked"))?;
        // Join every worker explicitly (the reader is gone, so their queue is closed): the
        // scope alone only waits for their closures, and a thread still tearing down after
        // that shows up as a leak under LeakSanitizer (found by the `batch` fuzz target).
        for w in workers {
            w.join()
                .map_err(|_| io::Error::other("batch worker thread panicked"))?;
        }
        result?;
        read?;
        Ok(summary)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use airsign_keys::SecretBytes;

    const KEY: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";

    fn run(input: &[u8], opts: BatchOptions) -> (String, BatchSummary) {
        let keys = Keyring::new(SecretBytes::new(KEY.as_bytes().to_vec()));
        let mut out = Vec::new();
        let s = Context::fixed(1_748_970_123_456, |ctx| {
            run_batch(input, &mut out, &keys, ctx, opts).unwrap()
        });
        (String::from_utf8(out).unwrap(), s)
    }

    fn mixed_input(n: usize) -> Vec<u8> {
        let mut v = Vec::new();
        for i in 0..n {
            if i % 7 == 3 {
                v.extend_from_slice(b"{bad json\n");
            } else {
                v.extend_from_slice(
                    format!(
                        r#"{{"venue":"pacifica","action":"cancel_order","expiry_window":5000,"params":{{"symbol":"BTC","order_id":{i}}}}}"#
                    )
                    .as_bytes(),
                );
                v.push(b'\n');
            }
        }
        v
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
        let keys = Keyring::new(SecretBytes::new(KEY.as_bytes().to_vec()));
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
}
