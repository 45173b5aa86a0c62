//! Layer1 reference vectors (`vectors/layer1.jsonl`, the reference set, never
//! edited), run through this crate directly. The workspace harness
//! runs the same file through the CLI's code path; this one also pins that the token appears in the Authorization header
//! and nowhere else in the envelope.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use airsign_core::{Context, Envelope, FixedClock, Request, SequenceIds};
use airsign_keys::{Key as SigningKey, Scheme, SecretBytes};
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
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../vectors/layer1.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let cases: Vec<Case> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(cases.len(), 13, "layer1.jsonl has 13 reference cases");
    cases
}

fn run(case: &Case) -> airsign_core::Result<Envelope> {
    assert_eq!(
        (
            case.venue.as_str(),
            case.action.as_str(),
            case.key.kind.as_str()
        ),
        ("layer1", "cancel_conversion", "bearer-token")
    );
    // The request and the generator's input agree on what they both name.
    assert_eq!(case.request["environment"], case.input["environment"]);
    assert_eq!(
        case.request["params"]["conversion_id"],
        case.input["conversion_id"]
    );
    let ids = SequenceIds::new(0);
    let ctx = Context {
        clock: &FixedClock(1_700_000_000_000),
        ids: &ids,
    };
    let req = Request::parse(&case.request.to_string())?;
    let keys = SigningKey::from_bytes(
        "key file",
        Scheme::Bearer,
        SecretBytes::new(case.key.value.as_bytes().to_vec()),
    );
    airsign_layer1::build(&req, &keys, &ctx)
}

#[test]
fn every_reference_vector() {
    let (mut ok, mut refused) = (0, 0);
    for case in cases() {
        let exp = &case.expected;
        let name = &case.name;
        if let Some(reason) = exp.get("error") {
            // Why it is refused (code and field), and that the error text holds no key,
            // is pinned for every venue in vectors/refusals.tsv by the workspace harness.
            assert!(reason.is_string(), "{name}");
            run(&case).err().unwrap_or_else(|| panic!("{name}: built"));
            refused += 1;
            continue;
        }
        let env = run(&case).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            format!("{} {}", env.method.as_deref().unwrap(), env.url),
            exp["endpoint"].as_str().unwrap(),
            "{name}"
        );
        let want: Vec<(String, String)> = exp["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(env.headers.0, want, "{name}");
        assert_eq!(exp["body"], Value::Null);
        assert_eq!(
            env.body.as_deref().unwrap_or(""),
            exp["body_raw"].as_str().unwrap()
        );
        assert_eq!(
            (exp["signed_message"].clone(), exp["signature"].clone()),
            (Value::Null, Value::Null)
        );
        assert!(env.signed.is_empty() && env.signer.is_none(), "{name}");
        // The token is in the Authorization header and nowhere else.
        let line = env.to_json_line();
        assert_eq!(
            line.matches(case.key.value.as_str()).count(),
            1,
            "{name}: {line}"
        );
        let mut without = env.clone();
        without.headers.0.clear();
        assert!(!without.to_json_line().contains(&case.key.value), "{name}");
        ok += 1;
    }
    assert_eq!((ok, refused), (8, 5));
}
