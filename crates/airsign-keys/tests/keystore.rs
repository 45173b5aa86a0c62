//! Keystore V3 decryption against published and independently made vectors.
//!
//! - `web3-scrypt.json`, `web3-pbkdf2.json`: the test vectors of the Web3 Secret Storage
//!   Definition (ethereum/wiki `Web3-Secret-Storage-Definition.md`, "Test Vectors";
//!   password "testpassword", secret 7a28b5ba…14fe9d, address 008aeeda…ba786b).
//! - `ethereum-org-scrypt-inconsistent.json`: the scrypt vector as the ethereum.org copy of
//!   that page prints it (n=2^18, r=8, p=1, salt 25710c2c…). It is not self-consistent:
//!   scrypt of "testpassword" with those parameters is b4130dc8…, not the page's
//!   7446f59e…, and its MAC does not match (checked independently with Python hashlib and
//!   pycryptodome). A correct decryptor must refuse it.
//! - `vector-key-1.*.json`: made by `make_keystores.py` (hashlib + cryptography +
//!   pycryptodome), holding SHA-256("vector-key-1").
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use airsign_core::ErrorCode;
use airsign_keys::keystore::Keystore;
use airsign_keys::{Key, Scheme, Secp256k1Signer, SecretBytes};

const WEB3_SECRET: &str = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
const WEB3_ADDRESS: &str = "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b";
const KEY1_ADDRESS: &str = "0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81";

fn data(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(p).unwrap()
}

fn key1_password() -> SecretBytes {
    SecretBytes::new(
        data("vector-key-1.password")
            .strip_suffix(b"\n")
            .unwrap()
            .to_vec(),
    )
}

#[test]
fn web3_pbkdf2_vector() {
    let ks = Keystore::parse(&data("web3-pbkdf2.json")).unwrap();
    let key = ks.decrypt(b"testpassword").unwrap();
    assert_eq!(hex::encode(*key), WEB3_SECRET);
    let s = Secp256k1Signer::from_bytes(&key).unwrap();
    assert_eq!(s.address().to_checksum(), WEB3_ADDRESS);
}

#[test]
fn web3_scrypt_vector() {
    let ks = Keystore::parse(&data("web3-scrypt.json")).unwrap();
    let key = ks.decrypt(b"testpassword").unwrap();
    assert_eq!(hex::encode(*key), WEB3_SECRET);
}

#[test]
fn ethereum_org_scrypt_copy_is_inconsistent() {
    let ks = Keystore::parse(&data("ethereum-org-scrypt-inconsistent.json")).unwrap();
    let e = ks.decrypt(b"testpassword").unwrap_err();
    assert_eq!(e.code(), ErrorCode::KeyBadPassword);
}

#[test]
fn wrong_password_is_bad_password() {
    for file in ["web3-pbkdf2.json", "vector-key-1.scrypt.json"] {
        let ks = Keystore::parse(&data(file)).unwrap();
        let e = ks.decrypt(b"testpassworD").unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeyBadPassword, "{file}");
        assert_eq!(e.code().as_str(), "key.bad_password");
        assert!(!e.message().contains("testpassworD"));
    }
}

#[test]
fn keyring_decrypts_keystores_on_demand() {
    for file in ["vector-key-1.scrypt.json", "vector-key-1.pbkdf2.json"] {
        let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = asked.clone();
        let ring = Key::from_bytes("key file", Scheme::Secp256k1, SecretBytes::new(data(file)))
            .with_password_source(move || {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Ok(key1_password())
            });
        // ed25519 use does not decrypt anything.
        assert!(ring.ed25519().is_err());
        assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 0);
        let a = ring.secp256k1().unwrap().address();
        let b = ring.secp256k1().unwrap().address();
        assert_eq!(a.to_checksum(), KEY1_ADDRESS);
        assert_eq!(a, b);
        assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 1, "{file}");
    }
}

#[test]
fn keyring_failure_is_cached_and_clear() {
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = asked.clone();
    let ring = Key::from_bytes(
        "key file",
        Scheme::Secp256k1,
        SecretBytes::new(data("vector-key-1.pbkdf2.json")),
    )
    .with_password_source(move || {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(SecretBytes::new(b"nope".to_vec()))
    });
    for _ in 0..3 {
        assert_eq!(
            ring.secp256k1().unwrap_err().code(),
            ErrorCode::KeyBadPassword
        );
    }
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 1);

    let no_source = Key::from_bytes(
        "key file",
        Scheme::Secp256k1,
        SecretBytes::new(data("vector-key-1.pbkdf2.json")),
    );
    assert_eq!(
        no_source.secp256k1().unwrap_err().code(),
        ErrorCode::KeyMissing
    );
}

#[test]
fn address_field_must_match_the_key() {
    let text = String::from_utf8(data("vector-key-1.pbkdf2.json")).unwrap();
    let edited = text.replace(
        "aecd5d1257167020ed09ca8f0f94cbcdc68cbc81",
        "008aeeda4d805471df9b2a5b0f38a0c3bcba786b",
    );
    let e = Secp256k1Signer::from_key_file(edited.as_bytes(), || Ok(key1_password())).unwrap_err();
    assert_eq!(e.code(), ErrorCode::KeyMismatch);
}

#[test]
fn absurd_parameters_refused_quickly() {
    let base = String::from_utf8(data("web3-scrypt.json")).unwrap();
    let hostile = [
        base.replace("\"n\" : 262144", "\"n\" : 1073741824"),
        base.replace("\"n\" : 262144", "\"n\" : 4294967296"),
        base.replace("\"r\" : 1", "\"r\" : 4294967295"),
        base.replace("\"p\" : 8", "\"p\" : 4294967295"),
        base.replace("\"p\" : 8", "\"p\" : 64"),
        base.replace("\"n\" : 262144", "\"n\" : 18446744073709551615"),
        base.replace("\"n\" : 262144", "\"n\" : 1e300"),
        String::from_utf8(data("web3-pbkdf2.json"))
            .unwrap()
            .replace("\"c\": 262144", "\"c\": 4294967295"),
    ];
    for h in hostile {
        assert_ne!(h, base);
        let asked = std::sync::atomic::AtomicBool::new(false);
        let start = Instant::now();
        let e = Secp256k1Signer::from_key_file(h.as_bytes(), || {
            asked.store(true, std::sync::atomic::Ordering::SeqCst);
            Ok(SecretBytes::new(b"testpassword".to_vec()))
        })
        .unwrap_err();
        assert!(start.elapsed() < Duration::from_millis(200), "{h}");
        assert_eq!(e.code(), ErrorCode::KeyInvalid);
        // Refused before the password was even asked for.
        assert!(!asked.load(std::sync::atomic::Ordering::SeqCst));
    }
}

#[test]
fn malformed_keystores_refused() {
    let base = String::from_utf8(data("web3-pbkdf2.json")).unwrap();
    for bad in [
        base.replace("\"version\": 3", "\"version\": 2"),
        base.replace("aes-128-ctr", "aes-128-cbc"),
        base.replace("hmac-sha256", "hmac-sha512"),
        base.replace("\"dklen\": 32", "\"dklen\": 16"),
        base.replace("6087dab2f9fdbbfaddc31a909735c1e6", "6087dab2"),
        base.replace("\"kdf\": \"pbkdf2\"", "\"kdf\": \"argon2\""),
        base.replace("\"crypto\"", "\"crypto\": {}, \"Crypto\""),
        "{\"version\":3,".to_owned(),
        "{\"version\":3,\"version\":3}".to_owned(),
    ] {
        let e = Keystore::parse(bad.as_bytes()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeyInvalid, "{bad}");
    }
}
