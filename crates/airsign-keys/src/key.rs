//! One key: its scheme (fixed by the operator), where its bytes come from, the identity
//! it is pinned to, and the signer parsed from it on first use.
//!
//! A venue asks a [`Key`] for the signer its scheme needs ([`Key::ed25519`],
//! [`Key::secp256k1`], [`Key::hmac_secret`], [`Key::bearer_token`]); asking for any other
//! scheme than the key's own is refused with `key.scheme_mismatch`, so a request can never
//! make an ed25519 keypair serve as a bearer token or an HMAC secret.
//!
//! Key bytes are read once, when a request first needs them (a keyring may hold keys a
//! run never uses), and an encrypted keystore is decrypted once: the outcome, success or
//! failure, is kept, so a batch with a wrong password fails every line of that key at
//! once instead of re-running scrypt (or re-prompting) per line.

use std::path::PathBuf;
use std::sync::OnceLock;

use airsign_core::{Error, ErrorCode, Result};

use crate::scheme::SchemeOfKey;
use crate::{
    BearerToken, Ed25519Signer, FilePolicy, HmacSigner, KeyFile, PasswordSource, Scheme,
    Secp256k1Signer, SecretBytes,
};

/// The identity a key is pinned to, field by field (each optional). A request may omit a
/// pinned field (the pin fills it in) but never name another value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pins {
    /// Pacifica: the trading account the key signs for (agent mode when it is not the
    /// key's own public key).
    pub account: Option<String>,
    /// Derive: the owner wallet.
    pub wallet: Option<String>,
    /// Ripio Trade: the API token (the public half of the credential).
    pub api_token: Option<String>,
    /// Hyperliquid: the vault or subaccount the key acts for.
    pub vault_address: Option<String>,
}

impl Pins {
    /// Every pin field name, as requests and keyrings spell it.
    pub const FIELDS: [&'static str; 4] = ["account", "wallet", "api_token", "vault_address"];

    /// The pin for request field `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        match field {
            "account" => self.account.as_deref(),
            "wallet" => self.wallet.as_deref(),
            "api_token" => self.api_token.as_deref(),
            "vault_address" => self.vault_address.as_deref(),
            _ => None,
        }
    }

    /// Whether no field is pinned.
    pub fn is_empty(&self) -> bool {
        Self::FIELDS.iter().all(|f| self.get(f).is_none())
    }
}

/// Whether a request's identity value `seen` names the pinned `pin`. Ethereum addresses
/// (`0x` + hex) compare without regard to case (EIP-55 checksums are only a spelling);
/// everything else byte for byte.
pub fn same_identity(pin: &str, seen: &str) -> bool {
    let is_addr = |s: &str| s.starts_with("0x") || s.starts_with("0X");
    if is_addr(pin) && is_addr(seen) {
        pin.eq_ignore_ascii_case(seen)
    } else {
        pin == seen
    }
}

/// Where a key's bytes come from.
enum Source {
    /// Already read (one `--key-file`, or a test).
    Bytes(SecretBytes),
    /// Read on first use (a keyring entry).
    File { path: PathBuf, policy: FilePolicy },
    /// No key material here: the key is on a device or in an HSM, known by its public
    /// identity (a keyring key of scheme `external`).
    External(airsign_core::SignerId),
}

enum Signer {
    Ed25519(Ed25519Signer),
    Secp256k1(Secp256k1Signer),
    Hmac(HmacSigner),
    Bearer(BearerToken),
}

/// Called with a warning for people (a key file readable by others), for stderr.
pub type WarnFn = Box<dyn Fn(&str) + Send + Sync>;

/// One key of a fixed scheme, bound to venues and an identity.
pub struct Key {
    name: String,
    scheme: Scheme,
    source: Source,
    venues: Option<Vec<String>>,
    pins: Pins,
    password: Option<Box<dyn PasswordSource>>,
    warn: Option<WarnFn>,
    signer: OnceLock<Result<Signer>>,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("name", &self.name)
            .field("scheme", &self.scheme)
            .field("venues", &self.venues)
            .field("pins", &self.pins)
            .field("loaded", &self.signer.get().is_some())
            .finish_non_exhaustive()
    }
}

impl Key {
    /// A key over bytes already read (one key file), of the given scheme. It serves every
    /// venue of that scheme and pins no identity.
    pub fn from_bytes(name: &str, scheme: Scheme, bytes: SecretBytes) -> Self {
        Self::new(name, scheme, Source::Bytes(bytes))
    }

    /// A key held outside airsign (a Ledger, an HSM, a KMS), known by its public identity:
    /// it serves `prepare`, `assemble` and `explain`; `sign` refuses it.
    pub fn external(name: &str, signer: airsign_core::SignerId) -> Self {
        let scheme = signer.scheme().unwrap_or(Scheme::Ed25519);
        Self::new(name, scheme, Source::External(signer))
    }

    /// The public identity of an external key (`None` for a key airsign holds).
    pub fn external_signer(&self) -> Option<&airsign_core::SignerId> {
        match &self.source {
            Source::External(id) => Some(id),
            _ => None,
        }
    }

    /// A key read from `path` when first needed (permissions checked under `policy`).
    pub fn from_path(name: &str, scheme: Scheme, path: PathBuf, policy: FilePolicy) -> Self {
        Self::new(name, scheme, Source::File { path, policy })
    }

    fn new(name: &str, scheme: Scheme, source: Source) -> Self {
        Self {
            name: name.to_owned(),
            scheme,
            source,
            venues: None,
            pins: Pins::default(),
            password: None,
            warn: None,
            signer: OnceLock::new(),
        }
    }

    /// Binds the key to these venues only (a keyring's `venues`).
    pub fn with_venues(mut self, venues: Vec<String>) -> Self {
        self.venues = Some(venues);
        self
    }

    /// Pins the identity the key signs for.
    pub fn with_pins(mut self, pins: Pins) -> Self {
        self.pins = pins;
        self
    }

    /// Installs where a keystore's password comes from (asked at most once, and only if
    /// the key is an encrypted keystore that a request needs).
    pub fn with_password_source(mut self, source: impl PasswordSource + 'static) -> Self {
        self.password = Some(Box::new(source));
        self
    }

    /// Installs where warnings about the key file go when it is read on first use.
    pub fn with_warnings(mut self, warn: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.warn = Some(Box::new(warn));
        self
    }

    /// The key's name (a keyring entry's `name`; `key file` for one `--key-file`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key's scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The venues the key may sign for; `None`: every venue of its scheme.
    pub fn venues(&self) -> Option<&[String]> {
        self.venues.as_deref()
    }

    /// Whether the key may sign for `venue`.
    pub fn serves(&self, venue: &str) -> bool {
        self.venues
            .as_ref()
            .is_none_or(|v| v.iter().any(|x| x == venue))
    }

    /// The identity pins.
    pub fn pins(&self) -> &Pins {
        &self.pins
    }

    /// The key as an ed25519 signer (parsed on first use).
    pub fn ed25519(&self) -> Result<&Ed25519Signer> {
        match self.signer(Scheme::Ed25519)? {
            Signer::Ed25519(s) => Ok(s),
            _ => Err(self.mismatch(Scheme::Ed25519)),
        }
    }

    /// The key as a secp256k1 signer: a hex private key, or an Ethereum keystore
    /// decrypted with the installed password source (once; the outcome is kept).
    pub fn secp256k1(&self) -> Result<&Secp256k1Signer> {
        match self.signer(Scheme::Secp256k1)? {
            Signer::Secp256k1(s) => Ok(s),
            _ => Err(self.mismatch(Scheme::Secp256k1)),
        }
    }

    /// The key as an HMAC secret (the text itself).
    pub fn hmac_secret(&self) -> Result<&HmacSigner> {
        match self.signer(Scheme::Hmac)? {
            Signer::Hmac(s) => Ok(s),
            _ => Err(self.mismatch(Scheme::Hmac)),
        }
    }

    /// The key as a bearer token (the text itself).
    pub fn bearer_token(&self) -> Result<&BearerToken> {
        match self.signer(Scheme::Bearer)? {
            Signer::Bearer(s) => Ok(s),
            _ => Err(self.mismatch(Scheme::Bearer)),
        }
    }

    /// The account (ed25519, base58) or EIP-55 address (secp256k1) of the key; `None` for
    /// HMAC secrets and bearer tokens, which have no public half.
    pub fn address(&self) -> Result<Option<String>> {
        Ok(match self.scheme {
            Scheme::Ed25519 => Some(self.ed25519()?.address().to_owned()),
            Scheme::Secp256k1 => Some(self.secp256k1()?.address().to_checksum()),
            _ => None,
        })
    }

    /// `key.scheme_mismatch`: a venue of scheme `need` asked this key.
    pub fn mismatch(&self, need: Scheme) -> Error {
        Error::new(
            ErrorCode::KeySchemeMismatch,
            Some("key"),
            format!(
                "this request's venue signs with scheme {need}, but the scheme of {} is {} \
                 (fixed by the operator, not by requests): send the request to a run with \
                 a {need} key",
                self.describe(),
                self.scheme
            ),
        )
    }

    /// `key file` or `key "name"`, for messages.
    pub fn describe(&self) -> String {
        match self.source {
            Source::Bytes(_) if self.venues.is_none() => self.name.clone(),
            _ => format!("key {:?}", self.name),
        }
    }

    fn signer(&self, need: Scheme) -> Result<&Signer> {
        if need != self.scheme {
            return Err(self.mismatch(need));
        }
        // get_or_init runs the closure once even under contention, so a file read, a
        // terminal prompt or a scrypt run never happens twice.
        self.signer
            .get_or_init(|| self.load())
            .as_ref()
            .map_err(Clone::clone)
    }

    fn load(&self) -> Result<Signer> {
        let read;
        let bytes = match &self.source {
            Source::Bytes(b) => b,
            Source::External(_) => {
                return Err(Error::new(
                    ErrorCode::KeySchemeMismatch,
                    Some("key"),
                    format!(
                        "{} is external: its key is on a device or in an HSM, not here;                          use airsign prepare, sign the payloads there, then airsign assemble",
                        self.describe()
                    ),
                ));
            }
            Source::File { path, policy } => {
                let file = KeyFile::read(path, *policy)?;
                if let (Some(w), Some(warn)) = (&file.warning, &self.warn) {
                    warn(w);
                }
                read = file.bytes;
                // The declared scheme must fit the content where the content decides.
                Scheme::resolve(
                    read.expose(),
                    Some(self.scheme),
                    &format!("key file {} (key {:?})", path.display(), self.name),
                    "its keyring scheme",
                )?;
                &read
            }
        };
        let contents = bytes.expose();
        Ok(match self.scheme {
            Scheme::Ed25519 => Signer::Ed25519(Ed25519Signer::from_key_file(contents)?),
            Scheme::Hmac => Signer::Hmac(HmacSigner::from_key_file(contents)?),
            Scheme::Bearer => Signer::Bearer(BearerToken::from_key_file(contents)?),
            Scheme::Secp256k1 => {
                Signer::Secp256k1(Secp256k1Signer::from_key_file(contents, || {
                    match &self.password {
                        Some(source) => source.password(),
                        None => Err(Error::new(
                            ErrorCode::KeyMissing,
                            Some("password_file"),
                            format!(
                                "{} is an encrypted keystore and no password source is set: \
                             pass --password-file PATH (or give the keyring key a \
                             password_file)",
                                self.describe()
                            ),
                        )),
                    }
                })?)
            }
            other => return Err(self.mismatch(other)),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const HEX: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";

    #[test]
    fn a_key_serves_only_its_own_scheme() {
        let k = Key::from_bytes(
            "key file",
            Scheme::Ed25519,
            SecretBytes::new(HEX.as_bytes().to_vec()),
        );
        assert!(k.ed25519().is_ok());
        for e in [
            k.bearer_token().map(|_| ()).unwrap_err(),
            k.hmac_secret().map(|_| ()).unwrap_err(),
            k.secp256k1().map(|_| ()).unwrap_err(),
        ] {
            assert_eq!(e.code(), ErrorCode::KeySchemeMismatch);
            assert!(!e.message().contains(&HEX[..10]));
        }
    }

    #[test]
    fn identities_compare_addresses_without_case() {
        assert!(same_identity("0xAbCd", "0xabcd"));
        assert!(!same_identity("AbCd", "abcd"));
        assert!(same_identity("5Ub", "5Ub"));
    }
}
