//! Any bytes as `airsign verify` input: one consistent result line, never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| airsign::fuzzing::verify_envelope(data));
