//! The keyring: one key file, parsed on demand into the signer a venue asks for.
//!
//! The CLI reads the key file once and hands the keyring to every request (in `batch`,
//! thousands); the first request that needs an ed25519 or secp256k1 signer parses it, the
//! rest reuse it. The file is read the way the venue's scheme says (docs/format.md, "Key files").
//!
//! An encrypted keystore is decrypted only when a secp256k1 venue first asks, and the
//! password is asked of the [`PasswordSource`] the caller installed — the keyring itself
//! reads no files and talks to no terminal. The outcome, success or failure, is kept: a
//! batch with a wrong password fails every secp256k1 line at once instead of re-running
//! scrypt (or re-prompting) per line.

use std::sync::OnceLock;

use airsign_core::{Error, ErrorCode, Result};

use crate::{BearerToken, Ed25519Signer, HmacSigner, PasswordSource, Secp256k1Signer, SecretBytes};

/// Key material plus the signers parsed from it so far.
#[derive(Default)]
pub struct Keyring {
    material: Option<SecretBytes>,
    password: Option<Box<dyn PasswordSource>>,
    ed25519: OnceLock<Ed25519Signer>,
    hmac: OnceLock<HmacSigner>,
    bearer: OnceLock<BearerToken>,
    secp256k1: OnceLock<Result<Secp256k1Signer>>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("has_key", &self.material.is_some())
            .field("has_password_source", &self.password.is_some())
            .field("ed25519", &self.ed25519.get())
            .field("secp256k1", &self.secp256k1.get())
            .field("hmac", &self.hmac.get())
            .field("bearer", &self.bearer.get())
            .finish()
    }
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

    /// Installs where the keystore password comes from (asked at most once, and only if
    /// the key file is an encrypted keystore and a secp256k1 venue needs it).
    pub fn with_password_source(mut self, source: impl PasswordSource + 'static) -> Self {
        self.password = Some(Box::new(source));
        self
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

    /// The key as a secp256k1 signer: a hex private key, or an Ethereum keystore
    /// decrypted with the installed password source (parsed once; the result is kept).
    pub fn secp256k1(&self) -> Result<&Secp256k1Signer> {
        // get_or_init runs the closure once even under contention, so a terminal prompt
        // or a scrypt run never happens twice.
        self.secp256k1
            .get_or_init(|| {
                let material = self.material()?;
                Secp256k1Signer::from_key_file(material.expose(), || match &self.password {
                    Some(source) => source.password(),
                    None => Err(Error::new(
                        ErrorCode::KeyMissing,
                        Some("password_file"),
                        "the key file is an encrypted keystore and no password source is \
                         set: pass --password-file PATH or set AIRSIGN_PASSWORD_FILE",
                    )),
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}
