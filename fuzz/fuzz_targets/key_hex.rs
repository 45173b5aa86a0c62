//! Any bytes as a hex key file (ed25519 seed, secp256k1 key): a signer or a clean key error.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| airsign::fuzzing::key_hex(data));
