#![no_main]
//! Server-side verification of any raw request, an aws-chunked body included.

libfuzzer_sys::fuzz_target!(|data: &[u8]| sigv4::fuzzing::verify(data));
