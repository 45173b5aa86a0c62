//! Exact integers from JSON numbers: read from their text, never through `f64`.

use serde_json::Number;

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

#[cfg(test)]
mod tests {
    use super::*;

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
