//! Writing the envelope from a checked request, its signer and the signature: the body
//! the SDK posts (or the WebSocket `post` frame around it) and the `eip712` audit entry.
//! No signing happens here: the signature comes in as a [`Proof`].

use airsign_core::json::push_u64;
use airsign_core::{
    Envelope, Error, ErrorCode, Headers, Proof, Result, Signed, SignerId, Transport,
};
use airsign_keys::eth::EthSignature;

use crate::payload::{self, audit_message};
use crate::request::{HlRequest, REST_PATH, WS_PATH};

/// The scheme name of the envelope's `signed` entry: EIP-712 typed data.
pub(crate) const SCHEME: &str = "eip712";

/// A 32-byte big-endian integer as the SDK writes it (`eth_utils.to_hex(int)`):
/// `0x` + lowercase hex without leading zeros (`0x0` for zero).
pub(crate) fn int_hex(bytes: &[u8; 32]) -> String {
    let digits = hex::encode(bytes);
    let trimmed = digits.trim_start_matches('0');
    let mut out = String::with_capacity(66);
    out.push_str("0x");
    out.push_str(if trimmed.is_empty() { "0" } else { trimmed });
    out
}

/// Parses [`int_hex`] text back into 32 bytes; refuses leading zeros, uppercase and
/// anything longer than 64 digits (so only the SDK's own spelling round-trips).
pub(crate) fn parse_int_hex(s: &str) -> Option<[u8; 32]> {
    let d = s.strip_prefix("0x")?;
    let canonical = !d.is_empty()
        && d.len() <= 64
        && (d == "0" || !d.starts_with('0'))
        && d.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !canonical {
        return None;
    }
    let padded = format!("{d:0>64}");
    let mut out = [0u8; 32];
    hex::decode_to_slice(padded, &mut out).ok()?;
    Some(out)
}

/// The REST body: `{"action":…,"nonce":…,"signature":{"r","s","v"},"vaultAddress":…,
/// "expiresAfter":…}`, `vaultAddress` and `expiresAfter` always present (`null` when not
/// given), as the SDK posts it.
pub(crate) fn write_body(req: &HlRequest, action_json: &str, sig: &EthSignature, out: &mut String) {
    out.push_str("{\"action\":");
    out.push_str(action_json);
    out.push_str(",\"nonce\":");
    push_u64(out, req.nonce);
    out.push_str(",\"signature\":{\"r\":\"");
    out.push_str(&int_hex(&sig.r));
    out.push_str("\",\"s\":\"");
    out.push_str(&int_hex(&sig.s));
    out.push_str("\",\"v\":");
    push_u64(out, u64::from(sig.v));
    out.push_str("},\"vaultAddress\":");
    match &req.vault_address {
        // A checked address is 0x + hex digits: nothing to escape.
        Some((_, text)) => {
            out.push('"');
            out.push_str(text);
            out.push('"');
        }
        None => out.push_str("null"),
    }
    out.push_str(",\"expiresAfter\":");
    match req.expires_after {
        Some(e) => push_u64(out, e),
        None => out.push_str("null"),
    }
    out.push('}');
}

/// The one signature of `proofs`: 65 bytes `r ‖ s ‖ v`.
fn signature(proofs: &[Proof]) -> Result<EthSignature> {
    match proofs {
        [Proof::Secp256k1(b)] => EthSignature::from_bytes(b),
        _ => None,
    }
    .ok_or_else(|| {
        Error::new(
            ErrorCode::RequestInvalid,
            Some("signatures"),
            "expected one secp256k1 signature: 65 bytes r ‖ s ‖ v, v 27 or 28",
        )
    })
}

/// The envelope of a validated request signed by `signer` with `proofs` (one EIP-712
/// signature over [`crate::payload`]'s digest).
pub(crate) fn assemble(req: &HlRequest, signer: &SignerId, proofs: &[Proof]) -> Result<Envelope> {
    let sig = signature(proofs)?;
    let signer = signer.checksum()?.to_owned();
    let p = payload::steps(req);
    let action_json = req.action.to_json();
    let mut body = String::with_capacity(action_json.len() + 256);
    let (method, url, headers) = match req.transport {
        Transport::Rest => {
            write_body(req, &action_json, &sig, &mut body);
            (
                Some("POST".to_owned()),
                [req.base.as_str(), REST_PATH].concat(),
                vec![("Content-Type".to_owned(), "application/json".to_owned())],
            )
        }
        Transport::Ws => {
            body.push_str("{\"method\":\"post\",\"id\":");
            push_u64(&mut body, req.id);
            body.push_str(",\"request\":{\"type\":\"action\",\"payload\":");
            write_body(req, &action_json, &sig, &mut body);
            body.push_str("}}");
            (None, [req.base.as_str(), WS_PATH].concat(), Vec::new())
        }
    };
    let message = audit_message(req, &action_json, &p);
    Ok(Envelope {
        airsign: airsign_core::FORMAT_VERSION,
        venue: crate::NAME.into(),
        action: req.action.action().name().into(),
        transport: req.transport,
        method,
        url,
        headers: Headers(headers),
        body: Some(body),
        login: None,
        signer: Some(signer),
        signed: vec![Signed {
            scheme: SCHEME.into(),
            message: Some(message),
            message_hex: Some(hex::encode(&p.data)),
            signature: sig.to_hex(),
        }],
        expires_at: Some(req.expires_at()),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn int_hex_drops_leading_zeros() {
        let mut b = [0u8; 32];
        assert_eq!(int_hex(&b), "0x0");
        b[31] = 1;
        assert_eq!(int_hex(&b), "0x1");
        b[0] = 0x0a;
        assert_eq!(int_hex(&b)[..4], *"0xa0");
        assert_eq!(int_hex(&b).len(), 2 + 63);
        assert_eq!(parse_int_hex(&int_hex(&b)), Some(b));
        for bad in ["0x", "0x01", "0xA", "1", &format!("0x1{}", "0".repeat(64))] {
            assert_eq!(parse_int_hex(bad), None, "{bad}");
        }
        assert_eq!(parse_int_hex("0x0"), Some([0u8; 32]));
    }
}
