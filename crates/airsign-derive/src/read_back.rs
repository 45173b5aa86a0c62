//! What a Derive envelope says of its request: read from the url, the auth headers (or the
//! login frame) and the body, for verify.

use airsign_core::verify::{VerifyOptions, mismatch, parse_body, request_fields, url_base};
use airsign_core::{Envelope, Error, ErrorCode, Proof, ReadBack, Result, Transport};
use airsign_keys::eth::EthSignature;
use serde_json::Value;

use crate::actions::{self, Action};
use crate::{MAINNET_HOST, TESTNET_HOST};

/// Reads back a Derive envelope: the request from the url, headers (or login frame) and
/// body, the signature, and the claimed signer.
///
/// Derive's auth signs only the timestamp: the body, the url path and the wallet header
/// are not bound by the signature, and are listed as unsigned.
pub(crate) fn read_back(env: &Envelope, opts: &VerifyOptions) -> Result<ReadBack> {
    let action = Action::from_name(&env.action).ok_or_else(|| {
        mismatch(
            "action",
            format!("expected one of {}", actions::names().join(", ")),
        )
    })?;
    let suffix = match env.transport {
        Transport::Rest => format!("/v3/{}", action.method()),
        Transport::Ws => "/v3/ws".to_owned(),
    };
    let base = url_base(env, &suffix)?;
    let known: Vec<String> = [MAINNET_HOST, TESTNET_HOST]
        .iter()
        .flat_map(|h| [format!("https://{h}"), format!("wss://{h}")])
        .collect();
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    opts.check_base(base, &known)?;
    let text = env
        .body
        .as_deref()
        .ok_or_else(|| mismatch("body", "expected the request body, saw null"))?;
    let mut req = request_fields(env);
    let (wallet, timestamp, sig, sig_field, params) = match env.transport {
        Transport::Rest => {
            let h = |name: &str| {
                env.headers
                    .get(name)
                    .map(Value::from)
                    .ok_or_else(|| mismatch("headers", format!("missing header {name}")))
            };
            let ts = h("X-DeriveTimestamp")?;
            let ts = ts
                .as_str()
                .and_then(|t| t.parse::<u64>().ok())
                .map(Value::from)
                .ok_or_else(|| {
                    mismatch(
                        "headers.X-DeriveTimestamp",
                        "expected milliseconds as digits",
                    )
                })?;
            (
                h("X-DeriveWallet")?,
                ts,
                h("X-DeriveSignature")?,
                "headers.X-DeriveSignature",
                parse_body("body", text)?,
            )
        }
        Transport::Ws => {
            let mut frame = parse_body("body", text)?;
            if let Some(id) = frame.shift_remove("id") {
                req.insert("id".into(), id);
            }
            let Some(Value::Object(params)) = frame.shift_remove("params") else {
                return Err(mismatch("body.params", "expected an object"));
            };
            let login = env
                .login
                .as_deref()
                .ok_or_else(|| mismatch("login", "expected the public/login frame, saw null"))?;
            let mut login = parse_body("login", login)?;
            let Some(Value::Object(mut lp)) = login.shift_remove("params") else {
                return Err(mismatch("login.params", "expected an object"));
            };
            let mut take = |k: &str| {
                lp.shift_remove(k)
                    .ok_or_else(|| mismatch(&format!("login.params.{k}"), "missing"))
            };
            (
                take("wallet")?,
                take("timestamp")?,
                take("signature")?,
                "login.params.signature",
                params,
            )
        }
    };
    let proof = signature(sig.as_str(), sig_field)?;
    let signer = airsign_keys::eth_signer_of(env)?;
    req.insert("base_url".into(), Value::from(base));
    req.insert("timestamp".into(), timestamp);
    req.insert("wallet".into(), wallet);
    req.insert("params".into(), Value::Object(params));
    let unsigned = match env.transport {
        Transport::Rest => ["url", "body", "headers.X-DeriveWallet"],
        Transport::Ws => ["body", "login.id", "login.params.wallet"],
    };
    Ok(ReadBack {
        request: req,
        signer,
        proofs: vec![proof],
        unsigned: unsigned.iter().map(|s| (*s).to_owned()).collect(),
        unverifiable: None,
    })
}

/// The signature found at `field` (0x + 130 hex digits), or `verify.bad_signature`.
pub(crate) fn signature(sig: Option<&str>, field: &str) -> Result<Proof> {
    sig.and_then(EthSignature::parse_hex)
        .map(|s| Proof::Secp256k1(s.to_bytes()))
        .ok_or_else(|| {
            Error::new(
                ErrorCode::VerifyBadSignature,
                Some(field),
                "expected 0x + 130 hex digits (r, s, v)",
            )
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testing::run;

    const CANCEL: &str = r#"{"venue":"derive","action":"cancel_all","timestamp":1700000000000,"params":{"subaccount_id":1}}"#;
    const CANCEL_WS: &str = r#"{"venue":"derive","action":"cancel_all","transport":"ws","id":"a","timestamp":1700000000000,"params":{"subaccount_id":1}}"#;

    fn opts() -> VerifyOptions {
        VerifyOptions::default()
    }

    #[test]
    fn reads_back_what_was_built_and_verifies() {
        for text in [CANCEL, CANCEL_WS] {
            let env = run(text).unwrap();
            let rb = read_back(&env, &opts()).unwrap();
            assert_eq!(rb.proofs.len(), 1);
            assert_eq!(rb.signer.text(), env.signer.as_deref());
            assert_eq!(rb.request["timestamp"], Value::from(1_700_000_000_000_u64));
            assert_eq!(rb.request["params"]["subaccount_id"], Value::from(1));
            let verdict = crate::verify(&env, &opts()).unwrap();
            assert_eq!(verdict.result(), "ok");
            assert_eq!(verdict.checks.len(), 1);
            assert_eq!(verdict.checks[0].signer.as_deref(), env.signer.as_deref());
        }
        let ws = run(CANCEL_WS).unwrap();
        let rb = read_back(&ws, &opts()).unwrap();
        assert_eq!(rb.request["id"], Value::from("a"));
        assert_eq!(rb.unsigned, ["body", "login.id", "login.params.wallet"]);
        let rest = run(CANCEL).unwrap();
        assert_eq!(
            read_back(&rest, &opts()).unwrap().unsigned,
            ["url", "body", "headers.X-DeriveWallet"]
        );
    }

    #[test]
    fn a_bad_signature_before_a_bad_signer() {
        let mut env = run(CANCEL).unwrap();
        env.headers.0[3].1 = "0x12".into();
        env.signer = None;
        let e = read_back(&env, &opts()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::VerifyBadSignature);
        assert_eq!(e.field(), Some("headers.X-DeriveSignature"));
        let mut env = run(CANCEL).unwrap();
        env.signer = Some("0x12".into());
        let e = read_back(&env, &opts()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::VerifyMismatch);
        assert_eq!(e.field(), Some("signer"));
    }

    #[test]
    fn a_changed_timestamp_is_a_bad_signature() {
        let mut env = run(CANCEL).unwrap();
        env.headers.0[2].1 = "1700000000001".into();
        let e = crate::verify(&env, &opts()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::VerifyBadSignature);
        assert_eq!(e.field(), Some("headers.X-DeriveSignature"));
    }
}
