//! The bytes Pacifica signs: pure and key-free.

use airsign_core::json::{Writer, push_u64};
use airsign_core::{Error, ErrorCode, Payload, PayloadScheme, Result, Transport};

use crate::actions::MAX_OFFCHAIN_LEN;
use crate::request::{Operation, PacificaRequest, SignatureType};

/// The signed message for one operation: sorted compact JSON of
/// `{data, expiry_window, timestamp, type}`, ASCII-only. Pure and key-free.
pub fn signing_payload(op: &Operation, timestamp: u64, expiry_window: u64) -> Result<String> {
    // The four header keys are written in their sorted order directly:
    // data < expiry_window < timestamp < type.
    let mut out = String::with_capacity(160);
    out.push_str("{\"data\":");
    Writer::PYTHON_SORTED.write_object(&op.data, &mut out)?;
    out.push_str(",\"expiry_window\":");
    push_u64(&mut out, expiry_window);
    out.push_str(",\"timestamp\":");
    push_u64(&mut out, timestamp);
    out.push_str(",\"type\":\"");
    out.push_str(op.op.type_name());
    out.push_str("\"}");
    Ok(out)
}

/// The Solana off-chain message v0 envelope around `text`: signing domain, version 0,
/// format 0 (restricted ASCII), u16 little-endian length, the text.
pub fn offchain_envelope(text: &str) -> Result<Vec<u8>> {
    let printable = text.bytes().all(|b| (0x20..=0x7e).contains(&b));
    if !printable || text.len() > MAX_OFFCHAIN_LEN {
        return Err(Error::new(
            ErrorCode::ParamsInvalid,
            Some("signature_type"),
            format!(
                "expected a message of at most {MAX_OFFCHAIN_LEN} printable ASCII bytes for \
                 hardware signing, saw {} bytes",
                text.len()
            ),
        ));
    }
    let len = u16::try_from(text.len()).unwrap_or(u16::MAX);
    let mut out = Vec::with_capacity(20 + text.len());
    out.extend_from_slice(b"\xffsolana offchain");
    out.push(0); // header version
    out.push(0); // format: restricted ASCII
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(text.as_bytes());
    Ok(out)
}

/// Where the signature of operation `i` sits in the envelope's body.
pub(crate) fn signature_field(p: &PacificaRequest, i: usize) -> String {
    let at = match p.transport {
        Transport::Rest => "body".to_owned(),
        Transport::Ws => format!("body.params.{}", ws_key(p)),
    };
    if p.batch {
        format!("{at}.actions[{i}].data.signature")
    } else {
        format!("{at}.signature")
    }
}

/// The key the WebSocket frame's `params` holds the request under.
pub(crate) fn ws_key(p: &PacificaRequest) -> &'static str {
    p.action()
}

/// One payload per operation: its signed text (software), or the Solana off-chain message
/// around it (hardware).
pub fn payloads(p: &PacificaRequest) -> Result<Vec<Payload>> {
    if p.operations.is_empty() {
        return Err(Error::new(
            ErrorCode::ParamsMissing,
            Some("params"),
            "no operation to sign",
        ));
    }
    let mut out = Vec::with_capacity(p.operations.len());
    for (i, op) in p.operations.iter().enumerate() {
        let text = signing_payload(op, p.timestamp, p.expiry_window)?;
        let (scheme, bytes) = match p.signature_type {
            SignatureType::Software => (PayloadScheme::Ed25519, text.as_bytes().to_vec()),
            SignatureType::Hardware => (PayloadScheme::SolanaOffchain, offchain_envelope(&text)?),
        };
        out.push(Payload {
            scheme,
            bytes,
            text: Some(text),
            field: signature_field(p, i),
        });
    }
    Ok(out)
}
