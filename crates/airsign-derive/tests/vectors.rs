//! Every case of `vectors/derive.jsonl` through this crate alone, byte for byte.

#[test]
fn reference_vectors_pass_byte_for_byte() {
    airsign_testkit::run_vectors(&airsign_derive::VENUE);
}
