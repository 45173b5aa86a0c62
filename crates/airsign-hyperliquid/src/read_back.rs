//! Reading a Hyperliquid envelope back for offline verification.
//!
//! The request is re-derived from the envelope's url and body (the action, nonce, vault,
//! expiry and, over WebSocket, the post id), with the body's signature and the envelope's
//! `signer`; the generic verify (`airsign_core::venue::verify`) then rebuilds it, requires
//! it to equal the envelope field for field, and recovers the signer from the signature
//! over the re-derived EIP-712 digest: it must be the envelope's `signer`.

use airsign_core::verify::{VerifyOptions, mismatch, parse_body, request_fields, url_base};
use airsign_core::{Envelope, Error, ErrorCode, Proof, ReadBack, Result, Transport};
use airsign_keys::eth::{Address, EthSignature};
use serde_json::{Map, Value};

use crate::action::{ACTIONS, Action};
use crate::assemble::parse_int_hex;
use crate::payload::SIGNATURE_FIELD;
use crate::request::{MAINNET_REST, MAINNET_WS, REST_PATH, TESTNET_REST, TESTNET_WS, WS_PATH};

fn bad_signature(message: &str) -> Error {
    Error::new(
        ErrorCode::VerifyBadSignature,
        Some(SIGNATURE_FIELD),
        message.to_owned(),
    )
}

/// The body's `signature` object: `r` and `s` as the SDK writes them, `v` 27 or 28.
fn signature(v: Option<&Value>) -> Result<EthSignature> {
    let expected = "expected {\"r\": \"0x…\", \"s\": \"0x…\", \"v\": 27 or 28}, r and s in \
                    lowercase hex without leading zeros";
    let Some(Value::Object(m)) = v else {
        return Err(bad_signature(expected));
    };
    let part = |k: &str| {
        m.get(k)
            .and_then(Value::as_str)
            .and_then(parse_int_hex)
            .ok_or_else(|| bad_signature(expected))
    };
    let (r, s) = (part("r")?, part("s")?);
    let v = match m.get("v").and_then(Value::as_u64) {
        Some(27) => 27,
        Some(28) => 28,
        _ => return Err(bad_signature(expected)),
    };
    Ok(EthSignature { r, s, v })
}

/// What `env` says of its request, signer and signature (see the module docs). The
/// WebSocket post id is the one part the venue receives that no signature binds; the
/// vault address, the nonce, the expiry and the network (mainnet/testnet) are all signed.
pub(crate) fn read_back(env: &Envelope, opts: &VerifyOptions) -> Result<ReadBack> {
    Action::from_name(&env.action).ok_or_else(|| {
        let names: Vec<&str> = ACTIONS.iter().map(|a| a.name()).collect();
        mismatch("action", format!("expected one of {}", names.join(", ")))
    })?;
    let suffix = match env.transport {
        Transport::Rest => REST_PATH,
        Transport::Ws => WS_PATH,
    };
    let base = url_base(env, suffix)?;
    opts.check_base(base, &[MAINNET_REST, TESTNET_REST, MAINNET_WS, TESTNET_WS])?;
    let text = env
        .body
        .as_deref()
        .ok_or_else(|| mismatch("body", "expected the request body, saw null"))?;
    let mut req = request_fields(env);
    let mut body = parse_body("body", text)?;
    let mut payload = match env.transport {
        Transport::Rest => body,
        Transport::Ws => {
            if let Some(id) = body.shift_remove("id") {
                req.insert("id".into(), id);
            }
            let Some(Value::Object(mut request)) = body.shift_remove("request") else {
                return Err(mismatch("body.request", "expected an object"));
            };
            let Some(Value::Object(p)) = request.shift_remove("payload") else {
                return Err(mismatch("body.request.payload", "expected an object"));
            };
            p
        }
    };
    let Some(Value::Object(mut action)) = payload.shift_remove("action") else {
        return Err(mismatch("body.action", "expected the action object"));
    };
    if action.shift_remove("type").as_ref().and_then(Value::as_str) != Some(env.action.as_str()) {
        return Err(mismatch(
            "body.action.type",
            format!("expected {:?}, the envelope's action", env.action),
        ));
    }
    let sig = signature(payload.get("signature"))?;
    // A body without a nonce re-derives at timestamp 0, which is refused (the request
    // time is the nonce: the verifier's clock must not stand in for a missing one).
    let nonce = payload.shift_remove("nonce").unwrap_or(Value::from(0));
    req.insert("timestamp".into(), nonce);
    for (from, to) in [
        ("vaultAddress", "vault_address"),
        ("expiresAfter", "expires_after"),
    ] {
        match payload.shift_remove(from) {
            None | Some(Value::Null) => {}
            Some(v) => {
                req.insert(to.into(), v);
            }
        }
    }
    let testnet = match base {
        TESTNET_REST | TESTNET_WS => true,
        MAINNET_REST | MAINNET_WS => false,
        // A host the user allowed: the network is the signed `source`, read from the
        // audit entry; a wrong one cannot verify, since the source is in the digest.
        _ => env
            .signed
            .first()
            .and_then(|s| s.message.as_deref())
            .and_then(|m| serde_json::from_str::<Map<String, Value>>(m).ok())
            .is_some_and(|m| m.get("source").and_then(Value::as_str) == Some("b")),
    };
    if testnet {
        req.insert("environment".into(), Value::from("testnet"));
    }
    req.insert("base_url".into(), Value::from(base));
    req.insert("params".into(), Value::Object(action));
    let signer = env
        .signer
        .as_deref()
        .ok_or_else(|| mismatch("signer", "expected the signing address, saw null"))?;
    let address = Address::parse("signer", signer)
        .map_err(|e| Error::new(ErrorCode::VerifyMismatch, Some("signer"), e.message()))?;
    let unsigned = match env.transport {
        Transport::Rest => Vec::new(),
        Transport::Ws => vec!["body.id".to_owned()],
    };
    Ok(ReadBack {
        request: req,
        signer: airsign_keys::secp256k1_id(address),
        proofs: vec![Proof::Secp256k1(sig.to_bytes())],
        unsigned,
        unverifiable: None,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use airsign_core::{Context, Request};
    use airsign_keys::{Key, Scheme, SecretBytes};

    const KEY: &str = "a655ac2ac50b40f3e43c0254b7f8dbb89cbc2f91279154a7d17ab95b3824ea69";

    fn env(text: &str) -> Envelope {
        let keys = Key::from_bytes(
            "key file",
            Scheme::Secp256k1,
            SecretBytes::new(KEY.as_bytes().to_vec()),
        );
        Context::fixed(0, |ctx| crate::build(&Request::parse(text)?, &keys, ctx)).unwrap()
    }

    fn code(e: &Envelope) -> (&'static str, Option<String>) {
        let err = crate::verify(e, &VerifyOptions::default()).unwrap_err();
        (err.code().as_str(), err.field().map(str::to_owned))
    }

    #[test]
    fn each_tampering_fails_for_its_reason() {
        let rest = env(
            r#"{"venue":"hyperliquid","action":"cancel","timestamp":1750000001000,"params":{"cancels":[{"a":0,"o":12345}]}}"#,
        );
        let body = rest.body.clone().unwrap();
        let with_body = |b: String| Envelope {
            body: Some(b),
            ..rest.clone()
        };
        // r with a leading zero: not the SDK's spelling.
        let t = with_body(body.replace("\"r\":\"0x", "\"r\":\"0x0"));
        assert_eq!(
            code(&t),
            ("verify.bad_signature", Some("body.signature".into()))
        );
        // v outside 27/28.
        let t = with_body(body.replace("\"v\":27", "\"v\":29"));
        assert_eq!(
            code(&t),
            ("verify.bad_signature", Some("body.signature".into()))
        );
        // Another action type than the envelope names.
        let t = with_body(body.replace("\"type\":\"cancel\"", "\"type\":\"noop\""));
        assert_eq!(code(&t).1.as_deref(), Some("body.action.type"));
        // Another order id: the signature no longer recovers to the signer.
        let t = with_body(body.replace("12345", "12346"));
        assert_eq!(code(&t).0, "verify.bad_signature");
        // The body's key order is part of the exact text.
        let t = with_body(body.replace(
            "\"vaultAddress\":null,\"expiresAfter\":null",
            "\"expiresAfter\":null,\"vaultAddress\":null",
        ));
        assert_eq!(code(&t).0, "verify.mismatch");
        // Another signer claimed: the signature recovers to someone else.
        let mut t = rest.clone();
        t.signer = Some("0x1813AB7972AF94191724B3943DEd82854297f93c".into());
        assert_eq!(code(&t).0, "verify.bad_signature");
        // The testnet url for a mainnet signature.
        let mut t = rest.clone();
        t.url = "https://api.hyperliquid-testnet.xyz/exchange".into();
        assert_eq!(code(&t).0, "verify.bad_signature");
        // An unknown host.
        let mut t = rest.clone();
        t.url = "https://evil.example/exchange".into();
        assert_eq!(code(&t).0, "verify.unknown_url");

        let ws = env(
            r#"{"venue":"hyperliquid","action":"noop","transport":"ws","id":5,"timestamp":1750000001000}"#,
        );
        let frame = ws.body.clone().unwrap();
        let t = Envelope {
            body: Some(frame.replace("\"method\":\"post\"", "\"method\":\"get\"")),
            ..ws.clone()
        };
        assert_eq!(code(&t).0, "verify.mismatch");
        let t = Envelope {
            body: Some(frame.replace("\"id\":5", "\"id\":6")),
            ..ws.clone()
        };
        // The id is unsigned: a changed id still verifies, and is listed as such.
        assert_eq!(
            crate::verify(&t, &VerifyOptions::default())
                .unwrap()
                .unsigned,
            ["body.id"]
        );
    }
}
