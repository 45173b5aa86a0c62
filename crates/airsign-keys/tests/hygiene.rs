//! Secret hygiene of the key types: none is `Clone`, no `Debug` prints a secret, and no
//! error built from a key file, of any shape, holds a piece of it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airsign_core::Error;
use airsign_keys::keystore::Keystore;
use airsign_keys::{
    BearerToken, Ed25519Signer, HmacSigner, Key, KeyFile, Keyring, PasswordFile, Policy, Scheme,
    Secp256k1Signer, SecretBytes,
};
use proptest::prelude::*;

/// Fails to compile (ambiguous `some_item`) for a type that implements `Clone`: a secret
/// type must not be copyable by accident.
macro_rules! assert_not_clone {
    ($($t:ty),* $(,)?) => {$({
        trait AmbiguousIfClone<A> {
            fn some_item() {}
        }
        impl<T: ?Sized> AmbiguousIfClone<()> for T {}
        #[allow(dead_code)]
        struct Invalid;
        impl<T: ?Sized + Clone> AmbiguousIfClone<Invalid> for T {}
        let _ = <$t as AmbiguousIfClone<_>>::some_item;
    })*};
}

#[test]
fn secret_types_are_not_clone() {
    assert_not_clone!(
        SecretBytes,
        KeyFile,
        PasswordFile,
        Key,
        Keyring,
        Ed25519Signer,
        Secp256k1Signer,
        HmacSigner,
        BearerToken,
    );
}

const SEED_HEX: &str = "5ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2";

#[test]
fn debug_prints_no_secret() {
    let seed: [u8; 32] = hex::decode(SEED_HEX).unwrap().try_into().unwrap();
    let secret_text = "hmac-SECRET-value-Zk41";
    let token = "bearer-SECRET-token-Qp93";
    let debug = [
        format!("{:?}", SecretBytes::new(SEED_HEX.as_bytes().to_vec())),
        format!("{:?}", Ed25519Signer::from_seed(&seed)),
        format!(
            "{:?}",
            Secp256k1Signer::from_hex_key_file(SEED_HEX.as_bytes()).unwrap()
        ),
        format!(
            "{:?}",
            HmacSigner::from_key_file(secret_text.as_bytes()).unwrap()
        ),
        format!(
            "{:?}",
            BearerToken::from_key_file(token.as_bytes()).unwrap()
        ),
        {
            let keys: Vec<Key> = Scheme::ALL
                .into_iter()
                .map(|s| {
                    Key::from_bytes(
                        s.as_str(),
                        s,
                        SecretBytes::new(SEED_HEX.as_bytes().to_vec()),
                    )
                })
                .collect();
            keys[0].ed25519().unwrap();
            keys[1].secp256k1().unwrap();
            keys[2].hmac_secret().unwrap();
            keys[3].bearer_token().unwrap();
            let ring = Keyring::new(keys, Policy::new()).unwrap();
            format!("{ring:?} {:?}", ring.keys())
        },
    ];
    for d in debug {
        for secret in [
            &SEED_HEX[..12],
            "5ec2e7",
            "SECRET",
            &hex::encode(&seed[..6]),
        ] {
            assert!(!d.contains(secret), "{d}");
        }
    }
}

/// Every key parser airsign has, over the same bytes: the errors they give.
fn parse_errors(data: &[u8]) -> Vec<Error> {
    let text = std::str::from_utf8(data).unwrap_or("");
    [
        Ed25519Signer::from_key_file(data).err(),
        Ed25519Signer::from_solana_json(text).err(),
        Ed25519Signer::from_base58_keypair(text).err(),
        Ed25519Signer::from_hex_seed(text).err(),
        Secp256k1Signer::from_hex_key_file(data).err(),
        Secp256k1Signer::from_key_file(data, || Ok(SecretBytes::new(b"pw".to_vec()))).err(),
        Keystore::parse(data).err(),
        HmacSigner::from_key_file(data).err(),
        BearerToken::from_key_file(data).err(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Key-file-shaped text: hex with junk, base58, JSON number arrays, tokens, keystores.
fn key_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "(0x)?[0-9a-fA-F]{10,70}[g-z ]{0,3}[0-9a-f]{0,10}",
        "[1-9A-HJ-NP-Za-km-z]{10,100}[0OIl]?[1-9A-HJ-NP-Za-km-z]{0,10}",
        proptest::collection::vec(any::<u8>(), 10..70).prop_map(|v| format!(
            "[{}]",
            v.iter().map(u8::to_string).collect::<Vec<_>>().join(",")
        )),
        "[!-~]{10,60}[ \t\r\n]?[!-~]{0,20}",
        "[A-Za-z0-9_-]{10,40}\\.[A-Za-z0-9_-]{10,80}\\.[A-Za-z0-9_-]{0,20}",
        "[a-f0-9]{32,64}".prop_map(|h| format!(
            r#"{{"version":3,"crypto":{{"cipher":"aes-128-ctr","ciphertext":"{h}","kdf":"pbkdf2"}}}}"#
        )),
    ]
}

/// Every window of 10 ASCII alphanumeric characters in `s`.
fn windows(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(9))
        .filter(|&i| b[i..i + 10].iter().all(u8::is_ascii_alphanumeric))
        .map(|i| &s[i..i + 10])
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// No error text — message, display form, JSON object — holds 10 alphanumeric
    /// characters in a row of the key file it refused.
    #[test]
    fn errors_never_contain_key_material(text in key_like(), tail in "[\n]?") {
        let data = format!("{text}{tail}");
        for e in parse_errors(data.as_bytes()) {
            for shown in [e.to_string(), e.to_json_line(Some(1)), format!("{e:?}")] {
                for w in windows(&text) {
                    // Keystore JSON names its own fields; those are not secrets.
                    if text.starts_with('{') && !w.bytes().all(|b| b.is_ascii_hexdigit()) {
                        continue;
                    }
                    prop_assert!(!shown.contains(w), "{w:?} in {shown}");
                }
            }
        }
    }

    /// The same for arbitrary bytes (invalid UTF-8, control characters, anything).
    #[test]
    fn errors_on_arbitrary_bytes_never_echo_them(data in proptest::collection::vec(any::<u8>(), 0..200)) {
        let text = String::from_utf8_lossy(&data).into_owned();
        for e in parse_errors(&data) {
            let shown = e.to_json_line(None);
            for w in windows(&text) {
                prop_assert!(!shown.contains(w), "{w:?} in {shown}");
            }
        }
    }
}
