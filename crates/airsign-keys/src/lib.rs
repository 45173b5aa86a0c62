//! airsign keys: key material and the signers built from it.
//!
//! Everything secret in airsign lives here and nowhere else: reading key files into
//! zeroizing buffers, checking their permissions, parsing the key formats users hold
//! (Solana keypairs, hex keys, Ethereum keystores), and signing. Secret types are not
//! `Clone`, print nothing secret in `Debug`, and zeroize on drop. Errors built here name
//! the file and the format, never a byte of the key.
//!
//! Venue crates never see key bytes: they ask a [`Keyring`] for the signer their scheme
//! needs ([`Keyring::ed25519`], [`Keyring::secp256k1`], [`Keyring::hmac_secret`],
//! [`Keyring::bearer_token`]), which parses the key file once on first use. The key-free
//! Ethereum pieces (Keccak, EIP-191, EIP-55, recovery) are in [`eth`].
//!
//! Venue code signs through the [`Ed25519Sign`], [`Eip191Sign`] and [`HmacSign`] traits;
//! `airsign verify` implements them with replay signers ([`Ed25519Replay`], …) that hand
//! back an envelope's signatures and then check them over the bytes the venue derived.
//!
//! # Example
//!
//! One key file's contents, read as the scheme the venue asks for (here a public test
//! seed, SHA-256 of `vector-key-1`; never fund it):
//!
//! ```
//! use airsign_keys::{Keyring, SecretBytes};
//!
//! let seed = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3\n";
//! let keys = Keyring::new(SecretBytes::new(seed.as_bytes().to_vec()));
//! let ed = keys.ed25519()?;
//! assert_eq!(ed.address(), "vwYrjUyZbzW4ysgdveAQTKngA5XPTr8e6aqs2T4QhSj");
//! let eth = keys.secp256k1()?;
//! assert_eq!(eth.checksum_address(), "0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81");
//! // Debug output never shows key bytes.
//! assert!(!format!("{keys:?}").contains("b46fe822"));
//! // No key at all: every signer request fails with key.missing.
//! let e = Keyring::empty().ed25519().unwrap_err();
//! assert_eq!(e.code().as_str(), "key.missing");
//! # Ok::<(), airsign_core::Error>(())
//! ```
#![forbid(unsafe_code)]

mod bearer;
mod ed25519;
pub mod eth;
mod hmac_secret;
mod keyring;
pub mod keystore;
mod password;
mod replay;
mod secp256k1;
mod secret;

pub use bearer::{BearerToken, TokenShape};
pub use ed25519::{Ed25519Signer, base58_32, base58_64, decode_base58_32, decode_base58_64};
pub use hmac_secret::HmacSigner;
pub use keyring::Keyring;
pub use password::{PasswordFile, PasswordSource, prompt_on_tty, read_password_file};
pub use replay::{Ed25519Replay, Ed25519Sign, Eip191Replay, Eip191Sign, HmacReplay, HmacSign};
pub use secp256k1::{Secp256k1KeyKind, Secp256k1Signer};
pub use secret::{FilePolicy, KeyFile, SecretBytes};
