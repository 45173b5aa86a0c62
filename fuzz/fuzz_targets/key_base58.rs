//! Any bytes as a base58 keypair file: a signer or a clean key error, never a panic or a leak.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| airsign::fuzzing::key_base58(data));
