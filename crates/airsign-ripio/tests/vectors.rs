//! Ripio reference vectors (`vectors/ripio.jsonl`, an unchanged copy of
//! the published reference vectors: independent Python `hmac`, re-checked with Node and
//! openssl), run through this crate directly.
//!
//! The workspace harness (`crates/airsign/tests/vectors.rs`) runs the same file through the
//! CLI's code path; this one pins what only the crate can see: the pure
//! `signing_payload()` byte for byte, and that the body is the signed bytes, which any
//! re-serialisation would change.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use airsign_core::json::Writer;
use airsign_core::{Context, Envelope, FixedClock, Request, SequenceIds};
use airsign_keys::{HmacSigner, Key as SigningKey, Scheme, SecretBytes};
use airsign_ripio::{Call, RipioRequest};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    venue: String,
    action: String,
    name: String,
    request: Value,
    key: Key,
    #[allow(dead_code)]
    input: Value,
    expected: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Key {
    kind: String,
    value: String,
}

fn cases() -> Vec<Case> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../vectors/ripio.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let cases: Vec<Case> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(cases.len(), 32, "ripio.jsonl has 32 reference cases");
    cases
}

fn ctx_parts() -> (FixedClock, SequenceIds) {
    (FixedClock(1_600_000_000_000), SequenceIds::new(0))
}

fn run(case: &Case) -> airsign_core::Result<(RipioRequest, Envelope)> {
    assert_eq!(
        (case.venue.as_str(), case.key.kind.as_str()),
        ("ripio", "hmac-secret")
    );
    // The vector's own action label says the transport (`ws_order_cancel`, `rest_…`).
    assert_eq!(
        case.action.starts_with("ws_"),
        case.request["transport"] == "ws",
        "{}",
        case.name
    );
    let (clock, ids) = ctx_parts();
    let ctx = Context {
        clock: &clock,
        ids: &ids,
    };
    let req = Request::parse(&case.request.to_string())?;
    let typed = RipioRequest::from_request(&req, &ctx)?;
    let keys = SigningKey::from_bytes(
        "key file",
        Scheme::Hmac,
        SecretBytes::new(case.key.value.as_bytes().to_vec()),
    );
    let env = airsign_ripio::build(&req, &keys, &ctx)?;
    Ok((typed, env))
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str()
        .unwrap_or_else(|| panic!("expected.{k} is not a string"))
}

#[test]
fn every_reference_vector() {
    let mut ok = 0;
    let mut refused = 0;
    for case in cases() {
        let exp = &case.expected;
        let name = &case.name;
        if let Some(reason) = exp.get("error") {
            // Why it is refused (code and field) is pinned for every venue in
            // vectors/refusals.tsv, checked by the workspace harness.
            assert!(reason.is_string(), "{name}");
            run(&case).err().unwrap_or_else(|| panic!("{name}: signed"));
            refused += 1;
            continue;
        }
        let (typed, env) = run(&case).unwrap_or_else(|e| panic!("{name}: {e}"));
        // The pure, key-free payload is the signed message, byte for byte.
        assert_eq!(typed.signing_payload(), s(exp, "signed_message"), "{name}");
        assert_eq!(env.signed.len(), 1, "{name}");
        assert_eq!(env.signed[0].scheme, "hmac-sha256");
        assert_eq!(
            env.signed[0].message.as_deref(),
            Some(s(exp, "signed_message"))
        );
        assert_eq!(env.signed[0].signature, s(exp, "signature"), "{name}");
        // Headers: same names, values and order.
        let want: Vec<(String, String)> = exp["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(env.headers.0, want, "{name}");
        // Body: the exact text, and the same JSON value.
        assert_eq!(
            env.body.as_deref().unwrap_or(""),
            s(exp, "body_raw"),
            "{name}"
        );
        let body_value = env
            .body
            .as_deref()
            .map(|b| serde_json::from_str::<Value>(b).unwrap())
            .unwrap_or(Value::Null);
        assert_eq!(body_value, exp["body"], "{name}");
        // Endpoint: `METHOD URL`, or `WS URL rpc-method`.
        let endpoint = match env.method.as_deref() {
            Some(m) => format!("{m} {}", env.url),
            None => format!("WS {} {}", env.url, body_value["method"].as_str().unwrap()),
        };
        assert_eq!(endpoint, s(exp, "endpoint"), "{name}");
        assert_eq!(env.signer, None);
        ok += 1;
    }
    assert_eq!((ok, refused), (24, 8));
}

/// Python's `json.dumps` default separators (`", "`, `": "`), key order kept.
fn python_default(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", Value::from(k.as_str()), python_default(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        other => other.to_string(),
    }
}

/// PHP `json_encode` escapes `/` as `\/`.
fn php_default(v: &Value) -> String {
    v.to_string().replace('/', "\\/")
}

#[test]
fn body_is_the_signed_bytes_and_reserialising_would_change_them() {
    let mut changed_by_sorting = 0;
    let mut changed_by_spacing = 0;
    let mut changed_by_escaping = 0;
    let mut signature_broken = 0;
    let mut checked = 0;
    for case in cases() {
        if case.expected.get("error").is_some() {
            continue;
        }
        let (typed, env) = run(&case).unwrap();
        let body = env.body.clone().unwrap_or_default();
        assert_eq!(body, s(&case.expected, "body_raw"));
        let message = typed.signing_payload();
        // The signed bytes are in the body untouched: the whole REST body ends the message;
        // the ws frame embeds the signed business JSON (less its closing brace) verbatim.
        match typed.call() {
            Call::Rest(_) => assert!(message.ends_with(&body), "{}", case.name),
            Call::Ws(w) => {
                let inner = w.business_json().strip_suffix('}').unwrap();
                assert!(
                    body.contains(&format!("\"params\":{inner},")),
                    "{}",
                    case.name
                );
                assert!(message.ends_with(w.business_json()));
            }
        }
        if body.is_empty() {
            continue;
        }
        checked += 1;
        let value: Value = serde_json::from_str(&body).unwrap();
        // serde_json here keeps key order (`preserve_order`), so a plain round trip is
        // stable; the serialisers a sender might reach for are not.
        assert_eq!(value.to_string(), body, "{}", case.name);
        let sorted = Writer::PYTHON_SORTED.to_string(&value).unwrap();
        changed_by_sorting += usize::from(sorted != body);
        let spaced = python_default(&value);
        changed_by_spacing += usize::from(spaced != body);
        changed_by_escaping += usize::from(php_default(&value) != body);
        // For REST the signature covers the body: re-serialised bytes fail it.
        if let Call::Rest(r) = typed.call() {
            let signer = HmacSigner::from_key_file(case.key.value.as_bytes()).unwrap();
            let resigned = format!(
                "{}{}{}{}",
                r.timestamp(),
                r.method().as_str(),
                r.path(),
                spaced
            );
            assert!(signer.verify_base64(message.as_bytes(), &env.signed[0].signature));
            assert!(!signer.verify_base64(resigned.as_bytes(), &env.signed[0].signature));
            signature_broken += 1;
        }
    }
    assert_eq!(checked, 23);
    // Every ws frame is reordered by key sorting (api_token < id < signature < timestamp)…
    assert!(changed_by_sorting >= 12, "{changed_by_sorting}");
    // …every body gains spaces under Python's defaults…
    assert_eq!(changed_by_spacing, checked);
    // …and every signature with a '/' is escaped by PHP.
    assert!(changed_by_escaping >= 1, "{changed_by_escaping}");
    assert_eq!(signature_broken, 11);
}
