//! Every case of `vectors/pacifica.jsonl` through this crate alone (the keyring's
//! authorization, then `VENUE.build`), byte for byte, refusals by code and field.

#[test]
fn reference_vectors_pass_byte_for_byte() {
    airsign_testkit::run_vectors(&airsign_pacifica::VENUE);
}
