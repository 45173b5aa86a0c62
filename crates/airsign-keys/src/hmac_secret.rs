//! HMAC-SHA256 with a shared API secret (Ripio Trade signs this way).
//!
//! The key file holds the secret as text, alone on one line; one trailing newline is
//! ignored (docs/format.md, "Key files"). The secret is the HMAC key exactly as typed: it is never
//! trimmed, decoded (not hex, not base64) or printed. A secret that is empty, not UTF-8,
//! or carries whitespace or control characters is refused rather than guessed at: a
//! stray space or second line would silently give signatures the venue rejects.

use std::fmt;

use airsign_core::{Error, ErrorCode, Result};
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::secret::strip_trailing_newline;

type HmacSha256 = Hmac<Sha256>;

/// An HMAC-SHA256 key: the venue's API secret.
///
/// Holds the keyed HMAC state (the inner and outer pads, absorbed once when the key file
/// is read), never a second copy of the secret text. Not `Clone`; `Debug` prints nothing
/// of the key; the hash states are zeroized on drop (`sha2`'s `zeroize` feature).
pub struct HmacSigner {
    keyed: HmacSha256,
}

impl fmt::Debug for HmacSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacSigner").finish_non_exhaustive()
    }
}

impl HmacSigner {
    /// A signer from key-file contents: the secret as text, one trailing newline ignored.
    ///
    /// Refused (`key.invalid`, field `key_file`): an empty secret, bytes that are not
    /// UTF-8, and any whitespace or control character inside the secret.
    pub fn from_key_file(contents: &[u8]) -> Result<Self> {
        let secret = strip_trailing_newline(contents);
        if secret.is_empty() {
            return Err(key_invalid(
                "expected an API secret as text; the key file is empty (empty_secret)",
            ));
        }
        let Ok(text) = std::str::from_utf8(secret) else {
            return Err(key_invalid(&format!(
                "expected an API secret as text; the key file's {} bytes are not UTF-8",
                secret.len()
            )));
        };
        if let Some(pos) = text
            .chars()
            .position(|c| c.is_whitespace() || c.is_control())
        {
            return Err(key_invalid(&format!(
                "expected an API secret alone on one line; character {} of {} is whitespace \
                 or a control character (a stray space, tab or second line?)",
                pos + 1,
                text.chars().count()
            )));
        }
        // HMAC takes keys of any length (longer ones are hashed first), so this does not
        // fail; if it ever did, refusing beats signing with anything else.
        let keyed = <HmacSha256 as KeyInit>::new_from_slice(secret)
            .map_err(|_| key_invalid("the API secret cannot be used as an HMAC-SHA256 key"))?;
        Ok(Self { keyed })
    }

    /// `HMAC-SHA256(key = the secret's UTF-8 bytes, msg = message)`, the raw 32-byte tag.
    pub fn sign(&self, message: &[u8]) -> [u8; 32] {
        self.mac(message).finalize().into_bytes().into()
    }

    /// The tag of [`HmacSigner::sign`] in standard base64 (RFC 4648 §4 alphabet, `=`
    /// padding, no line breaks): 44 characters.
    pub fn sign_base64(&self, message: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.sign(message))
    }

    /// True when `signature_b64` (standard base64, padded) is the tag of `message`.
    /// The comparison is constant-time.
    pub fn verify_base64(&self, message: &[u8], signature_b64: &str) -> bool {
        let Ok(tag) = base64::engine::general_purpose::STANDARD.decode(signature_b64) else {
            return false;
        };
        self.mac(message).verify_slice(&tag).is_ok()
    }

    /// True when `tag` is the tag of `message` (constant-time comparison).
    pub fn verify(&self, message: &[u8], tag: &[u8; 32]) -> bool {
        self.mac(message).verify_slice(tag).is_ok()
    }

    fn mac(&self, message: &[u8]) -> HmacSha256 {
        let mut mac = self.keyed.clone();
        mac.update(message);
        mac
    }
}

fn key_invalid(msg: &str) -> Error {
    Error::new(ErrorCode::KeyInvalid, Some("key_file"), msg.to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn ripio_worked_example() {
        // docs/venues/ripio.md worked example, REST DELETE /trade/orders; reproducible with openssl dgst -hmac.
        let s = HmacSigner::from_key_file(b"vector-secret-1\n").unwrap();
        let msg =
            b"1634567890000DELETE/trade/orders{\"id\":\"7155ED34-9EC4-4733-8B32-1E4319CB662F\"}";
        let sig = s.sign_base64(msg);
        assert_eq!(sig, "nBDqqNIfvBOUbNzXXPkBrn/pbrjz8U3N4TPtXqk00AE=");
        assert!(s.verify_base64(msg, &sig));
        assert!(!s.verify_base64(b"other", &sig));
        assert!(!s.verify_base64(msg, "not base64"));
    }

    #[test]
    fn rfc4231_case_2() {
        let s = HmacSigner::from_key_file(b"Jefe").unwrap();
        assert_eq!(
            hex::encode(s.sign(b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn bad_secrets_refused_without_echo() {
        for bad in [
            &b""[..],
            b"\n",
            b"\r\n",
            b"my-secret-value \n",
            b"my-secret-value\n\n",
            b"my-secret\tvalue",
            b"\xffmy-secret-value",
        ] {
            let e = HmacSigner::from_key_file(bad).unwrap_err();
            assert_eq!(e.code(), ErrorCode::KeyInvalid);
            assert!(!e.to_string().contains("my-secret"), "{e}");
        }
        let s = HmacSigner::from_key_file(b"my-secret-value\r\n").unwrap();
        assert!(!format!("{s:?}").contains("my-secret"));
    }
}
