//! Any bytes as a request line: an envelope or an error object, never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| airsign::fuzzing::request_line(data));
