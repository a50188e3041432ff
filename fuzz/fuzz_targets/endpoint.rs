#![no_main]
//! Reading service, region and partition from a host name: no panics, and a result
//! only for hosts that could be one.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(host) = std::str::from_utf8(data)
        && let Some(endpoint) = sigv4::Endpoint::from_host(host)
    {
        assert!(!endpoint.service.is_empty() && !endpoint.region.is_empty());
    }
});
