//! Any bytes as a Solana CLI keypair file: a signer or a clean key error, never a panic or a leak.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| airsign::fuzzing::key_solana_json(data));
