#![no_main]
//! The command's parsers (credentials files, credential_process, STS answers, times,
//! headers, AWS error bodies): no panics.

libfuzzer_sys::fuzz_target!(|data: &[u8]| sigv4_cli::fuzzing::parsers(data));
