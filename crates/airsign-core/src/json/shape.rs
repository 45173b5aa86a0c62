//! The shape check, run before anything is parsed: how deep a document nests and how many
//! values it holds, counted in one pass over its bytes; and the syntax-only check of one
//! document.

use serde::de;

use super::swar::bytes_equal;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse_object;

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
}
