//! `--format curl`: one POSIX shell command per envelope.
//!
//! REST: a `curl` command that sends exactly the envelope's method, url, headers and body
//! bytes. Every argument is single-quoted (a `'` inside becomes `'\''`), which the shell
//! passes through byte for byte; the body goes in `--data-raw` (never read from a file or
//! a here-document, which would add or strip a newline), or for a body too long for one
//! argument, from `printf '%s'` on a pipe. curl's own additions are switched off: its
//! default `User-Agent`, `Accept` and (with a body) `Content-Type` and `Expect` headers
//! are removed unless the envelope sets them, `--globoff` and `--path-as-is` keep the url
//! as written, and with no body nothing is sent (not even `Content-Length`). Left are
//! `Host` and, with a body, `Content-Length`, which HTTP/1.1 requires.
//!
//! WebSocket: the frames to send on one connection (the `login` frame first, where there
//! is one) as comment lines, then a `websocat` command that sends them one per message.

use airsign_core::{Envelope, Error, ErrorCode, Result, Transport};

use crate::clock::utc;
use crate::render::check_common;

/// Bodies longer than this go through `printf '%s' … |` rather than one argument (Linux
/// refuses a single argument over 128 KiB).
pub const MAX_ARG_BODY: usize = 100_000;

/// Seconds the ws command waits after the login frame, and after the last frame before
/// it closes the connection (time for the venue's answers to arrive).
const WS_LOGIN_WAIT_S: u32 = 1;
const WS_REPLY_WAIT_S: u32 = 3;

/// The `# N: …` line that introduces an envelope's command: its line number, what it is,
/// and when it expires.
pub fn comment(number: u64, env: &Envelope) -> String {
    let text = format!("{} {} ({})", env.venue, env.action, env.transport.as_str());
    let mut out = format!("# {number}: {}", one_line(&text));
    if let Some(at) = env.expires_at {
        out.push_str(&format!("; send before {} ({at})", utc(at)));
    }
    out.push('\n');
    out
}

/// `s` with control characters shown as `?` (for a comment line).
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// `s` as one single-quoted shell word.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

fn no_nul(field: &str, s: &str) -> Result<()> {
    if s.contains('\0') {
        return Err(Error::new(
            ErrorCode::EnvelopeMalformed,
            Some(field),
            "expected text without a NUL byte (a shell word cannot hold one); use --format \
             http for the raw bytes",
        ));
    }
    Ok(())
}

/// The command for one envelope, ending in a newline.
pub fn render(env: &Envelope) -> Result<String> {
    check_common(env)?;
    match env.transport {
        Transport::Rest => rest(env),
        Transport::Ws => ws(env),
    }
}

fn rest(env: &Envelope) -> Result<String> {
    let method = env.method.as_deref().ok_or_else(|| {
        Error::new(
            ErrorCode::EnvelopeMalformed,
            Some("method"),
            "expected an HTTP method for a rest envelope, saw null",
        )
    })?;
    if !super::is_token(method) {
        return Err(Error::new(
            ErrorCode::EnvelopeMalformed,
            Some("method"),
            "expected an HTTP method (a token such as POST)",
        ));
    }
    if !env.url.starts_with("https://") && !env.url.starts_with("http://") {
        return Err(Error::new(
            ErrorCode::EnvelopeMalformed,
            Some("url"),
            "expected an http(s):// url for a rest envelope",
        ));
    }
    if let Some(b) = &env.body {
        no_nul("body", b)?;
    }
    let has = |name: &str| env.headers.get(name).is_some();
    let mut args: Vec<String> = vec![
        "-sS --fail-with-body --http1.1 --globoff --path-as-is -w '\\n'".to_owned(),
        format!("-X {}", quote(method)),
    ];
    for (k, v) in &env.headers.0 {
        // curl reads `-H 'Name:'` as "remove Name"; `Name;` sends it empty.
        let h = if v.is_empty() {
            format!("{k};")
        } else {
            format!("{k}: {v}")
        };
        args.push(format!("-H {}", quote(&h)));
    }
    let mut removed = vec!["User-Agent", "Accept"];
    if env.body.is_some() {
        removed.extend(["Content-Type", "Expect"]);
    }
    for name in removed {
        if !has(name) {
            args.push(format!("-H {}", quote(&format!("{name}:"))));
        }
    }
    let mut prefix = String::new();
    match &env.body {
        Some(b) if b.len() > MAX_ARG_BODY => {
            prefix = format!("printf '%s' {} | ", quote(b));
            args.push("--data-binary @-".to_owned());
        }
        Some(b) => args.push(format!("--data-raw {}", quote(b))),
        None => {}
    }
    args.push(format!("--url {}", quote(&env.url)));
    Ok(format!("{prefix}curl {}\n", args.join(" \\\n  ")))
}

fn ws(env: &Envelope) -> Result<String> {
    if !env.url.starts_with("wss://") && !env.url.starts_with("ws://") {
        return Err(Error::new(
            ErrorCode::EnvelopeMalformed,
            Some("url"),
            "expected a ws(s):// url for a ws envelope",
        ));
    }
    let mut frames: Vec<(&str, &str)> = Vec::new();
    if let Some(l) = &env.login {
        frames.push(("login", l));
    }
    match &env.body {
        Some(b) => frames.push(("body", b)),
        None => {
            return Err(Error::new(
                ErrorCode::EnvelopeMalformed,
                Some("body"),
                "expected the frame to send for a ws envelope, saw null",
            ));
        }
    }
    for (field, f) in &frames {
        no_nul(field, f)?;
        if f.contains(['\n', '\r']) {
            return Err(Error::new(
                ErrorCode::EnvelopeMalformed,
                Some(field),
                "expected a frame without line breaks (websocat sends one frame per line)",
            ));
        }
    }
    let mut out = format!(
        "# frames to send in this order on one connection to {}:\n",
        one_line(&env.url)
    );
    for (i, (field, f)) in frames.iter().enumerate() {
        out.push_str(&format!("#   {} ({field}): {}\n", i + 1, one_line(f)));
    }
    let mut feed = Vec::new();
    for (i, (_, f)) in frames.iter().enumerate() {
        feed.push(format!("printf '%s\\n' {}", quote(f)));
        if i + 1 < frames.len() {
            feed.push(format!("sleep {WS_LOGIN_WAIT_S}"));
        }
    }
    feed.push(format!("sleep {WS_REPLY_WAIT_S}"));
    let mut cmd = vec!["websocat -t".to_owned()];
    for (k, v) in &env.headers.0 {
        cmd.push(format!("-H {}", quote(&format!("{k}: {v}"))));
    }
    cmd.push(quote(&env.url));
    out.push_str(&format!("{{ {}; }} | {}\n", feed.join("; "), cmd.join(" ")));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_keeps_every_byte() {
        assert_eq!(quote("a'b"), "'a'\\''b'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("$x `y` \\ \n"), "'$x `y` \\ \n'");
    }
}
