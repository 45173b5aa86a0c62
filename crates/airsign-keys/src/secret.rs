//! Secret buffers and key files.
//!
//! A key file is read whole into a [`SecretBytes`] (zeroized on drop); nothing else keeps
//! a copy. A file that others can read gets a warning, or is refused under
//! [`FilePolicy::Strict`], the way ssh treats private keys.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use airsign_core::{Error, ErrorCode, Result};
use zeroize::Zeroizing;

/// Bytes that are secret: zeroized on drop, never printed, never cloned.
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Takes ownership of `bytes` (which are zeroized when this value drops).
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The secret bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The bytes without one trailing newline (`\n` or `\r\n`): docs/format.md says a
    /// trailing newline in a key file is ignored.
    pub fn without_trailing_newline(&self) -> &[u8] {
        strip_trailing_newline(self.expose())
    }
}

/// `b` without one trailing newline (`\n`, `\r\n` or a lone `\r`).
pub(crate) fn strip_trailing_newline(b: &[u8]) -> &[u8] {
    let b = b.strip_suffix(b"\n").unwrap_or(b);
    b.strip_suffix(b"\r").unwrap_or(b)
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretBytes").finish_non_exhaustive()
    }
}

/// What to do with a key file that group or others may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FilePolicy {
    /// Use it, with a warning.
    #[default]
    Warn,
    /// Refuse it (`key.permissions`).
    Strict,
}

/// A key file's contents, where it came from, and any warning about it.
pub struct KeyFile {
    /// The file's path, for messages.
    pub path: PathBuf,
    /// The contents.
    pub bytes: SecretBytes,
    /// A warning for people (e.g. loose permissions), to print on stderr.
    pub warning: Option<String>,
}

impl fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyFile")
            .field("path", &self.path)
            .field("warning", &self.warning)
            .finish_non_exhaustive()
    }
}

/// Largest key file airsign reads: keys and keystores are a few KiB at most.
pub const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;

impl KeyFile {
    /// Reads the key file at `path`, checking its permissions under `policy`.
    pub fn read(path: &Path, policy: FilePolicy) -> Result<Self> {
        let io_err = |what: &str, e: std::io::Error| {
            Error::new(
                ErrorCode::Io,
                Some("key_file"),
                format!("cannot {what} key file {}: {e}", path.display()),
            )
        };
        let file = open_nonblocking(path).map_err(|e| io_err("open", e))?;
        let meta = file.metadata().map_err(|e| io_err("inspect", e))?;
        if !meta.is_file() {
            return Err(Error::new(
                ErrorCode::Io,
                Some("key_file"),
                format!("key file {} is not a regular file", path.display()),
            ));
        }
        let warning = permission_problem(&meta).map(|mode| {
            format!(
                "key file {} is readable by others (mode {mode:o}); run: chmod 600 {}",
                path.display(),
                path.display()
            )
        });
        if let (Some(w), FilePolicy::Strict) = (&warning, policy) {
            return Err(Error::new(
                ErrorCode::KeyPermissions,
                Some("key_file"),
                format!("refused (--strict-permissions): {w}"),
            ));
        }
        let buf =
            read_secret(file, meta.len(), MAX_KEY_FILE_BYTES).map_err(|e| io_err("read", e))?;
        if buf.len() as u64 > MAX_KEY_FILE_BYTES {
            return Err(Error::new(
                ErrorCode::KeyInvalid,
                Some("key_file"),
                format!(
                    "key file {} is larger than {MAX_KEY_FILE_BYTES} bytes: not a key",
                    path.display()
                ),
            ));
        }
        Ok(Self {
            path: path.to_owned(),
            bytes: SecretBytes(buf),
            warning,
        })
    }
}

/// Opens `path` for reading without blocking: a FIFO (or a device) would otherwise hold
/// the open until a writer comes, before the regular-file check could refuse it. On a
/// regular file the flag changes nothing.
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // rustix's constant: the value of O_NONBLOCK differs between architectures.
        let flags = rustix::fs::OFlags::NONBLOCK.bits();
        opts.custom_flags(i32::try_from(flags).unwrap_or(0));
    }
    opts.open(path)
}

/// Reads at most `max + 1` bytes of `reader` into a zeroizing buffer that is never
/// reallocated behind our back.
///
/// `read_to_end` grows its `Vec` by reallocating, and every reallocation frees the old
/// block with the key's first bytes still in it, where no `Zeroizing` can reach them.
/// Here the buffer is sized from the file's length up front; if the file turns out to be
/// longer (it grew while we read), the bytes move to a larger zeroizing buffer by hand,
/// and the old one is wiped as it drops.
pub(crate) fn read_secret(
    mut reader: impl Read,
    size_hint: u64,
    max: u64,
) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let limit = usize::try_from(max.saturating_add(1)).unwrap_or(usize::MAX);
    // One byte more than the file's length, so end of file is seen without growing.
    let first = usize::try_from(size_hint.saturating_add(1))
        .unwrap_or(usize::MAX)
        .max(256)
        .min(limit);
    let mut buf = Zeroizing::new(vec![0u8; first]);
    let mut filled = 0;
    loop {
        if filled == buf.len() {
            if buf.len() >= limit {
                break;
            }
            let mut bigger = Zeroizing::new(vec![0u8; buf.len().saturating_mul(2).min(limit)]);
            bigger[..filled].copy_from_slice(&buf[..filled]);
            buf = bigger;
        }
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    // Shrinking the length keeps the allocation; `Zeroizing` wipes its whole capacity.
    buf.truncate(filled);
    Ok(buf)
}

#[cfg(unix)]
fn permission_problem(meta: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then_some(mode)
}

#[cfg(not(unix))]
fn permission_problem(_meta: &std::fs::Metadata) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A FIFO, a device or a directory is refused at once (a FIFO used to block the open
    /// forever, waiting for a writer).
    #[cfg(target_os = "linux")]
    #[test]
    fn odd_files_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
        )
        .unwrap();
        for p in [
            fifo.as_path(),
            Path::new("/dev/zero"),
            Path::new("/dev/null"),
            dir.path(),
        ] {
            let (tx, rx) = std::sync::mpsc::channel();
            let p2 = p.to_owned();
            std::thread::spawn(move || {
                let r = KeyFile::read(&p2, FilePolicy::Warn).map(|_| ());
                let pw = crate::read_password_file(&p2, FilePolicy::Warn).map(|_| ());
                let _ = tx.send((r, pw));
            });
            let (r, pw) = rx
                .recv_timeout(std::time::Duration::from_secs(1))
                .unwrap_or_else(|_| panic!("{} blocked for a second", p.display()));
            let e = r.unwrap_err();
            assert_eq!(e.code(), ErrorCode::Io, "{e}");
            assert!(e.message().contains("not a regular file"), "{e}");
            let e = pw.unwrap_err();
            assert_eq!(e.field(), Some("password_file"), "{e}");
            assert!(e.message().contains("password file"), "{e}");
            assert!(e.message().contains("not a regular file"), "{e}");
        }
    }

    #[test]
    fn debug_prints_nothing_secret() {
        let s = SecretBytes::new(b"super-secret".to_vec());
        assert!(!format!("{s:?}").contains("super"));
    }

    #[test]
    fn read_secret_reads_everything_up_to_the_cap() {
        for len in [0usize, 1, 255, 256, 257, 1000, 5000] {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            for hint in [0u64, 10, len as u64, 1 << 20] {
                let got = read_secret(&data[..], hint, 4096).unwrap();
                assert_eq!(&got[..], &data[..len.min(4097)], "len {len} hint {hint}");
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn loose_permissions_warn_or_refuse() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k");
        std::fs::write(&p, "secret\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        let k = KeyFile::read(&p, FilePolicy::Warn).unwrap();
        assert!(k.warning.is_some());
        assert_eq!(k.bytes.without_trailing_newline(), b"secret");
        let e = KeyFile::read(&p, FilePolicy::Strict).unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeyPermissions);
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(
            KeyFile::read(&p, FilePolicy::Strict)
                .unwrap()
                .warning
                .is_none()
        );
    }
}
