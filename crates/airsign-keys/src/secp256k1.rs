//! secp256k1 keys as Ethereum users hold them, and deterministic ECDSA signing.
//!
//! Accepted key files (see [`Secp256k1Signer::from_key_file`]):
//! - a 32-byte private key as 64 hex digits, with or without `0x`, surrounding whitespace
//!   ignored; leading zero bytes are part of the key, so exactly 64 digits are required;
//! - an Ethereum keystore V3 JSON file (see [`crate::keystore`]), decrypted with a password.
//!
//! A key must be a scalar in 1 … n−1 (SEC 1); zero and values ≥ n are refused rather than
//! reduced. Signing is RFC 6979 deterministic and low-s, so the same key and message give
//! the same bytes as eth-account, ethers and viem.

use airsign_core::{Error, ErrorCode, Result};
use k256::ecdsa::SigningKey;
use zeroize::Zeroizing;

use crate::eth::{Address, EthSignature, eip191_hash};
use crate::keystore;

/// A secp256k1 signing key with its Ethereum address. Not `Clone`; `Debug` shows the
/// address only; the scalar is zeroized on drop (by `k256`).
pub struct Secp256k1Signer {
    key: SigningKey,
    address: Address,
    /// The EIP-55 text of `address`, computed once (it costs a Keccak per call).
    checksum: String,
}

impl std::fmt::Debug for Secp256k1Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secp256k1Signer")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

/// What a key file holds, told apart by its first character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secp256k1KeyKind {
    /// A JSON object: an Ethereum keystore, which needs a password.
    Keystore,
    /// Anything else: read as a hex private key.
    Hex,
}

impl Secp256k1KeyKind {
    /// The kind of `contents` (a JSON object is a keystore; everything else is hex).
    pub fn detect(contents: &[u8]) -> Self {
        if contents.trim_ascii_start().starts_with(b"{") {
            Self::Keystore
        } else {
            Self::Hex
        }
    }
}

impl Secp256k1Signer {
    /// A signer from a 32-byte big-endian private key; refuses 0 and values ≥ n.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self> {
        let key = SigningKey::from_slice(bytes).map_err(|_| {
            key_invalid(
                "the secp256k1 private key is out of range: it must be between 1 and n-1 \
                 (the curve order); zero and larger values are not keys",
            )
        })?;
        let address = Address::from_verifying_key(key.verifying_key());
        let checksum = address.to_checksum();
        Ok(Self {
            key,
            address,
            checksum,
        })
    }

    /// Parses a hex private key file: 64 hex digits, optional `0x`, whitespace around.
    pub fn from_hex_key_file(contents: &[u8]) -> Result<Self> {
        let text = std::str::from_utf8(contents)
            .map_err(|_| key_invalid("the key file is not text"))?
            .trim();
        if text.is_empty() {
            return Err(key_invalid("the key file is empty"));
        }
        let digits = text
            .strip_prefix("0x")
            .or_else(|| text.strip_prefix("0X"))
            .unwrap_or(text);
        if digits.len() != 64 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(key_invalid(&format!(
                "expected a secp256k1 private key: 64 hex digits (optionally 0x-prefixed) or \
                 an Ethereum keystore JSON file; saw {} characters that are not that",
                text.chars().count()
            )));
        }
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(digits, &mut bytes[..])
            .map_err(|_| key_invalid("bad hex private key"))?;
        Self::from_bytes(&bytes)
    }

    /// Parses key-file contents of either kind; `password` is asked for only when the file
    /// is a keystore.
    pub fn from_key_file(
        contents: &[u8],
        password: impl FnOnce() -> Result<crate::SecretBytes>,
    ) -> Result<Self> {
        match Secp256k1KeyKind::detect(contents) {
            Secp256k1KeyKind::Hex => Self::from_hex_key_file(contents),
            Secp256k1KeyKind::Keystore => {
                let parsed = keystore::Keystore::parse(contents)?;
                let pw = password()?;
                let secret = parsed.decrypt(pw.expose())?;
                let signer = Self::from_bytes(&secret)?;
                if let Some(expected) = parsed.address()
                    && expected != signer.address
                {
                    return Err(Error::new(
                        ErrorCode::KeyMismatch,
                        Some("key_file"),
                        format!(
                            "the keystore says its address is {expected}, but its key \
                                 belongs to {}: the file is corrupt or was edited",
                            signer.address
                        ),
                    ));
                }
                Ok(signer)
            }
        }
    }

    /// The signer's address.
    pub fn address(&self) -> Address {
        self.address
    }

    /// The signer's address in EIP-55 mixed case (computed once, when the key is loaded).
    pub fn checksum_address(&self) -> &str {
        &self.checksum
    }

    /// The one signing primitive: ECDSA over a 32-byte digest, RFC 6979 nonce, low-s,
    /// `v` = 27 + recovery id. Callers hash; see [`Self::sign_eip191`].
    pub fn sign_prehash(&self, prehash: &[u8; 32]) -> Result<EthSignature> {
        let (sig, recid) = self.key.sign_prehash_recoverable(prehash);
        // k256 normalises to low-s and flips the recovery id with it. An x-reduced
        // recovery id (2/3) has probability ~2^-127 and has no Ethereum encoding.
        if recid.is_x_reduced() {
            return Err(key_invalid(
                "the signature's recovery id cannot be written as v = 27/28",
            ));
        }
        let (r, s) = sig.split_bytes();
        let mut out = EthSignature {
            r: [0u8; 32],
            s: [0u8; 32],
            v: 27 + u8::from(recid.is_y_odd()),
        };
        out.r.copy_from_slice(&r);
        out.s.copy_from_slice(&s);
        Ok(out)
    }

    /// EIP-191 `personal_sign` of `msg`: signs `keccak256(0x19 "Ethereum Signed
    /// Message:\n" len(msg) msg)` (see [`crate::eth::eip191_message`]).
    pub fn sign_eip191(&self, msg: &[u8]) -> Result<EthSignature> {
        self.sign_prehash(&eip191_hash(msg))
    }
}

fn key_invalid(msg: &str) -> Error {
    Error::new(ErrorCode::KeyInvalid, Some("key_file"), msg.to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const KEY1: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";

    #[test]
    fn worked_example() {
        // The worked example of docs/venues/derive.md.
        let s = Secp256k1Signer::from_hex_key_file(KEY1.as_bytes()).unwrap();
        assert_eq!(
            s.address().to_checksum(),
            "0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81"
        );
        let sig = s.sign_eip191(b"1700000000000").unwrap();
        assert_eq!(
            sig.to_hex(),
            "0x9560ac7763eb124c1b513874f622d703e085384850206bbb75e88420db135fdc\
             400e05193f48820b48e89330e0c0fd5438fd450e7bd6206c3e2e85af9f6f95381b"
        );
        assert_eq!(sig.recover_eip191(b"1700000000000"), Some(s.address()));
        assert_ne!(sig.recover_eip191(b"1700000000001"), Some(s.address()));
    }

    #[test]
    fn key_forms() {
        for form in [
            format!("0x{KEY1}\n"),
            format!("  {KEY1}  \r\n"),
            KEY1.to_ascii_uppercase(),
        ] {
            let s = Secp256k1Signer::from_hex_key_file(form.as_bytes()).unwrap();
            assert_eq!(
                s.address().to_checksum(),
                "0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81"
            );
        }
    }

    #[test]
    fn out_of_range_and_malformed_refused() {
        let n = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
        let n_minus_1 = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140";
        assert!(Secp256k1Signer::from_hex_key_file(n_minus_1.as_bytes()).is_ok());
        for bad in [
            "0".repeat(64),
            n.to_owned(),
            "f".repeat(64),
            KEY1[..62].to_owned(),
            format!("{KEY1}00"),
            format!("{}zz", &KEY1[..62]),
            String::new(),
        ] {
            let e = Secp256k1Signer::from_hex_key_file(bad.as_bytes()).unwrap_err();
            assert_eq!(e.code(), ErrorCode::KeyInvalid, "{bad}");
            if bad.len() > 8 {
                assert!(!e.to_string().contains(&bad[..8]), "{e}");
            }
        }
    }

    #[test]
    fn debug_shows_no_secret() {
        let s = Secp256k1Signer::from_hex_key_file(KEY1.as_bytes()).unwrap();
        let d = format!("{s:?}");
        assert!(d.contains("AeCd5D"));
        assert!(!d.to_ascii_lowercase().contains(&KEY1[..10]));
    }

    #[test]
    fn kind_detection() {
        assert_eq!(
            Secp256k1KeyKind::detect(b"  \n{\"crypto\":{}}"),
            Secp256k1KeyKind::Keystore
        );
        assert_eq!(
            Secp256k1KeyKind::detect(KEY1.as_bytes()),
            Secp256k1KeyKind::Hex
        );
    }
}
