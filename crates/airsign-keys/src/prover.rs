//! Where payloads become proofs, and where proofs are checked.
//!
//! A [`Key`] is a [`Prover`]: it turns each payload the venue computed into the proof its
//! scheme makes (an ed25519 or secp256k1 signature, an HMAC tag, the bearer token). This
//! is the one place in airsign where a key signs. [`Checker`] is the [`ProofCheck`] that
//! `verify` uses: signatures against the envelope's signer, HMAC tags with the keyring's
//! secret when it has one, bearer tokens for their claimed expiry.

use std::cell::RefCell;

use airsign_core::verify::{Check, CheckResult, VerifyOptions, as_mismatch};
use airsign_core::{
    Error, ErrorCode, Payload, PayloadScheme, Proof, ProofCheck, Prover, Request, Result, Scheme,
    SignerId, VenueRules,
};
use ed25519_dalek::{Signature, VerifyingKey};

use crate::eth::{Address, EthSignature, keccak256};
use crate::{BearerToken, Key, Keyring, base58_32};

/// The public identity of an ed25519 key.
pub fn ed25519_id(key: &[u8; 32]) -> SignerId {
    SignerId::Ed25519 {
        key: *key,
        base58: base58_32(key),
    }
}

/// The public identity of an Ethereum address.
pub fn secp256k1_id(address: Address) -> SignerId {
    SignerId::Secp256k1 {
        address: address.0,
        checksum: address.to_checksum(),
    }
}

/// The keccak-256 of `0x19 0x01 ‖ domain ‖ struct`, or of the EIP-191 framing: the 32
/// bytes a secp256k1 payload's signature is over (what an HSM or KMS signs).
pub fn digest(payload: &Payload) -> Option<[u8; 32]> {
    match payload.scheme {
        PayloadScheme::Eip191 => Some(crate::eth::eip191_hash(&payload.bytes)),
        PayloadScheme::Eip712 { .. } => Some(keccak256(&payload.bytes)),
        _ => None,
    }
}

impl Prover for Key {
    fn signer(&self, scheme: Scheme) -> Result<SignerId> {
        if scheme != self.scheme() {
            return Err(self.mismatch(scheme));
        }
        if let Some(id) = self.external_signer() {
            return Ok(id.clone());
        }
        Ok(match scheme {
            Scheme::Ed25519 => {
                let s = self.ed25519()?;
                SignerId::Ed25519 {
                    key: *s.public_key(),
                    base58: s.address().to_owned(),
                }
            }
            Scheme::Secp256k1 => {
                let s = self.secp256k1()?;
                SignerId::Secp256k1 {
                    address: s.address().0,
                    checksum: s.checksum_address().to_owned(),
                }
            }
            _ => {
                // Read (and refuse a bad file) before anything is built.
                match scheme {
                    Scheme::Hmac => drop(self.hmac_secret()?),
                    _ => drop(self.bearer_token()?),
                }
                SignerId::Secret
            }
        })
    }

    fn prove(&self, payload: &Payload) -> Result<Proof> {
        Ok(match &payload.scheme {
            PayloadScheme::Ed25519 | PayloadScheme::SolanaOffchain => {
                Proof::Ed25519(self.ed25519()?.sign(&payload.bytes))
            }
            PayloadScheme::Eip191 => {
                Proof::Secp256k1(self.secp256k1()?.sign_eip191(&payload.bytes)?.to_bytes())
            }
            PayloadScheme::Eip712 { .. } => Proof::Secp256k1(
                self.secp256k1()?
                    .sign_prehash(&keccak256(&payload.bytes))?
                    .to_bytes(),
            ),
            PayloadScheme::Hmac => Proof::Hmac(self.hmac_secret()?.sign(&payload.bytes)),
            PayloadScheme::Bearer { valid_at_ms } => {
                let token = self.bearer_token()?;
                token.check_not_expired(*valid_at_ms)?;
                token.to_proof()
            }
            _ => {
                return Err(Error::new(
                    ErrorCode::KeySchemeMismatch,
                    Some("key"),
                    "this key cannot make the proof this payload needs",
                ));
            }
        })
    }
}

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

fn bad_signature(field: &str, message: String) -> Error {
    Error::new(ErrorCode::VerifyBadSignature, Some(field), message)
}

/// Checks one proof over `payload` by `signer`, with no secret: ed25519 signatures
/// (strict RFC 8032) and secp256k1 signatures (recovery must give the signer). `None`
/// for proofs only a secret can check (HMAC) or that sign nothing (bearer).
pub fn check_signature(
    signer: &SignerId,
    payload: &Payload,
    proof: &Proof,
) -> Result<Option<Check>> {
    let scheme = payload.scheme.as_str();
    match (&payload.scheme, proof, signer) {
        (
            PayloadScheme::Ed25519 | PayloadScheme::SolanaOffchain,
            Proof::Ed25519(sig),
            SignerId::Ed25519 { key, base58 },
        ) => {
            let vk = decompressed(key).ok_or_else(|| {
                bad_signature(
                    "signer",
                    "expected an ed25519 public key (a valid curve point)".into(),
                )
            })?;
            vk.verify_strict(&payload.bytes, &Signature::from_bytes(sig))
                .map_err(|_| {
                    bad_signature(
                        &payload.field,
                        format!(
                            "expected an ed25519 signature by {base58} over the {} bytes \
                             re-derived from the envelope; it does not verify",
                            payload.bytes.len()
                        ),
                    )
                })?;
            Ok(Some(Check {
                scheme: scheme.to_owned(),
                signer: Some(base58.clone()),
                result: CheckResult::Verified,
            }))
        }
        (
            PayloadScheme::Eip191 | PayloadScheme::Eip712 { .. },
            Proof::Secp256k1(sig),
            SignerId::Secp256k1 { address, checksum },
        ) => {
            let what = if matches!(payload.scheme, PayloadScheme::Eip191) {
                "a personal_sign signature"
            } else {
                "an EIP-712 signature"
            };
            let prehash = digest(payload).unwrap_or_default();
            let recovered = EthSignature::from_bytes(sig).and_then(|s| s.recover_prehash(&prehash));
            match recovered {
                Some(a) if a.0 == *address => Ok(Some(Check {
                    scheme: scheme.to_owned(),
                    signer: Some(checksum.clone()),
                    result: CheckResult::Verified,
                })),
                Some(a) => Err(bad_signature(
                    &payload.field,
                    format!(
                        "expected {what} by {checksum} over the re-derived message; it \
                         recovers to {}",
                        a.to_checksum()
                    ),
                )),
                None => Err(bad_signature(
                    &payload.field,
                    "expected a recoverable low-s secp256k1 signature; it recovers to no key"
                        .into(),
                )),
            }
        }
        (PayloadScheme::Hmac, Proof::Hmac(_), _)
        | (PayloadScheme::Bearer { .. }, Proof::Bearer(_), _) => Ok(None),
        _ => Err(bad_signature(
            &payload.field,
            format!("expected a {scheme} proof by the envelope's signer"),
        )),
    }
}

/// The [`ProofCheck`] of `airsign verify`: signatures against the signer; HMAC tags with
/// the secret the keyring holds for the request (unverifiable without one); bearer
/// tokens for their claimed expiry (a token signs nothing, so there is no check).
#[derive(Debug, Clone, Copy)]
pub struct Checker<'a> {
    keys: &'a Keyring,
}

impl<'a> Checker<'a> {
    /// A checker drawing HMAC secrets from `keys` (may be empty).
    pub fn new(keys: &'a Keyring) -> Self {
        Self { keys }
    }
}

impl ProofCheck for Checker<'_> {
    fn check(
        &self,
        rules: &VenueRules,
        req: &Request,
        signer: &SignerId,
        payload: &Payload,
        proof: &Proof,
        _opts: &VerifyOptions,
    ) -> Result<Option<Check>> {
        match (&payload.scheme, proof) {
            (PayloadScheme::Hmac, Proof::Hmac(tag)) => {
                let secret = self
                    .keys
                    .select(req, rules)
                    .ok()
                    .and_then(|k| k.hmac_secret().ok());
                let result = match secret {
                    None => CheckResult::Unverifiable(
                        "an HMAC can only be checked with the API secret: pass --key-file".into(),
                    ),
                    Some(s) if s.verify(&payload.bytes, tag) => CheckResult::Verified,
                    Some(_) => {
                        return Err(bad_signature(
                            &payload.field,
                            format!(
                                "expected the HMAC-SHA256 of the {} bytes re-derived from the \
                                 envelope under the given secret; it differs",
                                payload.bytes.len()
                            ),
                        ));
                    }
                };
                Ok(Some(Check {
                    scheme: payload.scheme.as_str().to_owned(),
                    signer: None,
                    result,
                }))
            }
            (PayloadScheme::Bearer { valid_at_ms }, Proof::Bearer(token)) => {
                BearerToken::from_key_file(token.as_bytes())
                    .and_then(|t| t.check_not_expired(*valid_at_ms))
                    .map_err(as_mismatch)?;
                Ok(None)
            }
            _ => check_signature(signer, payload, proof),
        }
    }
}

/// The one secp256k1 proof an EIP-191 or EIP-712 venue assembles with, as an
/// [`EthSignature`]; `field` is where it sits in the envelope and `venue_auth` says what
/// the venue's auth is, for the message (`"Derive's auth is an EIP-191 personal_sign"`).
pub fn one_eth_signature(proofs: &[Proof], field: &str, venue_auth: &str) -> Result<EthSignature> {
    match proofs {
        [Proof::Secp256k1(bytes)] => EthSignature::from_bytes(bytes).ok_or_else(|| {
            Error::new(
                ErrorCode::KeySchemeMismatch,
                Some(field),
                "expected a recoverable secp256k1 signature r ‖ s ‖ v with v 27 or 28",
            )
        }),
        [_] => Err(Error::new(
            ErrorCode::KeySchemeMismatch,
            Some(field),
            format!("expected a secp256k1 signature ({venue_auth})"),
        )),
        _ => Err(Error::new(
            ErrorCode::RequestInvalid,
            Some("signatures"),
            format!(
                "expected 1 signature, one per payload, saw {}",
                proofs.len()
            ),
        )),
    }
}

/// An envelope's `signer` read back as an Ethereum address, or `verify.mismatch` at
/// `signer`.
pub fn eth_signer_of(env: &airsign_core::Envelope) -> Result<SignerId> {
    let mismatch = |m: &str| Error::new(ErrorCode::VerifyMismatch, Some("signer"), m);
    let signer = env
        .signer
        .as_deref()
        .ok_or_else(|| mismatch("expected the signing address, saw null"))?;
    let address = Address::parse("signer", signer).map_err(|e| mismatch(e.message()))?;
    Ok(secp256k1_id(address))
}
