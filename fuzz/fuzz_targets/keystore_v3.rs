//! Any bytes as an Ethereum keystore V3 file: parsed within the caps, cheap ones decrypted.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| airsign::fuzzing::keystore_v3(data));
