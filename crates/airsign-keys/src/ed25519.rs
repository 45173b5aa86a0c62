//! Ed25519 keys in the forms Solana users hold them, and pure RFC 8032 signing.
//!
//! Accepted key files (whitespace around the key and one trailing newline are ignored):
//! - a Solana CLI keypair: a JSON array of 64 numbers 0–255 (`~/.config/solana/id.json`);
//! - a base58 string of the same 64 bytes (what Phantom/Solflare export);
//! - a 32-byte seed as 64 hex digits (optionally `0x`-prefixed).
//!
//! A 64-byte keypair carries its public key; it must equal the one derived from the secret
//! half, as solana-sdk checks, or signatures would not verify against the claimed account.

use airsign_core::{Error, ErrorCode, Result};
use ed25519_dalek::VerifyingKey;
use ed25519_dalek::hazmat::{ExpandedSecretKey, raw_sign};
use sha2::Sha512;
use zeroize::Zeroizing;

/// An Ed25519 signing key with its base58 public key (the Solana address).
///
/// The key is held expanded (RFC 8032 §5.1.5: SHA-512 of the seed, clamped scalar and
/// nonce prefix), computed once here, where `ed25519_dalek::SigningKey::sign` recomputes
/// it for every signature. The public key is derived from that same expansion, so the
/// pair always matches (signing with a mismatched public key is what leaks keys); a test
/// pins the signatures to `SigningKey::sign`'s. The expansion is wiped on drop.
pub struct Ed25519Signer {
    expanded: ExpandedSecretKey,
    verifying: VerifyingKey,
    public: [u8; 32],
    address: String,
}

impl std::fmt::Debug for Ed25519Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ed25519Signer")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl Ed25519Signer {
    /// A signer from a 32-byte seed.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        let expanded = ExpandedSecretKey::from(seed);
        let verifying = VerifyingKey::from(&expanded);
        let public = verifying.to_bytes();
        Self {
            expanded,
            verifying,
            address: base58_32(&public),
            public,
        }
    }

    /// A signer from a 64-byte `seed || public` keypair; the public half must match.
    pub fn from_keypair(bytes: &[u8; 64]) -> Result<Self> {
        let mut seed = Zeroizing::new([0u8; 32]);
        seed.copy_from_slice(&bytes[..32]);
        let signer = Self::from_seed(&seed);
        if signer.public[..] != bytes[32..] {
            return Err(Error::new(
                ErrorCode::KeyMismatch,
                Some("key_file"),
                "the keypair's public half does not match its secret half \
                 (the file is corrupt or was assembled from two keys)",
            ));
        }
        Ok(signer)
    }

    /// Parses key-file contents in any accepted form (see the module docs): a JSON array
    /// is read by [`Self::from_solana_json`], 64 hex digits by [`Self::from_hex_seed`],
    /// anything else by [`Self::from_base58_keypair`].
    pub fn from_key_file(contents: &[u8]) -> Result<Self> {
        let text = key_text(contents)?;
        if text.starts_with('[') {
            return Self::from_solana_json(text);
        }
        let hex_digits = strip_0x(text);
        if hex_digits.len() == 64 && hex_digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Self::from_hex_seed(text);
        }
        Self::from_base58_keypair(text)
    }

    /// A Solana CLI keypair file: a JSON array of exactly 64 numbers 0–255 (the 32-byte
    /// seed, then the public key, which must match).
    pub fn from_solana_json(text: &str) -> Result<Self> {
        let kp = parse_json_keypair(text.trim())?;
        Self::from_keypair(&kp)
    }

    /// A 32-byte seed as exactly 64 hex digits, optionally `0x`-prefixed.
    pub fn from_hex_seed(text: &str) -> Result<Self> {
        let text = text.trim();
        let hex_digits = strip_0x(text);
        if hex_digits.len() != 64 || !hex_digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(key_invalid(&format!(
                "expected a 32-byte ed25519 seed as 64 hex digits (optionally 0x-prefixed); \
                 saw {} characters that are not that",
                text.chars().count()
            )));
        }
        let mut seed = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(hex_digits, &mut seed[..]).map_err(|_| key_invalid("bad hex seed"))?;
        Ok(Self::from_seed(&seed))
    }

    /// A 64-byte keypair in base58 (what Phantom and Solflare export); the public half
    /// must match the secret half.
    pub fn from_base58_keypair(text: &str) -> Result<Self> {
        let text = text.trim();
        let mut kp = Zeroizing::new([0u8; 64]);
        if five8::decode_64(text, &mut kp).is_ok() {
            return Self::from_keypair(&kp);
        }
        let mut short = Zeroizing::new([0u8; 32]);
        if five8::decode_32(text, &mut short).is_ok() {
            return Err(key_invalid(
                "the key file holds 32 bytes in base58 (a public key or a bare seed); \
                 expected a 64-byte keypair in base58, a Solana keypair JSON array, or the \
                 32-byte seed as 64 hex digits",
            ));
        }
        Err(key_invalid(&format!(
            "expected an ed25519 key: a Solana keypair JSON array of 64 numbers, a base58 \
             64-byte keypair, or a 32-byte seed as 64 hex digits; saw {} characters of \
             something else",
            text.chars().count()
        )))
    }

    /// The 32-byte public key.
    pub fn public_key(&self) -> &[u8; 32] {
        &self.public
    }

    /// The public key in base58 (the Solana address).
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Pure Ed25519 (RFC 8032, no prehash) over `msg`.
    pub fn sign(&self, msg: &[u8]) -> [u8; 64] {
        raw_sign::<Sha512>(&self.expanded, msg, &self.verifying).to_bytes()
    }
}

/// `text` without a `0x` or `0X` prefix (the secp256k1 parser takes both too).
fn strip_0x(text: &str) -> &str {
    text.strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text)
}

/// The key file as trimmed text, or why it is not a key.
fn key_text(contents: &[u8]) -> Result<&str> {
    let text = std::str::from_utf8(contents)
        .map_err(|_| key_invalid("the key file is not text"))?
        .trim();
    if text.is_empty() {
        return Err(key_invalid("the key file is empty"));
    }
    Ok(text)
}

fn key_invalid(msg: &str) -> Error {
    Error::new(ErrorCode::KeyInvalid, Some("key_file"), msg.to_owned())
}

/// Parses `[n, n, …]` with exactly 64 numbers 0–255 into a zeroizing buffer. Written by
/// hand so no copy of the key passes through a general JSON value.
fn parse_json_keypair(text: &str) -> Result<Zeroizing<[u8; 64]>> {
    let expected = "expected a Solana keypair: a JSON array of 64 numbers 0-255";
    let inner = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .ok_or_else(|| key_invalid(&format!("{expected}; the array is not closed")))?;
    let mut out = Zeroizing::new([0u8; 64]);
    let mut n = 0usize;
    for item in inner.split(',') {
        let item = item.trim();
        if n >= 64 {
            n += 1;
            continue;
        }
        if item.is_empty() || item.len() > 3 || !item.bytes().all(|b| b.is_ascii_digit()) {
            return Err(key_invalid(&format!(
                "{expected}; item {} is not a number 0-255",
                n + 1
            )));
        }
        let v: u16 = item.parse().map_err(|_| key_invalid(expected))?;
        out[n] = u8::try_from(v)
            .map_err(|_| key_invalid(&format!("{expected}; item {} is above 255", n + 1)))?;
        n += 1;
    }
    if n != 64 {
        return Err(key_invalid(&format!("{expected}; saw {n} items")));
    }
    Ok(out)
}

/// Base58 (Bitcoin alphabet) of 32 bytes.
pub fn base58_32(bytes: &[u8; 32]) -> String {
    let mut out = [0u8; 44];
    let len = usize::from(five8::encode_32(bytes, &mut out));
    ascii(&out[..len])
}

/// Base58 (Bitcoin alphabet) of 64 bytes.
pub fn base58_64(bytes: &[u8; 64]) -> String {
    let mut out = [0u8; 88];
    let len = usize::from(five8::encode_64(bytes, &mut out));
    ascii(&out[..len])
}

/// Base58 digits (ASCII) as a `String`.
fn ascii(digits: &[u8]) -> String {
    std::str::from_utf8(digits).map_or_else(
        |_| String::from_utf8_lossy(digits).into_owned(),
        str::to_owned,
    )
}

/// Decodes base58 that must hold exactly 32 bytes (a public key), else `None`.
pub fn decode_base58_32(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    five8::decode_32(s, &mut out).ok().map(|()| out)
}

/// Decodes base58 that must hold exactly 64 bytes (a signature), else `None`.
pub fn decode_base58_64(s: &str) -> Option<[u8; 64]> {
    let mut out = [0u8; 64];
    five8::decode_64(s, &mut out).ok().map(|()| out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use sha2::{Digest, Sha256};

    const ADDR1: &str = "vwYrjUyZbzW4ysgdveAQTKngA5XPTr8e6aqs2T4QhSj";
    const B58_1: &str =
        "4cEgiXVfnnCRGVcBPgXJYAGDTKu5aemLnmPtxtRjM8zP8yrbq2GioSucd2UnUAjKNuLBTwWiqiCFuzCXkEQsL9BZ";

    fn seed1() -> [u8; 32] {
        Sha256::digest(b"vector-key-1").into()
    }

    #[test]
    fn all_forms_give_the_same_key() {
        let hex_seed = hex::encode(seed1());
        let json = {
            let s = Ed25519Signer::from_seed(&seed1());
            let mut all = seed1().to_vec();
            all.extend_from_slice(s.public_key());
            format!(
                "[{}]\n",
                all.iter().map(u8::to_string).collect::<Vec<_>>().join(",")
            )
        };
        for form in [
            hex_seed.clone(),
            format!("0x{hex_seed}\n"),
            format!("0X{hex_seed}"),
            B58_1.to_owned(),
            json,
        ] {
            let s = Ed25519Signer::from_key_file(form.as_bytes()).unwrap();
            assert_eq!(s.address(), ADDR1);
        }
    }

    #[test]
    fn signatures_are_ed25519_dalek_s() {
        use ed25519_dalek::{Signer as _, SigningKey};
        for n in 0..8u8 {
            let seed: [u8; 32] = Sha256::digest([b'k', n]).into();
            let ours = Ed25519Signer::from_seed(&seed);
            let theirs = SigningKey::from_bytes(&seed);
            assert_eq!(ours.public_key(), theirs.verifying_key().as_bytes());
            for len in [0usize, 1, 63, 64, 111, 112, 128, 1000] {
                let msg = vec![n.wrapping_mul(31); len];
                assert_eq!(
                    ours.sign(&msg),
                    theirs.sign(&msg).to_bytes(),
                    "seed {n}, {len} bytes"
                );
            }
        }
    }

    #[test]
    fn mismatched_keypair_refused() {
        let mut kp = [0u8; 64];
        kp[..32].copy_from_slice(&seed1());
        kp[32..].copy_from_slice(Ed25519Signer::from_seed(&[7; 32]).public_key());
        let e = Ed25519Signer::from_keypair(&kp).unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeyMismatch);
        let b58 = base58_64(&kp);
        assert_eq!(
            Ed25519Signer::from_key_file(b58.as_bytes())
                .unwrap_err()
                .code(),
            ErrorCode::KeyMismatch
        );
    }

    #[test]
    fn bad_forms_refused_without_echoing_the_key() {
        let seed_hex = hex::encode(seed1());
        let cases = [
            format!("{}zz", &seed_hex[..62]),
            ADDR1.to_owned(),
            "[1,2,3]".to_owned(),
            format!("[{}]", vec!["256"; 64].join(",")),
            String::new(),
            seed_hex[..60].to_owned(),
        ];
        for c in cases {
            let e = Ed25519Signer::from_key_file(c.as_bytes()).unwrap_err();
            assert_eq!(e.code(), ErrorCode::KeyInvalid, "{c}");
            if c.len() > 8 {
                assert!(!e.to_string().contains(&c[..8]), "{e}");
            }
        }
    }
}
