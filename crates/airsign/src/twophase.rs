//! Two-phase signing and the audit view: `prepare`, `assemble` and `explain`.
//!
//! `prepare` is the pipeline stopped after `payloads`: it prints the request exactly as it
//! will be signed (timestamp and id fixed) and what the signer signs. A device or HSM
//! signs those payloads; `assemble` resumes the pipeline with its signatures, checking
//! each against the payload's signer before anything is printed, and prints the envelope
//! `sign` would have printed with the same key. `explain` shows an operator, before
//! approving, what a request will sign and what no signature covers (docs/external-signers.md).

use airsign_core::json::parse_object;
use airsign_core::venue::{AnyVenue, request_map};
use airsign_core::verify::VerifyOptions;
use airsign_core::{
    Context, Envelope, Error, ErrorCode, Payload, PayloadScheme, Proof, Prover, Request, Result,
    SignerId,
};
use airsign_keys::{Keyring, digest, parse_external_signature, parse_signer};
use serde_json::{Map, Value};

use crate::registry;

/// The format version of a prepared request (`"airsign_prepared":1`).
pub const PREPARED_VERSION: u64 = 1;

fn hex0x(b: &[u8]) -> String {
    format!("0x{}", hex::encode(b))
}

/// One payload as `prepare` and `explain` print it: its scheme, signer and place, the
/// message (text, when it is text) and its exact bytes in hex, and what a device or HSM
/// signs (EIP-712: the domain and struct hashes; every secp256k1 scheme: the digest).
pub fn payload_json(p: &Payload, signer: &SignerId) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("scheme".into(), Value::from(p.scheme.as_str()));
    m.insert(
        "signer".into(),
        signer.text().map_or(Value::Null, Value::from),
    );
    m.insert("field".into(), Value::from(p.field.as_str()));
    if let Some(t) = &p.text {
        m.insert("message".into(), Value::from(t.as_str()));
    }
    m.insert("message_hex".into(), Value::from(hex::encode(&p.bytes)));
    if let PayloadScheme::Eip712 {
        domain_hash,
        struct_hash,
    } = &p.scheme
    {
        m.insert("domain_hash".into(), Value::from(hex0x(domain_hash)));
        m.insert("struct_hash".into(), Value::from(hex0x(struct_hash)));
    }
    if let Some(d) = digest(p) {
        m.insert("digest".into(), Value::from(hex0x(&d)));
    }
    m
}

fn venue_of(req: &Request) -> Result<&'static dyn AnyVenue> {
    registry::venue(&req.venue).ok_or_else(|| {
        Error::new(
            ErrorCode::RequestUnknownVenue,
            Some("venue"),
            format!(
                "expected one of {}; saw {}",
                registry::venue_names().join(", "),
                Value::from(req.venue.as_str())
            ),
        )
    })
}

/// `prepare`: the request as it will be signed and its payloads, as one JSON object.
/// The keyring chooses the key (an `external` one, or `--signer`) and checks the policy,
/// exactly as for `sign`.
pub fn prepare(text: &str, keys: &Keyring, ctx: &Context<'_>) -> Result<String> {
    let req = Request::parse(text)?;
    let v = venue_of(&req)?;
    req.allow_extra(v.rules().fields)?;
    let now = req.timestamp.unwrap_or_else(|| ctx.clock.now_ms());
    let (key, req) = keys.authorize(&req, v.rules(), now)?;
    let signer = key.signer(v.rules().scheme)?;
    let prepared = v.prepare(&req, signer, ctx)?;
    let mut m = Map::new();
    m.insert("airsign_prepared".into(), Value::from(PREPARED_VERSION));
    m.insert("venue".into(), Value::from(v.rules().venue));
    m.insert(
        "signer".into(),
        prepared.signer.text().map_or(Value::Null, Value::from),
    );
    m.insert("request".into(), Value::Object(prepared.request));
    m.insert(
        "payloads".into(),
        Value::Array(
            prepared
                .payloads
                .iter()
                .map(|p| Value::Object(payload_json(p, &prepared.signer)))
                .collect(),
        ),
    );
    Ok(Value::Object(m).to_string())
}

fn prepared_invalid(field: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorCode::RequestInvalid, Some(field), message)
}

/// `assemble`: checks every signature against its payload's signer, then the envelope.
/// `keys` holds the policy (`--keyring`, `--base-url`): a prepared request is checked
/// against it again, so a hand-made prepared file cannot ask for more than `prepare` signs.
pub fn assemble(
    text: &str,
    signatures: &[String],
    keys: &Keyring,
    now_ms: u64,
) -> Result<Envelope> {
    let mut m = parse_object(text)?;
    match m.get("airsign_prepared") {
        Some(Value::Number(n)) if n.as_u64() == Some(PREPARED_VERSION) => {}
        _ => {
            return Err(prepared_invalid(
                "airsign_prepared",
                "expected a prepared request (airsign prepare prints one), with \
                 \"airsign_prepared\":1",
            ));
        }
    }
    for k in m.keys() {
        if !["airsign_prepared", "venue", "signer", "request", "payloads"].contains(&k.as_str()) {
            return Err(Error::new(
                ErrorCode::RequestUnknownField,
                Some(k),
                "expected only the fields airsign prepare prints",
            ));
        }
    }
    let Some(Value::Object(request)) = m.shift_remove("request") else {
        return Err(prepared_invalid(
            "request",
            "expected the prepared request object",
        ));
    };
    let signer_text = match m.get("signer") {
        Some(Value::String(s)) => s.clone(),
        _ => {
            return Err(prepared_invalid(
                "signer",
                "expected the signer's public identity (an external signer signs with a \
                 public key; HMAC and bearer keys are not signed outside airsign)",
            ));
        }
    };
    let req = Request::from_map(request)?;
    if m.get("venue").and_then(Value::as_str) != Some(req.venue.as_str()) {
        return Err(prepared_invalid("venue", "expected the request's venue"));
    }
    let v = venue_of(&req)?;
    req.allow_extra(v.rules().fields)?;
    keys.policy().check(&req, v.rules(), now_ms)?;
    let signer = parse_signer("signer", &signer_text)?;
    airsign_core::venue::check_signer(v.rules(), &signer)?;
    let payloads = v.payloads_of(&req, &signer)?;
    // The prepared payloads are what the device showed and signed: they must be exactly
    // the ones this request gives.
    let given = match m.get("payloads") {
        Some(Value::Array(a)) => a,
        _ => return Err(prepared_invalid("payloads", "expected the payloads array")),
    };
    if given.len() != payloads.len() {
        return Err(prepared_invalid(
            "payloads",
            format!(
                "expected the {} payload(s) this request gives, saw {}: the prepared file \
                 was changed",
                payloads.len(),
                given.len()
            ),
        ));
    }
    for (i, (g, p)) in given.iter().zip(&payloads).enumerate() {
        if g.as_object() != Some(&payload_json(p, &signer)) {
            return Err(prepared_invalid(
                &format!("payloads[{i}]"),
                "expected exactly the payload this request gives (scheme, signer, field, \
                 message, message_hex, hashes): the prepared file was changed",
            ));
        }
    }
    // Counted before any is read: a missing one must not be zipped away.
    airsign_core::venue::check_proof_count(payloads.len(), signatures.len())?;
    let proofs = payloads
        .iter()
        .zip(signatures)
        .enumerate()
        .map(|(i, (p, s))| parse_external_signature(&format!("signatures[{i}]"), p, &signer, s))
        .collect::<Result<Vec<Proof>>>()?;
    let (env, _) = v.assemble(&req, &signer, &proofs)?;
    Ok(env)
}

/// What `explain` shows: as JSON, and as text for a person.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// The explanation as one JSON object.
    pub json: Map<String, Value>,
}

/// Two public identities no key has, to see whether a venue's signed bytes depend on the
/// signer when no key is given.
fn placeholders(scheme: airsign_core::Scheme) -> Option<(SignerId, SignerId)> {
    use airsign_core::Scheme;
    match scheme {
        Scheme::Ed25519 => Some((
            airsign_keys::ed25519_id(airsign_keys::Ed25519Signer::from_seed(&[1; 32]).public_key()),
            airsign_keys::ed25519_id(airsign_keys::Ed25519Signer::from_seed(&[2; 32]).public_key()),
        )),
        Scheme::Secp256k1 => Some((
            airsign_keys::secp256k1_id(airsign_keys::eth::Address([0x11; 20])),
            airsign_keys::secp256k1_id(airsign_keys::eth::Address([0x22; 20])),
        )),
        _ => None,
    }
}

/// A stand-in proof for each payload, to learn the endpoint and the unsigned parts from
/// the venue's own assembly and read-back; never printed.
fn stand_in(p: &Payload) -> Proof {
    match p.scheme {
        PayloadScheme::Ed25519 | PayloadScheme::SolanaOffchain => Proof::Ed25519([0; 64]),
        PayloadScheme::Eip191 | PayloadScheme::Eip712 { .. } => {
            let mut b = [1u8; 65];
            b[64] = 27;
            Proof::Secp256k1(b)
        }
        PayloadScheme::Hmac => Proof::Hmac([0; 32]),
        _ => Proof::Bearer(zeroize::Zeroizing::new(
            "airsign-explain-stand-in".to_owned(),
        )),
    }
}

/// `explain`: venue, action, endpoint, the exact bytes each signature covers, what no
/// signature covers and what that means, the validity window, the signer and the policy
/// decision. `keys` may be empty (no key: the bytes are shown where they do not depend on
/// the signer) or hold one external signer (`--signer`).
pub fn explain(text: &str, keys: &Keyring, ctx: &Context<'_>) -> Result<Explanation> {
    let req = Request::parse(text)?;
    let v = venue_of(&req)?;
    req.allow_extra(v.rules().fields)?;
    let rules = v.rules();
    let now = req.timestamp.unwrap_or_else(|| ctx.clock.now_ms());
    let mut policy = Map::new();
    let (req, signer, key_name) = if keys.keys().is_empty() {
        match keys.policy().check(&req, rules, now) {
            Ok(()) => {
                policy.insert("decision".into(), Value::from("allowed"));
            }
            Err(e) => denied(&mut policy, &e),
        }
        (std::borrow::Cow::Borrowed(&req), None, None)
    } else {
        match keys.authorize(&req, rules, now) {
            Ok((key, r)) => {
                policy.insert("decision".into(), Value::from("allowed"));
                let signer = key.signer(rules.scheme)?;
                (r, Some(signer), Some(key.name().to_owned()))
            }
            Err(e) => {
                denied(&mut policy, &e);
                (std::borrow::Cow::Borrowed(&req), None, None)
            }
        }
    };
    if let Some(name) = &key_name {
        policy.insert("key".into(), Value::from(name.as_str()));
    }
    let mut notes = Vec::new();
    let (signer_used, signer_known) = match (&signer, placeholders(rules.scheme)) {
        (Some(s), _) => (s.clone(), true),
        (None, Some((a, _))) => (a, false),
        (None, None) => (SignerId::Secret, true),
    };
    let prepared = v.prepare(&req, signer_used.clone(), ctx)?;
    let fixed = Request::from_map(prepared.request.clone())?;
    let mut show_bytes = true;
    if !signer_known && let Some((_, b)) = placeholders(rules.scheme) {
        let other = v.payloads_of(&fixed, &b)?;
        if other != prepared.payloads {
            show_bytes = false;
            notes.push(
                "the signed bytes depend on the signer: pass the key (or --signer) to see them"
                    .to_owned(),
            );
        }
    }
    let proofs: Vec<Proof> = prepared.payloads.iter().map(stand_in).collect();
    let (env, _) = v.assemble(&fixed, &signer_used, &proofs)?;
    let opts = VerifyOptions {
        base_urls: req.base_url.iter().cloned().collect(),
        now_ms: now,
    };
    let unsigned = v.read_back(&env, &opts).map(|rb| rb.unsigned)?;
    let mut m = Map::new();
    m.insert("airsign_explain".into(), Value::from(1));
    m.insert("venue".into(), Value::from(rules.venue));
    m.insert("action".into(), Value::from(env.action.as_str()));
    m.insert("transport".into(), Value::from(env.transport.as_str()));
    m.insert(
        "method".into(),
        env.method.as_deref().map_or(Value::Null, Value::from),
    );
    m.insert("url".into(), Value::from(env.url.as_str()));
    m.insert("login_frame".into(), Value::from(env.login.is_some()));
    m.insert(
        "signer".into(),
        match (&signer, signer_known) {
            (Some(s), _) => s.text().map_or(Value::Null, Value::from),
            _ => Value::Null,
        },
    );
    m.insert("scheme".into(), Value::from(rules.scheme.as_str()));
    let mut request = request_map(&fixed);
    if let Some(k) = key_name {
        request.insert("key".into(), Value::from(k));
    }
    m.insert("request".into(), Value::Object(request));
    m.insert(
        "payloads".into(),
        Value::Array(
            prepared
                .payloads
                .iter()
                // A bearer token signs nothing: it has no payload to show.
                .filter(|p| !matches!(p.scheme, PayloadScheme::Bearer { .. }))
                .map(|p| {
                    let mut j = payload_json(p, &signer_used);
                    if !signer_known {
                        j.insert("signer".into(), Value::Null);
                    }
                    if !show_bytes {
                        j.shift_remove("message");
                        j.shift_remove("message_hex");
                        j.shift_remove("digest");
                    }
                    Value::Object(j)
                })
                .collect(),
        ),
    );
    m.insert(
        "unsigned".into(),
        Value::Array(unsigned.into_iter().map(Value::from).collect()),
    );
    m.insert("meaning".into(), Value::from(v.meaning()));
    let mut validity = Map::new();
    validity.insert(
        "timestamp".into(),
        fixed.timestamp.map_or(Value::Null, Value::from),
    );
    validity.insert(
        "expires_at".into(),
        env.expires_at.map_or(Value::Null, Value::from),
    );
    validity.insert(
        "window_ms".into(),
        match (fixed.timestamp, env.expires_at) {
            (Some(t), Some(e)) => Value::from(e.saturating_sub(t)),
            _ => Value::Null,
        },
    );
    m.insert("validity".into(), Value::Object(validity));
    m.insert("policy".into(), Value::Object(policy));
    m.insert(
        "notes".into(),
        Value::Array(notes.into_iter().map(Value::from).collect()),
    );
    Ok(Explanation { json: m })
}

fn denied(policy: &mut Map<String, Value>, e: &Error) {
    policy.insert("decision".into(), Value::from("denied"));
    policy.insert("code".into(), Value::from(e.code().as_str()));
    policy.insert("field".into(), e.field().map_or(Value::Null, Value::from));
    policy.insert("message".into(), Value::from(e.message()));
}

impl Explanation {
    /// The explanation as one JSON line.
    pub fn to_json_line(&self) -> String {
        Value::Object(self.json.clone()).to_string()
    }

    /// The explanation as text for a person, one labelled line per fact.
    pub fn to_text(&self) -> String {
        let j = &self.json;
        let s = |k: &str| match j.get(k) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => "-".to_owned(),
            Some(v) => v.to_string(),
        };
        let mut out = String::new();
        fn line_to(out: &mut String, label: &str, value: &str) {
            out.push_str(&format!("{label:<12}{value}\n"));
        }
        line_to(&mut out, "venue", &s("venue"));
        line_to(
            &mut out,
            "action",
            &format!("{} ({})", s("action"), s("transport")),
        );
        let endpoint = match j.get("method").and_then(Value::as_str) {
            Some(m) => format!("{m} {}", s("url")),
            None => s("url"),
        };
        line_to(&mut out, "endpoint", &endpoint);
        if j.get("login_frame") == Some(&Value::Bool(true)) {
            line_to(
                &mut out,
                "login",
                "a login frame is sent first on the connection",
            );
        }
        let signer = match j.get("signer") {
            Some(Value::String(s)) => s.clone(),
            _ if j.get("scheme").and_then(Value::as_str) == Some("hmac") => {
                "the API secret (HMAC)".to_owned()
            }
            _ if j.get("scheme").and_then(Value::as_str) == Some("bearer") => {
                "the bearer token (nothing is signed)".to_owned()
            }
            _ => "not given (pass a key or --signer)".to_owned(),
        };
        line_to(&mut out, "signer", &format!("{signer} [{}]", s("scheme")));
        if let Some(Value::Object(v)) = j.get("validity") {
            let get = |k: &str| v.get(k).filter(|x| !x.is_null()).map(Value::to_string);
            let validity = match (get("timestamp"), get("expires_at"), get("window_ms")) {
                (Some(t), Some(e), Some(w)) => {
                    format!("timestamp {t}, expires at {e} ({w} ms)")
                }
                (Some(t), None, _) => format!("timestamp {t}; the venue states no expiry"),
                (None, Some(e), _) => format!("expires at {e}"),
                _ => "the venue states no expiry".to_owned(),
            };
            line_to(&mut out, "validity", &validity);
        }
        if let Some(Value::Object(p)) = j.get("policy") {
            let d = p.get("decision").and_then(Value::as_str).unwrap_or("-");
            let text = match (d, p.get("key").and_then(Value::as_str)) {
                ("allowed", Some(k)) => format!("allowed, key {k:?}"),
                ("allowed", None) => "allowed".to_owned(),
                _ => format!(
                    "DENIED ({} at {}): {}",
                    p.get("code").and_then(Value::as_str).unwrap_or("-"),
                    p.get("field").and_then(Value::as_str).unwrap_or("-"),
                    p.get("message").and_then(Value::as_str).unwrap_or("-")
                ),
            };
            line_to(&mut out, "policy", &text);
        }
        if let Some(Value::Array(ps)) = j.get("payloads") {
            for (i, p) in ps.iter().enumerate() {
                let g = |k: &str| p.get(k).and_then(Value::as_str);
                out.push_str(&format!(
                    "signature {} ({}, at {})\n",
                    i + 1,
                    g("scheme").unwrap_or("-"),
                    g("field").unwrap_or("-")
                ));
                for k in [
                    "message",
                    "message_hex",
                    "domain_hash",
                    "struct_hash",
                    "digest",
                ] {
                    if let Some(v) = g(k) {
                        out.push_str(&format!("  {k:<12}{v}\n"));
                    }
                }
            }
            if ps.is_empty() {
                out.push_str("signatures  none: a bearer token authorizes the request as is\n");
            }
        }
        if let Some(Value::Array(u)) = j.get("unsigned") {
            let list: Vec<&str> = u.iter().filter_map(Value::as_str).collect();
            line_to(
                &mut out,
                "unsigned",
                &if list.is_empty() {
                    "nothing: every part the venue reads is signed".to_owned()
                } else {
                    list.join(", ")
                },
            );
        }
        let meaning = s("meaning");
        if !meaning.is_empty() && meaning != "-" {
            line_to(&mut out, "meaning", &meaning);
        }
        if let Some(Value::Array(n)) = j.get("notes") {
            for note in n.iter().filter_map(Value::as_str) {
                line_to(&mut out, "note", note);
            }
        }
        out
    }
}
