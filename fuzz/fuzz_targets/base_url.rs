//! Any bytes as a request's base_url: refused, or a URL of exactly the allowed shape.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| airsign::fuzzing::base_url(data));
