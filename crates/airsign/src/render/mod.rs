//! `airsign render`: envelopes (as `batch` prints them) written out for whatever carries
//! them to the venue — a shell command, raw HTTP, QR codes, or animated-QR fragments.
//!
//! Rendering judges nothing: it takes each envelope's `method`, `url`, `headers`, `body`,
//! `login` and `transport` as they are (checking them is `verify`'s business) and knows no
//! venue. What it refuses is only what a format cannot carry faithfully: a header with a
//! line break, a body with a NUL byte for a shell argument, a line too long for one QR
//! code. Such a line, an error line from `batch` and a line that is not an envelope are
//! each reported on stderr with their line number and rendered not at all; the other lines
//! are rendered (except for `ur`, whose one payload is the whole input: any bad line
//! refuses it all). Outputs are deterministic: the same input gives the same bytes.

pub mod curl;
pub mod http;
mod png;
pub mod qr;
pub mod ur;

use std::io::{self, BufRead, Read, Write};
use std::path::{Path, PathBuf};

use airsign_core::verify::parse_envelope;
use airsign_core::{Envelope, Error, ErrorCode, Result};
use serde_json::Value;

pub use qr::EcLevel;

/// What `render` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One POSIX shell command per envelope (curl for REST, websocat for ws).
    Curl,
    /// The raw HTTP/1.1 request bytes of each REST envelope.
    Http,
    /// One QR code per envelope line (PNG files, or the terminal for one envelope).
    Qr,
    /// Blockchain Commons UR fragments (`ur:bytes/…`) of the whole input.
    Ur,
}

impl Format {
    /// The file name extension used with `--out`.
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Curl => "sh",
            Self::Http => "http",
            Self::Qr | Self::Ur => "png",
        }
    }
}

/// How to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// The output format.
    pub format: Format,
    /// Write one file per envelope (per fragment for `ur`) in this directory, named
    /// `000001.<ext>` by input line (by fragment for `ur`), instead of stdout.
    pub out_dir: Option<PathBuf>,
    /// QR error-correction level (`qr`, and `ur` with `--out`).
    pub ec_level: EcLevel,
    /// `ur`: most payload bytes per fragment.
    pub fragment_size: usize,
    /// `ur`: fragments to print (default: twice the number the payload splits into).
    pub parts: Option<usize>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            format: Format::Curl,
            out_dir: None,
            ec_level: EcLevel::M,
            fragment_size: ur::DEFAULT_FRAGMENT_SIZE,
            parts: None,
        }
    }
}

/// What a render run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderSummary {
    /// Envelopes rendered.
    pub rendered: u64,
    /// Lines not rendered (reported on stderr).
    pub refused: u64,
}

/// Most input `render` reads (1 GiB), as for `verify`.
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

/// One input line that is an envelope.
#[derive(Debug, Clone)]
pub struct EnvelopeLine {
    /// The 1-based line number in the input.
    pub number: u64,
    /// The line's exact bytes (without its line break).
    pub text: String,
    /// The parsed envelope.
    pub envelope: Envelope,
}

/// One input line: an envelope, or why it is not one.
pub type InputLine = std::result::Result<EnvelopeLine, (u64, Error)>;

/// Reads NDJSON envelopes; blank lines are skipped. An error line from `batch`, or a line
/// that is not an envelope, becomes an `Err` with its line number.
pub fn read_lines<R: Read>(input: R, name: &str) -> Result<Vec<InputLine>> {
    let io_err = |e: io::Error| {
        Error::new(
            ErrorCode::Io,
            None,
            format!("cannot read envelopes from {name}: {e}"),
        )
    };
    let mut reader = io::BufReader::new(input.take(MAX_INPUT_BYTES));
    let mut out = Vec::new();
    let mut buf = Vec::new();
    let mut number = 0u64;
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf).map_err(io_err)? == 0 {
            break;
        }
        number += 1;
        let raw = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        out.push(parse_line(number, raw));
    }
    Ok(out)
}

fn parse_line(number: u64, raw: &[u8]) -> InputLine {
    let text = std::str::from_utf8(raw)
        .map_err(|e| (number, Error::not_utf8(ErrorCode::EnvelopeMalformed, &e)))?;
    if let Ok(Value::Object(m)) = serde_json::from_str::<Value>(text)
        && let Some(err) = m.get("error")
    {
        let part = |k: &str| err.get(k).and_then(Value::as_str).unwrap_or("");
        let field = part("field");
        let what = if field.is_empty() {
            format!("{}: {}", part("code"), part("message"))
        } else {
            format!("{}: {field}: {}", part("code"), part("message"))
        };
        let at = m
            .get("line")
            .and_then(Value::as_u64)
            .map_or_else(String::new, |n| format!(" (its request line {n})"));
        return Err((
            number,
            Error::new(
                ErrorCode::EnvelopeMalformed,
                None,
                format!("expected an envelope, saw an error line from batch{at}: {what}"),
            ),
        ));
    }
    let envelope = parse_envelope(text).map_err(|e| (number, e))?;
    Ok(EnvelopeLine {
        number,
        text: text.to_owned(),
        envelope,
    })
}

/// Renders `input` as `opts` says: to `stdout`, or to files in `opts.out_dir`. Messages
/// for people (each line not rendered, with its number) go to `warn`. Errors are I/O
/// errors (unreadable input, unwritable output) and input that cannot be rendered at all
/// (`ur` with a bad line, `qr` on the terminal with other than one envelope).
pub fn render<R: Read>(
    input: R,
    name: &str,
    opts: &RenderOptions,
    stdout: &mut dyn Write,
    warn: &mut dyn FnMut(String),
) -> Result<RenderSummary> {
    let lines = read_lines(input, name)?;
    let mut summary = RenderSummary::default();
    let mut good = Vec::with_capacity(lines.len());
    for line in lines {
        match line {
            Ok(l) => good.push(l),
            Err((n, e)) => {
                warn(format!("line {n}: {e}; not rendered"));
                summary.refused += 1;
            }
        }
    }
    if let Some(dir) = &opts.out_dir {
        prepare_out_dir(dir)?;
    }
    match opts.format {
        Format::Ur => return render_ur(&good, summary, opts, stdout),
        Format::Qr if opts.out_dir.is_none() => {
            return render_qr_terminal(&good, summary, opts, stdout);
        }
        _ => {}
    }
    if good.is_empty() && summary.refused == 0 {
        return Err(Error::new(
            ErrorCode::EnvelopeMalformed,
            None,
            format!("expected at least one envelope in {name}, saw none"),
        ));
    }
    for line in &good {
        let rendered = match opts.format {
            Format::Curl => curl::render(&line.envelope).map(|s| {
                let mut out = curl::comment(line.number, &line.envelope);
                out.push_str(&s);
                out.into_bytes()
            }),
            Format::Http => http::render(&line.envelope),
            Format::Qr => qr::encode(line.text.as_bytes(), opts.ec_level).map(|q| q.png()),
            Format::Ur => unreachable_format(),
        };
        let bytes = match rendered {
            Ok(b) => b,
            Err(e) => {
                warn(format!("line {}: {e}; not rendered", line.number));
                summary.refused += 1;
                continue;
            }
        };
        match &opts.out_dir {
            Some(dir) => write_file(dir, line.number, opts.format.extension(), &bytes)?,
            None => {
                if !write_out(stdout, &bytes)? {
                    return Ok(summary);
                }
            }
        }
        summary.rendered += 1;
    }
    Ok(summary)
}

/// `Format::Ur` never reaches the per-line loop.
fn unreachable_format() -> Result<Vec<u8>> {
    Err(Error::new(
        ErrorCode::Io,
        None,
        "internal: ur is rendered as one payload",
    ))
}

fn render_ur(
    good: &[EnvelopeLine],
    mut summary: RenderSummary,
    opts: &RenderOptions,
    stdout: &mut dyn Write,
) -> Result<RenderSummary> {
    if summary.refused > 0 {
        return Err(Error::new(
            ErrorCode::EnvelopeMalformed,
            None,
            format!(
                "ur carries the whole input as one payload, and {} line(s) of it are not \
                 envelopes (above); nothing was rendered. Remove them (or fix the requests \
                 and sign again) and render again",
                summary.refused
            ),
        ));
    }
    if good.is_empty() {
        return Err(Error::new(
            ErrorCode::EnvelopeMalformed,
            None,
            "expected at least one envelope, saw none",
        ));
    }
    let mut payload = Vec::new();
    for l in good {
        payload.extend_from_slice(l.text.as_bytes());
        payload.push(b'\n');
    }
    let parts = ur::encode(&payload, opts.fragment_size, opts.parts)?;
    match &opts.out_dir {
        Some(dir) => {
            // Encode every frame before writing any, so a too-large fragment leaves no
            // partial set behind.
            let mut pngs = Vec::with_capacity(parts.len());
            for (i, p) in parts.iter().enumerate() {
                // Upper case in alphanumeric mode, as UR wallets show parts: 45 % more
                // per code than bytes (every UR decoder reads either case).
                let upper = p.to_ascii_uppercase();
                let q = qr::encode_in(upper.as_bytes(), opts.ec_level, qr::Mode::Alphanumeric)
                    .map_err(|e| {
                        Error::new(
                            e.code(),
                            None,
                            format!(
                                "fragment {}: {}; pass a smaller --fragment-size",
                                i + 1,
                                e.message()
                            ),
                        )
                    })?;
                pngs.push(q.png());
            }
            for (i, png) in pngs.iter().enumerate() {
                write_file(dir, i as u64 + 1, "png", png)?;
            }
        }
        None => {
            let mut text = String::new();
            for p in &parts {
                text.push_str(p);
                text.push('\n');
            }
            write_out(stdout, text.as_bytes())?;
        }
    }
    summary.rendered = good.len() as u64;
    Ok(summary)
}

fn render_qr_terminal(
    good: &[EnvelopeLine],
    mut summary: RenderSummary,
    opts: &RenderOptions,
    stdout: &mut dyn Write,
) -> Result<RenderSummary> {
    let [line] = good else {
        return Err(Error::new(
            ErrorCode::EnvelopeMalformed,
            None,
            format!(
                "qr without --out shows exactly one envelope on the terminal, saw {}; pass \
                 --out DIR for one PNG per envelope",
                good.len()
            ),
        ));
    };
    let q = qr::encode(line.text.as_bytes(), opts.ec_level)
        .map_err(|e| Error::new(e.code(), None, format!("line {}: {e}", line.number)))?;
    write_out(stdout, q.terminal().as_bytes())?;
    summary.rendered = 1;
    Ok(summary)
}

/// Writes and flushes; `Ok(false)` when the reader went away (a closed stdout is not an
/// error).
fn write_out(out: &mut dyn Write, bytes: &[u8]) -> Result<bool> {
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(Error::new(
            ErrorCode::Io,
            None,
            format!("cannot write to stdout: {e}"),
        )),
    }
}

/// Creates `dir` if needed; refuses one that holds anything, so files from an earlier
/// run can never be mistaken for this one's.
fn prepare_out_dir(dir: &Path) -> Result<()> {
    let io_err = |what: &str, e: io::Error| {
        Error::new(
            ErrorCode::Io,
            None,
            format!("cannot {what} --out directory {}: {e}", dir.display()),
        )
    };
    std::fs::create_dir_all(dir).map_err(|e| io_err("create", e))?;
    let mut entries = std::fs::read_dir(dir).map_err(|e| io_err("read", e))?;
    if entries.next().is_some() {
        return Err(Error::new(
            ErrorCode::Io,
            None,
            format!(
                "expected an empty or new --out directory, saw {} holding files (from an \
                 earlier run?); empty it or name another",
                dir.display()
            ),
        ));
    }
    Ok(())
}

fn write_file(dir: &Path, number: u64, ext: &str, bytes: &[u8]) -> Result<()> {
    let path = dir.join(format!("{number:06}.{ext}"));
    std::fs::write(&path, bytes).map_err(|e| {
        Error::new(
            ErrorCode::Io,
            None,
            format!("cannot write {}: {e}", path.display()),
        )
    })
}

/// Splits an `http(s)://` or `ws(s)://` url into (scheme, authority, request target):
/// the target is the path (`/` when empty) and query; a fragment is dropped, as HTTP
/// never sends one. `None` for anything else.
pub(crate) fn split_url(url: &str) -> Option<(&str, &str, String)> {
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "http" | "https" | "ws" | "wss") {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let tail = tail.split('#').next().unwrap_or("");
    let target = if tail.starts_with('/') {
        tail.to_owned()
    } else {
        format!("/{tail}")
    };
    Some((scheme, authority, target))
}

/// Whether `s` is an HTTP token (a method or header name, RFC 9110 `tchar`s).
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Checks what every request rendering needs: a url it can split, token header names,
/// header values without line breaks or NUL. Returns the url's parts.
pub(crate) fn check_common(env: &Envelope) -> Result<(&str, &str, String)> {
    if env.url.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(Error::new(
            ErrorCode::EnvelopeMalformed,
            Some("url"),
            "expected a url without spaces or control characters",
        ));
    }
    let parts = split_url(&env.url).ok_or_else(|| {
        Error::new(
            ErrorCode::EnvelopeMalformed,
            Some("url"),
            format!(
                "expected an http(s):// or ws(s):// url with a host and no user info, saw {}",
                Value::from(env.url.as_str())
            ),
        )
    })?;
    for (k, v) in &env.headers.0 {
        if !is_token(k) {
            return Err(Error::new(
                ErrorCode::EnvelopeMalformed,
                Some("headers"),
                format!(
                    "expected header names that are HTTP tokens, saw {}",
                    Value::from(k.as_str())
                ),
            ));
        }
        if v.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(Error::new(
                ErrorCode::EnvelopeMalformed,
                Some(&format!("headers.{k}")),
                "expected a header value without a line break or NUL (it cannot be sent as \
                 one header)",
            ));
        }
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split() {
        assert_eq!(
            split_url("https://h.x/a/b?c=1#f"),
            Some(("https", "h.x", "/a/b?c=1".to_owned()))
        );
        assert_eq!(
            split_url("http://127.0.0.1:9/"),
            Some(("http", "127.0.0.1:9", "/".to_owned()))
        );
        assert_eq!(
            split_url("https://h?q"),
            Some(("https", "h", "/?q".to_owned()))
        );
        assert_eq!(split_url("file:///etc/passwd"), None);
        assert_eq!(split_url("https://u:p@h/"), None);
        assert_eq!(split_url("https:///x"), None);
    }
}
