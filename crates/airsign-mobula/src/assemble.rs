//! The envelope: the REST call whose JSON body carries the timestamp and the signature
//! next to the action's fields, written as `JSON.stringify` writes it.

use airsign_core::json::Writer;
use airsign_core::{Envelope, Error, Headers, Proof, Result, Signed, SignerId, Transport};
use serde_json::{Map, Value};

use crate::payload::{SIGNATURE_FIELD, message};
use crate::{Action, MobulaRequest, VALIDITY_MS, jsnum};

/// The body text: compact JSON, keys in canonical order, UTF-8 unescaped, numbers as
/// JavaScript prints them — i.e. `JSON.stringify` of the body object.
pub(crate) fn body_text(p: &MobulaRequest, signature: &str) -> Result<String> {
    let mut body: Vec<(&str, Value)> = Vec::with_capacity(p.fields.len() + 2);
    let ts = Value::from(p.timestamp);
    let sig = Value::from(signature);
    if p.action == Action::ExecuteV2 {
        for &name in p.action.fields() {
            match name {
                "timestamp" => body.push((name, ts.clone())),
                "signature" => body.push((name, sig.clone())),
                _ => {
                    if let Some((_, v)) = p.fields.iter().find(|(k, _)| *k == name) {
                        body.push((name, v.clone()));
                    }
                }
            }
        }
    } else {
        body.push(("timestamp", ts));
        body.push(("signature", sig));
        body.extend(p.fields.iter().cloned());
    }
    let mut out = String::with_capacity(256);
    out.push('{');
    for (i, (k, v)) in body.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        JS.write_str(k, &mut out);
        out.push(':');
        write_js(v, &mut out)?;
    }
    out.push('}');
    Ok(out)
}

/// String escaping of `JSON.stringify`: the short escapes, other controls as `\u00xx`,
/// everything else (non-ASCII included) as is.
const JS: Writer = Writer {
    sort_keys: false,
    ensure_ascii: false,
};

fn write_js(v: &Value, out: &mut String) -> Result<()> {
    match v {
        Value::Number(n) => {
            let text = jsnum::js_text(n.as_str()).ok_or_else(|| {
                Error::invalid_text(
                    "params",
                    "numbers a JavaScript double holds exactly",
                    n.as_str(),
                )
            })?;
            out.push_str(&text);
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_js(item, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => write_js_object(map, out)?,
        other => JS.write(other, out)?,
    }
    Ok(())
}

fn write_js_object(map: &Map<String, Value>, out: &mut String) -> Result<()> {
    out.push('{');
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        JS.write_str(k, out);
        out.push(':');
        write_js(v, out)?;
    }
    out.push('}');
    Ok(())
}

/// The envelope for `p`, signed by `signer` with `proofs` (one secp256k1 signature over
/// the message).
pub(crate) fn assemble(p: &MobulaRequest, signer: &SignerId, proofs: &[Proof]) -> Result<Envelope> {
    let message = message(p);
    let signature = airsign_keys::one_eth_signature(
        proofs,
        SIGNATURE_FIELD,
        "Mobula\'s auth is an EIP-191 personal_sign",
    )?
    .to_hex();
    let signer = signer.checksum()?.to_owned();
    let body = body_text(p, &signature)?;
    Ok(Envelope {
        airsign: airsign_core::FORMAT_VERSION,
        venue: "mobula".into(),
        action: p.action.name().into(),
        transport: Transport::Rest,
        method: Some("POST".into()),
        url: format!("{}/{}", p.base, p.action.endpoint()),
        headers: Headers(vec![(
            "Content-Type".to_owned(),
            "application/json".to_owned(),
        )]),
        body: Some(body),
        login: None,
        signer: Some(signer),
        signed: vec![Signed {
            scheme: "eip191".into(),
            message: Some(message),
            message_hex: None,
            signature,
        }],
        expires_at: p.timestamp.checked_add(VALIDITY_MS),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testing::run;
    use airsign_core::ErrorCode;
    use airsign_core::{Context, Request};

    #[test]
    fn doc_example_lighter_cancel() {
        let env = run(r#"{"venue":"mobula","action":"cancel-order","params":
            {"orderIndex":"42","marketId":"lighter-btc-usd","chainId":"lighter:301","dex":"lighter"}}"#)
        .unwrap();
        assert_eq!(
            env.url,
            "https://api.mobula.io/api/2/perp/payloads/cancel-order"
        );
        assert_eq!(
            env.signed[0].message.as_deref(),
            Some("api/2/perp/payloads/cancel-order-1735686300000")
        );
        // Canonical order, whatever the request's order.
        assert_eq!(
            env.body.as_deref().unwrap(),
            "{\"timestamp\":1735686300000,\"signature\":\"0xcfa33c30a55293957bbf98dcef924aa6423ca87c9801939b7186bceb2379f6f94677f53169e904de17104fc86d3e2526b525a1b4bbb6a67d11594d0dbb7af8221b\",\"dex\":\"lighter\",\"chainId\":\"lighter:301\",\"orderIndex\":\"42\",\"marketId\":\"lighter-btc-usd\"}"
        );
        assert_eq!(env.expires_at, Some(1_735_686_330_000));
    }

    #[test]
    fn numbers_are_written_as_javascript_does() {
        let env = run(r#"{"venue":"mobula","action":"edit-order","params":
            {"dex":"lighter","chainId":"lighter:301","marketId":"m","newTp":4.20050e3,"newSl":1.0}}"#)
        .unwrap();
        assert!(
            env.body
                .as_deref()
                .unwrap()
                .ends_with(",\"newTp\":4200.5,\"newSl\":1}")
        );
        let e = run(r#"{"venue":"mobula","action":"edit-order","params":
            {"dex":"lighter","chainId":"lighter:301","marketId":"m","newTp":9007199254740993}}"#)
        .unwrap_err();
        assert_eq!(e.field(), Some("params.newTp"));
    }

    #[test]
    fn assembly_takes_one_secp256k1_signature_and_signs_nothing() {
        let p = Context::fixed(1_735_686_300_000, |ctx| {
            crate::parse(
                &Request::parse(
                    r#"{"venue":"mobula","action":"withdraw","params":{"dex":"lighter","chainId":"lighter:301","amountUsdc":"5"}}"#,
                )?,
                ctx,
            )
        })
        .unwrap();
        let signer = airsign_keys::secp256k1_id(
            airsign_keys::eth::Address::parse(
                "signer",
                "0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81",
            )
            .unwrap(),
        );
        let mut sig = [7u8; 65];
        sig[64] = 27;
        let env = assemble(&p, &signer, &[Proof::Secp256k1(sig)]).unwrap();
        let hex = format!("0x{}1b", "07".repeat(64));
        assert_eq!(
            env.body.as_deref().unwrap(),
            format!(
                r#"{{"timestamp":1735686300000,"signature":"{hex}","dex":"lighter","chainId":"lighter:301","amountUsdc":"5"}}"#
            )
        );
        assert_eq!(
            env.signer.as_deref(),
            Some("0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81")
        );
        assert_eq!(
            env.signed[0].message.as_deref(),
            Some("api/2/perp/payloads/withdraw-1735686300000")
        );
        let e = assemble(&p, &signer, &[]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::RequestInvalid);
        sig[64] = 2;
        let e = assemble(&p, &signer, &[Proof::Secp256k1(sig)]).unwrap_err();
        assert_eq!(e.field(), Some("body.signature"));
        let e = assemble(&p, &signer, &[Proof::Ed25519([0; 64])]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeySchemeMismatch);
    }
}
