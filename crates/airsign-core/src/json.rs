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

use std::collections::HashSet;
use std::fmt::Write as _;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::{Error, ErrorCode, Result};

/// Parses `text` as one JSON object, refusing duplicate keys at any depth.
///
/// A leading UTF-8 byte-order mark is refused too: it is not JSON, and a signer should not
/// guess whether it was meant.
pub fn parse_object(text: &str) -> Result<Map<String, Value>> {
    if text.starts_with('\u{feff}') {
        return Err(Error::new(
            ErrorCode::RequestMalformed,
            None,
            "expected a JSON object, saw a byte-order mark (U+FEFF) before it",
        ));
    }
    let value: Value = serde_json::from_str(text).map_err(malformed)?;
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
    // Second pass: serde_json keeps the last of duplicate keys without a word.
    serde_json::from_str::<NoDuplicates>(text).map_err(malformed)?;
    Ok(map)
}

fn malformed(e: serde_json::Error) -> Error {
    Error::new(
        ErrorCode::RequestMalformed,
        None,
        format!("expected a JSON object, saw invalid JSON: {e}"),
    )
}

/// Walks a JSON document and fails on the first object with a repeated key.
struct NoDuplicates;

impl<'de> Deserialize<'de> for NoDuplicates {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(NoDuplicatesVisitor)
    }
}

struct NoDuplicatesVisitor;

impl<'de> Visitor<'de> for NoDuplicatesVisitor {
    type Value = NoDuplicates;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> std::result::Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_i64<E>(self, _: i64) -> std::result::Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_u64<E>(self, _: u64) -> std::result::Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_f64<E>(self, _: f64) -> std::result::Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_str<E>(self, _: &str) -> std::result::Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_unit<E>(self) -> std::result::Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<NoDuplicates, A::Error> {
        while seq.next_element::<NoDuplicates>()?.is_some() {}
        Ok(NoDuplicates)
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<NoDuplicates, A::Error> {
        // A hash set, not a list: a line may carry a million keys, and comparing each
        // with all the ones before it would take hours (found by the hostile corpus).
        let mut seen: HashSet<String> = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                return Err(de::Error::custom(format_args!(
                    "duplicate key {}",
                    Value::from(key)
                )));
            }
            map.next_value::<NoDuplicates>()?;
            seen.insert(key);
        }
        Ok(NoDuplicates)
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
        return Ok(0);
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

    /// Appends `s` as a JSON string literal with Python's escaping rules.
    pub fn write_str(self, s: &str, out: &mut String) {
        out.push('"');
        let mut start = 0;
        for (i, ch) in s.char_indices() {
            let esc: Option<&str> = match ch {
                '"' => Some("\\\""),
                '\\' => Some("\\\\"),
                '\n' => Some("\\n"),
                '\r' => Some("\\r"),
                '\t' => Some("\\t"),
                '\u{08}' => Some("\\b"),
                '\u{0c}' => Some("\\f"),
                _ => None,
            };
            let needs_u =
                esc.is_none() && ((ch as u32) < 0x20 || (self.ensure_ascii && (ch as u32) >= 0x7f));
            if esc.is_none() && !needs_u {
                continue;
            }
            out.push_str(&s[start..i]);
            start = i + ch.len_utf8();
            if let Some(e) = esc {
                out.push_str(e);
            } else {
                let mut buf = [0u16; 2];
                for unit in ch.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{:04x}", unit);
                }
            }
        }
        out.push_str(&s[start..]);
        out.push('"');
    }
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
        assert!(parse_object(&text).is_ok());
        let dup = format!("{{{},\"k{}\":0}}", body.join(","), n - 1);
        assert!(parse_object(&dup).is_err());
        assert!(start.elapsed() < std::time::Duration::from_secs(10));
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
