//! Ethereum building blocks that need no key: Keccak-256, the EIP-191 `personal_sign`
//! message, EIP-55 addresses, and signature recovery for verification.
//!
//! Bytes are built in one function ([`eip191_message`]) and hashed in another
//! ([`eip191_hash`]); signing lives on [`crate::Secp256k1Signer`]. Nothing here sees a
//! private key, so everything here may appear in errors and test output.

use std::fmt;

use airsign_core::{Error, Result};
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
use serde_json::Value;
use sha3::{Digest, Keccak256};

/// Keccak-256 (the original Keccak padding Ethereum uses, not SHA3-256).
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

/// The EIP-191 version 0x45 (`personal_sign`) preimage of `msg`:
/// `0x19 || "Ethereum Signed Message:\n" || decimal(len(msg)) || msg`.
///
/// The length is the message's byte length written in ASCII decimal, so a 13-digit
/// timestamp gets `"13"` and a non-ASCII message counts its UTF-8 bytes, not characters.
pub fn eip191_message(msg: &[u8]) -> Vec<u8> {
    const PREFIX: &[u8] = b"\x19Ethereum Signed Message:\n";
    let len = msg.len().to_string();
    let mut out = Vec::with_capacity(PREFIX.len() + len.len() + msg.len());
    out.extend_from_slice(PREFIX);
    out.extend_from_slice(len.as_bytes());
    out.extend_from_slice(msg);
    out
}

/// `keccak256(eip191_message(msg))`: the digest `personal_sign` signs.
pub fn eip191_hash(msg: &[u8]) -> [u8; 32] {
    keccak256(&eip191_message(msg))
}

/// A 20-byte Ethereum address.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Address(pub [u8; 20]);

impl Address {
    /// The address of an uncompressed public key: the last 20 bytes of keccak256(X || Y).
    pub fn from_verifying_key(key: &VerifyingKey) -> Self {
        let point = key.to_sec1_point(false);
        // An uncompressed SEC1 point is 0x04 || X || Y; the tag is not hashed.
        let hash = keccak256(&point.as_bytes()[1..]);
        let mut out = [0u8; 20];
        out.copy_from_slice(&hash[12..]);
        Self(out)
    }

    /// The EIP-55 mixed-case checksummed form, `0x`-prefixed.
    pub fn to_checksum(&self) -> String {
        let lower = hex::encode(self.0);
        let hash = keccak256(lower.as_bytes());
        let mut out = String::with_capacity(42);
        out.push_str("0x");
        for (i, c) in lower.chars().enumerate() {
            let nibble = (hash[i / 2] >> (if i % 2 == 0 { 4 } else { 0 })) & 0x0f;
            if c.is_ascii_alphabetic() && nibble >= 8 {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Parses `0x` + 40 hex digits. All-lowercase and all-uppercase digits are taken as
    /// they are; mixed case must be the correct EIP-55 checksum (a mistyped address
    /// usually fails it). `field` names the request field for the error.
    pub fn parse(field: &str, s: &str) -> Result<Self> {
        let seen = Value::from(s);
        let digits = s
            .strip_prefix("0x")
            .filter(|d| d.len() == 40 && d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| {
                Error::invalid(
                    field,
                    "a 20-byte address: 0x followed by 40 hex digits",
                    &seen,
                )
            })?;
        let mut bytes = [0u8; 20];
        hex::decode_to_slice(digits, &mut bytes).map_err(|_| {
            Error::invalid(
                field,
                "a 20-byte address: 0x followed by 40 hex digits",
                &seen,
            )
        })?;
        let addr = Self(bytes);
        let has_lower = digits.bytes().any(|b| b.is_ascii_lowercase());
        let has_upper = digits.bytes().any(|b| b.is_ascii_uppercase());
        if has_lower && has_upper && addr.to_checksum() != s {
            return Err(Error::invalid(
                field,
                &format!(
                    "an address with a valid EIP-55 checksum (mixed case must match {}; \
                     or write it all in lowercase)",
                    addr.to_checksum()
                ),
                &seen,
            ));
        }
        Ok(addr)
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_checksum())
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_checksum())
    }
}

/// A recoverable secp256k1 signature as Ethereum carries it: `r || s || v`, `v` = 27/28.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct EthSignature {
    /// `r`, 32 bytes big-endian.
    pub r: [u8; 32],
    /// `s`, 32 bytes big-endian, low-s (at most n/2).
    pub s: [u8; 32],
    /// 27 or 28 (27 + the recovery id's y-parity).
    pub v: u8,
}

impl EthSignature {
    /// The 65 bytes `r || s || v`.
    pub fn to_bytes(&self) -> [u8; 65] {
        let mut out = [0u8; 65];
        out[..32].copy_from_slice(&self.r);
        out[32..64].copy_from_slice(&self.s);
        out[64] = self.v;
        out
    }

    /// `0x` + 130 lowercase hex digits: the form ethers' `signMessage` prints.
    pub fn to_hex(&self) -> String {
        let mut digits = [0u8; 130];
        // The buffer is exactly twice the bytes' length, so this cannot fail.
        let _ = hex::encode_to_slice(self.to_bytes(), &mut digits);
        let mut out = String::with_capacity(132);
        out.push_str("0x");
        // Hex digits are ASCII.
        out.push_str(std::str::from_utf8(&digits).unwrap_or_default());
        out
    }

    /// From the 65 bytes `r || s || v`, `v` 27/28 (or 0/1, normalised to 27/28).
    pub fn from_bytes(b: &[u8; 65]) -> Option<Self> {
        let v = match b[64] {
            0 | 27 => 27,
            1 | 28 => 28,
            _ => return None,
        };
        let mut r = [0u8; 32];
        let mut s = [0u8; 32];
        r.copy_from_slice(&b[..32]);
        s.copy_from_slice(&b[32..64]);
        Some(Self { r, s, v })
    }

    /// Parses `0x` + 130 hex digits (either case) with `v` 27/28 (or 0/1).
    pub fn parse_hex(s: &str) -> Option<Self> {
        let digits = s.strip_prefix("0x").unwrap_or(s);
        let mut b = [0u8; 65];
        hex::decode_to_slice(digits, &mut b).ok()?;
        let v = match b[64] {
            0 | 27 => 27,
            1 | 28 => 28,
            _ => return None,
        };
        let mut r = [0u8; 32];
        let mut sv = [0u8; 32];
        r.copy_from_slice(&b[..32]);
        sv.copy_from_slice(&b[32..64]);
        Some(Self { r, s: sv, v })
    }

    /// The address whose key made this signature over the 32-byte `prehash`, or `None`
    /// for a signature that is malformed or high-s (Ethereum refuses those).
    pub fn recover_prehash(&self, prehash: &[u8; 32]) -> Option<Address> {
        let sig = Signature::from_scalars(self.r, self.s).ok()?;
        if sig.normalize_s() != sig {
            return None;
        }
        let recid = RecoveryId::from_byte(self.v.checked_sub(27)?)?;
        let key = VerifyingKey::recover_from_prehash(prehash, &sig, recid).ok()?;
        Some(Address::from_verifying_key(&key))
    }

    /// The address that signed `msg` with `personal_sign` (see [`eip191_hash`]).
    pub fn recover_eip191(&self, msg: &[u8]) -> Option<Address> {
        self.recover_prehash(&eip191_hash(msg))
    }
}

impl fmt::Debug for EthSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn eip191_bytes_for_a_timestamp() {
        // The worked example of docs/venues/derive.md.
        assert_eq!(
            hex::encode(eip191_message(b"1700000000000")),
            "19457468657265756d205369676e6564204d6573736167653a0a313331373030303030303030303030"
        );
        assert_eq!(
            hex::encode(eip191_hash(b"1700000000000")),
            "1362375365df31a82fb5331c8b5ae150f25d8ee09c8431ae46bac7625862136a"
        );
        // The length counts UTF-8 bytes.
        assert!(eip191_message("é".as_bytes()).ends_with(b"\n2\xc3\xa9"));
    }

    #[test]
    fn eip55_examples() {
        // The examples of EIP-55 itself.
        for a in [
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
            "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        ] {
            let parsed = Address::parse("wallet", a).unwrap();
            assert_eq!(parsed.to_checksum(), a);
            assert_eq!(
                Address::parse("wallet", &a.to_ascii_lowercase())
                    .unwrap()
                    .to_checksum(),
                a
            );
            let upper = format!("0x{}", a[2..].to_ascii_uppercase());
            assert_eq!(Address::parse("wallet", &upper).unwrap(), parsed);
        }
    }

    #[test]
    fn bad_addresses_refused() {
        for a in [
            "0xaECd5D1257167020ED09CA8F0F94cbCdC68CBC81",
            "0x1234",
            "AeCd5D1257167020ED09CA8F0F94cbCdC68CBC81",
            "0XAECD5D1257167020ED09CA8F0F94CBCDC68CBC81",
            "0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC8g",
        ] {
            let e = Address::parse("wallet", a).unwrap_err();
            assert_eq!(e.field(), Some("wallet"), "{a}");
        }
    }
}
