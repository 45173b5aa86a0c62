//! The checks: a valid case's envelope against every field of its `expected`, and a
//! must-fail case's error against its row in `vectors/refusals.tsv`.

use std::collections::BTreeMap;

use airsign_core::{Envelope, Error, Transport};
use serde_json::{Map, Value};
use sha3::{Digest, Keccak256};

use crate::{Case, root};

/// The `expected` fields [`check_valid`] checks; any other field in a case fails it, so no
/// expectation is ever skipped silently.
pub const KNOWN_FIELDS: &[&str] = &[
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

/// How a harness signs a request of a case: `(case, request)` to the envelope or the
/// refusal. The request is the case's own or a variant of it (the ws transport of a
/// JSON-RPC case); the key is the case's.
pub type SignFn<'a> = dyn Fn(&Case, &Map<String, Value>) -> Result<Envelope, Error> + 'a;

/// `vectors/refusals.tsv`: (venue, case name) → (error code, field).
pub type Refusals = BTreeMap<(String, String), (String, String)>;

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

/// Checks the envelope of one valid case against every field of its `expected`; returns
/// the mismatches (none: the case passes). JSON-RPC cases (those expecting `rpc`) are
/// signed once more over ws with `sign`, for the frame and the login. The EIP-191 and
/// Hyperliquid audit fields are recomputed here, independently of the venue crates.
pub fn check_valid(case: &Case, env: &Envelope, sign: &SignFn<'_>) -> Vec<String> {
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
        match sign(case, &r) {
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
            (Some(b), true, Transport::Ws) => parse_json(b)["params"].clone(),
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
            Transport::Ws => &body["request"]["payload"],
            Transport::Rest => &body,
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

/// Reads `vectors/refusals.tsv` (our own file beside the reference copies): why each
/// must-fail case is refused. Comment lines start with `#`; a bad or duplicate row fails.
pub fn refusals() -> Refusals {
    let path = root().join("vectors/refusals.tsv");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
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

/// Checks a must-fail case's refusal against its recorded reason (error code and field);
/// returns the mismatches. The error text must not contain the case's key either.
pub fn check_refusal(case: &Case, e: &Error, reasons: &Refusals) -> Vec<String> {
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

/// The rows of `reasons` (every row, or only `venue`'s) that match no must-fail case in
/// `cases`: stale rows, one message each.
pub fn stale_refusals(cases: &[Case], reasons: &Refusals, venue: Option<&str>) -> Vec<String> {
    reasons
        .keys()
        .filter(|(v, _)| venue.is_none_or(|want| v == want))
        .filter(|(v, n)| {
            !cases
                .iter()
                .any(|c| c.must_fail() && &c.venue == v && &c.name == n)
        })
        .map(|(v, n)| format!("refusals.tsv: row {v}/{n} matches no must-fail case"))
        .collect()
}

/// Signs every case with `sign` and holds it to its expectation: a valid case must sign
/// and pass [`check_valid`]; a must-fail case must be refused for the reason
/// `vectors/refusals.tsv` records ([`check_refusal`]). The refusal rows (every row, or
/// only `venue`'s) must each match a must-fail case in `cases`. Prints `ok/total` per
/// file (prefixed by `label`) and panics listing every failing case; returns the number
/// of cases checked.
pub fn assert_cases(label: &str, cases: &[Case], venue: Option<&str>, sign: &SignFn<'_>) -> usize {
    assert!(!cases.is_empty(), "{label}: no cases");
    let reasons = refusals();
    let stale = stale_refusals(cases, &reasons, venue);
    assert!(stale.is_empty(), "{label}:\n{}", stale.join("\n"));
    let mut per_file: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for case in cases {
        let entry = per_file.entry(case.file.clone()).or_default();
        entry.1 += 1;
        let result = sign(case, &case.request);
        let problems = match (case.must_fail(), result) {
            (true, Err(e)) => check_refusal(case, &e, &reasons),
            (true, Ok(env)) => vec![format!(
                "must be refused ({}), but signed: {}",
                case.expected["error"],
                env.to_json_line()
            )],
            (false, Err(e)) => vec![format!("refused: {e}")],
            (false, Ok(env)) => check_valid(case, &env, sign),
        };
        if problems.is_empty() {
            entry.0 += 1;
        } else {
            failures.push(format!(
                "{}:\n    {}",
                case.label(),
                problems.join("\n    ")
            ));
        }
    }
    for (file, (ok, total)) in &per_file {
        eprintln!("{label}: {file}: {ok}/{total} passed");
    }
    assert!(
        failures.is_empty(),
        "{label}: {} vector case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    cases.len()
}
