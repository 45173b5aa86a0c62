//! The pipeline end to end: order, fail-fast, oversize lines, closed, stalled and failing
//! outputs, and a producer waiting for each answer.

use super::*;

use std::io::{self, Read, Write};
use std::sync::mpsc;

use airsign_core::Context;

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
