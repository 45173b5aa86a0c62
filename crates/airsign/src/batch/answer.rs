//! What answers a line (the [`LineAnswerer`] that `batch` and `verify` each provide), and
//! a chunk of lines answered by it.

use super::read::Chunk;

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

/// The answers to one chunk.
pub(super) struct Answered {
    pub(super) seq: u64,
    pub(super) text: String,
    /// Per line, in order: how it was answered.
    pub(super) oks: Vec<Answer>,
    /// Byte offset in `text` after each line's answer (for cutting at fail-fast).
    pub(super) ends: Vec<usize>,
}

fn strip_eol(mut raw: &[u8]) -> &[u8] {
    raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    raw.strip_suffix(b"\r").unwrap_or(raw)
}

pub(super) fn answer_chunk<A: LineAnswerer + ?Sized>(
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
