//! Properties of canonical JSON (`json::Writer`) over generated documents:
//!
//! - it equals a reference model written here from Python's `json.dumps` rules
//!   (`separators=(",", ":")`, `sort_keys`, `ensure_ascii`), independently of the writer;
//! - it is idempotent: parse → write → parse → write gives the same bytes, and the
//!   value survives the trip;
//! - integers of any size keep their exact digits (never through `f64`);
//! - the output does not depend on the input's key order or whitespace when sorted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airsign_core::json::{Writer, parse_object};
use proptest::prelude::*;
use serde_json::{Map, Number, Value};

const WRITERS: [Writer; 4] = Writer::ALL;

/// The reference: Python's `json.dumps(v, separators=(",", ":"), sort_keys=…,
/// ensure_ascii=…)`, following `json/encoder.py` (`ESCAPE` / `ESCAPE_ASCII`).
fn reference(v: &Value, sort: bool, ascii: bool) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => if *b { "true" } else { "false" }.into(),
        Value::Number(n) => {
            // Python reads "-0" as the int 0.
            let t = n.to_string();
            if t.trim_start_matches('-').chars().all(|c| c == '0') {
                "0".into()
            } else {
                t
            }
        }
        Value::String(s) => reference_str(s, ascii),
        Value::Array(a) => format!(
            "[{}]",
            a.iter()
                .map(|x| reference(x, sort, ascii))
                .collect::<Vec<_>>()
                .join(",")
        ),
        Value::Object(o) => {
            let mut entries: Vec<(&String, &Value)> = o.iter().collect();
            if sort {
                // Python sorts str by code point: compare as sequences of chars.
                entries.sort_by(|a, b| a.0.chars().cmp(b.0.chars()));
            }
            format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, x)| format!(
                        "{}:{}",
                        reference_str(k, ascii),
                        reference(x, sort, ascii)
                    ))
                    .collect::<Vec<_>>()
                    .join(",")
            )
        }
    }
}

fn reference_str(s: &str, ascii: bool) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // ESCAPE_ASCII escapes everything outside ' '..='~'; ESCAPE only C0.
            c if (c as u32) < 0x20 || (ascii && !(' '..='~').contains(&c)) => {
                let cp = c as u32;
                if cp >= 0x10000 {
                    let v = cp - 0x10000;
                    let hi = 0xd800 | (v >> 10);
                    let lo = 0xdc00 | (v & 0x3ff);
                    out.push_str(&format!("\\u{hi:04x}\\u{lo:04x}"));
                } else {
                    out.push_str(&format!("\\u{cp:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Strings that hit every escaping rule: ASCII, controls, DEL, Latin-1, BMP, astral.
fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9_]{0,8}",
        "[\\x00-\\x7f]{0,12}",
        "[\\u{80}-\\u{7ff}\\u{800}-\\u{ffff}\\u{10000}-\\u{10ffff}a\"\\\\/]{0,8}",
        any::<String>(),
    ]
}

/// Integers as exact decimal text, far beyond 64 bits too.
fn integer() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<u64>().prop_map(Number::from),
        any::<i64>().prop_map(Number::from),
        "-?[1-9][0-9]{18,40}".prop_map(|t| serde_json::from_str::<Number>(&t).unwrap()),
        Just(serde_json::from_str::<Number>("-0").unwrap()),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        integer().prop_map(Value::Number),
        string().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((string(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// `v` with its objects' keys in reverse order, everywhere.
fn reversed(v: &Value) -> Value {
    match v {
        Value::Array(a) => Value::Array(a.iter().map(reversed).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .rev()
                .map(|(k, x)| (k.clone(), reversed(x)))
                .collect(),
        ),
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn writer_equals_the_python_reference(v in value()) {
        for w in WRITERS {
            let got = w.to_string(&v).unwrap();
            prop_assert_eq!(&got, &reference(&v, w.sort_keys, w.ensure_ascii), "{:?}", w);
            if w.ensure_ascii {
                prop_assert!(got.is_ascii());
            }
        }
    }

    #[test]
    fn canonical_form_is_idempotent_and_keeps_the_value(v in value()) {
        for w in WRITERS {
            let once = w.to_string(&v).unwrap();
            let parsed: Value = serde_json::from_str(&once).unwrap();
            let twice = w.to_string(&parsed).unwrap();
            prop_assert_eq!(&twice, &once);
            // Same value (with -0 read back as 0, as Python does).
            prop_assert_eq!(reference(&parsed, true, true), reference(&v, true, true));
            if !w.sort_keys {
                // Key order is kept exactly when not sorting.
                let keys = |x: &Value| Writer::PYTHON.to_string(x).unwrap();
                prop_assert_eq!(keys(&parsed), keys(&v));
            }
        }
    }

    #[test]
    fn sorted_form_ignores_key_order_and_whitespace(v in value()) {
        let canon = Writer::PYTHON_SORTED.to_string(&v).unwrap();
        prop_assert_eq!(Writer::PYTHON_SORTED.to_string(&reversed(&v)).unwrap(), canon.clone());
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        let reparsed: Value = serde_json::from_str(&pretty).unwrap();
        prop_assert_eq!(Writer::PYTHON_SORTED.to_string(&reparsed).unwrap(), canon);
    }

    #[test]
    fn strict_parse_of_an_object_agrees(kv in proptest::collection::vec((string(), value()), 0..6)) {
        let v = Value::Object(kv.into_iter().collect());
        let text = Writer::PYTHON.to_string(&v).unwrap();
        let map = parse_object(&text).unwrap();
        prop_assert_eq!(Writer::PYTHON.to_string(&Value::Object(map)).unwrap(), text);
    }

    #[test]
    fn integers_keep_their_exact_digits(n in integer()) {
        let text = n.to_string();
        let v: Value = serde_json::from_str(&format!("{{\"id\":{text}}}")).unwrap();
        let out = Writer::PYTHON_SORTED.to_string(&v).unwrap();
        let expect = if text == "-0" { "0".to_owned() } else { text };
        prop_assert_eq!(out, format!("{{\"id\":{expect}}}"));
    }
}
