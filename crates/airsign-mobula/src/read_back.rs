//! What a Mobula envelope says of its request: read from the url and the JSON body, for
//! verify.

use airsign_core::verify::{VerifyOptions, mismatch, parse_body, request_fields, url_base};
use airsign_core::{Envelope, Error, ErrorCode, Proof, ReadBack, Result};
use airsign_keys::eth::EthSignature;
use serde_json::Value;

use crate::actions::{self, Action};
use crate::payload::SIGNATURE_FIELD;
use crate::{DEMO_BASE, PRODUCTION_BASE};

/// Reads back a Mobula envelope: the request from the url and body, the body's signature,
/// and the claimed signer.
///
/// The signature binds the endpoint (url path) and the timestamp (and for execute-v2 the
/// payloadStr); the host and every other body field are listed as unsigned.
pub(crate) fn read_back(env: &Envelope, opts: &VerifyOptions) -> Result<ReadBack> {
    let action = Action::from_name(&env.action).ok_or_else(|| {
        mismatch(
            "action",
            format!("expected one of {}", actions::names().join(", ")),
        )
    })?;
    let suffix = format!("/{}", action.endpoint());
    let base = url_base(env, &suffix)?;
    opts.check_base(base, &[PRODUCTION_BASE, DEMO_BASE])?;
    let text = env
        .body
        .as_deref()
        .ok_or_else(|| mismatch("body", "expected the request body, saw null"))?;
    let mut params = parse_body("body", text)?;
    let timestamp = params
        .shift_remove("timestamp")
        .ok_or_else(|| mismatch("body.timestamp", "missing"))?;
    let sig = params.shift_remove("signature");
    let proof = signature(sig.as_ref().and_then(Value::as_str))?;
    let signer = airsign_keys::eth_signer_of(env)?;
    // The host is in no signed message: production and demo envelopes are interchangeable.
    let unsigned: Vec<String> = std::iter::once("url".to_owned())
        .chain(
            params
                .keys()
                .filter(|k| !(action == Action::ExecuteV2 && *k == "payloadStr"))
                .map(|k| format!("body.{k}")),
        )
        .collect();
    let mut req = request_fields(env);
    req.insert("base_url".into(), Value::from(base));
    req.insert("timestamp".into(), timestamp);
    req.insert("params".into(), Value::Object(params));
    Ok(ReadBack {
        request: req,
        signer,
        proofs: vec![proof],
        unsigned,
        unverifiable: None,
    })
}

/// The body's signature (0x + 130 hex digits), or `verify.bad_signature`.
fn signature(sig: Option<&str>) -> Result<Proof> {
    sig.and_then(EthSignature::parse_hex)
        .map(|s| Proof::Secp256k1(s.to_bytes()))
        .ok_or_else(|| {
            Error::new(
                ErrorCode::VerifyBadSignature,
                Some(SIGNATURE_FIELD),
                "expected 0x + 130 hex digits (r, s, v)",
            )
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testing::run;

    const CANCEL: &str = r#"{"venue":"mobula","action":"cancel-order","params":{"orderIndex":"42","marketId":"lighter-btc-usd","chainId":"lighter:301","dex":"lighter"}}"#;

    fn opts() -> VerifyOptions {
        VerifyOptions::default()
    }

    #[test]
    fn reads_back_what_was_built_and_verifies() {
        let env = run(CANCEL).unwrap();
        let rb = read_back(&env, &opts()).unwrap();
        assert_eq!(rb.proofs.len(), 1);
        assert_eq!(rb.signer.text(), env.signer.as_deref());
        assert_eq!(rb.request["timestamp"], Value::from(1_735_686_300_000_u64));
        assert_eq!(rb.request["params"]["orderIndex"], Value::from("42"));
        assert_eq!(
            rb.unsigned,
            [
                "url",
                "body.dex",
                "body.chainId",
                "body.orderIndex",
                "body.marketId"
            ]
        );
        let verdict = crate::verify(&env, &opts()).unwrap();
        assert_eq!(verdict.result(), "ok");
        assert_eq!(verdict.checks.len(), 1);
        assert_eq!(verdict.checks[0].signer.as_deref(), env.signer.as_deref());
        assert_eq!(verdict.unsigned, rb.unsigned);
    }

    #[test]
    fn a_bad_signature_before_a_bad_signer() {
        let env = run(CANCEL).unwrap();
        let sig = env.signed[0].signature.clone();
        let mut bad = env.clone();
        bad.body = Some(bad.body.unwrap().replace(&sig, "0x12"));
        bad.signer = None;
        let e = read_back(&bad, &opts()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::VerifyBadSignature);
        assert_eq!(e.field(), Some("body.signature"));
        let mut bad = env.clone();
        bad.signer = Some("0x12".into());
        let e = read_back(&bad, &opts()).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::VerifyMismatch, Some("signer"))
        );
    }

    #[test]
    fn a_changed_endpoint_is_a_bad_signature() {
        // cancel-order's fields on withdraw's url fail as the request withdraw refuses.
        let env = run(CANCEL).unwrap();
        let mut moved = env.clone();
        moved.url = moved.url.replace("cancel-order", "withdraw");
        moved.action = "withdraw".into();
        let e = crate::verify(&moved, &opts()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::VerifyMismatch);
        // A changed timestamp: the same body shape, another message.
        let mut later = env.clone();
        later.body = Some(
            later
                .body
                .unwrap()
                .replace("1735686300000", "1735686300001"),
        );
        later.expires_at = Some(1_735_686_330_001);
        let e = crate::verify(&later, &opts()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::VerifyBadSignature);
        assert_eq!(e.field(), Some("body.signature"));
    }
}
