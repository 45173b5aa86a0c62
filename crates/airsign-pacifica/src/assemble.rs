//! The Pacifica envelope: the request, the signer and one signature per operation. No
//! signing happens here.

use airsign_core::json::{Writer, push_u64};
use airsign_core::{
    Envelope, Error, ErrorCode, Headers, Payload, Proof, Result, Signed, SignerId, Transport,
};
use airsign_keys::{base58_32, base58_64};

use crate::payload::ws_key;
use crate::request::{PacificaRequest, SignatureType};

/// The envelope for `p`, signed by `signer` with `proofs` (one per payload, in order).
pub fn assemble(
    p: &PacificaRequest,
    signer: &SignerId,
    payloads: &[Payload],
    proofs: &[Proof],
) -> Result<Envelope> {
    let key = signer.ed25519()?;
    let address = signer.text().unwrap_or_default();
    let agent = match p.account {
        Some(acc) if acc != *key => Some(acc),
        _ => None,
    };
    let account = match agent {
        Some(acc) => base58_32(&acc),
        None => address.to_owned(),
    };
    // The body is written as text straight away (Python's json.dumps spacing and
    // escapes, via `Writer::PYTHON`), in the order the SDK builds it: account,
    // agent_wallet (agent mode only: the SDK omits it otherwise, never sends null),
    // signature, timestamp, expiry_window, then the payload fields.
    const W: Writer = Writer::PYTHON;
    let mut signed = Vec::with_capacity(p.operations.len());
    let mut payload = String::with_capacity(256 * p.operations.len());
    if p.batch {
        payload.push_str("{\"actions\":[");
    }
    if payloads.len() != p.operations.len() || proofs.len() != p.operations.len() {
        return Err(Error::new(
            ErrorCode::ParamsMissing,
            Some("params"),
            "expected one payload and one signature per operation",
        ));
    }
    for (i, ((op, signed_payload), proof)) in
        p.operations.iter().zip(payloads).zip(proofs).enumerate()
    {
        let Proof::Ed25519(sig) = proof else {
            return Err(Error::new(
                ErrorCode::KeySchemeMismatch,
                Some(&signed_payload.field),
                "expected an ed25519 signature",
            ));
        };
        let sig = base58_64(sig);
        let text = signed_payload.text.clone().unwrap_or_default();
        let (sig_json, entry) = match p.signature_type {
            SignatureType::Software => {
                let mut json = String::with_capacity(sig.len() + 2);
                W.write_str(&sig, &mut json);
                let entry = Signed {
                    scheme: "ed25519".into(),
                    message: Some(text),
                    message_hex: None,
                    signature: sig,
                };
                (json, entry)
            }
            SignatureType::Hardware => {
                let mut json = String::from("{\"type\":\"hardware\",\"value\":");
                W.write_str(&sig, &mut json);
                json.push('}');
                let entry = Signed {
                    scheme: "solana-offchain".into(),
                    message: Some(text),
                    message_hex: Some(hex::encode(&signed_payload.bytes)),
                    signature: sig,
                };
                (json, entry)
            }
        };
        if p.batch {
            if i > 0 {
                payload.push(',');
            }
            payload.push_str("{\"type\":");
            W.write_str(op.op.batch_type().unwrap_or("Cancel"), &mut payload);
            payload.push_str(",\"data\":");
        }
        payload.push_str("{\"account\":");
        W.write_str(&account, &mut payload);
        if agent.is_some() {
            payload.push_str(",\"agent_wallet\":");
            W.write_str(address, &mut payload);
        }
        payload.push_str(",\"signature\":");
        payload.push_str(&sig_json);
        payload.push_str(",\"timestamp\":");
        push_u64(&mut payload, p.timestamp);
        payload.push_str(",\"expiry_window\":");
        push_u64(&mut payload, p.expiry_window);
        for (k, v) in &op.data {
            payload.push(',');
            W.write_str(k, &mut payload);
            payload.push(':');
            W.write(v, &mut payload)?;
        }
        payload.push('}');
        if p.batch {
            payload.push('}');
        }
        signed.push(entry);
    }
    if p.batch {
        payload.push_str("]}");
    }
    let (method, url, headers, body) = match p.transport {
        Transport::Rest => {
            let path = match (p.batch, p.operations.first()) {
                (false, Some(op)) => op.op.rest_path(),
                _ => "/api/v1/orders/batch",
            };
            (
                Some("POST".to_owned()),
                [p.host.as_str(), path].concat(),
                vec![("Content-Type".to_owned(), "application/json".to_owned())],
                payload,
            )
        }
        Transport::Ws => {
            let id = p.ws_id.as_deref().unwrap_or_default();
            let mut frame = String::with_capacity(payload.len() + 96);
            frame.push_str("{\"id\":");
            W.write_str(id, &mut frame);
            frame.push_str(",\"params\":{");
            W.write_str(ws_key(p), &mut frame);
            frame.push(':');
            frame.push_str(&payload);
            frame.push_str("}}");
            (None, [p.host.as_str(), "/ws"].concat(), Vec::new(), frame)
        }
    };
    Ok(Envelope {
        airsign: airsign_core::FORMAT_VERSION,
        venue: crate::RULES.venue.into(),
        action: p.action().to_owned(),
        transport: p.transport,
        method,
        url,
        headers: Headers(headers),
        body: Some(body),
        login: None,
        signer: Some(address.to_owned()),
        signed,
        expires_at: Some(p.timestamp + p.expiry_window),
    })
}
