//! The keyring: one key file, parsed on demand into the signer a venue asks for.
//!
//! The CLI reads the key file once and hands the keyring to every request (in `batch`,
//! thousands); the first request that needs an ed25519 signer parses it, the rest reuse
//! it. The file is read the way the venue's scheme says (CONTRACT.md §3).

use std::sync::OnceLock;

use airsign_core::{Error, ErrorCode, Result};

use crate::{Ed25519Signer, SecretBytes};

/// Key material plus the signers parsed from it so far.
#[derive(Debug, Default)]
pub struct Keyring {
    material: Option<SecretBytes>,
    ed25519: OnceLock<Ed25519Signer>,
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
        if let Some(s) = self.ed25519.get() {
            return Ok(s);
        }
        let signer = Ed25519Signer::from_key_file(self.material()?.expose())?;
        // Another thread may have won the race; either value is the same key.
        let _ = self.ed25519.set(signer);
        self.ed25519.get().ok_or_else(|| {
            Error::new(
                ErrorCode::KeyInvalid,
                Some("key_file"),
                "key cache unavailable",
            )
        })
    }
}
