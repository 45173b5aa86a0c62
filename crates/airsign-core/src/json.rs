//! Strict JSON in, exact JSON out.
//!
//! Parsing ([`parse_object`]) refuses what `serde_json` would let through silently:
//! duplicate keys (the last one would win, and a signer must never guess which one the
//! user meant). Numbers keep their exact text (`arbitrary_precision`), so a `u64` id is
//! never rounded through `f64` and `42069.0` stays distinguishable from `42069`.
//!
//! Writing ([`Writer`]) reproduces Python's `json.dumps(obj, separators=(",", ":"))`
//! byte for byte: no whitespace, `ensure_ascii` escapes (`\u00e9`, astral characters as
//! surrogate pairs, lowercase hex), `/` unescaped, short escapes for `\b \f \n \r \t`,
//! other C0 controls and DEL as `\u00XX`. Keys are optionally sorted recursively by code
//! point, which is what venues that sign "sorted compact JSON" mean. Floats are refused:
//! Python prints them with `repr`, and no signed payload in airsign may carry one.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::{Error, ErrorCode, Result};

/// Deepest nesting [`check_shape`] lets through. The deepest real input is a Pacifica
/// `batch_orders` envelope: 8 levels (its request: 5); the Ripio, Derive and Mobula ones
/// stay within 4. 32 leaves room for any venue's request without letting a line build a
/// deep tree.
pub const MAX_DEPTH: usize = 32;

/// Most values [`check_shape`] lets through in one document, counted as its containers
/// (`[`, `{`) plus its separators (`,`): a document with `k` of them holds at most
/// `2k + 1` values and keys. The largest reference requests hold about 90 values (the
/// Pacifica batch with one action too many, `err-batch-too-many`: 11 actions, the most a
/// Pacifica batch may hold being 10) and the largest envelopes about 70 (Derive's
/// `cancel_quote` with every optional field, Pacifica's `batch_orders`); 10 000 is a
/// hundred times that, and its tree stays within a few MiB.
pub const MAX_VALUES: usize = 10_000;

/// Refuses a document whose shape no request or envelope has — nested deeper than
/// [`MAX_DEPTH`] or holding more than [`MAX_VALUES`] values — in one pass over its bytes,
/// before any tree is built: a 15 MiB line of `[0,0,0,…]` (7.8 million values) would
/// otherwise become a value tree of 50 times its size.
///
/// It does not check the syntax (the parser does, afterwards) and does not bound strings:
/// a string costs memory once, its own size, and each venue caps the fields it signs.
pub fn check_shape(text: &str) -> Result<()> {
    let b = text.as_bytes();

    let mut depth = 0usize;
    let mut values = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                // Skip the string: up to the next quote that no backslash escapes, eight
                // bytes at a time (signatures and bodies make up most of a line).
                i += 1;
                while i < b.len() {
                    if let Some(block) = b.get(i..i + 8) {
                        let mut word = [0u8; 8];
                        word.copy_from_slice(block);
                        let x = u64::from_le_bytes(word);
                        let hit = bytes_equal(x, b'"') | bytes_equal(x, b'\\');
                        if hit == 0 {
                            i += 8;
                            continue;
                        }
                        i += (hit.trailing_zeros() / 8) as usize;
                    }
                    match b[i] {
                        b'"' => break,
                        b'\\' => i += 2,
                        _ => i += 1,
                    }
                }
            }
            b'[' | b'{' => {
                depth += 1;
                values += 1;
                if depth > MAX_DEPTH {
                    return Err(shape_error(&format!(
                        "at most {MAX_DEPTH} levels of nesting"
                    )));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b',' => values += 1,
            _ => {}
        }
        if values > MAX_VALUES {
            return Err(shape_error(&format!(
                "at most {MAX_VALUES} values (arrays, objects, elements and members)"
            )));
        }
        i += 1;
    }
    Ok(())
}

fn shape_error(limit: &str) -> Error {
    Error::new(
        ErrorCode::RequestMalformed,
        None,
        format!(
            "expected a JSON object with {limit}, saw more (refused before parsing; no \
             request or envelope has that shape)"
        ),
    )
}

/// Whether `bytes` are exactly one JSON document (any value) by its syntax, checked
/// without building it (whatever its size, no tree is kept).
pub fn is_one_document(bytes: &[u8]) -> bool {
    serde_json::from_slice::<de::IgnoredAny>(bytes).is_ok()
}

/// Parses `text` as one JSON object, refusing duplicate keys at any depth.
///
/// A leading UTF-8 byte-order mark is refused too: it is not JSON, and a signer should not
/// guess whether it was meant. So is a document beyond [`check_shape`]'s limits, before
/// any of it is parsed.
pub fn parse_object(text: &str) -> Result<Map<String, Value>> {
    if text.starts_with('\u{feff}') {
        return Err(Error::new(
            ErrorCode::RequestMalformed,
            None,
            "expected a JSON object, saw a byte-order mark (U+FEFF) before it",
        ));
    }
    check_shape(text)?;
    let Strict(value) = serde_json::from_str(text).map_err(malformed)?;
    let Value::Object(map) = value else {
        return Err(Error::new(
            ErrorCode::RequestMalformed,
            None,
            format!(
                "expected a JSON object, saw {}",
                crate::error::describe(&value)
            ),
        ));
    };
    Ok(map)
}

fn malformed(e: serde_json::Error) -> Error {
    Error::new(
        ErrorCode::RequestMalformed,
        None,
        format!("expected a JSON object, saw invalid JSON: {e}"),
    )
}

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

const ONES: u64 = 0x0101_0101_0101_0101;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Bit 7 of each byte set where that byte of `x` equals `c` (exact: no carry crosses a
/// byte, since every sum stays below 0x100).
const fn bytes_equal(x: u64, c: u8) -> u64 {
    let y = x ^ (ONES * c as u64);
    !(((y & LOW7) + LOW7) | y) & HIGHS
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

/// The map key `serde_json` (with `arbitrary_precision`) uses to hand a number's exact
/// text to a visitor.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// A JSON value built in one pass, refusing an object with a repeated key at any depth.
/// (Plain `serde_json::Value` keeps the last duplicate without a word.)
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Strict;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, b: bool) -> std::result::Result<Strict, E> {
        Ok(Strict(Value::Bool(b)))
    }
    fn visit_i64<E>(self, n: i64) -> std::result::Result<Strict, E> {
        Ok(Strict(Value::from(n)))
    }
    fn visit_u64<E>(self, n: u64) -> std::result::Result<Strict, E> {
        Ok(Strict(Value::from(n)))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> std::result::Result<Strict, E> {
        Number::from_f64(n)
            .map(|n| Strict(Value::Number(n)))
            .ok_or_else(|| E::custom("a number JSON cannot hold"))
    }
    fn visit_str<E>(self, s: &str) -> std::result::Result<Strict, E> {
        Ok(Strict(Value::String(s.to_owned())))
    }
    fn visit_string<E>(self, s: String) -> std::result::Result<Strict, E> {
        Ok(Strict(Value::String(s)))
    }
    fn visit_unit<E>(self) -> std::result::Result<Strict, E> {
        Ok(Strict(Value::Null))
    }
    fn visit_none<E>(self) -> std::result::Result<Strict, E> {
        Ok(Strict(Value::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Strict, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Strict(v)) = seq.next_element::<Strict>()? {
            out.push(v);
        }
        Ok(Strict(Value::Array(out)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Strict, A::Error> {
        let Some(first) = map.next_key::<String>()? else {
            return Ok(Strict(Value::Object(Map::new())));
        };
        if first == NUMBER_TOKEN {
            // A number: its exact text, kept as text (`arbitrary_precision`).
            let text: String = map.next_value()?;
            return text
                .parse::<Number>()
                .map(|n| Strict(Value::Number(n)))
                .map_err(de::Error::custom);
        }
        // Sized for a request's top level up front: growing a map rehashes it.
        let mut out = Map::with_capacity(map.size_hint().unwrap_or(8).min(64));
        let Strict(v) = map.next_value::<Strict>()?;
        out.insert(first, v);
        while let Some(key) = map.next_key::<String>()? {
            // One hash per key: the entry both checks for a duplicate and inserts.
            match out.entry(key) {
                serde_json::map::Entry::Occupied(e) => {
                    return Err(de::Error::custom(format_args!(
                        "duplicate key {}",
                        Value::from(e.key().as_str())
                    )));
                }
                serde_json::map::Entry::Vacant(slot) => {
                    let Strict(v) = map.next_value::<Strict>()?;
                    slot.insert(v);
                }
            }
        }
        Ok(Strict(Value::Object(out)))
    }
}

/// Helpers for the venues' fast paths, which read a plain request straight from its text
/// and give up (hand it to the general path) at anything they do not take in full.
pub mod fast {
    use serde::de;

    /// The error that only means "not the fast path" (never shown to anyone).
    pub fn not_fast<E: de::Error>() -> E {
        E::custom("not the fast path")
    }

    /// Reads the `venue` value into `slot`: "not fast" unless it is `expected` (another
    /// venue's request stops being read at once) and seen only once.
    pub fn venue<'de, A: de::MapAccess<'de>>(
        m: &mut A,
        slot: &mut Option<&'de str>,
        expected: &str,
    ) -> std::result::Result<(), A::Error> {
        let v = m.next_value::<&'de str>()?;
        if v != expected {
            return Err(not_fast());
        }
        once(slot, v)
    }

    /// Sets a field once; a second occurrence (a duplicate key) is "not fast".
    pub fn once<T, E: de::Error>(slot: &mut Option<T>, v: T) -> std::result::Result<(), E> {
        if slot.is_some() {
            return Err(not_fast());
        }
        *slot = Some(v);
        Ok(())
    }

    /// An object a fast path reads key by key, straight from the text: start from
    /// `Default`, take each key with [`Fields::field`], then check [`Fields::complete`].
    /// Read it through [`Obj`].
    pub trait Fields<'de>: Default {
        /// What the object is (for serde's own messages, which are never shown).
        const WHAT: &'static str;
        /// Reads the value of `key` from `m`; "not fast" for a key it does not take.
        fn field<A: de::MapAccess<'de>>(
            &mut self,
            key: &'de str,
            m: &mut A,
        ) -> std::result::Result<(), A::Error>;
        /// Whether every key the object needs was there (checked after the last key).
        fn complete(&self) -> bool {
            true
        }
    }

    /// A [`Fields`] object as serde reads it: a JSON object, or "not fast".
    pub struct Obj<T>(pub T);

    impl<'de, T: Fields<'de>> de::Deserialize<'de> for Obj<T> {
        fn deserialize<D: de::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
            struct V<T>(std::marker::PhantomData<T>);
            impl<'de, T: Fields<'de>> de::Visitor<'de> for V<T> {
                type Value = Obj<T>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(T::WHAT)
                }
                fn visit_map<A: de::MapAccess<'de>>(
                    self,
                    mut m: A,
                ) -> std::result::Result<Obj<T>, A::Error> {
                    let mut t = T::default();
                    while let Some(key) = m.next_key::<&'de str>()? {
                        t.field(key, &mut m)?;
                    }
                    if !t.complete() {
                        return Err(not_fast());
                    }
                    Ok(Obj(t))
                }
            }
            d.deserialize_map(V(std::marker::PhantomData))
        }
    }
}

/// What an integer-looking JSON number turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntCheck {
    /// Not an integer literal at all (`1.0`, `1e3`).
    NotInteger,
    /// A negative integer.
    Negative,
    /// A non-negative integer above `u64::MAX`.
    TooLarge,
}

/// The exact `u64` a JSON number spells, or why it is not one.
pub fn number_as_u64(n: &Number) -> std::result::Result<u64, IntCheck> {
    let text = n.as_str();
    let (neg, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IntCheck::NotInteger);
    }
    if neg && digits.bytes().any(|b| b != b'0') {
        return Err(IntCheck::Negative);
    }
    if neg {
        // `-0`: refused, never coerced to 0.
        return Err(IntCheck::Negative);
    }
    digits.parse::<u64>().map_err(|_| IntCheck::TooLarge)
}

/// The exact `i64` a JSON number spells, or `None` when it is not an integer in range.
pub fn number_as_i64(n: &Number) -> Option<i64> {
    let text = n.as_str();
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if text.starts_with('-') && digits.bytes().all(|b| b == b'0') {
        // `-0`: refused, never coerced to 0.
        return None;
    }
    text.parse::<i64>().ok()
}

/// True when the JSON number is written as an integer (no fraction, no exponent).
pub fn is_integer(n: &Number) -> bool {
    let t = n.as_str();
    let d = t.strip_prefix('-').unwrap_or(t);
    !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
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
    fn shape_limits_refuse_before_parsing() {
        let wide = format!(r#"{{"x":[{}0]}}"#, "0,".repeat(MAX_VALUES));
        let e = parse_object(&wide).unwrap_err();
        assert!(e.message().contains("at most 10000 values"), "{e}");
        let deep = format!(
            "{}1{}",
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        assert!(
            check_shape(&deep)
                .unwrap_err()
                .message()
                .contains("nesting")
        );
        let ok = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(check_shape(&ok).is_ok());
        // Brackets and commas inside strings (escaped quotes too) are not counted.
        let s = format!(r#"{{"a":"\"{}\\"}}"#, "[,".repeat(MAX_VALUES));
        assert!(parse_object(&s).is_ok());
        // The eight-byte string skip, at every alignment: a quote or escape anywhere in a
        // block ends or continues the string exactly as byte by byte.
        for pad in 0..20 {
            let p = "x".repeat(pad);
            let text = format!(r#"{{"a":"{p}\"{p}\\","b":"{p}[,{{"}}"#);
            assert!(parse_object(&text).is_ok(), "{text}");
            let deep = format!(
                r#"{{"a":"{p}\"","b":{}1{}}}"#,
                "[".repeat(40),
                "]".repeat(40)
            );
            assert!(check_shape(&deep).is_err(), "{deep}");
        }
        let fits = format!(r#"{{"x":[{}0]}}"#, "0,".repeat(MAX_VALUES - 2));
        assert!(parse_object(&fits).is_ok());
    }

    #[test]
    fn floats_refused() {
        let v: Value = serde_json::from_str("{\"a\":1.0}").unwrap_or(Value::Null);
        assert!(Writer::PYTHON_SORTED.to_string(&v).is_err());
    }

    #[test]
    fn duplicates_refused() {
        assert!(parse_object(r#"{"a":1,"a":2}"#).is_err());
        assert!(parse_object(r#"{"a":{"b":1,"b":1}}"#).is_err());
        assert!(parse_object(r#"{"a":[{"b":1},{"b":1}]}"#).is_ok());
        assert!(parse_object("\u{feff}{}").is_err());
        assert!(parse_object("[1]").is_err());
    }

    #[test]
    fn many_keys_are_checked_in_linear_time() {
        // 200 000 keys: with a pairwise check this took minutes; now well under a second
        // even unoptimised.
        let n = 200_000;
        let body: Vec<String> = (0..n).map(|i| format!("\"k{i}\":{i}")).collect();
        let text = format!("{{{}}}", body.join(","));
        let start = std::time::Instant::now();
        // The strict parser itself: parse_object refuses this many values before parsing.
        assert!(parse_object(&text).is_err());
        assert!(serde_json::from_str::<Strict>(&text).is_ok());
        let dup = format!("{{{},\"k{}\":0}}", body.join(","), n - 1);
        assert!(serde_json::from_str::<Strict>(&dup).is_err());
        assert!(start.elapsed() < std::time::Duration::from_secs(10));
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

    #[test]
    fn u64_exact() {
        let n = |s: &str| serde_json::from_str::<Number>(s).unwrap_or_else(|_| Number::from(7u8));
        assert_eq!(number_as_u64(&n("18446744073709551615")), Ok(u64::MAX));
        assert_eq!(
            number_as_u64(&n("18446744073709551616")),
            Err(IntCheck::TooLarge)
        );
        assert_eq!(number_as_u64(&n("-1")), Err(IntCheck::Negative));
        assert_eq!(number_as_u64(&n("1.0")), Err(IntCheck::NotInteger));
        assert_eq!(number_as_u64(&n("1e3")), Err(IntCheck::NotInteger));
    }
}
