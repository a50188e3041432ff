#![no_main]
//! POST policy parsing and checking, and the upload rules' canonical-request parser:
//! no panics, and a parsed policy round-trips.

libfuzzer_sys::fuzz_target!(|data: &[u8]| sigv4::fuzzing::policy(data));
