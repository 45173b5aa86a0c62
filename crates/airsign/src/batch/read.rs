//! Reading the input a chunk of lines at a time, a line too long to be a request skipped
//! as it is read (never held in memory).

use std::io::{self, BufRead, BufReader, Read};
use std::sync::atomic::{AtomicBool, Ordering};

use super::BatchOptions;

/// A chunk of input lines and the number of its first line.
pub(super) struct Chunk {
    pub(super) seq: u64,
    pub(super) first_line: u64,
    /// The lines' bytes, concatenated; `ends[i]` is where line `i` ends.
    pub(super) data: Vec<u8>,
    pub(super) ends: Vec<usize>,
    /// The lines (indices into `ends`) that were too long; their bytes were skipped.
    pub(super) oversize: Vec<usize>,
}

/// Reads the next chunk; `None` at end of input, or once `stop` is set.
///
/// Once `stop` is set no further line is taken, and a line whose reading the stop cut
/// short (no line break yet) is dropped: only whole lines are answered.
pub(super) fn read_chunk<R: Read>(
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
