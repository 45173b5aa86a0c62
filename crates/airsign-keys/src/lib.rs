//! airsign keys: key material and the signers built from it.
//!
//! Everything secret in airsign lives here and nowhere else: reading key files into
//! zeroizing buffers, checking their permissions, parsing the key formats users hold
//! (Solana keypairs, hex keys, Ethereum keystores), and signing. Secret types are not
//! `Clone`, print nothing secret in `Debug`, and zeroize on drop. Errors built here name
//! the file and the format, never a byte of the key.
//!
//! The operator, never the request, decides which key serves which venue and identity
//! and what may be signed: a [`Key`] has one [`Scheme`], fixed before any request is
//! read; a [`Keyring`] binds keys to venues and identities and holds the signing
//! [`Policy`]; [`Keyring::authorize`] checks each request against both before anything
//! is built. Venue crates never see key bytes: the chosen [`Key`] signs their payloads
//! with its one scheme, and any other scheme is refused. The key-free Ethereum pieces
//! (Keccak, EIP-191, EIP-55, recovery) are in [`eth`].
//!
//! Venue code never signs: it computes payloads, and a [`Key`] — the pipeline's
//! [`airsign_core::Prover`] — turns them into proofs, in `prover.rs` and nowhere else.
//! `airsign verify` checks an envelope's proofs against the re-derived payloads with
//! [`Checker`]; [`parse_external_signature`] reads signatures made on a device or in an HSM.
//!
//! # Example
//!
//! One key file's contents (here a public test seed, SHA-256 of `vector-key-1`; never fund
//! it), read as the one scheme the operator gave it, and a request for a venue of another
//! scheme refused:
//!
//! ```
//! use airsign_core::Request;
//! use airsign_keys::{Key, Keyring, Policy, Scheme, SchemeOfKey, SecretBytes, VenueRules, every_action};
//!
//! let seed = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3\n";
//! // 64 hex digits could be an ed25519 seed or a secp256k1 key: the operator says which.
//! let scheme = Scheme::resolve(seed.as_bytes(), Some(Scheme::Ed25519), "key file", "--scheme")?;
//! let key = Key::from_bytes("key file", scheme, SecretBytes::new(seed.as_bytes().to_vec()));
//! assert_eq!(key.ed25519()?.address(), "vwYrjUyZbzW4ysgdveAQTKngA5XPTr8e6aqs2T4QhSj");
//! // The same bytes never serve as a secp256k1 key or a bearer token.
//! assert_eq!(key.bearer_token().unwrap_err().code().as_str(), "key.scheme_mismatch");
//! // Debug output never shows key bytes.
//! assert!(!format!("{key:?}").contains("b46fe822"));
//!
//! // The keyring chooses the key and checks the policy before anything is built.
//! let keys = Keyring::single(key, Policy::new());
//! const LAYER1: VenueRules = VenueRules {
//!     venue: "layer1",
//!     scheme: Scheme::Bearer,
//!     identity: &[],
//!     fields: &[],
//!     cancel_family: every_action,
//! };
//! let req = Request::parse(
//!     r#"{"venue":"layer1","action":"cancel_conversion","base_url":"https://attacker.example"}"#,
//! )?;
//! let e = keys.authorize(&req, &LAYER1, 0).unwrap_err();
//! assert_eq!(e.code().as_str(), "policy.denied");
//! # Ok::<(), airsign_core::Error>(())
//! ```
#![forbid(unsafe_code)]

mod bearer;
mod ed25519;
pub mod eth;
mod external;
mod hmac_secret;
mod key;
mod keyring;
pub mod keystore;
mod password;
mod policy;
mod prover;
mod scheme;
mod secp256k1;
mod secret;

pub use bearer::{BearerToken, TokenShape};
pub use ed25519::{Ed25519Signer, base58_32, base58_64, decode_base58_32, decode_base58_64};
pub use external::{parse_external_signature, parse_signer};
pub use hmac_secret::HmacSigner;
pub use key::{Key, Pins, WarnFn, same_identity};
pub use keyring::{Keyring, LoadOptions, MAX_KEYRING_BYTES, read_single_key};
pub use password::{PasswordFile, PasswordSource, prompt_on_tty, read_password_file};
pub use policy::{Policy, VenueRules, every_action};
pub use prover::{
    Checker, check_signature, digest, ed25519_id, eth_signer_of, one_eth_signature, secp256k1_id,
};
pub use scheme::{Scheme, SchemeOfKey};
pub use secp256k1::{Secp256k1KeyKind, Secp256k1Signer};
pub use secret::{FilePolicy, KeyFile, SecretBytes};
