//! Keystore passwords: where they come from is the caller's decision.
//!
//! The [`crate::Keyring`] asks a [`PasswordSource`] only when a venue needs a secp256k1
//! key and the key file turns out to be an encrypted keystore. Which source that is (a
//! file, a terminal prompt, nothing) and what happens to warnings is CLI policy; this
//! module only offers the two primitives, [`read_password_file`] and [`prompt_on_tty`],
//! both of which return the password in a zeroizing buffer.

use std::path::Path;

use airsign_core::{Error, ErrorCode, Result};

use crate::{FilePolicy, KeyFile, SecretBytes};

/// Something that can produce the keystore password when asked (at most once per
/// keyring). Any `Fn() -> Result<SecretBytes>` closure is one.
pub trait PasswordSource: Send + Sync {
    /// The password bytes, or why there are none.
    fn password(&self) -> Result<SecretBytes>;
}

impl<F> PasswordSource for F
where
    F: Fn() -> Result<SecretBytes> + Send + Sync,
{
    fn password(&self) -> Result<SecretBytes> {
        self()
    }
}

/// A password file's contents (one trailing newline removed) and any permission warning.
#[derive(Debug)]
pub struct PasswordFile {
    /// The password.
    pub password: SecretBytes,
    /// A warning for people (e.g. the file is readable by others), for stderr.
    pub warning: Option<String>,
}

/// Reads a password file the way key files are read (size cap, permission check under
/// `policy`) and strips one trailing newline (`\n` or `\r\n`); other whitespace is part of
/// the password.
pub fn read_password_file(path: &Path, policy: FilePolicy) -> Result<PasswordFile> {
    let file = KeyFile::read(path, policy).map_err(|e| {
        // KeyFile speaks of "key file"; say which file this is.
        Error::new(
            e.code(),
            Some("password_file"),
            e.message().replacen("key file", "password file", 1),
        )
    })?;
    let password = SecretBytes::new(file.bytes.without_trailing_newline().to_vec());
    let warning = file
        .warning
        .map(|w| w.replacen("key file", "password file", 1));
    Ok(PasswordFile { password, warning })
}

/// Prompts for the password on the controlling terminal (`/dev/tty`), without echo.
///
/// With no terminal (a pipe, cron, CI) this fails at once with `key.missing` instead of
/// waiting: standard input is never read, since it may carry the requests.
pub fn prompt_on_tty(prompt: &str) -> Result<SecretBytes> {
    match rpassword::prompt_password(prompt) {
        Ok(s) => Ok(SecretBytes::new(s.into_bytes())),
        Err(e) => Err(Error::new(
            ErrorCode::KeyMissing,
            Some("password_file"),
            format!(
                "the key file is an encrypted keystore and no password was given; pass \
                 --password-file PATH or set AIRSIGN_PASSWORD_FILE (no terminal to prompt \
                 on: {e})"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn trailing_newline_only() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pw");
        std::fs::write(&p, " pass word \r\n").unwrap();
        let f = read_password_file(&p, FilePolicy::Warn).unwrap();
        assert_eq!(f.password.expose(), b" pass word ");
        let e = read_password_file(&dir.path().join("none"), FilePolicy::Warn).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Io);
        assert_eq!(e.field(), Some("password_file"));
        assert!(e.message().contains("password file"), "{e}");
    }
}
