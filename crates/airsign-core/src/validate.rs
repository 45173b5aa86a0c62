//! Field readers shared by the venue crates: every one names the field path, what was
//! expected and what was seen, and none ever rounds a number.

use serde_json::{Map, Value};

use crate::json::{self, IntCheck};
use crate::{Error, ErrorCode, Result};

/// True for a UUID in canonical lowercase 8-4-4-4-12 hex form.
pub fn is_canonical_uuid(s: &str) -> bool {
    uuid_shape(s, |c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

/// True for a UUID in 8-4-4-4-12 hex form, digits in either case (venues whose own
/// examples use upper case).
pub fn is_uuid(s: &str) -> bool {
    uuid_shape(s, |c| c.is_ascii_hexdigit())
}

fn uuid_shape(s: &str, hex: impl Fn(u8) -> bool) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => hex(c),
        })
}

/// A checked view of one JSON object (`params`, or a batch item), with field paths.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    prefix: &'a str,
}

impl<'a> Fields<'a> {
    /// Wraps `map`, whose path is `prefix`, refusing any key not in `allowed`.
    pub fn new(map: &'a Map<String, Value>, prefix: &'a str, allowed: &[&str]) -> Result<Self> {
        let f = Self { map, prefix };
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                return Err(Error::new(
                    ErrorCode::RequestUnknownField,
                    Some(&f.path(key)),
                    format!(
                        "unknown field; expected only: {}",
                        if allowed.is_empty() {
                            "no fields".to_owned()
                        } else {
                            allowed.join(", ")
                        }
                    ),
                ));
            }
        }
        Ok(f)
    }

    /// The full path of `name`, e.g. `params.order_id`.
    pub fn path(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{}", self.prefix, name)
        }
    }

    /// The raw value of `name`, if present (a JSON `null` counts as present).
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.map.get(name)
    }

    /// The fields in their original order.
    pub fn entries(&self) -> impl Iterator<Item = (&'a str, &'a Value)> + use<'a> {
        self.map.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// True when `name` is present.
    pub fn has(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    /// An error saying `name` is required.
    pub fn missing(&self, name: &str, expected: &str) -> Error {
        Error::missing(&self.path(name), expected)
    }

    /// An error saying `name` holds `seen` where `expected` was due.
    pub fn invalid(&self, name: &str, expected: &str, seen: &Value) -> Error {
        Error::invalid(&self.path(name), expected, seen)
    }

    /// `name` as an exact `u64`, if present.
    pub fn opt_u64(&self, name: &str) -> Result<Option<u64>> {
        self.get(name)
            .map(|v| value_u64(&self.path(name), v))
            .transpose()
    }

    /// `name` as an exact `u64`; required.
    pub fn u64(&self, name: &str) -> Result<u64> {
        self.opt_u64(name)?
            .ok_or_else(|| self.missing(name, "an unsigned 64-bit integer"))
    }

    /// `name` as a string, if present.
    pub fn opt_str(&self, name: &str) -> Result<Option<&'a str>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.invalid(name, "a string", v)),
        }
    }

    /// `name` as a string; required.
    pub fn str(&self, name: &str) -> Result<&'a str> {
        self.opt_str(name)?
            .ok_or_else(|| self.missing(name, "a string"))
    }

    /// `name` as a boolean, if present.
    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(self.invalid(name, "true or false", v)),
        }
    }

    /// `name` as a boolean; required.
    pub fn bool(&self, name: &str) -> Result<bool> {
        self.opt_bool(name)?
            .ok_or_else(|| self.missing(name, "true or false"))
    }

    /// `name` as a canonical lowercase UUID string, if present.
    pub fn opt_uuid(&self, name: &str) -> Result<Option<&'a str>> {
        match self.opt_str(name)? {
            None => Ok(None),
            Some(s) if is_canonical_uuid(s) => Ok(Some(s)),
            Some(s) => Err(self.invalid(
                name,
                "a UUID in canonical lowercase 8-4-4-4-12 form",
                &Value::from(s),
            )),
        }
    }
}

/// A JSON value as an exact `u64`, with an error naming `field` otherwise.
pub fn value_u64(field: &str, v: &Value) -> Result<u64> {
    let Value::Number(n) = v else {
        return Err(Error::invalid(field, "a JSON integer (not a string)", v));
    };
    json::number_as_u64(n).map_err(|why| match why {
        IntCheck::NotInteger => Error::invalid(field, "an integer (no fraction, no exponent)", v),
        IntCheck::Negative => Error::invalid(field, "a non-negative integer", v),
        IntCheck::TooLarge => Error::invalid(
            field,
            "an integer that fits in 64 bits (at most 18446744073709551615)",
            v,
        ),
    })
}

/// A JSON value as an exact `i64`, with an error naming `field` otherwise.
pub fn value_i64(field: &str, v: &Value) -> Result<i64> {
    match v {
        Value::Number(n) if json::is_integer(n) => json::number_as_i64(n).ok_or_else(|| {
            Error::invalid(field, "an integer that fits in a signed 64-bit integer", v)
        }),
        Value::Number(_) => Err(Error::invalid(
            field,
            "an integer (no fraction, no exponent)",
            v,
        )),
        _ => Err(Error::invalid(field, "a JSON integer (not a string)", v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_form() {
        assert!(is_canonical_uuid("79f948fd-7556-4066-a128-083f3ea49322"));
        assert!(!is_canonical_uuid("79F948FD-7556-4066-A128-083F3EA49322"));
        assert!(!is_canonical_uuid("{79f948fd-7556-4066-a128-083f3ea49322}"));
        assert!(!is_canonical_uuid("79f948fd-7556-4066-a128-083f3ea4932g"));
        assert!(is_uuid("79F948FD-7556-4066-A128-083F3EA49322"));
        assert!(is_uuid("79f948fd-7556-4066-a128-083f3ea49322"));
        assert!(!is_uuid("{79f948fd-7556-4066-a128-083f3ea49322}"));
        assert!(!is_uuid("79f948fd-7556-4066-a128-083f3ea4932g"));
        assert!(!is_uuid("79f948fd7556-4066-a128-083f3ea49322-"));
    }
}
