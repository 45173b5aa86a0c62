//! `--format ur`: the whole input as Blockchain Commons Uniform Resources (`ur:bytes/…`),
//! for an animated QR code when a batch is larger than one code holds.
//!
//! The payload is the CBOR byte string of the input's envelope lines, each followed by a
//! line break (so the decoded payload is NDJSON as `batch` printed it). When it fits one
//! fragment it is one single-part UR; otherwise a fountain-coded multi-part UR
//! (`ur:bytes/<seq>-<count>/…`): the first `count` parts are the fragments themselves and
//! each later one mixes several, so a receiver that misses some parts still rebuilds the
//! payload from enough of the others, whichever they are. The encoding (bytewords, CRC32,
//! the Xoshiro256**-seeded fountain) is the one wallets such as Sparrow and Keystone speak,
//! from the `ur` crate.

use airsign_core::{Error, ErrorCode, Result};

/// Default payload bytes per fragment: a part is then about 430 characters, one QR code
/// of version 13 or so at error correction M, which phone cameras read at a glance.
pub const DEFAULT_FRAGMENT_SIZE: usize = 200;

/// Parts printed per fragment by default. The first `count` parts are the fragments; the
/// later ones mix several, and with the UR degree distribution a receiver needs about
/// twice `count` parts in all once a third of them are lost; three times leaves that
/// margin. (An animated display loops over them; a receiver stops when it is whole.)
pub const DEFAULT_PARTS_PER_FRAGMENT: usize = 3;

/// Most fragments printed (a guard against a typo in `--parts`).
pub const MAX_PARTS: usize = 1_000_000;

fn ur_error(what: &str, e: &dyn std::fmt::Display) -> Error {
    Error::new(ErrorCode::EnvelopeMalformed, None, format!("{what}: {e}"))
}

/// `payload` as a CBOR byte string (major type 2, shortest length form).
pub fn cbor_bytes(payload: &[u8]) -> Vec<u8> {
    let n = payload.len() as u64;
    let mut out = Vec::with_capacity(payload.len() + 9);
    match n {
        0..=23 => out.push(0x40 | n as u8),
        24..=0xff => out.extend_from_slice(&[0x58, n as u8]),
        0x100..=0xffff => {
            out.push(0x59);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(0x5a);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        }
        _ => {
            out.push(0x5b);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
    out.extend_from_slice(payload);
    out
}

/// The bytes of a CBOR byte string (definite length), or an error.
pub fn cbor_unwrap(cbor: &[u8]) -> Result<Vec<u8>> {
    let bad = || {
        Error::new(
            ErrorCode::EnvelopeMalformed,
            None,
            "expected a CBOR byte string in the ur:bytes payload",
        )
    };
    let (&head, rest) = cbor.split_first().ok_or_else(bad)?;
    if head >> 5 != 2 {
        return Err(bad());
    }
    let (len, rest) = match head & 0x1f {
        n @ 0..=23 => (u64::from(n), rest),
        k @ 24..=27 => {
            let size = 1usize << (k - 24);
            if rest.len() < size {
                return Err(bad());
            }
            let (l, r) = rest.split_at(size);
            (l.iter().fold(0u64, |a, &b| (a << 8) | u64::from(b)), r)
        }
        _ => return Err(bad()),
    };
    if rest.len() as u64 != len {
        return Err(bad());
    }
    Ok(rest.to_vec())
}

/// The UR parts for `payload`: one single-part UR when it fits one fragment of
/// `fragment_size` bytes, else `parts` fountain parts (default: three times the fragment count;
/// fewer than the fragment count could never be decoded and are refused).
pub fn encode(payload: &[u8], fragment_size: usize, parts: Option<usize>) -> Result<Vec<String>> {
    if fragment_size == 0 {
        return Err(Error::new(
            ErrorCode::EnvelopeMalformed,
            None,
            "expected a --fragment-size of at least 1 byte",
        ));
    }
    let cbor = cbor_bytes(payload);
    if cbor.len() <= fragment_size && parts.is_none_or(|p| p == 1) {
        return Ok(vec![ur::encode(&cbor, &ur::Type::Bytes)]);
    }
    let mut enc =
        ur::Encoder::bytes(&cbor, fragment_size).map_err(|e| ur_error("cannot encode UR", &e))?;
    let count = enc.fragment_count();
    let n = parts.unwrap_or(count.saturating_mul(DEFAULT_PARTS_PER_FRAGMENT));
    if n < count || n > MAX_PARTS {
        return Err(Error::new(
            ErrorCode::EnvelopeMalformed,
            None,
            format!(
                "expected --parts between {count} (the payload's fragment count: fewer can \
                 never be decoded) and {MAX_PARTS}, saw {n}"
            ),
        ));
    }
    (0..n)
        .map(|_| {
            enc.next_part()
                .map_err(|e| ur_error("cannot encode UR", &e))
        })
        .collect()
}

/// Rebuilds the payload from UR parts (in any order, repeats and extra parts welcome; a
/// blank line is skipped): the receiving side of [`encode`]. Errors when a part is not a
/// `ur:bytes` UR, when parts disagree, or when they run out before the payload is whole.
pub fn decode<S: AsRef<str>>(parts: impl IntoIterator<Item = S>) -> Result<Vec<u8>> {
    let mut r = Receiver::default();
    for part in parts {
        if let Some(payload) = r.receive(part.as_ref())? {
            return Ok(payload);
        }
    }
    Err(r.incomplete())
}

/// Takes UR parts one at a time (as a scanner reads them) until the payload is whole.
#[derive(Default)]
pub struct Receiver {
    decoder: ur::Decoder,
    seen: usize,
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver")
            .field("seen", &self.seen)
            .finish_non_exhaustive()
    }
}

impl Receiver {
    /// Takes one part (a line; text before `ur:`, such as a scanner's `QR-Code:` prefix,
    /// is ignored, and a blank line is skipped). Returns the payload once it is whole.
    pub fn receive(&mut self, line: &str) -> Result<Option<Vec<u8>>> {
        let line = line.trim();
        if line.is_empty() {
            return Ok(None);
        }
        self.seen += 1;
        let n = self.seen;
        let lower = line.to_ascii_lowercase();
        let Some(at) = lower.find("ur:bytes/") else {
            return Err(Error::new(
                ErrorCode::EnvelopeMalformed,
                None,
                format!("part {n}: expected a ur:bytes/… UR"),
            ));
        };
        let part = &lower[at..];
        if part.matches('/').count() == 1 {
            let (_, cbor) = ur::decode(part).map_err(|e| ur_error(&format!("part {n}"), &e))?;
            return cbor_unwrap(&cbor).map(Some);
        }
        self.decoder
            .receive(part)
            .map_err(|e| ur_error(&format!("part {n}"), &e))?;
        if !self.decoder.complete() {
            return Ok(None);
        }
        let cbor = self
            .decoder
            .message()
            .map_err(|e| ur_error("cannot reassemble the UR", &e))?
            .ok_or_else(|| ur_error("cannot reassemble the UR", &"incomplete"))?;
        cbor_unwrap(&cbor).map(Some)
    }

    /// The error for parts that ran out before the payload was whole.
    pub fn incomplete(&self) -> Error {
        Error::new(
            ErrorCode::EnvelopeMalformed,
            None,
            format!(
                "expected enough UR parts to rebuild the payload, saw {} ({} of {} fragments \
                 resolved); scan more parts",
                self.seen,
                self.decoder.resolved_fragment_count().unwrap_or(0),
                self.decoder.fragment_count()
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cbor_round_trips_at_every_length_form() {
        for n in [0usize, 23, 24, 255, 256, 65_535, 65_536] {
            let p = vec![7u8; n];
            let c = cbor_bytes(&p);
            assert_eq!(cbor_unwrap(&c).unwrap(), p, "{n}");
        }
        assert_eq!(cbor_bytes(b"ab"), [0x42, b'a', b'b']);
        assert!(cbor_unwrap(&[0x43, 1]).is_err());
        assert!(cbor_unwrap(&[0x62, 1, 2]).is_err());
    }

    #[test]
    fn single_and_multi_part() {
        let one = encode(b"{}\n", 200, None).unwrap();
        assert_eq!(one.len(), 1);
        assert!(one[0].starts_with("ur:bytes/") && one[0].matches('/').count() == 1);
        assert_eq!(decode(one.iter().map(String::as_str)).unwrap(), b"{}\n");
        let payload = vec![b'z'; 1000];
        let parts = encode(&payload, 100, None).unwrap();
        assert_eq!(parts.len(), 33);
        assert!(parts[0].starts_with("ur:bytes/1-11/"));
        // Without the first three fragments: the mixed parts fill them in.
        assert_eq!(
            decode(parts[3..].iter().map(String::as_str)).unwrap(),
            payload
        );
        assert!(encode(&payload, 100, Some(10)).is_err());
        assert!(decode(parts[..3].iter().map(String::as_str)).is_err());
    }
}
