//! The keyring: one key file, parsed on demand into the signer a venue asks for.
//!
//! The CLI reads the key file once and hands the keyring to every request (in `batch`,
//! thousands); the first request that needs an ed25519 signer parses it, the rest reuse
//! it. The file is read the way the venue's scheme says (CONTRACT.md §3).

use std::sync::OnceLock;

use airsign_core::{Error, ErrorCode, Result};

use crate::{BearerToken, Ed25519Signer, HmacSigner, SecretBytes};

/// Key material plus the signers parsed from it so far.
#[derive(Debug, Default)]
pub struct Keyring {
    material: Option<SecretBytes>,
    ed25519: OnceLock<Ed25519Signer>,
    hmac: OnceLock<HmacSigner>,
    bearer: OnceLock<BearerToken>,
}

impl Keyring {
    /// A keyring over the contents of one key file.
    pub fn new(material: SecretBytes) -> Self {
        Self {
            material: Some(material),
            ..Self::default()
        }
    }

    /// A keyring with no key: every signer request fails with `key.missing`.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The raw key material (for schemes whose key is the file's text itself).
    pub fn material(&self) -> Result<&SecretBytes> {
        self.material.as_ref().ok_or_else(|| {
            Error::new(
                ErrorCode::KeyMissing,
                Some("key_file"),
                "this request needs a key: pass --key-file PATH or set AIRSIGN_KEY_FILE",
            )
        })
    }

    /// The key as an ed25519 signer (parsed on first use).
    pub fn ed25519(&self) -> Result<&Ed25519Signer> {
        self.cached(&self.ed25519, Ed25519Signer::from_key_file)
    }

    /// The key file as an HMAC secret (the text itself; parsed on first use).
    pub fn hmac_secret(&self) -> Result<&HmacSigner> {
        self.cached(&self.hmac, HmacSigner::from_key_file)
    }

    /// The key file as a bearer token (the text itself; parsed on first use).
    pub fn bearer_token(&self) -> Result<&BearerToken> {
        self.cached(&self.bearer, BearerToken::from_key_file)
    }

    fn cached<'a, T>(
        &'a self,
        cell: &'a OnceLock<T>,
        parse: impl FnOnce(&[u8]) -> Result<T>,
    ) -> Result<&'a T> {
        if let Some(s) = cell.get() {
            return Ok(s);
        }
        let parsed = parse(self.material()?.expose())?;
        // Another thread may have won the race; either value is the same key.
        let _ = cell.set(parsed);
        cell.get().ok_or_else(|| {
            Error::new(
                ErrorCode::KeyInvalid,
                Some("key_file"),
                "key cache unavailable",
            )
        })
    }
}
