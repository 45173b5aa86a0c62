//! Eight bytes at a time in one `u64`: finding bytes of interest in a block without a
//! branch per byte (the shape check's string skip and the writer's escaping).

pub(super) const ONES: u64 = 0x0101_0101_0101_0101;
pub(super) const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
pub(super) const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Bit 7 of each byte set where that byte of `x` equals `c` (exact: no carry crosses a
/// byte, since every sum stays below 0x100).
pub(super) const fn bytes_equal(x: u64, c: u8) -> u64 {
    let y = x ^ (ONES * c as u64);
    !(((y & LOW7) + LOW7) | y) & HIGHS
}
