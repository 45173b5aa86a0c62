//! How a run behaves ([`BatchOptions`]) and what it did ([`BatchSummary`]).

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
