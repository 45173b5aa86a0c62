//! The reference cases: `vectors/<venue>.jsonl`, one case a line.

use std::path::{Path, PathBuf};

use airsign_keys::Scheme;
use serde_json::{Map, Value};

/// The number of cases each reference file must hold: a truncated copy fails.
pub const EXPECTED_COUNTS: &[(&str, usize)] = &[
    ("pacifica.jsonl", 60),
    ("derive.jsonl", 51),
    ("mobula.jsonl", 65),
    ("ripio.jsonl", 32),
    ("layer1.jsonl", 13),
    ("hyperliquid.jsonl", 49),
];

/// The key kinds a case may name, as `key.kind` spells them.
const KEY_KINDS: &[&str] = &[
    "ed25519-seed-hex",
    "secp256k1-hex",
    "hmac-secret",
    "bearer-token",
];

/// The repository root (where `vectors/` and `examples/` are).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One reference case.
#[derive(Debug, Clone)]
pub struct Case {
    /// The scheme its `key.kind` names (of `agent_key` when the case has one), as an
    /// operator would give it with `--scheme`.
    pub scheme: Scheme,
    /// The file it is in (`pacifica.jsonl`).
    pub file: String,
    /// Its `venue`.
    pub venue: String,
    /// Its `name`.
    pub name: String,
    /// Its line in the file, from 1.
    pub line: usize,
    /// The request to sign, in the file's key order.
    pub request: Map<String, Value>,
    /// The key's text (`key.value`, or `agent_key.value`: Pacifica's agent cases sign
    /// with the agent key on behalf of `request.account`).
    pub key_text: String,
    /// What signing must give: the envelope's fields, or `error` for a must-fail case.
    pub expected: Map<String, Value>,
}

impl Case {
    /// Whether the case must be refused (its `expected` is an `error`).
    pub fn must_fail(&self) -> bool {
        self.expected.contains_key("error")
    }

    /// The request as JSON text (what the CLI reads).
    pub fn request_text(&self) -> String {
        Value::Object(self.request.clone()).to_string()
    }

    /// `file:line name`, for failure messages.
    pub fn label(&self) -> String {
        format!("{}:{} {}", self.file, self.line, self.name)
    }
}

/// Every case of `vectors/<file>` (`file` is a name such as `pacifica.jsonl`), checked
/// against [`EXPECTED_COUNTS`] when the table names the file.
pub fn load(file: &str) -> Vec<Case> {
    let path = root().join("vectors").join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("{file}:{}: bad JSON: {e}", i + 1));
        cases.push(to_case(file, i + 1, v));
    }
    let n = cases.len();
    if let Some((_, want)) = EXPECTED_COUNTS.iter().find(|(f, _)| *f == file) {
        assert_eq!(n, *want, "{file}: expected {want} cases, found {n}");
    }
    cases
}

/// Every case of every `vectors/*.jsonl`, files in name order.
pub fn load_all() -> Vec<Case> {
    let dir = root().join("vectors");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no vector files in {}", dir.display());
    files.iter().flat_map(|f| load(f)).collect()
}

fn to_case(file: &str, line: usize, v: Value) -> Case {
    let Value::Object(mut m) = v else {
        panic!("{file}:{line}: not an object")
    };
    let name = m["name"].as_str().unwrap().to_owned();
    let Some(Value::Object(request)) = m.remove("request") else {
        panic!("{file}:{line}: no request")
    };
    let Some(Value::Object(expected)) = m.remove("expected") else {
        panic!("{file}:{line}: no expected")
    };
    // Pacifica agent cases sign with the agent key on behalf of request.account.
    let key = match m.get("agent_key") {
        Some(k @ Value::Object(_)) => k.clone(),
        _ => m["key"].clone(),
    };
    let kind = key["kind"].as_str().unwrap();
    assert!(
        KEY_KINDS.contains(&kind),
        "{file}:{line}: unknown key kind {kind}"
    );
    let key_text = key["value"].as_str().unwrap().to_owned();
    let scheme = match kind {
        "ed25519-seed-hex" => Scheme::Ed25519,
        "secp256k1-hex" => Scheme::Secp256k1,
        "hmac-secret" => Scheme::Hmac,
        _ => Scheme::Bearer,
    };
    Case {
        scheme,
        file: file.to_owned(),
        venue: m["venue"].as_str().unwrap().to_owned(),
        name,
        line,
        request,
        key_text,
        expected,
    }
}
