//! airsign keys: key material and the signers built from it.
//!
//! Everything secret in airsign lives here and nowhere else: reading key files into
//! zeroizing buffers, checking their permissions, parsing the key formats users hold, and
//! signing. Secret types are not `Clone`, print nothing secret in `Debug`, and zeroize on
//! drop. Errors built here name the file and the format, never a byte of the key.
//!
//! Venue crates never see key bytes: they ask a [`Keyring`] for the signer their scheme
//! needs ([`Keyring::ed25519`], [`Keyring::hmac_secret`],
//! [`Keyring::bearer_token`], …), which parses the key file once on first use.
#![forbid(unsafe_code)]

mod bearer;
mod ed25519;
mod hmac_secret;
mod keyring;
mod secret;

pub use bearer::{BearerToken, TokenShape};
pub use ed25519::{Ed25519Signer, base58_32, base58_64, decode_base58_32};
pub use hmac_secret::HmacSigner;
pub use keyring::Keyring;
pub use secret::{FilePolicy, KeyFile, SecretBytes};
