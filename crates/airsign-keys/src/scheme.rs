//! Key schemes: what a key is, decided by the operator before any request is read.
//!
//! A key file is read as exactly one scheme. Where its content can only be one (a Solana
//! keypair JSON array, a base58 64-byte keypair whose halves match, an Ethereum keystore
//! JSON object) that content decides; where it could be several (64 hex digits are an
//! ed25519 seed or a secp256k1 key; any text is an HMAC secret or a bearer token), the
//! operator must say which with `--scheme`. A request never picks the scheme: that is how
//! a Solana keypair once reached the wire as a "bearer token".

use airsign_core::{Error, ErrorCode, Result};
use zeroize::Zeroizing;

pub use airsign_core::Scheme;

/// Reading a key file's scheme: what its content decides, and what the operator must say.
pub trait SchemeOfKey: Sized {
    /// The scheme a key file's content can only be, if its form leaves no doubt.
    fn from_contents(contents: &[u8]) -> Option<Self>;
    /// The scheme of a key file, or an error that names the flag to pass.
    fn resolve(contents: &[u8], given: Option<Self>, what: &str, flag: &str) -> Result<Self>;
}

impl SchemeOfKey for Scheme {
    /// The scheme a key file's content can only be, if its form leaves no doubt: a JSON
    /// array (Solana keypair) or a base58 string that decodes to a 64-byte keypair whose
    /// public half matches its secret half → ed25519; a JSON object (Ethereum keystore V3)
    /// → secp256k1. Hex keys and text secrets give `None`: only the operator can say.
    fn from_contents(contents: &[u8]) -> Option<Self> {
        let text = contents.trim_ascii();
        match text.first() {
            Some(b'[') => return Some(Self::Ed25519),
            Some(b'{') => return Some(Self::Secp256k1),
            _ => {}
        }
        let text = std::str::from_utf8(text).ok()?;
        let mut kp = Zeroizing::new([0u8; 64]);
        if five8::decode_64(text, &mut kp).is_ok()
            && crate::Ed25519Signer::from_keypair(&kp).is_ok()
        {
            return Some(Self::Ed25519);
        }
        None
    }

    /// The scheme of a key file: its content's where that decides (and then `given` must
    /// agree), else `given`; neither → an error that names the flag to pass. `what` names
    /// the file in messages; `flag` is how the operator gives a scheme (`--scheme`, or a
    /// keyring's `scheme` field).
    fn resolve(contents: &[u8], given: Option<Self>, what: &str, flag: &str) -> Result<Self> {
        match (Self::from_contents(contents), given) {
            (Some(found), Some(given)) if found != given => Err(Error::new(
                ErrorCode::KeySchemeMismatch,
                Some("scheme"),
                format!(
                    "{what} holds {}, which is a {found} key, but {flag} says {given}: fix \
                     {flag} or point at the right file",
                    describe_form(contents)
                ),
            )),
            (Some(found), _) => Ok(found),
            (None, Some(given)) => Ok(given),
            (None, None) => Err(Error::new(
                ErrorCode::KeyInvalid,
                Some("scheme"),
                format!(
                    "{what} holds {}, which could be more than one kind of key: pass {flag} \
                     {}",
                    describe_form(contents),
                    if looks_hex(contents) {
                        "ed25519 (a 32-byte seed) or secp256k1 (an Ethereum private key)"
                    } else {
                        "hmac (an API secret) or bearer (a bearer token)"
                    }
                ),
            )),
        }
    }
}

/// The form of a key file, in words that say nothing of its content.
fn describe_form(contents: &[u8]) -> &'static str {
    let text = contents.trim_ascii();
    match text.first() {
        Some(b'[') => "a JSON array (a Solana keypair)",
        Some(b'{') => "a JSON object (an Ethereum keystore)",
        _ if looks_hex(contents) => "64 hex digits",
        _ if Scheme::from_contents(contents) == Some(Scheme::Ed25519) => "a base58 64-byte keypair",
        _ => "a line of text",
    }
}

fn looks_hex(contents: &[u8]) -> bool {
    let t = contents.trim_ascii();
    let t = t
        .strip_prefix(b"0x")
        .or_else(|| t.strip_prefix(b"0X"))
        .unwrap_or(t);
    t.len() == 64 && t.iter().all(u8::is_ascii_hexdigit)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const SEED_HEX: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";

    #[test]
    fn content_decides_where_it_can() {
        assert_eq!(Scheme::from_contents(b"[1,2,3]"), Some(Scheme::Ed25519));
        assert_eq!(
            Scheme::from_contents(b"  {\"crypto\":{}}\n"),
            Some(Scheme::Secp256k1)
        );
        assert_eq!(Scheme::from_contents(SEED_HEX.as_bytes()), None);
        assert_eq!(Scheme::from_contents(b"some-api-secret\n"), None);
        let signer = crate::Ed25519Signer::from_hex_seed(SEED_HEX).unwrap();
        let mut kp = [0u8; 64];
        kp[..32].copy_from_slice(&hex::decode(SEED_HEX).unwrap());
        kp[32..].copy_from_slice(signer.public_key());
        let b58 = crate::base58_64(&kp);
        assert_eq!(Scheme::from_contents(b58.as_bytes()), Some(Scheme::Ed25519));
    }

    #[test]
    fn resolve_needs_the_operator_for_ambiguous_forms() {
        let e = Scheme::resolve(SEED_HEX.as_bytes(), None, "key file k", "--scheme").unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeyInvalid);
        assert!(e.message().contains("--scheme ed25519"), "{e}");
        assert!(!e.message().contains(&SEED_HEX[..10]));
        assert_eq!(
            Scheme::resolve(
                SEED_HEX.as_bytes(),
                Some(Scheme::Secp256k1),
                "k",
                "--scheme"
            )
            .unwrap(),
            Scheme::Secp256k1
        );
        let e =
            Scheme::resolve(b"[1,2]", Some(Scheme::Bearer), "key file k", "--scheme").unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeySchemeMismatch);
        assert!(!e.message().contains("[1,2]"));
    }

    #[test]
    fn names_round_trip() {
        for s in Scheme::ALL {
            assert_eq!(s.as_str().parse::<Scheme>().unwrap(), s);
        }
        assert!("rsa".parse::<Scheme>().is_err());
    }
}
