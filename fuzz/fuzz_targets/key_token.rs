//! Any bytes as a text credential (HMAC secret, bearer token): accepted or refused without a leak.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| airsign::fuzzing::key_token(data));
