//! A small, exact MessagePack writer: the few types Hyperliquid's cancel actions use, each
//! in the encoding Python's `msgpack.packb` picks by default.
//!
//! - maps with string keys (`fixmap` up to 15 entries, then `map16`, `map32`);
//! - strings (`fixstr` up to 31 bytes, then `str8`, `str16`, `str32`; Python's default
//!   `use_bin_type=True` writes `str8` for 32–255 bytes);
//! - non-negative integers in the smallest unsigned form: positive fixint (0–127),
//!   `uint8` (`cc`), `uint16` (`cd`), `uint32` (`ce`), `uint64` (`cf`);
//! - arrays (`fixarray` up to 15 items, then `array16`, `array32`);
//! - `nil` and booleans (not used by the current actions, kept for completeness).
//!
//! The writer appends to a `Vec<u8>` and cannot fail; the caller writes map keys in the
//! venue's field order, which is what makes the bytes the venue's.

/// Appends MessagePack values to a byte buffer.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Writer {
    /// The bytes written so far.
    pub buf: Vec<u8>,
}

impl Writer {
    /// An empty writer with room for `cap` bytes.
    pub fn with_capacity(cap: usize) -> Self {
        Self {
            buf: Vec::with_capacity(cap),
        }
    }

    /// A map header for `len` entries (each entry: a key, then its value).
    pub fn map(&mut self, len: usize) {
        self.header(len, 0x80, 0xde, 0xdf);
    }

    /// An array header for `len` items.
    pub fn array(&mut self, len: usize) {
        self.header(len, 0x90, 0xdc, 0xdd);
    }

    fn header(&mut self, len: usize, fix: u8, h16: u8, h32: u8) {
        if len < 16 {
            // len < 16 fits the low nibble.
            self.buf.push(fix | len as u8);
        } else if let Ok(n) = u16::try_from(len) {
            self.buf.push(h16);
            self.buf.extend_from_slice(&n.to_be_bytes());
        } else {
            self.buf.push(h32);
            let n = u32::try_from(len).unwrap_or(u32::MAX);
            self.buf.extend_from_slice(&n.to_be_bytes());
        }
    }

    /// A UTF-8 string.
    pub fn str(&mut self, s: &str) {
        let len = s.len();
        if len < 32 {
            self.buf.push(0xa0 | len as u8);
        } else if let Ok(n) = u8::try_from(len) {
            self.buf.extend_from_slice(&[0xd9, n]);
        } else if let Ok(n) = u16::try_from(len) {
            self.buf.push(0xda);
            self.buf.extend_from_slice(&n.to_be_bytes());
        } else {
            self.buf.push(0xdb);
            let n = u32::try_from(len).unwrap_or(u32::MAX);
            self.buf.extend_from_slice(&n.to_be_bytes());
        }
        self.buf.extend_from_slice(s.as_bytes());
    }

    /// A non-negative integer in the smallest form that holds it.
    pub fn uint(&mut self, n: u64) {
        if n < 0x80 {
            self.buf.push(n as u8);
        } else if let Ok(b) = u8::try_from(n) {
            self.buf.extend_from_slice(&[0xcc, b]);
        } else if let Ok(h) = u16::try_from(n) {
            self.buf.push(0xcd);
            self.buf.extend_from_slice(&h.to_be_bytes());
        } else if let Ok(w) = u32::try_from(n) {
            self.buf.push(0xce);
            self.buf.extend_from_slice(&w.to_be_bytes());
        } else {
            self.buf.push(0xcf);
            self.buf.extend_from_slice(&n.to_be_bytes());
        }
    }

    /// `true` or `false`.
    pub fn bool(&mut self, b: bool) {
        self.buf.push(if b { 0xc3 } else { 0xc2 });
    }

    /// `nil`.
    pub fn nil(&mut self) {
        self.buf.push(0xc0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex_of(f: impl FnOnce(&mut Writer)) -> String {
        let mut w = Writer::default();
        f(&mut w);
        hex::encode(w.buf)
    }

    #[test]
    fn integers_take_the_smallest_form() {
        // The boundaries of each form, as Python's msgpack.packb writes them.
        for (n, want) in [
            (0u64, "00"),
            (127, "7f"),
            (128, "cc80"),
            (255, "ccff"),
            (256, "cd0100"),
            (65535, "cdffff"),
            (65536, "ce00010000"),
            (u64::from(u32::MAX), "ceffffffff"),
            (1 << 32, "cf0000000100000000"),
            (u64::MAX, "cfffffffffffffffff"),
        ] {
            assert_eq!(hex_of(|w| w.uint(n)), want, "{n}");
        }
    }

    #[test]
    fn strings_maps_arrays() {
        assert_eq!(hex_of(|w| w.str("")), "a0");
        assert_eq!(hex_of(|w| w.str("type")), "a474797065");
        let s31 = "x".repeat(31);
        assert!(hex_of(|w| w.str(&s31)).starts_with("bf"));
        let s32 = "x".repeat(32);
        assert!(hex_of(|w| w.str(&s32)).starts_with("d920"));
        let s256 = "x".repeat(256);
        assert!(hex_of(|w| w.str(&s256)).starts_with("da0100"));
        let s65536 = "x".repeat(65536);
        assert!(hex_of(|w| w.str(&s65536)).starts_with("db00010000"));
        assert_eq!(hex_of(|w| w.map(0)), "80");
        assert_eq!(hex_of(|w| w.map(15)), "8f");
        assert_eq!(hex_of(|w| w.map(16)), "de0010");
        assert_eq!(hex_of(|w| w.array(1)), "91");
        assert_eq!(hex_of(|w| w.array(15)), "9f");
        assert_eq!(hex_of(|w| w.array(16)), "dc0010");
        assert_eq!(hex_of(|w| w.array(70000)), "dd00011170");
        assert_eq!(hex_of(|w| w.nil()), "c0");
        assert_eq!(hex_of(|w| w.bool(true)), "c3");
        assert_eq!(hex_of(|w| w.bool(false)), "c2");
    }

    #[test]
    fn the_cancel_one_example() {
        // {"type":"cancel","cancels":[{"a":0,"o":12345}]}
        let got = hex_of(|w| {
            w.map(2);
            w.str("type");
            w.str("cancel");
            w.str("cancels");
            w.array(1);
            w.map(2);
            w.str("a");
            w.uint(0);
            w.str("o");
            w.uint(12345);
        });
        assert_eq!(
            got,
            "82a474797065a663616e63656ca763616e63656c739182a16100a16fcd3039"
        );
    }
}
