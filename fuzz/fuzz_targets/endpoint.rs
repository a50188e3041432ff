#![no_main]
//! Reading service, region and partition from a host name, and where an upload bucket
//! is from a name and an S3-compatible endpoint: no panics, and a result only for input
//! that could be one.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(endpoint) = sigv4::Endpoint::from_host(text) {
        assert!(!endpoint.service.is_empty() && !endpoint.region.is_empty());
    }
    // "bucket\nendpoint\nregion", the endpoint left out when empty.
    let mut parts = text.splitn(3, '\n');
    let (bucket, endpoint, region) = (
        parts.next().unwrap_or_default(),
        parts.next().filter(|e| !e.is_empty()),
        parts.next().unwrap_or("us-east-1"),
    );
    if let Ok((target, url)) = sigv4::UploadTarget::locate(bucket, endpoint, region) {
        assert_eq!(target.bucket(), bucket);
        assert!(url.starts_with("http") && url.ends_with('/'), "{url}");
        assert!(!url.contains(['?', '#', ' ']), "{url}");
        // The bucket's host is the endpoint's, or AWS's for the bucket and region.
        let host = url.split('/').nth(2).unwrap_or_default().to_ascii_lowercase();
        match endpoint {
            Some(e) => assert!(e.to_ascii_lowercase().contains(&host), "{url} from {e}"),
            // A bucket with dots goes path-style (AWS's certificates cover one label).
            None if bucket.contains('.') => {
                let aws = format!("https://s3.{region}.amazonaws.com/{bucket}/");
                assert_eq!(url.to_ascii_lowercase(), aws.to_ascii_lowercase());
            }
            None => assert_eq!(
                host,
                format!("{bucket}.s3.{region}.amazonaws.com").to_ascii_lowercase(),
                "{url}"
            ),
        }
    }
});
