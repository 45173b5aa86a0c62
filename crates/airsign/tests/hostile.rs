//! Hostile input: every line of `vectors/hostile.tsv` (wrong types, duplicate keys, lone
//! surrogates, a BOM, invalid UTF-8, 10 MB and 17 MB lines, 100 000-deep nesting, huge
//! and negative numbers, timestamps in seconds, unknown fields, broken syntax), with the
//! good lines among them, goes through `airsign batch` in one run. Each line gets exactly
//! one answer, in order, with its line number: the good ones signed, the others refused
//! with their recorded code and field; the exit code is 1. The same lines through `sign`
//! one by one get the same code.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::Value;

const KEY1_HEX: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";

const PACIFICA: &str = r#"{"venue":"pacifica","action":"cancel_order","timestamp":1748970123456,"expiry_window":5000,"params":{"symbol":"BTC","order_id":42069}}"#;

struct Case {
    name: String,
    expected: String,
    field: Option<String>,
    line: Vec<u8>,
    generated: bool,
}

/// A Pacifica cancel with `params` as given (inside the braces).
fn pacifica(params: &str) -> String {
    format!(
        r#"{{"venue":"pacifica","action":"cancel_order","timestamp":1748970123456,"expiry_window":5000,"params":{{{params}}}}}"#
    )
}

/// Builds a `gen:KIND:N` line (see the header of `vectors/hostile.tsv`).
fn generate(spec: &str) -> Vec<u8> {
    let (kind, n) = spec.split_once(':').unwrap();
    let n: usize = n.parse().unwrap();
    let text = match kind {
        "symbol" => pacifica(&format!(r#""symbol":"{}","order_id":1"#, "A".repeat(n))),
        "whitespace" => PACIFICA.replacen(
            r#""venue":"pacifica","#,
            &format!(r#""venue":"pacifica",{}"#, " ".repeat(n)),
            1,
        ),
        "unknown_value" => PACIFICA.replacen(
            r#""action""#,
            &format!(r#""note":"{}","action""#, "x".repeat(n)),
            1,
        ),
        "garbage" => "x".repeat(n),
        "wide_array" => format!(r#"{{"x":[{}0]}}"#, "0,".repeat(n.saturating_sub(1))),
        "wide_params" => pacifica(&format!(
            r#""symbol":"BTC","order_id":1,"x":[{}0]"#,
            "0,".repeat(n.saturating_sub(1))
        )),
        "deep_array" => "[".repeat(n) + &"]".repeat(n),
        "deep_object" => r#"{"a":"#.repeat(n) + "1" + &"}".repeat(n),
        "deep_params" => pacifica(&format!(
            r#""symbol":"BTC","order_id":1,"x":{}{}"#,
            "[".repeat(n),
            "]".repeat(n)
        )),
        "many_params" => pacifica(&format!(
            r#""symbol":"BTC","order_id":1,{}"#,
            (0..n)
                .map(|i| format!(r#""k{i}":{i}"#))
                .collect::<Vec<_>>()
                .join(",")
        )),
        other => panic!("unknown generator {other}"),
    };
    text.into_bytes()
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(common::root().join("vectors/hostile.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.splitn(4, '\t').collect();
            assert_eq!(cols.len(), 4, "{l}");
            let (line, generated) = if let Some(h) = cols[3].strip_prefix("hex:") {
                (hex::decode(h).unwrap(), false)
            } else if let Some(g) = cols[3].strip_prefix("gen:") {
                (generate(g), true)
            } else {
                let s: String = serde_json::from_str(cols[3]).unwrap();
                (s.into_bytes(), false)
            };
            assert!(!line.contains(&b'\n'), "{}: one line", cols[0]);
            Case {
                name: cols[0].to_owned(),
                expected: cols[1].to_owned(),
                field: (cols[2] != "-").then(|| cols[2].to_owned()),
                line,
                generated,
            }
        })
        .collect()
}

/// The answer's error code and field, or `signed`.
fn outcome(answer: &Value) -> (String, Option<String>) {
    match answer.get("error") {
        None => {
            assert!(answer["signed"].is_array(), "{answer}");
            ("signed".to_owned(), None)
        }
        Some(e) => (
            e["code"].as_str().unwrap().to_owned(),
            e.get("field").and_then(Value::as_str).map(str::to_owned),
        ),
    }
}

#[test]
fn batch_answers_every_hostile_line_signs_the_good_ones_and_exits_1() {
    let cases = cases();
    assert!(cases.len() >= 80, "{}", cases.len());
    for must in [
        "bom",
        "duplicate-venue",
        "lone-high-surrogate",
        "10mb-symbol",
        "17mb-line",
        "deep-array-100k",
        "order-id-1e400",
        "timestamp-seconds",
        "order-id-negative",
        "unknown-param",
        "invalid-utf8",
    ] {
        assert!(cases.iter().any(|c| c.name == must), "missing case {must}");
    }
    let good = cases.iter().filter(|c| c.expected == "signed").count();
    assert!(good >= 5 && good < cases.len());

    let dir = tempfile::tempdir().unwrap();
    let key = common::all_schemes_keyring(dir.path(), KEY1_HEX);
    // One line per case; the last one without a line break (it must still be answered).
    let input = cases
        .iter()
        .map(|c| c.line.as_slice())
        .collect::<Vec<_>>()
        .join(&b'\n');
    let mut outputs = Vec::new();
    for jobs in ["1", "2"] {
        let mut cmd = common::airsign();
        cmd.args(["batch", "--jobs", jobs, "--keyring"]).arg(&key);
        let out = common::run_with_stdin(cmd, &input);
        assert_eq!(out.status.code(), Some(1), "jobs {jobs}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        let answers: Vec<&str> = stdout.lines().collect();
        assert_eq!(
            answers.len(),
            cases.len(),
            "one answer per line (jobs {jobs})"
        );
        for (i, (c, a)) in cases.iter().zip(&answers).enumerate() {
            let v: Value = serde_json::from_str(a).unwrap();
            let (code, field) = outcome(&v);
            assert_eq!(code, c.expected, "{} (line {}): {a:.300}", c.name, i + 1);
            assert_eq!(field, c.field, "{} (line {}): {a:.300}", c.name, i + 1);
            if code != "signed" {
                assert_eq!(v["line"], i + 1, "{}", c.name);
            }
            // An answer never echoes a huge input back.
            assert!(
                a.len() < 64 * 1024,
                "{}: answer of {} bytes",
                c.name,
                a.len()
            );
        }
        let summary = String::from_utf8(out.stderr).unwrap();
        let refused = cases.len() - good;
        assert!(
            summary.contains(&format!("{good} signed, {refused} refused")),
            "{summary}"
        );
        outputs.push(stdout);
    }
    // Refusals are deterministic; only the random ws ids of good lines may differ.
    let strip = |s: &str| {
        s.lines()
            .filter(|l| l.contains("\"error\""))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&outputs[0]), strip(&outputs[1]));
}

#[test]
fn sign_refuses_each_hostile_line_with_the_same_code() {
    let dir = tempfile::tempdir().unwrap();
    let key = common::all_schemes_keyring(dir.path(), KEY1_HEX);
    for c in cases()
        .iter()
        .filter(|c| !c.generated || c.line.len() > 16 << 20)
    {
        let mut cmd = common::airsign();
        cmd.args(["sign", "--keyring"]).arg(&key);
        let out = common::run_with_stdin(cmd, &c.line);
        let stdout = String::from_utf8(out.stdout).unwrap();
        let v: Value = serde_json::from_str(stdout.trim_end()).unwrap();
        let (code, field) = outcome(&v);
        assert_eq!(code, c.expected, "{}: {stdout:.300}", c.name);
        assert_eq!(field, c.field, "{}", c.name);
        assert_eq!(
            out.status.code(),
            Some(i32::from(code != "signed")),
            "{}",
            c.name
        );
        assert!(v.get("line").is_none());
    }
}
