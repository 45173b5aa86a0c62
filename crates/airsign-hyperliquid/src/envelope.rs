//! Signing a checked request and writing the envelope: the body the SDK posts (or the
//! WebSocket `post` frame around it) and the `eip712` audit entry.

use airsign_core::json::push_u64;
use airsign_core::{Envelope, Headers, Result, Signed, Transport};
use airsign_keys::Secp256k1Signer;
use airsign_keys::eth::{Address, EthSignature};

use crate::payload::{self, Payload};
use crate::request::{HlRequest, REST_PATH, WS_PATH};

/// The scheme name of the envelope's `signed` entry: EIP-712 typed data.
pub const SCHEME: &str = "eip712";

/// Signs a 32-byte digest with secp256k1: the real key, or (in `verify`) a replay of the
/// envelope's signature.
pub trait DigestSign {
    /// The signer's address.
    fn address(&self) -> Address;
    /// The address in EIP-55 mixed case.
    fn checksum_address(&self) -> String {
        self.address().to_checksum()
    }
    /// The recoverable signature over `digest` (RFC 6979, low-s, `v` 27/28).
    fn sign_digest(&self, digest: &[u8; 32]) -> Result<EthSignature>;
}

impl DigestSign for Secp256k1Signer {
    fn address(&self) -> Address {
        Secp256k1Signer::address(self)
    }
    fn checksum_address(&self) -> String {
        Secp256k1Signer::checksum_address(self).to_owned()
    }
    fn sign_digest(&self, digest: &[u8; 32]) -> Result<EthSignature> {
        self.sign_prehash(digest)
    }
}

/// A 32-byte big-endian integer as the SDK writes it (`eth_utils.to_hex(int)`):
/// `0x` + lowercase hex without leading zeros (`0x0` for zero).
pub fn int_hex(bytes: &[u8; 32]) -> String {
    let digits = hex::encode(bytes);
    let trimmed = digits.trim_start_matches('0');
    let mut out = String::with_capacity(66);
    out.push_str("0x");
    out.push_str(if trimmed.is_empty() { "0" } else { trimmed });
    out
}

/// Parses [`int_hex`] text back into 32 bytes; refuses leading zeros, uppercase and
/// anything longer than 64 digits (so only the SDK's own spelling round-trips).
pub fn parse_int_hex(s: &str) -> Option<[u8; 32]> {
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
pub fn write_body(req: &HlRequest, action_json: &str, sig: &EthSignature, out: &mut String) {
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

/// The `signed` entry's `message`: a JSON object showing each step from the action to the
/// signed digest (`action`, its `action_msgpack` hex, `nonce`, `vaultAddress`,
/// `expiresAfter`, `connectionId`, `source`, `digest`).
pub fn audit_message(req: &HlRequest, action_json: &str, p: &Payload) -> String {
    let mut m = String::with_capacity(action_json.len() + 2 * p.action_msgpack.len() + 320);
    m.push_str("{\"action\":");
    m.push_str(action_json);
    m.push_str(",\"action_msgpack\":\"");
    m.push_str(&hex::encode(&p.action_msgpack));
    m.push_str("\",\"nonce\":");
    push_u64(&mut m, req.nonce);
    m.push_str(",\"vaultAddress\":");
    match &req.vault_address {
        Some((_, text)) => {
            m.push('"');
            m.push_str(text);
            m.push('"');
        }
        None => m.push_str("null"),
    }
    m.push_str(",\"expiresAfter\":");
    match req.expires_after {
        Some(e) => push_u64(&mut m, e),
        None => m.push_str("null"),
    }
    m.push_str(",\"connectionId\":\"0x");
    m.push_str(&hex::encode(p.connection_id));
    m.push_str("\",\"source\":\"");
    m.push_str(req.environment.source());
    m.push_str("\",\"digest\":\"0x");
    m.push_str(&hex::encode(p.digest));
    m.push_str("\"}");
    m
}

/// Signs a validated request with `signer` and assembles the envelope.
pub fn sign<S: DigestSign + ?Sized>(req: &HlRequest, signer: &S) -> Result<Envelope> {
    let p = payload::payload(req);
    let sig = signer.sign_digest(&p.digest)?;
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
        venue: crate::VENUE.into(),
        action: req.action.action().name().into(),
        transport: req.transport,
        method,
        url,
        headers: Headers(headers),
        body: Some(body),
        login: None,
        signer: Some(signer.checksum_address()),
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
