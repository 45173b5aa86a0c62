//! Any bytes as a whole batch input: one answer per line, in order, on one and two threads.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| airsign::fuzzing::batch(data));
