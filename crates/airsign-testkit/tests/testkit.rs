//! The harness's own checks: the test keys are what they say, the vector files and the
//! refusal table agree, and the comparisons bite (a changed field, an unknown field, a
//! refusal for another reason or with the key in its text each fail).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::Cell;

use airsign_core::{Envelope, Error, ErrorCode, Headers, Signed, Transport};
use airsign_keys::Scheme;
use airsign_testkit::{
    Case, DEFAULT_NOW, EXPECTED_COUNTS, VECTOR_KEYS, check_refusal, check_valid, load, load_all,
    now_for, refusals, stale_refusals, with_context,
};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

#[test]
fn vector_keys_are_sha256_of_their_names() {
    for (i, key) in VECTOR_KEYS.iter().enumerate() {
        let want = hex::encode(Sha256::digest(format!("vector-key-{}", i + 1)));
        assert_eq!(*key, want, "vector-key-{}", i + 1);
    }
    let cases = load_all();
    for key in VECTOR_KEYS {
        assert!(
            cases.iter().any(|c| c.key_text == key),
            "no case signs with {key}"
        );
    }
}

#[test]
fn every_vector_file_is_counted_and_whole() {
    let cases = load_all();
    let mut files: Vec<&str> = cases.iter().map(|c| c.file.as_str()).collect();
    files.dedup();
    let counted: Vec<&str> = EXPECTED_COUNTS.iter().map(|(f, _)| *f).collect();
    let mut sorted = counted.clone();
    sorted.sort_unstable();
    assert_eq!(
        files, sorted,
        "vectors/*.jsonl and EXPECTED_COUNTS disagree"
    );
    for (file, n) in EXPECTED_COUNTS {
        let one = load(file);
        assert_eq!(one.len(), *n, "{file}");
        let venue = file.trim_end_matches(".jsonl");
        assert!(one.iter().all(|c| c.venue == venue), "{file}");
        assert!(one.iter().all(|c| c.request["venue"] == venue), "{file}");
    }
    assert_eq!(
        cases.len(),
        EXPECTED_COUNTS.iter().map(|(_, n)| n).sum::<usize>()
    );
}

#[test]
fn agent_cases_sign_with_the_agent_key() {
    let agents: Vec<Case> = load("pacifica.jsonl")
        .into_iter()
        .filter(|c| c.name.contains("agent"))
        .collect();
    assert!(!agents.is_empty());
    for c in &agents {
        assert_eq!(c.scheme, Scheme::Ed25519, "{}", c.name);
    }
    assert!(agents.iter().any(|c| c.key_text == VECTOR_KEYS[3]));
}

#[test]
fn every_must_fail_case_has_a_row_and_every_row_a_case() {
    let cases = load_all();
    let reasons = refusals();
    assert_eq!(stale_refusals(&cases, &reasons, None), Vec::<String>::new());
    let must_fail: Vec<&Case> = cases.iter().filter(|c| c.must_fail()).collect();
    assert_eq!(must_fail.len(), reasons.len());
    for c in must_fail {
        assert!(
            reasons.contains_key(&(c.venue.clone(), c.name.clone())),
            "{}",
            c.label()
        );
    }
    // A row for a case that does not exist is stale, in the run of its venue only; a
    // venue's own run answers for its rows alone.
    let mut extra = reasons.clone();
    extra.insert(
        ("pacifica".into(), "no-such-case".into()),
        ("params.invalid".into(), "-".into()),
    );
    assert_eq!(stale_refusals(&cases, &extra, None).len(), 1);
    assert_eq!(stale_refusals(&cases, &extra, Some("pacifica")).len(), 1);
    assert_eq!(stale_refusals(&cases, &extra, Some("ripio")).len(), 0);
    let ripio = load("ripio.jsonl");
    assert_eq!(stale_refusals(&ripio, &reasons, Some("ripio")).len(), 0);
    assert!(!stale_refusals(&ripio, &reasons, None).is_empty());
}

#[test]
fn the_context_is_the_requests_timestamp_or_the_default() {
    let mut req = Map::new();
    assert_eq!(now_for(&req), DEFAULT_NOW);
    req.insert("timestamp".into(), json!(1_748_970_123_456_u64));
    assert_eq!(now_for(&req), 1_748_970_123_456);
    let (now, first, second) = with_context(&req, |ctx| {
        (ctx.clock.now_ms(), ctx.ids.int_id(), ctx.ids.int_id())
    });
    assert_eq!(now, 1_748_970_123_456);
    assert_eq!(with_context(&req, |ctx| ctx.ids.int_id()), first);
    assert_ne!(first, second);
}

fn fake_case(expected: Value) -> Case {
    let Value::Object(expected) = expected else {
        unreachable!()
    };
    let Value::Object(request) = json!({"venue": "testvenue", "action": "cancel"}) else {
        unreachable!()
    };
    Case {
        scheme: Scheme::Ed25519,
        file: "testvenue.jsonl".into(),
        venue: "testvenue".into(),
        name: "fake".into(),
        line: 1,
        request,
        key_text: "secret-key-text".into(),
        expected,
    }
}

fn fake_envelope() -> Envelope {
    Envelope {
        airsign: 1,
        venue: "testvenue".into(),
        action: "cancel".into(),
        transport: Transport::Rest,
        method: Some("POST".into()),
        url: "https://api.test.example/api/v1/cancel".into(),
        headers: Headers(vec![
            ("Content-Type".into(), "application/json".into()),
            ("X-Sig".into(), "sig".into()),
        ]),
        body: Some(r#"{"id":7,"signature":"sig"}"#.into()),
        login: None,
        signer: Some("SIGNER".into()),
        signed: vec![Signed {
            scheme: "ed25519".into(),
            message: Some("msg".into()),
            message_hex: None,
            signature: "sig".into(),
        }],
        expires_at: None,
    }
}

fn never_signs(_: &Case, _: &Map<String, Value>) -> Result<Envelope, Error> {
    panic!("only JSON-RPC cases are signed again")
}

#[test]
fn check_valid_compares_every_field_and_refuses_unknown_ones() {
    let expected = json!({
        "signed_message": "msg",
        "signature": ["sig"],
        "body": {"id": 7, "signature": "sig"},
        "body_raw": r#"{"id":7,"signature":"sig"}"#,
        "headers": {"Content-Type": "application/json", "X-Sig": "sig"},
        "endpoint": "POST /api/v1/cancel",
        "signer_address": "SIGNER",
    });
    let case = fake_case(expected.clone());
    let env = fake_envelope();
    assert_eq!(check_valid(&case, &env, &never_signs), Vec::<String>::new());

    let mut tampered: Vec<(&str, Envelope)> = Vec::new();
    let mut e = env.clone();
    e.signed[0].signature = "sih".into();
    tampered.push(("signature", e));
    let mut e = env.clone();
    e.signed[0].message = Some("msh".into());
    tampered.push(("signed_message", e));
    let mut e = env.clone();
    e.body = Some(r#"{"id":7, "signature":"sig"}"#.into());
    tampered.push(("body_raw", e));
    let mut e = env.clone();
    e.headers.0.swap(0, 1);
    tampered.push(("headers", e));
    let mut e = env.clone();
    e.url = "https://api.test.example/api/v1/cancel2".into();
    tampered.push(("endpoint", e));
    let mut e = env.clone();
    e.signer = None;
    tampered.push(("signer_address", e));
    let mut e = env.clone();
    e.action = "other".into();
    tampered.push(("envelope action", e));
    for (what, e) in tampered {
        let errs = check_valid(&case, &e, &never_signs);
        assert!(
            errs.iter().any(|m| m.starts_with(what)),
            "{what} not caught: {errs:?}"
        );
    }

    let mut with_unknown = expected;
    with_unknown["new_field"] = json!("x");
    let errs = check_valid(&fake_case(with_unknown), &env, &never_signs);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].starts_with("unknown expected field"), "{errs:?}");
}

#[test]
fn json_rpc_cases_are_signed_again_over_ws() {
    let case = fake_case(json!({"rpc": {"method": "cancel"}}));
    let asked = Cell::new(0);
    let sign = |_: &Case, req: &Map<String, Value>| {
        asked.set(asked.get() + 1);
        assert_eq!(req["transport"], "ws");
        let mut e = fake_envelope();
        e.transport = Transport::Ws;
        e.body = Some(r#"{"method":"cancel"}"#.into());
        Ok(e)
    };
    assert_eq!(
        check_valid(&case, &fake_envelope(), &sign),
        Vec::<String>::new()
    );
    assert_eq!(asked.get(), 1);
    let refuse = |_: &Case, _: &Map<String, Value>| -> Result<Envelope, Error> {
        Err(Error::new(
            ErrorCode::RequestInvalid,
            Some("transport"),
            "no",
        ))
    };
    let errs = check_valid(&case, &fake_envelope(), &refuse);
    assert!(errs[0].starts_with("ws variant"), "{errs:?}");
}

#[test]
fn check_refusal_wants_the_recorded_code_and_field_and_no_key() {
    let reasons = refusals();
    let case = load("pacifica.jsonl")
        .into_iter()
        .find(|c| c.name == "err-co-no-id")
        .unwrap();
    let right = Error::new(ErrorCode::ParamsMissing, Some("params.order_id"), "missing");
    assert_eq!(check_refusal(&case, &right, &reasons), Vec::<String>::new());
    let other_field = Error::new(ErrorCode::ParamsMissing, Some("params.symbol"), "missing");
    assert_eq!(check_refusal(&case, &other_field, &reasons).len(), 1);
    let other_code = Error::new(ErrorCode::ParamsInvalid, Some("params.order_id"), "bad");
    assert_eq!(check_refusal(&case, &other_code, &reasons).len(), 1);
    let leaks = Error::new(
        ErrorCode::ParamsMissing,
        Some("params.order_id"),
        format!("key {}", case.key_text),
    );
    let errs = check_refusal(&case, &leaks, &reasons);
    assert_eq!(errs, ["the error text contains the key"]);
    let mut unrecorded = case;
    unrecorded.name = "no-such-case".into();
    let errs = check_refusal(&unrecorded, &right, &reasons);
    assert_eq!(
        errs,
        ["no row in vectors/refusals.tsv for this must-fail case"]
    );
}
