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

mod answer;
mod options;
mod pipeline;
mod read;
mod sign;
mod write;

pub use answer::{Answer, LineAnswerer};
pub use options::{BatchOptions, BatchSummary, MAX_LINE_BYTES};
pub use pipeline::run_lines;
pub use sign::{run_batch, run_batch_until};

#[cfg(test)]
mod tests;
