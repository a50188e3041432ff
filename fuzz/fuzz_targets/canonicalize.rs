#![no_main]
//! URL, query and header canonicalization, header signing and presigning: no panics.

libfuzzer_sys::fuzz_target!(|data: &[u8]| sigv4::fuzzing::canonicalize(data));
