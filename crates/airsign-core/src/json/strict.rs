//! The strict parser: one JSON object, its numbers' exact text kept, a repeated key at
//! any depth refused.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::shape::check_shape;
use crate::{Error, ErrorCode, Result};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
