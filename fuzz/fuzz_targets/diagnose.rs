#![no_main]
//! The error-response and raw-request parsers, and a whole diagnosis of what they read.

libfuzzer_sys::fuzz_target!(|data: &[u8]| sigv4::fuzzing::diagnose(data));
