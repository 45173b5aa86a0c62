//! The one `base_url` rule for every venue: a small strict URL parser.
//!
//! A base URL is `https://` or `wss://` (lowercase), a host, an optional port and an
//! optional path, and nothing else:
//!
//! - host: a DNS name (labels of 1–63 letters, digits and inner hyphens, at most 253
//!   characters, no empty label: `https://.` and `https://-` are refused, and so is a
//!   trailing dot), an IPv4 literal in dotted decimal, or an IPv6 literal in brackets;
//!   a name whose last label is all digits must be a valid IPv4 address;
//! - port: `:` and 1–65535 in decimal, no leading zero (`:0`, `:99999`, `:abc` refused);
//! - path: segments of letters, digits and `- . _ ~`, no `.` or `..` segment, no empty
//!   segment (one trailing `/` is dropped);
//! - nowhere: user info (`@`), a query (`?`), a fragment (`#`), a backslash,
//!   whitespace, a control character, any non-ASCII character or a percent-escape
//!   (so no `%2f` in the host and no encoded CRLF anywhere).
//!
//! Real base URLs (a venue's host, a proxy with a path prefix and a port) fit easily; this
//! is stricter than RFC 3986 on purpose.

// Address parsing only: `core::net` has the address types and no sockets.
use core::net::{Ipv4Addr, Ipv6Addr};

use serde_json::Value;

use crate::{Error, Result};

const EXPECTED: &str = "an https:// or wss:// URL: a DNS name or IP literal, an optional port \
                        1-65535 and path, no user info, query, fragment, percent-escape, dot \
                        segment or control character";

/// Checks a `base_url` (see the module docs) and returns it without a trailing `/`.
///
/// # Errors
///
/// `request.invalid` on `base_url`, saying which part is wrong.
pub fn check_base_url(u: &str) -> Result<String> {
    parse(u).map_err(|why| {
        Error::invalid_text(
            "base_url",
            EXPECTED,
            &format!("{} ({why})", crate::error::describe(&Value::from(u))),
        )
    })?;
    Ok(u.strip_suffix('/').unwrap_or(u).to_owned())
}

/// Why `u` is not a base URL, or nothing.
fn parse(u: &str) -> std::result::Result<(), &'static str> {
    if let Some(c) = u
        .chars()
        .find(|c| !c.is_ascii() || c.is_ascii_control() || *c == ' ')
    {
        return Err(if c.is_ascii() {
            "a control character or space"
        } else {
            "a non-ASCII character"
        });
    }
    for (c, why) in [
        ('%', "a percent-escape"),
        ('@', "user info"),
        ('?', "a query"),
        ('#', "a fragment"),
        ('\\', "a backslash"),
    ] {
        if u.contains(c) {
            return Err(why);
        }
    }
    let rest = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("wss://"))
        .ok_or("the scheme must be https:// or wss://")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let port = if let Some(v6) = authority.strip_prefix('[') {
        let (addr, after) = v6.split_once(']').ok_or("an unclosed [ in the host")?;
        addr.parse::<Ipv6Addr>()
            .map_err(|_| "an invalid IPv6 literal")?;
        match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or("junk after the IPv6 literal")?),
        }
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        check_host(host)?;
        port
    };
    if let Some(p) = port {
        let ok = !p.is_empty()
            && p.len() <= 5
            && !p.starts_with('0')
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n));
        if !ok {
            return Err("the port must be 1-65535");
        }
    }
    let path = path.strip_suffix('/').unwrap_or(path);
    if !path.is_empty() {
        for seg in path[1..].split('/') {
            if seg.is_empty() {
                return Err("an empty path segment");
            }
            if seg == "." || seg == ".." {
                return Err("a dot segment in the path");
            }
            if !seg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
            {
                return Err("a path character other than letters, digits and - . _ ~");
            }
        }
    }
    Ok(())
}

fn check_host(host: &str) -> std::result::Result<(), &'static str> {
    if host.is_empty() {
        return Err("no host");
    }
    if host.len() > 253 {
        return Err("a host name longer than 253 characters");
    }
    let labels: Vec<&str> = host.split('.').collect();
    for l in &labels {
        if l.is_empty() {
            return Err("an empty label in the host name");
        }
        if l.len() > 63 {
            return Err("a host label longer than 63 characters");
        }
        if l.starts_with('-') || l.ends_with('-') {
            return Err("a host label that starts or ends with -");
        }
        if !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err("a host character other than letters, digits, - and .");
        }
    }
    let last = labels.last().copied().unwrap_or("");
    if last.bytes().all(|b| b.is_ascii_digit()) && host.parse::<Ipv4Addr>().is_err() {
        return Err("an invalid IPv4 address");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_base_urls_pass() {
        for u in [
            "https://api.pacifica.fi",
            "https://proxy.example/",
            "https://proxy.example:8443/",
            "https://proxy.example/derive/",
            "wss://ws.proxy.example/ripio",
            "https://layer1.customer.example/api/",
            "https://10.0.0.1:443/x",
            "https://[::1]:8443",
            "https://[2001:db8::1]/a/b-c_d.e~f",
            "wss://x.example",
        ] {
            assert!(parse(u).is_ok(), "{u}: {:?}", parse(u));
        }
        assert_eq!(
            check_base_url("https://p.example/").ok().as_deref(),
            Some("https://p.example")
        );
    }

    #[test]
    fn the_red_team_urls_are_refused() {
        for u in [
            "http://x",
            "HTTPS://x",
            "https://x:99999",
            "https://x:0",
            "https://x:abc",
            "https://x:",
            "https://x:0443",
            "https://[::1",
            "https://[::1]x",
            "https://[zz]",
            "https://.",
            "https://-",
            "https://x.",
            "https://-x.example",
            "https://x..example",
            "https://x.example%2fp",
            "https://x.example/a%0d%0aHost:evil",
            "https://x.example/../admin",
            "https://x.example/a/./b",
            "https://x.example//a",
            "https://user@x.example",
            "https://x.example?q",
            "https://x.example#f",
            "https://x.example\\a",
            "https://x.example/a b",
            "https://x.example/\r\n",
            "https://x.exämple",
            "https://1.2.3.999",
            "https://",
            "https:///a",
        ] {
            assert!(parse(u).is_err(), "{u} was accepted");
            assert!(check_base_url(u).is_err());
        }
    }
}
