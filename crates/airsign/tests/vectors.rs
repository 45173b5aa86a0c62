//! The vector harness: every case in `vectors/*.jsonl` goes through the same code path as
//! the CLI (`airsign::sign_request` with a keyring over the case's key text), and every
//! field of `expected` is checked byte for byte. A field the harness does not know fails
//! the run, so no expectation is ever skipped silently.
//!
//! The same cases are then fed to the built binary (`airsign sign` per case and
//! `airsign batch` per key) to prove the CLI prints the very same envelopes.
//!
//! A must-fail case passes only when it is refused for its own reason: the error code and
//! field recorded for it in `vectors/refusals.tsv` (our own file beside the reference
//! copies), and its error text must not contain the case's key. Every must-fail case
//! needs a row there, and every row must match a case.
//!
//! Each case's key is given the scheme its `key.kind` names (as an operator would with
//! `--scheme`), under a policy that allows every action and the case's own `base_url`:
//! the vectors test signing, not policy (some are Mobula's non-cancel payload builders).
//! `default_policy_refuses_every_non_cancel_vector` shows the default policy refuses those.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "these tests run the built binary, as a user would; airsign itself never \
              starts a program (clippy.toml)"
)]

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use airsign_core::{Context, Envelope, ErrorCode, FixedClock, Request, SequenceIds};
use airsign_keys::{Key, Keyring, Policy, Scheme, SecretBytes};
use common::{private_file, root};
use serde_json::{Map, Value};
use sha3::{Digest, Keccak256};

/// The number of cases each reference file must hold: a truncated copy fails.
const EXPECTED_COUNTS: &[(&str, usize)] = &[
    ("pacifica.jsonl", 60),
    ("derive.jsonl", 51),
    ("mobula.jsonl", 65),
    ("ripio.jsonl", 32),
    ("layer1.jsonl", 13),
    ("hyperliquid.jsonl", 49),
];

/// Expected-fields this harness checks (anything else in a case fails the run).
const KNOWN_FIELDS: &[&str] = &[
    "error",
    "signed_message",
    "signature",
    "signed_bytes_hex",
    "body",
    "body_raw",
    "body_json",
    "headers",
    "endpoint",
    "signer_address",
    "rpc",
    "ws_login_params",
    "eip191_message_hex",
    "eip191_hash",
    "eip191_digest",
    "signature_parts",
    "action_msgpack_hex",
    "connection_id",
    "eip712_digest",
];

/// Fallback clock for requests without a timestamp: inside every test token's validity.
const DEFAULT_NOW: u64 = 1_700_000_000_000;

struct Case {
    scheme: Scheme,
    file: String,
    venue: String,
    name: String,
    line: usize,
    request: Map<String, Value>,
    key_text: String,
    expected: Map<String, Value>,
}

fn load_cases() -> Vec<Case> {
    let dir = root().join("vectors");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no vector files in {}", dir.display());
    let mut cases = Vec::new();
    for path in files {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut n = 0;
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            n += 1;
            let v: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{file}:{}: bad JSON: {e}", i + 1));
            cases.push(to_case(&file, i + 1, v));
        }
        if let Some((_, want)) = EXPECTED_COUNTS.iter().find(|(f, _)| *f == file) {
            assert_eq!(n, *want, "{file}: expected {want} cases, found {n}");
        }
    }
    cases
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
        [
            "ed25519-seed-hex",
            "secp256k1-hex",
            "hmac-secret",
            "bearer-token"
        ]
        .contains(&kind),
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

/// The case's key with the scheme its kind names, under a policy that allows every
/// action and the request's own base_url (the operator's allowance).
fn keyring_for(case: &Case, policy: Policy) -> Keyring {
    let key = Key::from_bytes(
        "key file",
        case.scheme,
        SecretBytes::new(case.key_text.as_bytes().to_vec()),
    );
    Keyring::single(key, policy)
}

fn signing_policy(req: &Map<String, Value>) -> Policy {
    let mut policy = Policy::new();
    policy.allow_any_action();
    if let Some(u) = req.get("base_url").and_then(Value::as_str) {
        // A malformed base_url is the request's to refuse, not the policy's.
        let _ = policy.allow_base_url(u);
    }
    policy
}

fn sign(case: &Case) -> Result<Envelope, airsign_core::Error> {
    sign_with(case, &case.request, signing_policy(&case.request))
}

fn sign_with(
    case: &Case,
    req: &Map<String, Value>,
    policy: Policy,
) -> Result<Envelope, airsign_core::Error> {
    let now = req
        .get("timestamp")
        .and_then(Value::as_u64)
        .unwrap_or(DEFAULT_NOW);
    let clock = FixedClock(now);
    let ids = SequenceIds::new(0);
    let ctx = Context {
        clock: &clock,
        ids: &ids,
    };
    let text = Value::Object(req.clone()).to_string();
    airsign::sign_request(&text, &keyring_for(case, policy), &ctx)
}

/// `expected` value that is one string or a list of strings → the list.
fn list(v: &Value) -> Vec<Option<String>> {
    match v {
        Value::Null => vec![],
        Value::String(s) => vec![Some(s.clone())],
        Value::Array(a) => a.iter().map(|x| x.as_str().map(str::to_owned)).collect(),
        other => panic!("unexpected shape {other}"),
    }
}

fn parse_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("envelope JSON text invalid: {e}: {text}"))
}

fn url_path(url: &str) -> &str {
    let after = url.split_once("://").map_or(url, |(_, r)| r);
    after.find('/').map_or("/", |i| &after[i..])
}

fn eip191_bytes(msg: &str) -> Vec<u8> {
    let mut b = format!("\x19Ethereum Signed Message:\n{}", msg.len()).into_bytes();
    b.extend_from_slice(msg.as_bytes());
    b
}

/// Checks one valid case; returns the list of mismatches.
fn check_valid(case: &Case, env: &Envelope) -> Vec<String> {
    let mut errs = Vec::new();
    let mut fail = |what: &str, want: &dyn std::fmt::Debug, got: &dyn std::fmt::Debug| {
        errs.push(format!("{what}: want {want:?}, got {got:?}"));
    };
    let exp = &case.expected;
    for k in exp.keys() {
        if !KNOWN_FIELDS.contains(&k.as_str()) {
            fail("unknown expected field", k, &"(harness does not check it)");
        }
    }
    if env.airsign != 1 || Some(env.venue.as_str()) != case.request["venue"].as_str() {
        fail("envelope header", &case.request["venue"], &env.venue);
    }
    if Some(env.action.as_str()) != case.request["action"].as_str() {
        fail("envelope action", &case.request["action"], &env.action);
    }
    let rpc_style = exp.contains_key("rpc");
    // JSON-RPC venues (derive) describe each case over both transports: sign it over
    // the one the request names, and over ws too for the frame and the login.
    let ws_env = if rpc_style {
        let mut r = case.request.clone();
        r.insert("transport".into(), Value::from("ws"));
        match sign_with(case, &r, signing_policy(&r)) {
            Ok(e) => Some(e),
            Err(e) => {
                fail("ws variant", &"an envelope", &e.to_string());
                None
            }
        }
    } else {
        None
    };
    let msgs: Vec<Option<&str>> = env.signed.iter().map(|s| s.message.as_deref()).collect();
    if let Some(v) = exp.get("signed_message") {
        let want = list(v);
        let want: Vec<Option<&str>> = want.iter().map(|s| s.as_deref()).collect();
        if want != msgs {
            fail("signed_message", &want, &msgs);
        }
    }
    if let Some(v) = exp.get("signature").filter(|v| !v.is_object()) {
        let want = list(v);
        let got: Vec<Option<String>> = env
            .signed
            .iter()
            .map(|s| Some(s.signature.clone()))
            .collect();
        if want != got {
            fail("signature", &want, &got);
        }
    }
    if let Some(v) = exp.get("signed_bytes_hex") {
        let want = list(v);
        let got: Vec<Option<String>> = env.signed.iter().map(|s| s.message_hex.clone()).collect();
        if want != got {
            fail("signed_bytes_hex", &want, &got);
        }
    }
    if let Some(want) = exp.get("body") {
        let got = match (&env.body, rpc_style, env.transport) {
            (None, _, _) => Value::Null,
            // In JSON-RPC vectors `body` is the params object; on ws it sits in the frame.
            (Some(b), true, airsign_core::Transport::Ws) => parse_json(b)["params"].clone(),
            (Some(b), _, _) => parse_json(b),
        };
        if *want != got {
            fail("body", want, &got);
        }
    }
    for raw_field in ["body_raw", "body_json"] {
        if let Some(want) = exp.get(raw_field) {
            let got = env.body.clone().unwrap_or_default();
            if want.as_str() != Some(got.as_str()) {
                fail(raw_field, want, &got);
            }
        }
    }
    if let Some(Value::Object(want)) = exp.get("headers") {
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("<non-string>").to_owned()))
            .collect();
        // Envelope headers are in sending order (docs/format.md, "Envelope") and a vector's object
        // keeps its order, so names, values and order must all match.
        if want != env.headers.0 {
            fail("headers (names, values, order)", &want, &env.headers.0);
        }
    }
    if let Some(Value::String(ep)) = exp.get("endpoint") {
        let mut parts = ep.splitn(3, ' ');
        let method = parts.next().unwrap_or("");
        let url = parts.next().unwrap_or("");
        let frame_method = parts.next();
        let got_method = env.method.as_deref().unwrap_or("WS");
        let got_url = if url.starts_with('/') {
            url_path(&env.url)
        } else {
            env.url.as_str()
        };
        if method != got_method || url != got_url {
            fail("endpoint", ep, &format!("{got_method} {}", env.url));
        }
        if let Some(fm) = frame_method {
            let frame = parse_json(env.body.as_deref().unwrap_or("null"));
            if frame["method"].as_str() != Some(fm) {
                fail("endpoint frame method", &fm, &frame["method"]);
            }
        }
    }
    if let Some(want) = exp.get("signer_address")
        && want.as_str() != env.signer.as_deref()
    {
        fail("signer_address", want, &env.signer);
    }
    if let Some(ws) = &ws_env {
        if let Some(want) = exp.get("rpc") {
            let got = parse_json(ws.body.as_deref().unwrap_or("null"));
            if *want != got {
                fail("rpc (ws frame)", want, &got);
            }
        }
        if let Some(want) = exp.get("ws_login_params") {
            let got = ws.login.as_deref().map(parse_json).unwrap_or(Value::Null);
            if *want != got["params"] {
                fail("ws_login_params", want, &got);
            }
        }
    }
    // EIP-191 audit fields: recomputed from the envelope's signed message, independently
    // of the signer's own code (keccak here is the harness's own).
    let first_msg = msgs.first().copied().flatten().unwrap_or("");
    if let Some(want) = exp.get("eip191_message_hex") {
        let got = format!("0x{}", hex::encode(eip191_bytes(first_msg)));
        if want.as_str() != Some(got.as_str()) {
            fail("eip191_message_hex", want, &got);
        }
    }
    for f in ["eip191_hash", "eip191_digest"] {
        if let Some(want) = exp.get(f) {
            let got = format!(
                "0x{}",
                hex::encode(Keccak256::digest(eip191_bytes(first_msg)))
            );
            if want.as_str() != Some(got.as_str()) {
                fail(f, want, &got);
            }
        }
    }
    if let Some(Value::Object(parts)) = exp.get("signature_parts") {
        let sig = env
            .signed
            .first()
            .map(|s| s.signature.as_str())
            .unwrap_or("");
        let hexpart = sig.strip_prefix("0x").unwrap_or("");
        let ok = hexpart.len() == 130
            && parts.get("r").and_then(Value::as_str) == Some(&format!("0x{}", &hexpart[..64]))
            && parts.get("s").and_then(Value::as_str) == Some(&format!("0x{}", &hexpart[64..128]))
            && parts.get("v").and_then(Value::as_u64)
                == u64::from_str_radix(&hexpart[128..], 16).ok();
        if !ok {
            fail("signature_parts", parts, &sig);
        }
    }
    if case.venue == "hyperliquid" {
        errs.extend(check_hyperliquid(exp, env));
    }
    errs
}

/// Hyperliquid's audit fields, recomputed here from the envelope independently of the
/// venue crate (the harness's own Keccak and EIP-712 encoding): the action's MessagePack,
/// the connection id over the signed preimage, the EIP-712 digest, and the signature
/// object in the body (`r`/`s` as the SDK writes them) and in `signed`.
fn check_hyperliquid(exp: &Map<String, Value>, env: &Envelope) -> Vec<String> {
    let mut errs = Vec::new();
    let Some(s) = env.signed.first() else {
        return vec!["no signed entry".into()];
    };
    let audit = parse_json(s.message.as_deref().unwrap_or("null"));
    let preimage = hex::decode(s.message_hex.as_deref().unwrap_or("")).unwrap_or_default();
    if let Some(want) = exp.get("action_msgpack_hex").and_then(Value::as_str)
        && (audit["action_msgpack"].as_str() != Some(want)
            || !hex::encode(&preimage).starts_with(want))
    {
        errs.push(format!("action_msgpack_hex: want {want}, got {audit}"));
    }
    let cid: [u8; 32] = Keccak256::digest(&preimage).into();
    if let Some(want) = exp.get("connection_id").and_then(Value::as_str) {
        let got = format!("0x{}", hex::encode(cid));
        if got != want || audit["connectionId"].as_str() != Some(want) {
            errs.push(format!("connection_id: want {want}, got {got} / {audit}"));
        }
    }
    if let Some(want) = exp.get("eip712_digest").and_then(Value::as_str) {
        let k = |b: &[u8]| -> [u8; 32] { Keccak256::digest(b).into() };
        let mut dom = k(
            b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)",
        )
        .to_vec();
        dom.extend_from_slice(&k(b"Exchange"));
        dom.extend_from_slice(&k(b"1"));
        let mut chain = [0u8; 32];
        chain[30..].copy_from_slice(&1337u16.to_be_bytes());
        dom.extend_from_slice(&chain);
        dom.extend_from_slice(&[0u8; 32]);
        let source = if env.url.contains("testnet") {
            "b"
        } else {
            "a"
        };
        let mut agent = k(b"Agent(string source,bytes32 connectionId)").to_vec();
        agent.extend_from_slice(&k(source.as_bytes()));
        agent.extend_from_slice(&cid);
        let mut pre = vec![0x19, 0x01];
        pre.extend_from_slice(&k(&dom));
        pre.extend_from_slice(&k(&agent));
        let got = format!("0x{}", hex::encode(k(&pre)));
        if got != want || audit["digest"].as_str() != Some(want) {
            errs.push(format!("eip712_digest: want {want}, got {got} / {audit}"));
        }
    }
    if let Some(want @ Value::Object(w)) = exp.get("signature") {
        let body = parse_json(env.body.as_deref().unwrap_or("null"));
        let payload = match env.transport {
            airsign_core::Transport::Ws => &body["request"]["payload"],
            airsign_core::Transport::Rest => &body,
        };
        if &payload["signature"] != want {
            errs.push(format!(
                "signature (body): want {want}, got {}",
                payload["signature"]
            ));
        }
        let part = |k: &str| {
            let d = w[k].as_str().unwrap_or("").trim_start_matches("0x");
            format!("{d:0>64}")
        };
        let joined = format!(
            "0x{}{}{:02x}",
            part("r"),
            part("s"),
            w["v"].as_u64().unwrap_or(0)
        );
        if s.signature != joined {
            errs.push(format!(
                "signature (signed): want {joined}, got {}",
                s.signature
            ));
        }
    }
    errs
}

/// `vectors/refusals.tsv`: (venue, case name) → (error code, field).
fn refusal_reasons() -> BTreeMap<(String, String), (String, String)> {
    let text = std::fs::read_to_string(root().join("vectors/refusals.tsv")).unwrap();
    let mut out = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 4, "refusals.tsv: bad row {line:?}");
        let key = (cols[0].to_owned(), cols[1].to_owned());
        let dup = out.insert(key, (cols[2].to_owned(), cols[3].to_owned()));
        assert!(dup.is_none(), "refusals.tsv: duplicate row {line:?}");
    }
    out
}

/// Checks a refusal against its recorded reason; returns the list of mismatches.
fn check_refusal(
    case: &Case,
    e: &airsign_core::Error,
    reasons: &BTreeMap<(String, String), (String, String)>,
) -> Vec<String> {
    let mut errs = Vec::new();
    match reasons.get(&(case.venue.clone(), case.name.clone())) {
        None => errs.push("no row in vectors/refusals.tsv for this must-fail case".to_owned()),
        Some((code, field)) => {
            let got = (e.code().as_str(), e.field().unwrap_or("-"));
            if got != (code.as_str(), field.as_str()) {
                errs.push(format!(
                    "refused for another reason: want {code} at {field}, got {e}"
                ));
            }
        }
    }
    if !case.key_text.is_empty() && e.to_string().contains(&case.key_text) {
        errs.push("the error text contains the key".to_owned());
    }
    errs
}

#[test]
fn reference_vectors_pass_byte_for_byte() {
    let cases = load_cases();
    let reasons = refusal_reasons();
    let must_fail = cases.iter().filter(|c| c.expected.contains_key("error"));
    for (venue, name) in reasons.keys() {
        assert!(
            must_fail
                .clone()
                .any(|c| &c.venue == venue && &c.name == name),
            "refusals.tsv: row {venue}/{name} matches no must-fail case"
        );
    }
    let mut per_file: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for case in &cases {
        let entry = per_file.entry(case.file.clone()).or_default();
        entry.1 += 1;
        let result = sign(case);
        let problems = match (case.expected.contains_key("error"), result) {
            (true, Err(e)) => check_refusal(case, &e, &reasons),
            (true, Ok(env)) => vec![format!(
                "must be refused ({}), but signed: {}",
                case.expected["error"],
                env.to_json_line()
            )],
            (false, Err(e)) => vec![format!("refused: {e}")],
            (false, Ok(env)) => check_valid(case, &env),
        };
        if problems.is_empty() {
            entry.0 += 1;
        } else {
            failures.push(format!(
                "{}:{} {}:\n    {}",
                case.file,
                case.line,
                case.name,
                problems.join("\n    ")
            ));
        }
    }
    for (file, (ok, total)) in &per_file {
        eprintln!("vectors: {file}: {ok}/{total} passed");
    }
    assert!(
        failures.is_empty(),
        "{} vector case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The valid cases whose request pins everything the CLI would otherwise take from the
/// clock or the id source (the binary runs with the real ones).
fn pinned(case: &Case) -> bool {
    let needs_id = case.request.get("transport").and_then(Value::as_str) == Some("ws");
    !case.expected.contains_key("error")
        && case.request.contains_key("timestamp")
        && (!needs_id || case.request.contains_key("id"))
}

#[test]
fn cli_sign_and_batch_print_the_same_envelopes() {
    let bin = env!("CARGO_BIN_EXE_airsign");
    let dir = tempfile::tempdir().unwrap();
    let cases = load_cases();
    let mut by_key: BTreeMap<(String, Scheme), Vec<&Case>> = BTreeMap::new();
    for case in cases.iter().filter(|c| pinned(c)) {
        by_key
            .entry((case.key_text.clone(), case.scheme))
            .or_default()
            .push(case);
    }
    let mut checked = 0;
    for (i, ((key, scheme), group)) in by_key.iter().enumerate() {
        // A keyring with this one key, bound to the group's venues, allowing what the
        // group asks for (Mobula's builders, the requests' own base_urls).
        let file = format!("key{i}");
        private_file(dir.path(), &file, format!("{key}\n"));
        let mut venues: Vec<&str> = group.iter().map(|c| c.venue.as_str()).collect();
        venues.sort_unstable();
        venues.dedup();
        let base_urls: Vec<&str> = group
            .iter()
            .filter_map(|c| c.request.get("base_url").and_then(Value::as_str))
            .collect();
        let ring = serde_json::json!({
            "airsign_keyring": 1,
            "keys": [{"name": "k", "scheme": scheme.as_str(), "file": file, "venues": venues}],
            "policy": {
                "allow_actions": {"mobula": common::MOBULA_BUILDERS},
                "base_urls": base_urls,
            },
        });
        let key_path = private_file(dir.path(), &format!("keyring{i}.json"), ring.to_string());
        let mut batch_in = String::new();
        let mut want_lines = Vec::new();
        for case in group {
            let req_text = Value::Object(case.request.clone()).to_string();
            let want = sign(case).unwrap().to_json_line();
            // `airsign sign FILE`
            let req_path = private_file(dir.path(), "req.json", &req_text);
            let out = Command::new(bin)
                .args(["sign", "--keyring"])
                .arg(&key_path)
                .arg(&req_path)
                .env_remove("AIRSIGN_KEY_FILE")
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}: {}",
                case.name,
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                String::from_utf8(out.stdout).unwrap(),
                format!("{want}\n"),
                "{}",
                case.name
            );
            batch_in.push_str(&req_text);
            batch_in.push('\n');
            want_lines.push(want);
            checked += 1;
        }
        // `airsign batch` over all of this key's cases at once.
        let mut child = Command::new(bin)
            .args(["batch", "--keyring"])
            .arg(&key_path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(batch_in.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got = String::from_utf8(out.stdout).unwrap();
        let got: Vec<&str> = got.lines().collect();
        assert_eq!(got, want_lines);
    }
    eprintln!("cli: {checked} pinned valid cases printed identically by sign and batch");
    assert!(checked > 0);
}

/// Every valid reference case, once signed, passes `verify` (with its key for Ripio's
/// HMAC; Layer1's bearer token is `unverifiable` by nature); and for each of them a
/// changed signature, url, header value and body each make it fail.
#[test]
fn every_valid_vector_verifies_and_tampering_fails() {
    use airsign::Outcome;
    use airsign_core::verify::VerifyOptions;
    let opts = VerifyOptions {
        base_urls: vec![],
        // Before every case's `expires_at` (some are signed in 2001): this checks
        // signatures, not expiry (`tests/clock.rs` covers that).
        now_ms: airsign_core::MIN_TIMESTAMP_MS,
    };
    let mut verified = BTreeMap::<String, usize>::new();
    let mut failures = Vec::new();
    for case in load_cases() {
        if case.expected.contains_key("error") {
            continue;
        }
        let env = sign(&case).unwrap();
        let keys = keyring_for(&case, signing_policy(&case.request));
        // Custom hosts are allowed explicitly, as a user of base_url would.
        let mut opts = opts.clone();
        if let Some(b) = case.request.get("base_url").and_then(Value::as_str) {
            opts.base_urls.push(b.to_owned());
        }
        let line = env.to_json_line();
        let (answer, outcome) = airsign::verify_line(1, line.as_bytes(), &keys, &opts);
        let want = if case.venue == "layer1" {
            Outcome::Unverifiable
        } else {
            Outcome::Ok
        };
        if outcome != want {
            failures.push(format!("{}: {answer}", case.name));
            continue;
        }
        *verified.entry(case.venue.clone()).or_default() += 1;
        let mut tampered: Vec<(&str, Envelope)> = Vec::new();
        if let Some(s) = env.signed.first() {
            // Change one character of the signature where the envelope carries it.
            let sig = &s.signature;
            let pos = sig.len() / 2;
            let c = if &sig[pos..=pos] == "a" { "b" } else { "a" };
            let new_sig = format!("{}{c}{}", &sig[..pos], &sig[pos + 1..]);
            let mut t = env.clone();
            for (_, v) in &mut t.headers.0 {
                *v = v.replace(sig.as_str(), &new_sig);
            }
            t.body = t.body.map(|b| b.replace(sig.as_str(), &new_sig));
            t.login = t.login.map(|b| b.replace(sig.as_str(), &new_sig));
            for s in &mut t.signed {
                s.signature = s.signature.replace(sig.as_str(), &new_sig);
            }
            tampered.push(("signature", t));
        }
        let mut t = env.clone();
        t.url.insert(t.url.len() - 1, 'x');
        tampered.push(("url", t));
        let mut t = env.clone();
        t.url = t.url.replacen("://", "://evil.", 1);
        tampered.push(("host", t));
        if !env.headers.0.is_empty() {
            let mut t = env.clone();
            t.headers.0[0].1.push(' ');
            tampered.push(("header", t));
        }
        if let Some(b) = &env.body {
            let mut t = env.clone();
            t.body = Some(format!("{b} "));
            tampered.push(("body", t));
        }
        for (what, t) in tampered {
            let (answer, outcome) =
                airsign::verify_line(1, t.to_json_line().as_bytes(), &keys, &opts);
            if outcome != Outcome::Failed {
                failures.push(format!("{}: tampered {what} passed: {answer}", case.name));
            }
        }
    }
    eprintln!("verify: valid vector cases verified per venue: {verified:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let total: usize = verified.values().sum();
    assert!(total >= 120, "only {total} cases verified");
}

/// The vectors hold Mobula's non-cancel payload builders; they sign above only because the
/// harness's policy allows them. The default policy (one key file, no keyring) refuses
/// every one of them, naming the rule, and signs every cancel-family case.
#[test]
fn default_policy_refuses_every_non_cancel_vector() {
    let (mut refused, mut signed) = (0, 0);
    for case in load_cases() {
        if case.expected.contains_key("error") || case.request.contains_key("base_url") {
            continue;
        }
        let request = Request::parse(&Value::Object(case.request.clone()).to_string()).unwrap();
        let rules = &airsign::venue(&case.venue).unwrap().rules;
        let result = sign_with(&case, &case.request, Policy::new());
        if (rules.cancel_family)(&request) {
            assert!(result.is_ok(), "{}: {result:?}", case.name);
            signed += 1;
        } else {
            let e = result.unwrap_err();
            assert_eq!(e.code(), ErrorCode::PolicyDenied, "{}", case.name);
            assert_eq!(e.field(), Some("action"), "{}", case.name);
            assert!(e.message().contains("policy.allow_actions.mobula"), "{e}");
            assert_eq!(case.venue, "mobula", "{}", case.name);
            refused += 1;
        }
    }
    eprintln!("default policy: {signed} cancel-family vectors signed, {refused} refused");
    assert!(refused >= 10, "only {refused} non-cancel vectors");
    assert!(signed >= 100, "only {signed} cancel vectors");
}
