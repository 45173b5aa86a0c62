//! `--format qr`: one QR code per envelope line, holding the line's bytes exactly (one
//! byte-mode segment, never re-encoded as text), in the smallest version (1–40) that holds
//! it at the chosen error-correction level (default M: 15 % of the code may be lost).

use airsign_core::{Error, ErrorCode, Result};
use qrcode::bits::Bits;
use qrcode::{Color, QrCode, Version};

use crate::render::png;

/// QR error-correction level: the share of the code that may be damaged or unread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EcLevel {
    /// About 7 %; holds the most (2953 bytes in version 40).
    L,
    /// About 15 % (the default; 2331 bytes in version 40).
    M,
    /// About 25 % (1663 bytes).
    Q,
    /// About 30 % (1273 bytes).
    H,
}

impl EcLevel {
    fn qr(self) -> qrcode::EcLevel {
        match self {
            Self::L => qrcode::EcLevel::L,
            Self::M => qrcode::EcLevel::M,
            Self::Q => qrcode::EcLevel::Q,
            Self::H => qrcode::EcLevel::H,
        }
    }

    /// The most bytes one code (version 40) holds at this level in byte mode.
    pub const fn max_bytes(self) -> usize {
        match self {
            Self::L => 2953,
            Self::M => 2331,
            Self::Q => 1663,
            Self::H => 1273,
        }
    }

    /// The level's letter.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::L => "L",
            Self::M => "M",
            Self::Q => "Q",
            Self::H => "H",
        }
    }
}

/// One encoded QR code.
#[derive(Debug, Clone)]
pub struct Qr {
    /// The version (1–40): the code is `17 + 4 × version` modules wide.
    pub version: i16,
    /// Modules per side.
    pub width: usize,
    /// Row by row, `true` for a dark module.
    dark: Vec<bool>,
}

/// Pixels per module in a PNG.
pub const PNG_SCALE: usize = 4;
/// Light modules around a PNG code (the standard's quiet zone).
pub const PNG_QUIET: usize = 4;
/// Light modules around a terminal code.
const TERMINAL_QUIET: usize = 2;

/// How the data is put in the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// 8 bits per byte, any bytes: envelope lines, exactly.
    Byte,
    /// 5.5 bits per character, `0-9 A-Z $%*+-./:` and space only: upper-case UR parts,
    /// as animated-QR wallets print them (45 % more per code).
    Alphanumeric,
}

/// Encodes `data` as one byte-mode segment in the smallest version that holds it.
pub fn encode(data: &[u8], ec: EcLevel) -> Result<Qr> {
    encode_in(data, ec, Mode::Byte)
}

/// Encodes `data` as one segment of `mode` in the smallest version that holds it.
pub fn encode_in(data: &[u8], ec: EcLevel, mode: Mode) -> Result<Qr> {
    if mode == Mode::Alphanumeric
        && !data
            .iter()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase() || b" $%*+-./:".contains(b))
    {
        return Err(Error::new(
            ErrorCode::EnvelopeMalformed,
            None,
            "expected only QR alphanumeric characters (0-9, A-Z, space, $%*+-./:)",
        ));
    }
    let max = match mode {
        Mode::Byte => ec.max_bytes(),
        // Version 40 holds 4296 / 3391 / 2420 / 1852 alphanumeric characters.
        Mode::Alphanumeric => match ec {
            EcLevel::L => 4296,
            EcLevel::M => 3391,
            EcLevel::Q => 2420,
            EcLevel::H => 1852,
        },
    };
    let too_long = || {
        Error::new(
            ErrorCode::EnvelopeMalformed,
            None,
            format!(
                "expected at most {} bytes for one QR code (version 40, error correction {}), \
                 saw {}; use --format ur for an animated code{}",
                max,
                ec.as_str(),
                data.len(),
                if ec == EcLevel::L {
                    ""
                } else {
                    ", or a lower --ec-level"
                }
            ),
        )
    };
    if data.len() > max {
        return Err(too_long());
    }
    for v in 1..=40i16 {
        let mut bits = Bits::new(Version::Normal(v));
        let pushed = match mode {
            Mode::Byte => bits.push_byte_data(data),
            Mode::Alphanumeric => bits.push_alphanumeric_data(data),
        };
        if pushed.is_err() || bits.push_terminator(ec.qr()).is_err() {
            continue;
        }
        let code = QrCode::with_bits(bits, ec.qr()).map_err(|e| {
            Error::new(
                ErrorCode::EnvelopeMalformed,
                None,
                format!("cannot build a QR code: {e}"),
            )
        })?;
        let width = code.width();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect();
        return Ok(Qr {
            version: v,
            width,
            dark,
        });
    }
    Err(too_long())
}

impl Qr {
    /// Whether the module at column `x`, row `y` is dark (outside the code: light).
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }

    /// The code as a PNG: black on white, [`PNG_SCALE`] pixels per module, a
    /// [`PNG_QUIET`]-module quiet zone.
    pub fn png(&self) -> Vec<u8> {
        let side = (self.width + 2 * PNG_QUIET) * PNG_SCALE;
        png::encode_bilevel(side, side, |x, y| {
            let (mx, my) = (x / PNG_SCALE, y / PNG_SCALE);
            mx >= PNG_QUIET && my >= PNG_QUIET && self.is_dark(mx - PNG_QUIET, my - PNG_QUIET)
        })
    }

    /// The code for a terminal, two module rows per text line with Unicode half blocks.
    /// Drawn for light text on a dark background: a light module is a filled half, so the
    /// code shows dark-on-light like a printed one.
    pub fn terminal(&self) -> String {
        let side = self.width + 2 * TERMINAL_QUIET;
        let light = |x: usize, y: usize| {
            !(x >= TERMINAL_QUIET
                && y >= TERMINAL_QUIET
                && self.is_dark(x - TERMINAL_QUIET, y - TERMINAL_QUIET))
        };
        let mut out = String::with_capacity(side * side * 2);
        for row in (0..side).step_by(2) {
            for x in 0..side {
                let top = light(x, row);
                let bottom = row + 1 >= side || light(x, row + 1);
                out.push(match (top, bottom) {
                    (true, true) => '\u{2588}',
                    (true, false) => '\u{2580}',
                    (false, true) => '\u{2584}',
                    (false, false) => ' ',
                });
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smallest_version_and_the_limit() {
        assert_eq!(encode(b"hello", EcLevel::M).unwrap().version, 1);
        let full = vec![b'x'; 2331];
        let q = encode(&full, EcLevel::M).unwrap();
        assert_eq!((q.version, q.width), (40, 177));
        let e = encode(&[b'x'; 2332], EcLevel::M).unwrap_err();
        assert!(e.message().contains("at most 2331 bytes"), "{e}");
        assert_eq!(encode(&[b'x'; 2953], EcLevel::L).unwrap().version, 40);
        assert!(encode(&[b'x'; 1274], EcLevel::H).is_err());
        let up = vec![b'A'; 3391];
        assert_eq!(
            encode_in(&up, EcLevel::M, Mode::Alphanumeric)
                .unwrap()
                .version,
            40
        );
        assert!(encode_in(&[b'A'; 3392], EcLevel::M, Mode::Alphanumeric).is_err());
        assert!(encode_in(b"ur:bytes", EcLevel::M, Mode::Alphanumeric).is_err());
    }
}
