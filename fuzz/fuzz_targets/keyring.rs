//! Any bytes as a keyring file: a keyring or a refusal that quotes no pin or path.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| airsign::fuzzing::keyring(data));
