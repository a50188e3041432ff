#![no_main]
//! The aws-chunked decoder and verifier: no panics on any input, fed in any pieces.

libfuzzer_sys::fuzz_target!(|data: &[u8]| sigv4::fuzzing::chunked(data));
