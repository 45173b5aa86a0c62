//! Signatures made outside airsign (a Ledger, an HSM, a cloud KMS), read back for
//! `airsign assemble`.
//!
//! Each signature is decoded in the forms such signers print, then checked against the
//! payload's signer before anything is assembled:
//! - ed25519: base58 (Solana's form, what `solana sign-offchain-message` prints), hex (128
//!   digits, optional `0x`) or base64 (standard or URL-safe, padded or not) of 64 bytes;
//! - secp256k1: 65 bytes `r ‖ s ‖ v` as hex (`v` 27/28 or 0/1, what `personal_sign` and
//!   Ledger return), 64 bytes `r ‖ s` (what PKCS#11's `CKM_ECDSA` returns), or a DER
//!   `ECDSA-Sig-Value` as hex or base64 (what AWS KMS and GCP KMS return over a digest). A DER signature has no recovery id: `s` is
//!   normalised to the low half (Ethereum refuses high `s`) and the recovery id is the
//!   one that recovers the signer's address, as alloy's AWS signer does.

use airsign_core::{Error, ErrorCode, Payload, PayloadScheme, Proof, Result, SignerId};
use base64::Engine;
use ed25519_dalek::{Signature, VerifyingKey};
use k256::ecdsa::{RecoveryId, Signature as EcdsaSignature, VerifyingKey as EcdsaKey};

use crate::decode_base58_64;
use crate::eth::{Address, EthSignature};
use crate::prover::digest;

fn refused(field: &str, message: String) -> Error {
    Error::new(ErrorCode::VerifyBadSignature, Some(field), message)
}

/// Decodes `text` as a signature over `payload` by `signer` and checks it: the proof to
/// assemble with, or `verify.bad_signature` at `field` saying which forms were tried and
/// why none holds (a signature by another key is named as such).
pub fn parse_external_signature(
    field: &str,
    payload: &Payload,
    signer: &SignerId,
    text: &str,
) -> Result<Proof> {
    let text = text.trim();
    match (&payload.scheme, signer) {
        (
            PayloadScheme::Ed25519 | PayloadScheme::SolanaOffchain,
            SignerId::Ed25519 { key, base58 },
        ) => {
            let vk = VerifyingKey::from_bytes(key)
                .map_err(|_| refused("signer", "expected an ed25519 public key".into()))?;
            let candidates = ed25519_forms(text);
            if candidates.is_empty() {
                return Err(refused(
                    field,
                    format!(
                        "expected an ed25519 signature of 64 bytes as base58, hex (128 digits) \
                         or base64; saw {} characters that are none of these",
                        text.len()
                    ),
                ));
            }
            for sig in &candidates {
                if vk
                    .verify_strict(&payload.bytes, &Signature::from_bytes(sig))
                    .is_ok()
                {
                    return Ok(Proof::Ed25519(*sig));
                }
            }
            Err(refused(
                field,
                format!(
                    "expected a signature by {base58} over {} ({} bytes); this one does not \
                     verify: it was made by another key or over other bytes",
                    payload.field,
                    payload.bytes.len()
                ),
            ))
        }
        (
            PayloadScheme::Eip191 | PayloadScheme::Eip712 { .. },
            SignerId::Secp256k1 { address, checksum },
        ) => {
            let prehash = digest(payload).unwrap_or_default();
            let want = Address(*address);
            let sig = secp256k1_form(field, text, &prehash, want)?;
            match sig.recover_prehash(&prehash) {
                Some(a) if a == want => Ok(Proof::Secp256k1(sig.to_bytes())),
                Some(a) => Err(refused(
                    field,
                    format!(
                        "expected a signature by {checksum} over {}; it recovers to {}: it was \
                         made by another key or over other bytes",
                        payload.field,
                        a.to_checksum()
                    ),
                )),
                None => Err(refused(
                    field,
                    "expected a recoverable secp256k1 signature; it recovers to no key".into(),
                )),
            }
        }
        _ => Err(refused(
            field,
            format!(
                "a {} payload takes no external signature from this signer",
                payload.scheme.as_str()
            ),
        )),
    }
}

/// Every 64-byte reading of `text`: hex, base58, base64 (standard and URL-safe).
fn ed25519_forms(text: &str) -> Vec<[u8; 64]> {
    let mut out = Vec::new();
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    let mut b = [0u8; 64];
    if digits.len() == 128 && hex::decode_to_slice(digits, &mut b).is_ok() {
        out.push(b);
    }
    if let Some(b) = decode_base58_64(text) {
        out.push(b);
    }
    for engine in [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::STANDARD_NO_PAD,
        base64::engine::general_purpose::URL_SAFE,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ] {
        if let Ok(v) = engine.decode(text)
            && let Ok(b) = <[u8; 64]>::try_from(v.as_slice())
            && !out.contains(&b)
        {
            out.push(b);
        }
    }
    out
}

/// Reads a secp256k1 signature: 65-byte `r‖s‖v` hex, or DER (hex or base64), low-s
/// normalised, with the recovery id that gives `want` over `prehash`.
fn secp256k1_form(
    field: &str,
    text: &str,
    prehash: &[u8; 32],
    want: Address,
) -> Result<EthSignature> {
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    let bytes = if digits.bytes().all(|c| c.is_ascii_hexdigit()) && digits.len().is_multiple_of(2) {
        hex::decode(digits).ok()
    } else {
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .ok()
            .or_else(|| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(text)
                    .ok()
            })
    };
    let Some(bytes) = bytes else {
        return Err(refused(
            field,
            "expected a secp256k1 signature as 65-byte r‖s‖v hex, or DER as hex or base64".into(),
        ));
    };
    if let Ok(rsv) = <[u8; 65]>::try_from(bytes.as_slice()) {
        let sig = EthSignature::from_bytes(&rsv).ok_or_else(|| {
            refused(
                field,
                format!("expected v of 27, 28, 0 or 1 in r‖s‖v, saw {}", rsv[64]),
            )
        })?;
        // High s (some signers do not normalise): the same signature with s' = n − s
        // and the other parity.
        let ecdsa = EcdsaSignature::from_scalars(sig.r, sig.s)
            .map_err(|_| refused(field, "expected r and s in 1 … n−1".into()))?;
        return Ok(match ecdsa.normalize_s() {
            low if low == ecdsa => sig,
            low => {
                let (r, s) = low.split_bytes();
                let mut out = EthSignature {
                    r: [0; 32],
                    s: [0; 32],
                    v: if sig.v == 27 { 28 } else { 27 },
                };
                out.r.copy_from_slice(&r);
                out.s.copy_from_slice(&s);
                out
            }
        });
    }
    // 64 bytes: r ‖ s with no recovery id, as PKCS#11's CKM_ECDSA returns it.
    let raw = <[u8; 64]>::try_from(bytes.as_slice()).ok().map(|b| {
        let (mut r, mut s) = ([0u8; 32], [0u8; 32]);
        r.copy_from_slice(&b[..32]);
        s.copy_from_slice(&b[32..]);
        (r, s)
    });
    let (r, s) = raw.or_else(|| der_rs(&bytes)).ok_or_else(|| {
        refused(
            field,
            format!(
                "expected 65 bytes r‖s‖v, 64 bytes r‖s, or a DER ECDSA-Sig-Value (SEQUENCE \
                 of two INTEGERs), saw {} bytes that are none of these",
                bytes.len()
            ),
        )
    })?;
    let ecdsa = EcdsaSignature::from_scalars(r, s)
        .map_err(|_| refused(field, "expected r and s in 1 … n−1".into()))?;
    let low = ecdsa.normalize_s();
    let (r, s) = low.split_bytes();
    for id in [0u8, 1] {
        let Some(recid) = RecoveryId::from_byte(id) else {
            continue;
        };
        if let Ok(k) = EcdsaKey::recover_from_prehash(prehash, &low, recid)
            && Address::from_verifying_key(&k) == want
        {
            let mut out = EthSignature {
                r: [0; 32],
                s: [0; 32],
                v: 27 + id,
            };
            out.r.copy_from_slice(&r);
            out.s.copy_from_slice(&s);
            return Ok(out);
        }
    }
    // No recovery id gives the signer: return one so the caller names whom it recovers to.
    let mut out = EthSignature {
        r: [0; 32],
        s: [0; 32],
        v: 27,
    };
    out.r.copy_from_slice(&r);
    out.s.copy_from_slice(&s);
    Ok(out)
}

/// `r` and `s` of a strict DER `SEQUENCE { INTEGER r, INTEGER s }` (short lengths,
/// minimal positive integers of at most 32 significant bytes).
fn der_rs(b: &[u8]) -> Option<([u8; 32], [u8; 32])> {
    let (&tag, rest) = b.split_first()?;
    let (&len, rest) = rest.split_first()?;
    if tag != 0x30 || len >= 0x80 || usize::from(len) != rest.len() {
        return None;
    }
    let (r, rest) = der_int(rest)?;
    let (s, rest) = der_int(rest)?;
    rest.is_empty().then_some((r, s))
}

fn der_int(b: &[u8]) -> Option<([u8; 32], &[u8])> {
    let (&tag, rest) = b.split_first()?;
    let (&len, rest) = rest.split_first()?;
    let len = usize::from(len);
    if tag != 0x02 || len == 0 || len > 33 || rest.len() < len {
        return None;
    }
    let (int, rest) = rest.split_at(len);
    // Negative, or a leading zero that is not needed: not DER.
    if int[0] & 0x80 != 0 || (int.len() > 1 && int[0] == 0 && int[1] & 0x80 == 0) {
        return None;
    }
    let int = if int[0] == 0 { &int[1..] } else { int };
    if int.len() > 32 {
        return None;
    }
    let mut out = [0u8; 32];
    out[32 - int.len()..].copy_from_slice(int);
    Some((out, rest))
}

/// The public identity named by `text`: an Ethereum address (`0x` + 40 hex digits, any
/// case) is a secp256k1 signer; a base58 32-byte key is an ed25519 signer.
pub fn parse_signer(field: &str, text: &str) -> Result<SignerId> {
    if text.starts_with("0x") || text.starts_with("0X") {
        let a = Address::parse(field, text)?;
        return Ok(crate::secp256k1_id(a));
    }
    match crate::decode_base58_32(text) {
        Some(k) if VerifyingKey::from_bytes(&k).is_ok() => Ok(crate::ed25519_id(&k)),
        _ => Err(Error::new(
            ErrorCode::KeyInvalid,
            Some(field),
            format!(
                "expected a signer's public identity: an Ethereum address (0x + 40 hex \
                 digits) or a base58 ed25519 public key; saw {} characters that are neither",
                text.len()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{Ed25519Signer, Secp256k1Signer, ed25519_id, secp256k1_id};

    fn payload(scheme: PayloadScheme, bytes: &[u8]) -> Payload {
        Payload {
            scheme,
            bytes: bytes.to_vec(),
            text: None,
            field: "body.signature".into(),
        }
    }

    #[test]
    fn ed25519_in_every_form_and_another_key_refused() {
        let k = Ed25519Signer::from_seed(&[7; 32]);
        let p = payload(PayloadScheme::Ed25519, b"hello");
        let sig = k.sign(b"hello");
        let id = ed25519_id(k.public_key());
        let b64 = base64::engine::general_purpose::STANDARD;
        for form in [
            crate::base58_64(&sig),
            hex::encode(sig),
            format!("0x{}", hex::encode(sig)),
            b64.encode(sig),
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sig),
        ] {
            let proof = parse_external_signature("signatures[0]", &p, &id, &form).unwrap();
            assert!(matches!(proof, Proof::Ed25519(s) if s == sig), "{form}");
        }
        let other = Ed25519Signer::from_seed(&[8; 32]).sign(b"hello");
        let e = parse_external_signature("signatures[0]", &p, &id, &hex::encode(other));
        assert_eq!(e.unwrap_err().field(), Some("signatures[0]"));
    }

    #[test]
    fn secp256k1_rsv_and_der_low_s_with_recovery() {
        let k = Secp256k1Signer::from_bytes(&[9; 32]).unwrap();
        let p = payload(PayloadScheme::Eip191, b"1700000000000");
        let sig = k.sign_eip191(b"1700000000000").unwrap();
        let id = secp256k1_id(k.address());
        let ok = |text: &str| match parse_external_signature("s", &p, &id, text).unwrap() {
            Proof::Secp256k1(b) => assert_eq!(b, sig.to_bytes(), "{text}"),
            other => panic!("{other:?}"),
        };
        ok(&sig.to_hex());
        let mut v01 = sig.to_bytes();
        v01[64] -= 27;
        ok(&hex::encode(v01));
        // DER, with s both low and high (n − s), as hex and base64.
        let ecdsa = EcdsaSignature::from_scalars(sig.r, sig.s).unwrap();
        let der = |s: &EcdsaSignature| {
            let (r, s) = s.split_bytes();
            let int = |x: &[u8]| {
                let x: Vec<u8> = x.iter().copied().skip_while(|b| *b == 0).collect();
                let mut v = vec![0x02];
                if x[0] & 0x80 != 0 {
                    v.push(u8::try_from(x.len() + 1).unwrap());
                    v.push(0);
                } else {
                    v.push(u8::try_from(x.len()).unwrap());
                }
                v.extend(x);
                v
            };
            let mut body = int(&r);
            body.extend(int(&s));
            let mut out = vec![0x30, u8::try_from(body.len()).unwrap()];
            out.extend(body);
            out
        };
        let low = der(&ecdsa);
        ok(&hex::encode(&low));
        ok(&base64::engine::general_purpose::STANDARD.encode(&low));
        let n_minus_s = {
            let n = hex::decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
                .unwrap();
            let mut high = [0u8; 32];
            let mut borrow = 0i16;
            for i in (0..32).rev() {
                let d = i16::from(n[i]) - i16::from(sig.s[i]) - borrow;
                borrow = i16::from(d < 0);
                high[i] = u8::try_from(d.rem_euclid(256)).unwrap();
            }
            EcdsaSignature::from_scalars(sig.r, high).unwrap()
        };
        assert_ne!(
            n_minus_s.normalize_s(),
            n_minus_s,
            "the test needs a high s"
        );
        ok(&hex::encode(der(&n_minus_s)));
        ok(&hex::encode(&sig.to_bytes()[..64]));
        let other = Secp256k1Signer::from_bytes(&[8; 32]).unwrap();
        let bad = other.sign_eip191(b"1700000000000").unwrap();
        let e = parse_external_signature("s", &p, &id, &bad.to_hex()).unwrap_err();
        assert!(e.message().contains("recovers to"), "{e}");
        assert!(parse_external_signature("s", &p, &id, "3006020101020101").is_err());
    }

    #[test]
    fn signers_by_form() {
        assert!(matches!(
            parse_signer("signer", "0x52908400098527886E0F7030069857D2E4169EE7").unwrap(),
            SignerId::Secp256k1 { .. }
        ));
        assert!(matches!(
            parse_signer("signer", "vwYrjUyZbzW4ysgdveAQTKngA5XPTr8e6aqs2T4QhSj").unwrap(),
            SignerId::Ed25519 { .. }
        ));
        assert!(parse_signer("signer", "nope").is_err());
    }
}
