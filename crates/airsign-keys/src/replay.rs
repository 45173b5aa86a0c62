//! Signing traits, and replay signers for offline verification.
//!
//! Venue crates sign through three small traits — [`Ed25519Sign`], [`Eip191Sign`],
//! [`HmacSign`] — implemented by the real signers. `airsign verify` implements them with
//! *replay* signers instead: each hands back a signature taken from the envelope under
//! test and records the bytes the venue code asked it to sign. After the venue has rebuilt
//! the envelope this way, [`Ed25519Replay::check`] (and its siblings) verify every
//! recorded signature over the recorded bytes. The bytes are therefore always the ones the
//! venue code derives, never the envelope's `signed` field.

use std::cell::RefCell;

use airsign_core::verify::{Check, CheckResult};
use airsign_core::{Envelope, Error, ErrorCode, Result};
use ed25519_dalek::{Signature, VerifyingKey};

use crate::eth::{Address, EthSignature};

thread_local! {
    /// The last ed25519 key decompressed on this thread: `verify` meets the same signer
    /// line after line, and decompressing a point costs a tenth of a verification.
    static LAST_KEY: RefCell<Option<([u8; 32], VerifyingKey)>> = const { RefCell::new(None) };
}

/// `bytes` as a verifying key (a valid curve point), from this thread's one-key cache.
fn decompressed(bytes: &[u8; 32]) -> Option<VerifyingKey> {
    LAST_KEY.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((b, k)) = &*last
            && b == bytes
        {
            return Some(*k);
        }
        let k = VerifyingKey::from_bytes(bytes).ok()?;
        *last = Some((*bytes, k));
        Some(k)
    })
}
use crate::{Ed25519Signer, HmacSigner, Secp256k1Signer, base58_32};

/// Signs with Ed25519 (pure, RFC 8032).
pub trait Ed25519Sign {
    /// The 32-byte public key.
    fn public_key(&self) -> &[u8; 32];
    /// The public key in base58.
    fn address(&self) -> &str;
    /// The signature over `msg`.
    fn sign(&self, msg: &[u8]) -> [u8; 64];
}

impl Ed25519Sign for Ed25519Signer {
    fn public_key(&self) -> &[u8; 32] {
        Ed25519Signer::public_key(self)
    }
    fn address(&self) -> &str {
        Ed25519Signer::address(self)
    }
    fn sign(&self, msg: &[u8]) -> [u8; 64] {
        Ed25519Signer::sign(self, msg)
    }
}

/// Signs with secp256k1 `personal_sign` (EIP-191).
pub trait Eip191Sign {
    /// The signer's Ethereum address.
    fn address(&self) -> Address;
    /// The address in EIP-55 mixed case.
    fn checksum_address(&self) -> String {
        self.address().to_checksum()
    }
    /// The recoverable signature over the EIP-191 framing of `msg`.
    fn sign_eip191(&self, msg: &[u8]) -> Result<EthSignature>;
}

impl Eip191Sign for Secp256k1Signer {
    fn address(&self) -> Address {
        Secp256k1Signer::address(self)
    }
    fn checksum_address(&self) -> String {
        Secp256k1Signer::checksum_address(self).to_owned()
    }
    fn sign_eip191(&self, msg: &[u8]) -> Result<EthSignature> {
        Secp256k1Signer::sign_eip191(self, msg)
    }
}

/// Signs with HMAC-SHA256, the tag in standard base64.
pub trait HmacSign {
    /// The base64 tag over `msg`.
    fn sign_base64(&self, msg: &[u8]) -> String;
}

impl HmacSign for HmacSigner {
    fn sign_base64(&self, msg: &[u8]) -> String {
        HmacSigner::sign_base64(self, msg)
    }
}

fn bad_signature(field: &str, message: String) -> Error {
    Error::new(ErrorCode::VerifyBadSignature, Some(field), message)
}

/// Replays Ed25519 signatures taken from an envelope, recording what was "signed".
#[derive(Debug)]
pub struct Ed25519Replay {
    key: [u8; 32],
    address: String,
    signatures: Vec<[u8; 64]>,
    /// (field path of the signature, bytes signed).
    seen: RefCell<Vec<Vec<u8>>>,
    fields: Vec<String>,
}

impl Ed25519Replay {
    /// A replay signer for public `key`, handing out `signatures` in order; `fields` names
    /// where each signature sits in the envelope (for error messages).
    pub fn new(key: [u8; 32], signatures: Vec<([u8; 64], String)>) -> Self {
        let (signatures, fields) = signatures.into_iter().unzip();
        Self {
            address: base58_32(&key),
            key,
            signatures,
            seen: RefCell::new(Vec::new()),
            fields,
        }
    }

    /// Verifies every recorded signature (strict RFC 8032: canonical `s`, no small-order
    /// keys). Fails on the first that does not verify, or if the venue code did not use
    /// each given signature exactly once.
    pub fn check(&self, scheme: &str) -> Result<Vec<Check>> {
        let seen = self.seen.borrow();
        if seen.len() != self.signatures.len() {
            return Err(bad_signature(
                "signed",
                format!(
                    "expected {} signatures for this request, saw {}",
                    seen.len(),
                    self.signatures.len()
                ),
            ));
        }
        let key = decompressed(&self.key).ok_or_else(|| {
            bad_signature(
                "signer",
                "expected an ed25519 public key (a valid curve point)".into(),
            )
        })?;
        let mut out = Vec::with_capacity(seen.len());
        for ((msg, sig), field) in seen.iter().zip(&self.signatures).zip(&self.fields) {
            key.verify_strict(msg, &Signature::from_bytes(sig))
                .map_err(|_| {
                    bad_signature(
                        field,
                        format!(
                            "expected an ed25519 signature by {} over the {} bytes re-derived \
                             from the envelope; it does not verify",
                            self.address,
                            msg.len()
                        ),
                    )
                })?;
            out.push(Check {
                scheme: scheme.to_owned(),
                signer: Some(self.address.clone()),
                result: CheckResult::Verified,
            });
        }
        Ok(out)
    }
}

impl Ed25519Sign for Ed25519Replay {
    fn public_key(&self) -> &[u8; 32] {
        &self.key
    }
    fn address(&self) -> &str {
        &self.address
    }
    fn sign(&self, msg: &[u8]) -> [u8; 64] {
        let mut seen = self.seen.borrow_mut();
        let sig = self.signatures.get(seen.len()).copied().unwrap_or([0; 64]);
        seen.push(msg.to_vec());
        sig
    }
}

/// Replays an EIP-191 signature taken from an envelope, claimed to be by `address`.
#[derive(Debug)]
pub struct Eip191Replay {
    address: Address,
    signature: EthSignature,
    field: String,
    seen: RefCell<Vec<Vec<u8>>>,
}

impl Eip191Replay {
    /// A replay signer claiming `address`, handing out `signature` (found at `field`).
    pub fn new(address: Address, signature: EthSignature, field: &str) -> Self {
        Self {
            address,
            signature,
            field: field.to_owned(),
            seen: RefCell::new(Vec::new()),
        }
    }

    /// A replay signer for an envelope: the signature `sig` (0x + 130 hex digits) found at
    /// `field`, claimed by the envelope's `signer`. A malformed signature is
    /// `verify.bad_signature`; a missing or malformed `signer` is `verify.mismatch`.
    pub fn from_envelope(env: &Envelope, sig: Option<&str>, field: &str) -> Result<Self> {
        let signature = sig
            .and_then(EthSignature::parse_hex)
            .ok_or_else(|| bad_signature(field, "expected 0x + 130 hex digits (r, s, v)".into()))?;
        let signer = env.signer.as_deref().ok_or_else(|| {
            Error::new(
                ErrorCode::VerifyMismatch,
                Some("signer"),
                "expected the signing address, saw null",
            )
        })?;
        let address = Address::parse("signer", signer)
            .map_err(|e| Error::new(ErrorCode::VerifyMismatch, Some("signer"), e.message()))?;
        Ok(Self::new(address, signature, field))
    }

    /// Recovers the signer of every recorded message and requires it to be the claimed
    /// address.
    pub fn check(&self) -> Result<Vec<Check>> {
        let seen = self.seen.borrow();
        let mut out = Vec::with_capacity(seen.len());
        for msg in seen.iter() {
            match self.signature.recover_eip191(msg) {
                Some(a) if a == self.address => out.push(Check {
                    scheme: "eip191".into(),
                    signer: Some(a.to_checksum()),
                    result: CheckResult::Verified,
                }),
                Some(a) => {
                    return Err(bad_signature(
                        &self.field,
                        format!(
                            "expected a personal_sign signature by {} over the re-derived \
                             message; it recovers to {}",
                            self.address,
                            a.to_checksum()
                        ),
                    ));
                }
                None => {
                    return Err(bad_signature(
                        &self.field,
                        "expected a recoverable low-s secp256k1 signature; it recovers to no \
                         key"
                        .into(),
                    ));
                }
            }
        }
        if out.is_empty() {
            return Err(bad_signature("signed", "nothing was signed".into()));
        }
        Ok(out)
    }
}

impl Eip191Sign for Eip191Replay {
    fn address(&self) -> Address {
        self.address
    }
    fn sign_eip191(&self, msg: &[u8]) -> Result<EthSignature> {
        self.seen.borrow_mut().push(msg.to_vec());
        Ok(self.signature)
    }
}

/// Replays an HMAC tag taken from an envelope; checks it when the secret is at hand.
#[derive(Debug)]
pub struct HmacReplay {
    tag: String,
    field: String,
    seen: RefCell<Vec<Vec<u8>>>,
}

impl HmacReplay {
    /// A replay signer handing out `tag` (found at `field`).
    pub fn new(tag: &str, field: &str) -> Self {
        Self {
            tag: tag.to_owned(),
            field: field.to_owned(),
            seen: RefCell::new(Vec::new()),
        }
    }

    /// With the secret: recomputes every recorded tag (constant-time compare). Without
    /// it: one unverifiable check, since an HMAC proves nothing to whoever lacks the key.
    pub fn check(&self, secret: Option<&HmacSigner>) -> Result<Vec<Check>> {
        let seen = self.seen.borrow();
        let mut out = Vec::with_capacity(seen.len());
        for msg in seen.iter() {
            let result = match secret {
                None => CheckResult::Unverifiable(
                    "an HMAC can only be checked with the API secret: pass --key-file".into(),
                ),
                Some(s) if s.verify_base64(msg, &self.tag) => CheckResult::Verified,
                Some(_) => {
                    return Err(bad_signature(
                        &self.field,
                        format!(
                            "expected the HMAC-SHA256 of the {} bytes re-derived from the \
                             envelope under the given secret; it differs",
                            msg.len()
                        ),
                    ));
                }
            };
            out.push(Check {
                scheme: "hmac-sha256".into(),
                signer: None,
                result,
            });
        }
        Ok(out)
    }
}

impl HmacSign for HmacReplay {
    fn sign_base64(&self, msg: &[u8]) -> String {
        self.seen.borrow_mut().push(msg.to_vec());
        self.tag.clone()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn signer() -> Ed25519Signer {
        Ed25519Signer::from_seed(&[7; 32])
    }

    #[test]
    fn ed25519_replay_verifies_and_catches_a_flipped_bit() {
        let s = signer();
        let sig = s.sign(b"hello");
        let ok = Ed25519Replay::new(*s.public_key(), vec![(sig, "body.signature".into())]);
        assert_eq!(Ed25519Sign::sign(&ok, b"hello"), sig);
        assert_eq!(ok.check("ed25519").unwrap().len(), 1);

        let bad = Ed25519Replay::new(*s.public_key(), vec![(sig, "body.signature".into())]);
        Ed25519Sign::sign(&bad, b"hellp");
        let err = bad.check("ed25519").unwrap_err();
        assert_eq!(err.code(), ErrorCode::VerifyBadSignature);
        assert_eq!(err.field(), Some("body.signature"));
    }

    #[test]
    fn ed25519_replay_requires_each_signature_used_once() {
        let s = signer();
        let sig = s.sign(b"a");
        let r = Ed25519Replay::new(*s.public_key(), vec![(sig, "x".into()), (sig, "y".into())]);
        Ed25519Sign::sign(&r, b"a");
        assert!(r.check("ed25519").is_err());
    }

    #[test]
    fn eip191_replay_recovers_the_claimed_address() {
        let key = Secp256k1Signer::from_bytes(&[9; 32]).unwrap();
        let sig = key.sign_eip191(b"1700000000000").unwrap();
        let r = Eip191Replay::new(key.address(), sig, "headers.X");
        r.sign_eip191(b"1700000000000").unwrap();
        assert_eq!(r.check().unwrap().len(), 1);
        let other = Secp256k1Signer::from_bytes(&[8; 32]).unwrap();
        let r = Eip191Replay::new(other.address(), sig, "headers.X");
        r.sign_eip191(b"1700000000000").unwrap();
        assert_eq!(r.check().unwrap_err().code(), ErrorCode::VerifyBadSignature);
    }

    #[test]
    fn hmac_replay_is_unverifiable_without_the_secret() {
        let secret = HmacSigner::from_key_file(b"test-secret").unwrap();
        let tag = secret.sign_base64(b"m");
        let r = HmacReplay::new(&tag, "headers.signature");
        r.sign_base64(b"m");
        assert!(matches!(
            r.check(None).unwrap()[0].result,
            CheckResult::Unverifiable(_)
        ));
        assert_eq!(
            r.check(Some(&secret)).unwrap()[0].result,
            CheckResult::Verified
        );
        let r = HmacReplay::new(&tag, "headers.signature");
        r.sign_base64(b"n");
        assert!(r.check(Some(&secret)).is_err());
    }
}
