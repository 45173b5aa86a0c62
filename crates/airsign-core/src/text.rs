//! Which characters a request's strings may hold: the one rule for every venue, on the
//! general and the fast paths alike.
//!
//! A string a venue signs or sends is refused when it holds a character a person reading
//! the request cannot see or that changes how the rest of it reads:
//!
//! - C0 controls U+0000–U+001F **except the tab** (U+0009): NUL, line feed, carriage
//!   return and the rest. The tab stays because the reference vector `co-json-escapes`
//!   signs a Pacifica symbol holding one (the vectors win).
//! - DEL (U+007F) and the C1 controls (U+0080–U+009F).
//! - Zero-width and directional marks: U+200B–U+200F (zero-width space, non-joiner,
//!   joiner, left-to-right and right-to-left marks).
//! - Line and paragraph separators and the directional embeddings and overrides:
//!   U+2028–U+202E (U+202E is the "right-to-left override" that makes the text after it
//!   read backwards).
//! - Invisible operators and the word joiner, U+2060–U+2064, and the directional
//!   isolates, U+2066–U+2069.
//! - U+FEFF (zero-width no-break space, the byte-order mark).
//!
//! Every other character, non-ASCII letters and symbols included (`é`, `€`, emoji), is
//! taken as written.

use serde_json::Value;

use crate::{Error, Result};

/// Whether `c` is refused in a request's strings (see the module docs for the list and
/// why).
pub const fn is_refused(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{8}'
            | '\u{a}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
    )
}

const EXPECTED: &str = "text without control or invisible characters (no C0 control but tab, \
                        no DEL or C1 control, no zero-width, bidirectional or line-separator \
                        mark, no U+FEFF)";

/// Whether `s` holds no refused character (printable ASCII and tabs are checked a byte at
/// a time, without decoding).
fn is_clean(s: &str) -> bool {
    s.bytes().all(|b| (0x20..0x7f).contains(&b) || b == b'\t') || !s.chars().any(is_refused)
}

/// Whether every string in `v` (object keys too) is clean; allocates nothing.
fn is_clean_tree(v: &Value) -> bool {
    match v {
        Value::String(s) => is_clean(s),
        Value::Array(a) => a.iter().all(is_clean_tree),
        Value::Object(m) => m.iter().all(|(k, x)| is_clean(k) && is_clean_tree(x)),
        _ => true,
    }
}

/// Refuses `s` (the value at `field`) if it holds a refused character, naming it and its
/// position (never echoing the text around it).
pub fn check_text(field: &str, s: &str) -> Result<()> {
    if is_clean(s) {
        return Ok(());
    }
    match s.chars().enumerate().find(|(_, c)| is_refused(*c)) {
        None => Ok(()),
        Some((i, c)) => Err(Error::invalid_text(
            field,
            EXPECTED,
            &format!(
                "a string holding U+{:04X} at character {} (remove it; a JSON escape such \
                 as \\u{:04x} is the same character)",
                u32::from(c),
                i + 1,
                u32::from(c)
            ),
        )),
    }
}

/// [`check_text`] on every string in `v` (object keys too), with its path from `field`.
pub fn check_strings(field: &str, v: &Value) -> Result<()> {
    if is_clean_tree(v) {
        return Ok(());
    }
    match v {
        Value::String(s) => check_text(field, s),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .try_for_each(|(i, x)| check_strings(&format!("{field}[{i}]"), x)),
        Value::Object(m) => m.iter().try_for_each(|(k, x)| {
            let path = if field.is_empty() {
                k.clone()
            } else {
                format!("{field}.{k}")
            };
            check_text(&path, k)?;
            check_strings(&path, x)
        }),
        _ => Ok(()),
    }
}

/// Whether a request's text is plain enough for a venue's fast path: printable ASCII in
/// its strings with no escape but `\"`, `\\`, `\/` and `\t`, and no `-0` outside them.
/// Anything else takes the general path, which applies [`check_strings`] and refuses
/// `-0` with the field's name; so both paths refuse exactly the same requests.
pub fn plain(text: &str) -> bool {
    let b = text.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c >= 0x7f {
            return false;
        }
        if in_string {
            match c {
                b'"' => in_string = false,
                b'\\' => match b.get(i + 1) {
                    Some(b'"' | b'\\' | b'/' | b't') => i += 1,
                    _ => return false,
                },
                0..0x20 => return false,
                _ => {}
            }
        } else if c == b'"' {
            in_string = true;
        } else if c == b'-' && b.get(i + 1) == Some(&b'0') {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_refused_characters_are_exactly_the_listed_ones() {
        let refused: Vec<u32> = (0..=0x10ffffu32)
            .filter_map(char::from_u32)
            .filter(|c| is_refused(*c))
            .map(u32::from)
            .collect();
        let mut want: Vec<u32> = (0..0x20).filter(|&c| c != 9).collect();
        want.extend(0x7f..=0x9f);
        want.extend(0x200b..=0x200f);
        want.extend(0x2028..=0x202e);
        want.extend(0x2060..=0x2064);
        want.extend(0x2066..=0x2069);
        want.push(0xfeff);
        assert_eq!(refused, want);
        assert!(check_text("params.symbol", "A\"B\\C/D\tE").is_ok());
        assert!(check_text("params.symbol", "é€🚀").is_ok());
        let e = check_text("params.symbol", "BTC\u{202e}").unwrap_err();
        assert_eq!(e.field(), Some("params.symbol"));
        assert!(e.message().contains("U+202E at character 4"), "{e}");
    }

    #[test]
    fn plain_is_conservative() {
        assert!(plain(r#"{"a":"x\"y\\z\/\tw","b":-1,"c":10}"#));
        for t in [
            r#"{"a":"\u0041"}"#,
            r#"{"a":"\n"}"#,
            "{\"a\":\"é\"}",
            r#"{"a":-0}"#,
            "{\"a\":\"\u{7f}\"}",
        ] {
            assert!(!plain(t), "{t}");
        }
        // "-0" inside a string is no number.
        assert!(plain(r#"{"q":"3d0958f3-0ec2"}"#));
    }
}
