//! JSON numbers the way a JavaScript server will see them.
//!
//! Mobula's server is JavaScript: it reads every number into an IEEE-754 double and the
//! reference bodies are `JSON.stringify` output. So a body number is written as
//! ECMAScript's `Number::toString` of the nearest double (`1.0` → `1`, `1e3` → `1000`,
//! `1e21` → `1e+21`), and a number whose decimal value the double cannot hold exactly
//! (`9007199254740993`, `0.30000000000000001`) is refused rather than silently changed:
//! the user would be signing for a different amount than the one they wrote.

/// The `JSON.stringify` text of the JSON number `text`, or `None` when the number does
/// not survive a round trip through a double unchanged (or is not finite).
pub fn js_text(text: &str) -> Option<String> {
    let f: f64 = text.parse().ok()?;
    if !f.is_finite() {
        return None;
    }
    let out = format_double(f);
    (decimal(text)? == decimal(&out)?).then_some(out)
}

/// The value of `text` as a finite double, if it is one (no exactness check).
pub fn to_f64(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// ECMAScript Number::prototype::toString (radix 10) for a finite double.
fn format_double(f: f64) -> String {
    if f == 0.0 {
        // -0 prints as "0" too.
        return "0".to_owned();
    }
    // `{:e}` prints the shortest digits that round-trip, as ECMAScript requires.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    let n = exp + 1;
    let body = if k <= n && n <= 21 {
        format!(
            "{digits}{}",
            "0".repeat(usize::try_from(n - k).unwrap_or(0))
        )
    } else if 0 < n && n <= 21 {
        let n = usize::try_from(n).unwrap_or(0);
        format!("{}.{}", &digits[..n], &digits[n..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat(usize::try_from(-n).unwrap_or(0)))
    } else {
        let e = n - 1;
        let sign = if e >= 0 { '+' } else { '-' };
        if k == 1 {
            format!("{digits}e{sign}{}", e.abs())
        } else {
            format!("{}.{}e{sign}{}", &digits[..1], &digits[1..], e.abs())
        }
    };
    if f < 0.0 { format!("-{body}") } else { body }
}

/// A decimal number as (negative, significant digits, exponent) with value
/// `0.d₁d₂… × 10^exponent`; zero is `(false, "", 0)`. `None` for text that is not a
/// JSON-style number.
fn decimal(text: &str) -> Option<(bool, String, i64)> {
    let (neg, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (mantissa, exp) = match rest.find(['e', 'E']) {
        Some(i) => {
            let e = &rest[i + 1..];
            let e = e.strip_prefix('+').unwrap_or(e);
            (&rest[..i], e.parse::<i64>().ok()?)
        }
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let all = format!("{int}{frac}");
    let mut point = i64::try_from(int.len()).ok()?.checked_add(exp)?;
    let lead = all.bytes().take_while(|&b| b == b'0').count();
    let sig = all[lead..].trim_end_matches('0');
    if sig.is_empty() {
        return Some((false, String::new(), 0));
    }
    point -= i64::try_from(lead).ok()?;
    Some((neg, sig.to_owned(), point))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_json_stringify() {
        for (input, js) in [
            ("0", "0"),
            ("-0", "0"),
            ("10", "10"),
            ("0.5", "0.5"),
            ("4200.5", "4200.5"),
            ("1.0", "1"),
            ("1e3", "1000"),
            ("1E+3", "1000"),
            ("0.1", "0.1"),
            ("-2.50", "-2.5"),
            ("0.000001", "0.000001"),
            ("0.0000001", "1e-7"),
            ("1e21", "1e+21"),
            ("123456789012345678901", "123456789012345680000"),
            ("1.5e300", "1.5e+300"),
            ("9007199254740992", "9007199254740992"),
            ("250000", "250000"),
        ] {
            if input == "123456789012345678901" {
                // Not exactly representable: refused.
                assert_eq!(js_text(input), None);
                continue;
            }
            assert_eq!(js_text(input).as_deref(), Some(js), "{input}");
        }
    }

    #[test]
    fn inexact_refused() {
        for input in [
            "9007199254740993",
            "0.30000000000000001",
            "1e400",
            "18446744073709551615",
        ] {
            assert_eq!(js_text(input), None, "{input}");
        }
    }
}

#[cfg(test)]
mod props {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// What JavaScript prints for a double reads back as the same double, and is
        /// accepted unchanged.
        #[test]
        fn printed_doubles_round_trip(bits in any::<u64>()) {
            let f = f64::from_bits(bits);
            prop_assume!(f.is_finite());
            let text = format_double(f);
            let back: f64 = text.parse().unwrap();
            prop_assert!(back == f || (back == 0.0 && f == 0.0));
            prop_assert_eq!(js_text(&text), Some(text.clone()));
        }
    }
}
