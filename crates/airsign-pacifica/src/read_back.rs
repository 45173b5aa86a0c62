//! Reading a Pacifica envelope back into its request, signer and signatures (verify).

use airsign_core::verify::{VerifyOptions, mismatch, parse_body, request_fields, url_base};
use airsign_core::{Envelope, Error, ErrorCode, Proof, ReadBack, Result, Transport};
use airsign_keys::{base58_32, decode_base58_32, decode_base58_64, ed25519_id};
use serde_json::{Map, Value};

use crate::actions::{ACTIONS, MAINNET_REST, MAINNET_WS, Op, TESTNET_REST, TESTNET_WS};

/// Every base URL airsign builds Pacifica envelopes for (REST and WebSocket, both networks).
pub const KNOWN_BASES: &[&str] = &[MAINNET_REST, TESTNET_REST, MAINNET_WS, TESTNET_WS];

/// The fields the body carries around each operation's payload (account, agent_wallet, signature, timestamp, expiry_window).
const HEADER_FIELDS: &[&str] = &[
    "account",
    "agent_wallet",
    "signature",
    "timestamp",
    "expiry_window",
];

/// What a Pacifica envelope says: the request re-derived from its url and body, the
/// signer (`agent_wallet` in agent mode, else `account`) and one signature per operation.
pub fn read_back(env: &Envelope, opts: &VerifyOptions) -> Result<ReadBack> {
    let batch = env.action == "batch_orders";
    let suffix = match (env.transport, batch) {
        (Transport::Ws, _) => "/ws",
        (Transport::Rest, true) => "/api/v1/orders/batch",
        (Transport::Rest, false) => Op::from_action(&env.action)
            .ok_or_else(|| mismatch("action", format!("expected one of {}", ACTIONS.join(", "))))?
            .rest_path(),
    };
    let base = url_base(env, suffix)?;
    opts.check_base(base, KNOWN_BASES)?;
    let text = env
        .body
        .as_deref()
        .ok_or_else(|| mismatch("body", "expected the request body, saw null"))?;
    let mut body = parse_body("body", text)?;
    let mut req = request_fields(env);
    // Where the operations sit in the body, for field paths in messages and verdicts.
    let mut prefix = "body".to_owned();
    let payload = match env.transport {
        Transport::Rest => Value::Object(body),
        Transport::Ws => {
            if let Some(id) = body.shift_remove("id") {
                req.insert("id".into(), id);
            }
            let Some(Value::Object(params)) = body.shift_remove("params") else {
                return Err(mismatch("body.params", "expected an object"));
            };
            let mut it = params.into_iter();
            match (it.next(), it.next()) {
                (Some((k, v)), None) => {
                    prefix = format!("body.params.{k}");
                    v
                }
                _ => return Err(mismatch("body.params", "expected exactly one operation")),
            }
        }
    };
    // Each operation's body: header fields around the payload fields.
    let mut items: Vec<(Option<Value>, Map<String, Value>, String)> = Vec::new();
    let Value::Object(mut payload) = payload else {
        return Err(mismatch("body", "expected an object payload"));
    };
    if batch {
        let Some(Value::Array(actions)) = payload.shift_remove("actions") else {
            return Err(mismatch("body.actions", "expected an array of actions"));
        };
        for (i, a) in actions.into_iter().enumerate() {
            let Value::Object(mut a) = a else {
                return Err(mismatch(
                    &format!("body.actions[{i}]"),
                    "expected an object",
                ));
            };
            let Some(Value::Object(data)) = a.shift_remove("data") else {
                return Err(mismatch(
                    &format!("body.actions[{i}].data"),
                    "expected an object",
                ));
            };
            items.push((
                a.shift_remove("type"),
                data,
                format!("{prefix}.actions[{i}].data"),
            ));
        }
    } else {
        items.push((None, payload, prefix.clone()));
    }
    let mut header: Option<Map<String, Value>> = None;
    let mut signatures = Vec::with_capacity(items.len());
    let mut hardware = false;
    let mut params_actions = Vec::with_capacity(items.len());
    let mut single_params = Map::new();
    let mut account_paths = Vec::with_capacity(items.len());
    for (ty, mut data, at) in items {
        let field = format!("{at}.signature");
        account_paths.push(format!("{at}.account"));
        let mut h = Map::new();
        for k in HEADER_FIELDS {
            if let Some(v) = data.shift_remove(*k) {
                h.insert((*k).into(), v);
            }
        }
        let sig_text = match h.get("signature") {
            Some(Value::String(s)) => s.as_str(),
            Some(Value::Object(o)) => {
                hardware = true;
                o.get("value").and_then(Value::as_str).unwrap_or("")
            }
            _ => "",
        };
        let sig = decode_base58_64(sig_text).ok_or_else(|| {
            Error::new(
                ErrorCode::VerifyBadSignature,
                Some(&field),
                "expected a base58 ed25519 signature of 64 bytes",
            )
        })?;
        signatures.push((sig, field));
        if header.is_none() {
            header = Some(h);
        }
        match ty {
            Some(t) => {
                let mut action = Map::new();
                action.insert("type".into(), t);
                action.extend(data);
                params_actions.push(Value::Object(action));
            }
            None => single_params = data,
        }
    }
    let header = header.unwrap_or_default();
    let account = header
        .get("account")
        .and_then(Value::as_str)
        .and_then(decode_base58_32)
        .ok_or_else(|| mismatch("body.account", "expected a base58 public key"))?;
    let key = match header.get("agent_wallet") {
        None => account,
        Some(v) => v
            .as_str()
            .and_then(decode_base58_32)
            .ok_or_else(|| mismatch("body.agent_wallet", "expected a base58 public key"))?,
    };
    for k in ["timestamp", "expiry_window"] {
        if let Some(v) = header.get(k) {
            req.insert(k.into(), v.clone());
        }
    }
    req.insert("account".into(), Value::from(base58_32(&account)));
    if hardware {
        req.insert("signature_type".into(), Value::from("hardware"));
    }
    let params = if batch {
        let mut m = Map::new();
        m.insert("actions".into(), Value::Array(params_actions));
        m
    } else {
        single_params
    };
    req.insert("base_url".into(), Value::from(base));
    req.insert("params".into(), Value::Object(params));
    // No signed message names the network: a mainnet envelope moved to the testnet host
    // (or back) still verifies. The path is bound (it must match the action).
    let mut unsigned = vec!["url".to_owned()];
    if batch {
        // Each action is signed alone: which signed actions the batch holds, and in which
        // order, no signature binds (one dropped, reordered or spliced in from another
        // batch of the same key still verifies).
        unsigned.push("body.actions".to_owned());
    }
    if key != account {
        // The agent signs on behalf of `account`, which is not in the signed message.
        unsigned.extend(account_paths);
    }
    if env.transport == Transport::Ws {
        unsigned.push("body.id".to_owned());
    }
    Ok(ReadBack {
        request: req,
        signer: ed25519_id(&key),
        proofs: signatures
            .into_iter()
            .map(|(sig, _)| Proof::Ed25519(sig))
            .collect(),
        unsigned,
        unverifiable: None,
    })
}
