//! Any bytes as JSON: canonical writing is stable (parse, write, parse, write: same bytes).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| airsign::fuzzing::canonical_json(data));
