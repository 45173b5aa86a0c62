//! The envelope: the REST call with its auth headers, or the WebSocket frame and the
//! `public/login` frame sent before it, around a signature made elsewhere.

use airsign_core::json::Writer;
use airsign_core::{Envelope, Headers, Proof, Result, Signed, SignerId, Transport};
use serde_json::{Map, Value};

use crate::DeriveRequest;
use crate::payload::{signature_field, signing_payload};

/// The envelope for `p`, signed by `signer` with `proofs` (one secp256k1 signature over
/// the timestamp). The wallet is the request's, else the signer's address.
pub(crate) fn assemble(p: &DeriveRequest, signer: &SignerId, proofs: &[Proof]) -> Result<Envelope> {
    let message = signing_payload(p.timestamp);
    let sig_hex = airsign_keys::one_eth_signature(
        proofs,
        signature_field(p.transport),
        "Derive's auth is an EIP-191 personal_sign",
    )?
    .to_hex();
    let signer_text = signer.checksum()?.to_owned();
    let wallet = match p.wallet {
        Some(w) => w.to_checksum(),
        None => signer_text.clone(),
    };
    // Derive's SDK sends JSON.stringify(params): compact, non-ASCII as UTF-8.
    let writer = Writer {
        sort_keys: false,
        ensure_ascii: false,
    };
    let mut params_text = String::with_capacity(128);
    writer.write_object(&p.params, &mut params_text)?;
    let (method, url, headers, body, login) = match p.transport {
        Transport::Rest => (
            Some("POST".to_owned()),
            [p.base.as_str(), "/v3/private/", p.action.name()].concat(),
            vec![
                ("Content-Type".to_owned(), "application/json".to_owned()),
                ("X-DeriveWallet".to_owned(), wallet.clone()),
                ("X-DeriveTimestamp".to_owned(), message.clone()),
                ("X-DeriveSignature".to_owned(), sig_hex.clone()),
            ],
            params_text,
            None,
        ),
        Transport::Ws => {
            let mut frame = String::with_capacity(params_text.len() + 64);
            frame.push_str("{\"id\":");
            writer.write(&p.id, &mut frame)?;
            frame.push_str(",\"method\":");
            writer.write_str(&p.action.method(), &mut frame);
            frame.push_str(",\"params\":");
            frame.push_str(&params_text);
            frame.push('}');
            (
                None,
                format!("{}/v3/ws", p.base),
                Vec::new(),
                frame,
                Some(login_frame(p, &wallet, &sig_hex)?),
            )
        }
    };
    Ok(Envelope {
        airsign: airsign_core::FORMAT_VERSION,
        venue: "derive".into(),
        action: p.action.name().into(),
        transport: p.transport,
        method,
        url,
        headers: Headers(headers),
        body: Some(body),
        login,
        signer: Some(signer_text),
        signed: vec![Signed {
            scheme: "eip191".into(),
            message: Some(message),
            message_hex: None,
            signature: sig_hex,
        }],
        // Derive documents no freshness window for the auth timestamp.
        expires_at: None,
    })
}

/// The `public/login` frame: the same wallet, timestamp (a JSON number, as the v3 SDKs
/// send it) and signature as the REST headers. Its id is `"login-<request id>"`, so it can
/// never collide with the request frame's id on the same connection.
fn login_frame(p: &DeriveRequest, wallet: &str, sig_hex: &str) -> Result<String> {
    let id = match &p.id {
        Value::String(s) => format!("login-{s}"),
        other => format!("login-{other}"),
    };
    let mut params = Map::new();
    params.insert("wallet".into(), Value::from(wallet));
    params.insert("timestamp".into(), Value::from(p.timestamp));
    params.insert("signature".into(), Value::from(sig_hex));
    let mut frame = Map::new();
    frame.insert("id".into(), Value::from(id));
    frame.insert("method".into(), Value::from("public/login"));
    frame.insert("params".into(), Value::Object(params));
    Writer::PYTHON.to_string(&Value::Object(frame))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testing::run;
    use airsign_core::ErrorCode;
    use airsign_core::{Context, Request};

    #[test]
    fn worked_example_rest_and_ws() {
        let rest = run(
            r#"{"venue":"derive","action":"cancel_quote","timestamp":1700000000000,
            "params":{"quote_id":"3d0958f3-2ec2-4502-974c-65c64cc9ac88","subaccount_id":12345}}"#,
        )
        .unwrap();
        assert_eq!(rest.url, "https://api.derive.xyz/v3/private/cancel_quote");
        let names: Vec<&str> = rest.headers.0.iter().map(|h| h.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "X-DeriveWallet",
                "X-DeriveTimestamp",
                "X-DeriveSignature"
            ]
        );
        assert_eq!(
            rest.headers.get("X-DeriveWallet"),
            Some("0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81")
        );
        assert_eq!(
            rest.body.as_deref(),
            Some(r#"{"quote_id":"3d0958f3-2ec2-4502-974c-65c64cc9ac88","subaccount_id":12345}"#)
        );
        let ws = run(
            r#"{"venue":"derive","action":"cancel_quote","transport":"ws","id":1,
            "timestamp":1700000000000,"environment":"testnet",
            "params":{"quote_id":"3d0958f3-2ec2-4502-974c-65c64cc9ac88","subaccount_id":12345}}"#,
        )
        .unwrap();
        assert_eq!(ws.url, "wss://testnet.api.derive.xyz/v3/ws");
        assert_eq!(ws.method, None);
        assert_eq!(
            ws.body.as_deref(),
            Some(
                r#"{"id":1,"method":"private/cancel_quote","params":{"quote_id":"3d0958f3-2ec2-4502-974c-65c64cc9ac88","subaccount_id":12345}}"#
            )
        );
        let sig = &rest.signed[0].signature;
        assert_eq!(
            ws.login.as_deref().unwrap(),
            format!(
                r#"{{"id":"login-1","method":"public/login","params":{{"wallet":"0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81","timestamp":1700000000000,"signature":"{sig}"}}}}"#
            )
        );
    }

    #[test]
    fn base_url_replaces_the_host() {
        let env = run(r#"{"venue":"derive","action":"cancel_all","base_url":"https://proxy.example/derive/","params":{"subaccount_id":1}}"#)
            .unwrap();
        assert_eq!(
            env.url,
            "https://proxy.example/derive/v3/private/cancel_all"
        );
    }

    #[test]
    fn assembly_takes_one_secp256k1_signature_and_signs_nothing() {
        let p = Context::fixed(1_700_000_000_000, |ctx| {
            crate::parse(
                &Request::parse(
                    r#"{"venue":"derive","action":"cancel_all","params":{"subaccount_id":1}}"#,
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
        sig[64] = 28;
        let env = assemble(&p, &signer, &[Proof::Secp256k1(sig)]).unwrap();
        let hex = format!("0x{}1c", "07".repeat(64));
        assert_eq!(env.headers.get("X-DeriveSignature"), Some(hex.as_str()));
        assert_eq!(
            env.signer.as_deref(),
            Some("0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81")
        );
        assert_eq!(
            env.headers.get("X-DeriveWallet"),
            Some("0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81")
        );
        let e = assemble(&p, &signer, &[]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::RequestInvalid);
        sig[64] = 29;
        let e = assemble(&p, &signer, &[Proof::Secp256k1(sig)]).unwrap_err();
        assert_eq!(e.field(), Some("headers.X-DeriveSignature"));
        let e = assemble(&p, &signer, &[Proof::Ed25519([0; 64])]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeySchemeMismatch);
    }
}
