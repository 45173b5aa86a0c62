//! Mobula (in progress).
#![allow(missing_docs)]
pub fn build(
    req: &airsign_core::Request,
    _keys: &airsign_keys::Keyring,
    _ctx: &airsign_core::Context<'_>,
) -> airsign_core::Result<airsign_core::Envelope> {
    Err(req.unknown_action(&[]))
}
