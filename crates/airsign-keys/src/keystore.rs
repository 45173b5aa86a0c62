//! Ethereum keystore V3 ("Web3 Secret Storage"), decrypt only.
//!
//! A keystore holds a private key encrypted with AES-128-CTR under a key derived from a
//! password by scrypt or PBKDF2-HMAC-SHA256. The MAC, keccak256(dk[16..32] ‖ ciphertext),
//! tells a wrong password from a right one before anything is decrypted; it is compared
//! in constant time.
//!
//! A keystore file is untrusted input: its KDF parameters decide how much memory and time
//! decryption takes. [`Keystore::parse`] checks them against fixed caps *before* any
//! password is asked for or any work is done, so a hostile file is refused at once
//! instead of exhausting memory (scrypt N=2^30 would want 128 GiB). The caps admit every
//! setting that geth, ethers, eth-account and web3.js write (the heaviest, geth's
//! "standard" scrypt N=2^18, r=8, p=1, needs 256 MiB). The caps count every buffer scrypt
//! allocates — its table (128·r·n bytes), its block array (128·r·p) and its scratch
//! (256·r) — and its time (the n·r·p block mixes, and the PBKDF2 passes over the block
//! array), all from n, r and p together, so no setting passes one cap by leaning on
//! another (n=2 with r=2^20 or p=2^22 would allocate 512 MiB of block array).
//!
//! Every buffer that holds the derived key or the plaintext is `Zeroizing`. Errors name
//! the field and the rule, never a byte of key material.

use std::fmt;

use aes::Aes128;
use airsign_core::json_kind;
use airsign_core::{Error, ErrorCode, Result};
use ctr::cipher::{KeyIvInit, StreamCipher};
use serde_json::{Map, Value};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::eth::{Address, keccak256};

/// Largest scrypt `n` accepted (2^20).
pub const MAX_SCRYPT_N: u64 = 1 << 20;
/// Largest scrypt table accepted, `128 · r · n` bytes (256 MiB).
pub const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;
/// Largest scrypt block array accepted, `128 · r · p` bytes (1 MiB; real keystores use
/// 1 KiB). It is both memory and time: PBKDF2 writes and reads all of it.
pub const MAX_SCRYPT_BLOCKS: u64 = 1024 * 1024;
/// Most memory scrypt may allocate in all, `128·r·n + 128·r·p + 256·r` bytes.
pub const MAX_SCRYPT_TOTAL_MEMORY: u64 = MAX_SCRYPT_MEMORY + MAX_SCRYPT_BLOCKS + 256 * 8192;
/// Largest scrypt total work accepted, `128 · r · n · p` bytes mixed (1 GiB, four times
/// geth's standard setting).
pub const MAX_SCRYPT_WORK: u64 = 1024 * 1024 * 1024;
/// Largest PBKDF2 iteration count accepted, 2^22 (geth and the Web3 test vector use
/// 262 144, eth-account 1 000 000): a few seconds of HMAC-SHA256 at most.
pub const MAX_PBKDF2_ROUNDS: u64 = 1 << 22;
/// Largest salt accepted, in bytes (real keystores use 32).
pub const MAX_SALT_BYTES: usize = 1024;

/// The password-based key derivation a keystore uses, with checked parameters.
#[derive(Clone, PartialEq, Eq)]
enum Kdf {
    Scrypt {
        log_n: u8,
        r: u32,
        p: u32,
        salt: Vec<u8>,
    },
    Pbkdf2 {
        rounds: u32,
        salt: Vec<u8>,
    },
}

/// A parsed, parameter-checked keystore V3, not yet decrypted. Holds nothing secret.
pub struct Keystore {
    kdf: Kdf,
    iv: [u8; 16],
    ciphertext: [u8; 32],
    mac: [u8; 32],
    address: Option<Address>,
}

impl fmt::Debug for Keystore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kdf = match &self.kdf {
            Kdf::Scrypt { log_n, r, p, .. } => format!("scrypt(n=2^{log_n}, r={r}, p={p})"),
            Kdf::Pbkdf2 { rounds, .. } => format!("pbkdf2-sha256(c={rounds})"),
        };
        f.debug_struct("Keystore")
            .field("kdf", &kdf)
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl Keystore {
    /// Parses keystore JSON and checks every parameter against the caps. Does no KDF work.
    pub fn parse(contents: &[u8]) -> Result<Self> {
        let text = std::str::from_utf8(contents)
            .map_err(|_| invalid("the keystore file is not UTF-8 text"))?;
        let top = airsign_core::json::parse_object(text.trim()).map_err(|e| {
            invalid(&format!(
                "the key file starts with '{{' but is not a keystore JSON object: {}",
                e.message()
            ))
        })?;
        match top.get("version") {
            Some(Value::Number(n)) if n.as_str() == "3" => {}
            Some(Value::Number(n)) => {
                return Err(invalid(&format!(
                    "expected keystore version 3, saw another number ({} characters)",
                    n.as_str().len()
                )));
            }
            Some(v) => {
                return Err(invalid(&format!(
                    "expected keystore version 3, saw {}",
                    json_kind(v)
                )));
            }
            None => return Err(invalid("expected keystore version 3, saw no \"version\"")),
        }
        let crypto = match (top.get("crypto"), top.get("Crypto")) {
            (Some(Value::Object(c)), None) | (None, Some(Value::Object(c))) => c,
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "the keystore has both \"crypto\" and \"Crypto\"; expected one",
                ));
            }
            _ => return Err(invalid("expected a \"crypto\" object in the keystore")),
        };
        let cipher = str_field(crypto, "crypto.cipher")?;
        if cipher != "aes-128-ctr" {
            return Err(invalid(&format!(
                "expected crypto.cipher \"aes-128-ctr\", saw {}",
                describe(cipher)
            )));
        }
        let params = obj_field(crypto, "crypto.cipherparams")?;
        let iv: [u8; 16] = hex_array(params, "crypto.cipherparams.iv")?;
        let ciphertext: [u8; 32] = hex_array(crypto, "crypto.ciphertext")?;
        let mac: [u8; 32] = hex_array(crypto, "crypto.mac")?;
        let kdf = parse_kdf(crypto)?;
        let address = match top.get("address") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => {
                let with_prefix = if s.starts_with("0x") {
                    s.clone()
                } else {
                    format!("0x{s}")
                };
                Some(
                    Address::parse("key_file.address", &with_prefix).map_err(|_| {
                        invalid(&format!(
                            "expected the keystore's address as 40 hex digits (with a valid \
                         EIP-55 checksum if mixed case), saw {}",
                            describe(s)
                        ))
                    })?,
                )
            }
            Some(v) => {
                return Err(invalid(&format!(
                    "expected the keystore's address as a hex string, saw {}",
                    json_kind(v)
                )));
            }
        };
        Ok(Self {
            kdf,
            iv,
            ciphertext,
            mac,
            address,
        })
    }

    /// The address the keystore claims (its optional `address` field).
    pub fn address(&self) -> Option<Address> {
        self.address
    }

    /// The KDF's work in 128-byte block mixes: `n · r · p` for scrypt, the iteration
    /// count for PBKDF2. Lets a caller (a fuzzer, a test) skip expensive keystores; the
    /// caps in [`Keystore::parse`] already bound it.
    pub fn kdf_cost(&self) -> u64 {
        match &self.kdf {
            Kdf::Scrypt { log_n, r, p, .. } => {
                (1u64 << log_n).saturating_mul(u64::from(*r).saturating_mul(u64::from(*p)))
            }
            Kdf::Pbkdf2 { rounds, .. } => u64::from(*rounds),
        }
    }

    /// Derives the key from `password`, checks the MAC (constant time), and decrypts.
    /// A MAC mismatch is `key.bad_password`.
    pub fn decrypt(&self, password: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        let mut dk = Zeroizing::new([0u8; 32]);
        match &self.kdf {
            Kdf::Scrypt { log_n, r, p, salt } => {
                let params = scrypt::Params::new(*log_n, *r, *p)
                    .map_err(|_| invalid("scrypt parameters refused"))?;
                scrypt::scrypt(password, salt, &params, &mut dk[..])
                    .map_err(|_| invalid("scrypt output length refused"))?;
            }
            Kdf::Pbkdf2 { rounds, salt } => {
                pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, *rounds, &mut dk[..]);
            }
        }
        let mut mac_body = Zeroizing::new([0u8; 48]);
        mac_body[..16].copy_from_slice(&dk[16..32]);
        mac_body[16..].copy_from_slice(&self.ciphertext);
        let mac = keccak256(&mac_body[..]);
        if !bool::from(mac.ct_eq(&self.mac)) {
            // An editor that saves "UTF-8 with BOM" puts EF BB BF before the password,
            // and they are read as part of it.
            let hint = if password.starts_with(b"\xEF\xBB\xBF") {
                "; the password starts with a UTF-8 byte order mark (bytes EF BB BF), \
                 which is read as part of it: save the password file as UTF-8 without a BOM"
            } else {
                ""
            };
            return Err(Error::new(
                ErrorCode::KeyBadPassword,
                Some("password"),
                format!(
                    "wrong password for the keystore (its MAC does not match); check the \
                     password file or the typed password{hint}"
                ),
            ));
        }
        let mut plain = Zeroizing::new(self.ciphertext);
        let mut cipher = ctr::Ctr128BE::<Aes128>::new_from_slices(&dk[..16], &self.iv)
            .map_err(|_| invalid("bad AES key or IV length"))?;
        cipher.apply_keystream(&mut plain[..]);
        Ok(plain)
    }
}

fn parse_kdf(crypto: &Map<String, Value>) -> Result<Kdf> {
    let kdf = str_field(crypto, "crypto.kdf")?;
    let params = obj_field(crypto, "crypto.kdfparams")?;
    let dklen = int_field(params, "crypto.kdfparams.dklen")?;
    if dklen != 32 {
        return Err(invalid(&format!(
            "expected crypto.kdfparams.dklen 32 (16 bytes of AES key and 16 of MAC key), \
             saw {dklen}"
        )));
    }
    let salt = hex_vec(params, "crypto.kdfparams.salt")?;
    if salt.len() > MAX_SALT_BYTES {
        return Err(invalid(&format!(
            "crypto.kdfparams.salt is {} bytes; at most {MAX_SALT_BYTES} accepted",
            salt.len()
        )));
    }
    match kdf {
        "scrypt" => {
            let n = int_field(params, "crypto.kdfparams.n")?;
            let r = int_field(params, "crypto.kdfparams.r")?;
            let p = int_field(params, "crypto.kdfparams.p")?;
            check_scrypt(n, r, p)?;
            Ok(Kdf::Scrypt {
                // n is a power of two in 2..=2^20, r and p are small: all fit.
                log_n: u8::try_from(n.trailing_zeros()).unwrap_or(u8::MAX),
                r: u32::try_from(r).unwrap_or(u32::MAX),
                p: u32::try_from(p).unwrap_or(u32::MAX),
                salt,
            })
        }
        "pbkdf2" => {
            let prf = str_field(params, "crypto.kdfparams.prf")?;
            if prf != "hmac-sha256" {
                return Err(invalid(&format!(
                    "expected crypto.kdfparams.prf \"hmac-sha256\", saw {}",
                    describe(prf)
                )));
            }
            let c = int_field(params, "crypto.kdfparams.c")?;
            if c == 0 || c > MAX_PBKDF2_ROUNDS {
                return Err(invalid(&format!(
                    "crypto.kdfparams.c is {c}; expected 1..={MAX_PBKDF2_ROUNDS} \
                     (refused: decrypting would take unreasonably long)"
                )));
            }
            Ok(Kdf::Pbkdf2 {
                rounds: u32::try_from(c).unwrap_or(u32::MAX),
                salt,
            })
        }
        other => Err(invalid(&format!(
            "expected crypto.kdf \"scrypt\" or \"pbkdf2\", saw {}",
            describe(other)
        ))),
    }
}

/// Refuses scrypt settings beyond the caps, with the reason.
fn check_scrypt(n: u64, r: u64, p: u64) -> Result<()> {
    if n < 2 || !n.is_power_of_two() {
        return Err(invalid(&format!(
            "crypto.kdfparams.n is {n}; scrypt needs a power of two of at least 2"
        )));
    }
    if n > MAX_SCRYPT_N {
        return Err(invalid(&format!(
            "crypto.kdfparams.n is {n}; at most 2^20 = {MAX_SCRYPT_N} accepted \
             (refused before any work: it would need too much memory)"
        )));
    }
    if r == 0 || p == 0 {
        return Err(invalid("crypto.kdfparams.r and p must be at least 1"));
    }
    // n ≤ 2^20, so these products overflow u64 only for absurd r and p; saturate.
    let memory = n.saturating_mul(128).saturating_mul(r);
    let blocks = r.saturating_mul(p).saturating_mul(128);
    let total = memory
        .saturating_add(blocks)
        .saturating_add(r.saturating_mul(256));
    if blocks > MAX_SCRYPT_BLOCKS {
        return Err(invalid(&format!(
            "scrypt with r={r}, p={p} needs a {} KiB block array (128·r·p bytes, all of it \
             hashed by PBKDF2); at most {} KiB accepted (refused before any work)",
            blocks / 1024,
            MAX_SCRYPT_BLOCKS / 1024
        )));
    }
    if memory > MAX_SCRYPT_MEMORY || total > MAX_SCRYPT_TOTAL_MEMORY {
        return Err(invalid(&format!(
            "scrypt with n={n}, r={r} needs {} MiB; at most {} MiB accepted \
             (refused before any work)",
            memory / (1024 * 1024),
            MAX_SCRYPT_MEMORY / (1024 * 1024)
        )));
    }
    if memory.saturating_mul(p) > MAX_SCRYPT_WORK {
        return Err(invalid(&format!(
            "scrypt with n={n}, r={r}, p={p} is too much work (128·n·r·p above {} MiB); \
             refused before any work",
            MAX_SCRYPT_WORK / (1024 * 1024)
        )));
    }
    Ok(())
}

/// What a string from the file is, without a byte of it: keystore errors never echo the
/// file (it may be something else entirely, a key pasted in the wrong place).
fn describe(s: &str) -> String {
    let chars = s.chars().count();
    if s.is_empty() {
        "an empty string".to_owned()
    } else if s.is_ascii() {
        format!("a {chars}-character ASCII string")
    } else {
        format!("a {chars}-character string")
    }
}

fn invalid(msg: &str) -> Error {
    Error::new(ErrorCode::KeyInvalid, Some("key_file"), msg.to_owned())
}

fn last(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

fn field<'a>(map: &'a Map<String, Value>, path: &str) -> Result<&'a Value> {
    map.get(last(path))
        .ok_or_else(|| invalid(&format!("the keystore has no {path}")))
}

fn str_field<'a>(map: &'a Map<String, Value>, path: &str) -> Result<&'a str> {
    match field(map, path)? {
        Value::String(s) => Ok(s),
        v => Err(invalid(&format!(
            "expected {path} as a string, saw {}",
            json_kind(v)
        ))),
    }
}

fn obj_field<'a>(map: &'a Map<String, Value>, path: &str) -> Result<&'a Map<String, Value>> {
    match field(map, path)? {
        Value::Object(o) => Ok(o),
        v => Err(invalid(&format!(
            "expected {path} as an object, saw {}",
            json_kind(v)
        ))),
    }
}

fn int_field(map: &Map<String, Value>, path: &str) -> Result<u64> {
    let v = field(map, path)?;
    match v {
        Value::Number(n) => airsign_core::json::number_as_u64(n).map_err(|_| {
            invalid(&format!(
                "expected {path} as a non-negative integer below 2^64, saw {}",
                json_kind(v)
            ))
        }),
        _ => Err(invalid(&format!(
            "expected {path} as an integer, saw {}",
            json_kind(v)
        ))),
    }
}

fn hex_vec(map: &Map<String, Value>, path: &str) -> Result<Vec<u8>> {
    let s = str_field(map, path)?;
    let digits = s.strip_prefix("0x").unwrap_or(s);
    hex::decode(digits).map_err(|_| invalid(&format!("expected {path} as hex digits")))
}

fn hex_array<const N: usize>(map: &Map<String, Value>, path: &str) -> Result<[u8; N]> {
    let bytes = hex_vec(map, path)?;
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| {
        invalid(&format!(
            "expected {path} to be {N} bytes ({} hex digits), saw {} bytes",
            2 * N,
            bytes.len()
        ))
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn with_scrypt(n: u64, r: u64, p: u64) -> String {
        format!(
            r#"{{"version":3,"crypto":{{"cipher":"aes-128-ctr","cipherparams":{{"iv":"83dbcc02d8ccb40e466191a123791e0e"}},
            "ciphertext":"d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c","kdf":"scrypt",
            "kdfparams":{{"dklen":32,"n":{n},"r":{r},"p":{p},"salt":"ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"}},
            "mac":"2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"}}}}"#
        )
    }

    #[test]
    fn errors_never_echo_strings_from_the_file() {
        let base = with_scrypt(1 << 10, 8, 1);
        for (from, to) in [
            ("\"aes-128-ctr\"", "\"SECRETxyzzy\""),
            ("\"scrypt\"", "\"SECRETxyzzy\""),
            ("\"version\":3", "\"version\":31337424242,\"address\":null"),
            ("\"version\":3", "\"version\":3,\"address\":\"SECRETxyzzy\""),
        ] {
            let text = base.replacen(from, to, 1);
            let e = Keystore::parse(text.as_bytes()).unwrap_err();
            let m = e.to_string();
            assert!(!m.contains("SECRET") && !m.contains("xyzzy"), "{m}");
            assert!(!m.contains("31337424242"), "{m}");
        }
    }

    #[test]
    fn a_bom_in_the_password_gets_a_hint() {
        let ks = Keystore::parse(with_scrypt(2, 1, 1).as_bytes()).unwrap();
        let e = ks.decrypt(b"\xEF\xBB\xBFpassword").unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeyBadPassword);
        assert!(e.message().contains("byte order mark"), "{e}");
        let e = ks.decrypt(b"password").unwrap_err();
        assert!(!e.message().contains("byte order mark"), "{e}");
    }

    #[test]
    fn caps() {
        assert!(Keystore::parse(with_scrypt(1 << 18, 8, 1).as_bytes()).is_ok());
        assert!(Keystore::parse(with_scrypt(1 << 18, 1, 8).as_bytes()).is_ok());
        assert!(Keystore::parse(with_scrypt(4096, 8, 6).as_bytes()).is_ok());
        for (n, r, p) in [
            (1u64 << 30, 8, 1),
            (1 << 21, 1, 1),
            (1 << 20, 8, 1),
            (1 << 18, 8, 8),
            (1000, 8, 1),
            (1, 8, 1),
            (1 << 14, 0, 1),
            (1 << 14, 8, 0),
            (1 << 14, u64::MAX, u64::MAX),
            // The block array (128·r·p) is memory and PBKDF2 time no other cap counted.
            (2, 1 << 20, 4),
            (2, 1, 1 << 22),
            (2, 1 << 13, 2),
            (2, 1, 1 << 14),
        ] {
            let e = Keystore::parse(with_scrypt(n, r, p).as_bytes()).unwrap_err();
            assert_eq!(e.code(), ErrorCode::KeyInvalid, "{n} {r} {p}");
        }
    }
}
