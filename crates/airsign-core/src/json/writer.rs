//! The exact writer: compact JSON as Python's `json.dumps` prints it, keys optionally
//! sorted, integers only.

use serde_json::{Map, Number, Value};

use super::number::is_integer;
use super::swar::{HIGHS, LOW7, ONES, bytes_equal};
use crate::{Error, ErrorCode, Result};

/// Bytes `Writer::write_str` escapes without `ensure_ascii`: C0 controls, `"` and `\`.
static ESCAPE_CONTROL: [bool; 256] = escape_table(false);
/// ... and with it: also DEL and every byte of a non-ASCII character.
static ESCAPE_ASCII: [bool; 256] = escape_table(true);

const fn escape_table(ensure_ascii: bool) -> [bool; 256] {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = b < 0x20 || b == b'"' as usize || b == b'\\' as usize || (ensure_ascii && b >= 0x7f);
        b += 1;
    }
    t
}

/// Bit 7 of each byte set where that byte of the eight packed little-endian in `x` is one
/// the escape tables mark: a C0 control, `"` or `\`, and with `ensure_ascii` also DEL and
/// any byte ≥ 0x80. Exact per byte, so the lowest set bit is the first such byte.
const fn escape_mask(x: u64, ensure_ascii: bool) -> u64 {
    // Below 0x20: high bit clear, and adding 0x60 to the low seven bits does not reach 0x80.
    let control = !(((x & LOW7) + ONES * 0x60) | x) & HIGHS;
    let mut m = control | bytes_equal(x, b'"') | bytes_equal(x, b'\\');
    if ensure_ascii {
        m |= (x & HIGHS) | bytes_equal(x, 0x7f);
    }
    m
}

/// Compact JSON writer matching Python's `json.dumps(..., separators=(",", ":"))`.
#[derive(Debug, Clone, Copy)]
pub struct Writer {
    /// Sort object keys recursively by code point (`sort_keys=True` / recursive sort).
    pub sort_keys: bool,
    /// Escape every non-ASCII character as `\uXXXX` (Python's default `ensure_ascii`).
    pub ensure_ascii: bool,
}

impl Writer {
    /// Python `json.dumps(sorted_obj, separators=(",", ":"))`: sorted, ASCII-only.
    pub const PYTHON_SORTED: Writer = Writer {
        sort_keys: true,
        ensure_ascii: true,
    };
    /// Python `json.dumps(obj, separators=(",", ":"))`: key order kept, ASCII-only.
    pub const PYTHON: Writer = Writer {
        sort_keys: false,
        ensure_ascii: true,
    };

    /// Every setting of the two switches: the writers airsign signs with and their
    /// non-ASCII variants (for tests and fuzzing that must cover them all).
    pub const ALL: [Writer; 4] = [
        Writer::PYTHON_SORTED,
        Writer::PYTHON,
        Writer {
            sort_keys: true,
            ensure_ascii: false,
        },
        Writer {
            sort_keys: false,
            ensure_ascii: false,
        },
    ];

    /// Serialises `v`; refuses floats (any number not written as an integer).
    pub fn to_string(self, v: &Value) -> Result<String> {
        let mut out = String::with_capacity(128);
        self.write(v, &mut out)?;
        Ok(out)
    }

    /// Appends the serialisation of `v` to `out`.
    pub fn write(self, v: &Value, out: &mut String) -> Result<()> {
        match v {
            Value::Null => out.push_str("null"),
            Value::Bool(true) => out.push_str("true"),
            Value::Bool(false) => out.push_str("false"),
            Value::Number(n) => write_integer(n, out)?,
            Value::String(s) => self.write_str(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    self.write(item, out)?;
                }
                out.push(']');
            }
            // Sorting compares str, i.e. UTF-8 bytes, which is code point order: the same
            // as Python's sorted() on str.
            Value::Object(map) => self.write_object(map, out)?,
        }
        Ok(())
    }

    /// Appends the serialisation of an object (avoids wrapping a map in a `Value`).
    pub fn write_object(self, map: &Map<String, Value>, out: &mut String) -> Result<()> {
        out.push('{');
        if self.sort_keys {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            self.write_entries(entries.into_iter(), out)?;
        } else {
            self.write_entries(map.iter(), out)?;
        }
        out.push('}');
        Ok(())
    }

    fn write_entries<'a>(
        self,
        entries: impl Iterator<Item = (&'a String, &'a Value)>,
        out: &mut String,
    ) -> Result<()> {
        for (i, (k, v)) in entries.enumerate() {
            if i > 0 {
                out.push(',');
            }
            self.write_str(k, out);
            out.push(':');
            self.write(v, out)?;
        }
        Ok(())
    }

    /// Appends `s` as a JSON string literal with Python's escaping rules (with
    /// `ensure_ascii: false`, exactly `serde_json`'s and `JSON.stringify`'s).
    pub fn write_str(self, s: &str, out: &mut String) {
        let bytes = s.as_bytes();
        let table = if self.ensure_ascii {
            &ESCAPE_ASCII
        } else {
            &ESCAPE_CONTROL
        };
        out.reserve(bytes.len() + 2);
        out.push('"');
        // `start`: the first byte not yet written. Eight bytes at a time while there are
        // eight: the mask is exact, so each of its set bits is a byte to escape, taken in
        // order without reading the block again; then byte by byte.
        let mut start = 0;
        let mut blocks = bytes.chunks_exact(8);
        let mut at = 0;
        for block in &mut blocks {
            let mut word = [0u8; 8];
            word.copy_from_slice(block);
            let mut m = escape_mask(u64::from_le_bytes(word), self.ensure_ascii);
            while m != 0 {
                let i = at + (m.trailing_zeros() / 8) as usize;
                m &= m - 1;
                // A later byte of a character already escaped whole (with ensure_ascii)
                // lies before `start`: skip it.
                if i >= start {
                    start = escape_at(s, start, i, out);
                }
            }
            at += 8;
        }
        for (k, &b) in blocks.remainder().iter().enumerate() {
            let i = at + k;
            if table[usize::from(b)] && i >= start {
                start = escape_at(s, start, i, out);
            }
        }
        out.push_str(&s[start..]);
        out.push('"');
    }
}

/// Writes `s[start..i]` and the escape of the character at `i` (a byte the escape tables
/// mark, at a character boundary); returns where the unwritten text now starts.
fn escape_at(s: &str, start: usize, i: usize, out: &mut String) -> usize {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push_str(&s[start..i]);
    let short = match s.as_bytes()[i] {
        // The byte itself goes out with the next run of plain text.
        b'"' | b'\\' => {
            out.push('\\');
            return i;
        }
        b'\n' => "\\n",
        b'\r' => "\\r",
        b'\t' => "\\t",
        0x08 => "\\b",
        0x0c => "\\f",
        _ => {
            // Only reached at a character boundary: ASCII bytes are one character, and
            // with ensure_ascii no byte of a multi-byte character is skipped.
            let ch = s[i..].chars().next().unwrap_or('\u{fffd}');
            let mut buf = [0u16; 2];
            for unit in ch.encode_utf16(&mut buf) {
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(char::from(HEX[usize::from((*unit >> shift) as u8 & 0xf)]));
                }
            }
            return i + ch.len_utf8();
        }
    };
    out.push_str(short);
    i + 1
}

/// Appends `n` in decimal: what `n.to_string()` gives, without allocating.
pub fn push_u64(out: &mut String, n: u64) {
    out.push_str(itoa::Buffer::new().format(n));
}

fn write_integer(n: &Number, out: &mut String) -> Result<()> {
    if !is_integer(n) {
        return Err(Error::new(
            ErrorCode::ParamsInvalid,
            None,
            format!("expected an integer, saw number {n}: floats are never signed"),
        ));
    }
    let t = n.as_str();
    // Python reads -0 as the int 0 and prints "0".
    if t.starts_with('-') && t[1..].bytes().all(|b| b == b'0') {
        out.push('0');
    } else {
        out.push_str(t);
    }
    Ok(())
}

#[cfg(test)]
mod write_str_props {
    use super::*;
    use proptest::prelude::*;
    use std::fmt::Write as _;

    /// The character-by-character reference the fast byte scanner replaced.
    fn reference(ensure_ascii: bool, s: &str) -> String {
        let mut out = String::from('"');
        for ch in s.chars() {
            match ch {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{08}' => out.push_str("\\b"),
                '\u{0c}' => out.push_str("\\f"),
                c if (c as u32) < 0x20 || (ensure_ascii && (c as u32) >= 0x7f) => {
                    let mut buf = [0u16; 2];
                    for unit in c.encode_utf16(&mut buf) {
                        let _ = write!(out, "\\u{unit:04x}");
                    }
                }
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    /// Per byte, whether the eight-byte mask flags it, and whether the table does.
    fn flags(block: [u8; 8], ensure_ascii: bool) -> ([bool; 8], [bool; 8]) {
        let table = if ensure_ascii {
            &ESCAPE_ASCII
        } else {
            &ESCAPE_CONTROL
        };
        let m = escape_mask(u64::from_le_bytes(block), ensure_ascii);
        (
            std::array::from_fn(|k| m >> (8 * k + 7) & 1 == 1),
            block.map(|b| table[usize::from(b)]),
        )
    }

    #[test]
    fn the_eight_byte_mask_agrees_with_the_tables_for_every_byte_at_every_position() {
        for fill in [
            b'a', b' ', b'~', b'#', b']', 0x21, 0x5d, 0x7e, 0x00, 0x7f, 0x80, 0xff,
        ] {
            for b in 0..=255u8 {
                for pos in 0..8 {
                    let mut block = [fill; 8];
                    block[pos] = b;
                    for ensure_ascii in [false, true] {
                        let (mask, table) = flags(block, ensure_ascii);
                        assert_eq!(
                            mask, table,
                            "byte {b:#04x} at {pos} among {fill:#04x}, ensure_ascii {ensure_ascii}"
                        );
                    }
                }
            }
        }
    }

    proptest! {
        #[test]
        fn the_eight_byte_mask_agrees_with_the_tables(block in any::<[u8; 8]>(), low in any::<[bool; 8]>()) {
            // Some bytes pulled into ASCII, so both answers are common.
            let mut block = block;
            for (b, l) in block.iter_mut().zip(low) {
                if l {
                    *b &= 0x7f;
                }
            }
            for ensure_ascii in [false, true] {
                let (mask, table) = flags(block, ensure_ascii);
                prop_assert_eq!(mask, table);
            }
        }

        #[test]
        fn long_runs_with_one_escape_anywhere(pre in "[a-z0-9 /{}:,]{0,40}", esc in "[\\x00-\\x1f\\x7f\"\\\\\u{80}-\u{10ffff}]", post in "[a-z0-9 /{}:,]{0,40}") {
            let s = format!("{pre}{esc}{post}{pre}");
            for ensure_ascii in [false, true] {
                let w = Writer { sort_keys: false, ensure_ascii };
                let mut out = String::new();
                w.write_str(&s, &mut out);
                prop_assert_eq!(&out, &reference(ensure_ascii, &s));
            }
        }

        #[test]
        fn fast_escaping_equals_the_reference(s in "(\\PC|[\\x00-\\x1f\\x7f\"\\\\]|[\u{80}-\u{10ffff}]){0,40}") {
            for ensure_ascii in [false, true] {
                let w = Writer { sort_keys: false, ensure_ascii };
                let mut out = String::new();
                w.write_str(&s, &mut out);
                prop_assert_eq!(&out, &reference(ensure_ascii, &s));
            }
            // Without ensure_ascii it is serde_json's own escaping.
            let mut out = String::new();
            Writer { sort_keys: false, ensure_ascii: false }.write_str(&s, &mut out);
            prop_assert_eq!(out, serde_json::to_string(&s).unwrap_or_default());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn py(v: &str) -> String {
        let v: Value = serde_json::from_str(v).unwrap_or(Value::Null);
        Writer::PYTHON_SORTED.to_string(&v).unwrap_or_default()
    }

    #[test]
    fn escapes_like_python() {
        assert_eq!(py(r#""A\"B\\C/D\tE""#), r#""A\"B\\C/D\tE""#);
        assert_eq!(py(r#""é€🚀""#), r#""\u00e9\u20ac\ud83d\ude80""#);
        assert_eq!(
            py(r#""\u0001\u001f\u007f\b\f\n\r""#),
            r#""\u0001\u001f\u007f\b\f\n\r""#
        );
        assert_eq!(
            py(r#"{"b":1,"a":{"d":[{"z":1,"y":2}],"c":true}}"#),
            r#"{"a":{"c":true,"d":[{"y":2,"z":1}]},"b":1}"#
        );
        assert_eq!(py("18446744073709551616"), "18446744073709551616");
        assert_eq!(py("-0"), "0");
    }

    #[test]
    fn floats_refused() {
        let v: Value = serde_json::from_str("{\"a\":1.0}").unwrap_or(Value::Null);
        assert!(Writer::PYTHON_SORTED.to_string(&v).is_err());
    }

    #[test]
    fn push_u64_is_to_string() {
        let mut n = 1u64;
        for v in [
            0,
            1,
            9,
            10,
            99,
            100,
            42069,
            1_748_970_123_456,
            u64::MAX - 1,
            u64::MAX,
        ]
        .into_iter()
        .chain(std::iter::from_fn(|| {
            n = n.checked_mul(7)?;
            Some(n)
        })) {
            let mut out = String::from("x");
            push_u64(&mut out, v);
            assert_eq!(out, format!("x{v}"));
        }
    }
}
