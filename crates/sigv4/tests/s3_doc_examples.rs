//! The AWS S3 documentation's SigV4 examples (bucket examplebucket, access key
//! AKIAIOSFODNN7EXAMPLE, 2013-05-24): the published signatures, canonical request hashes
//! and strings to sign, hard-coded as facts. The requests carry the headers exactly as
//! the documentation prints them, trailing spaces included.

use std::time::Duration;

use sigv4::{Credentials, Payload, Request, Signer, SigningParams, SigningTime};

const EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn creds() -> Credentials {
    Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )
    .expect("credentials")
}

/// The examples' scope: us-east-1, s3, 2013-05-24T00:00:00Z.
fn params(creds: &Credentials) -> SigningParams<'_> {
    let time = SigningTime::parse("20130524T000000Z").expect("time");
    SigningParams::new(creds, "us-east-1", "s3", time).expect("params")
}

fn sign_s3(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    payload: Payload<'_>,
) -> sigv4::SignedRequest {
    let creds = creds();
    let params = params(&creds);
    let request = Request::new(method, url)
        .expect("request")
        .with_headers(headers)
        .with_payload(payload);
    Signer::new().sign(&request, &params).expect("sign")
}

fn sts(hash: &str) -> String {
    format!("AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n{hash}")
}

#[test]
fn get_object_with_range() {
    let signed = sign_s3(
        "GET",
        "https://examplebucket.s3.amazonaws.com/test.txt",
        &[
            ("Host", "examplebucket.s3.amazonaws.com"),
            ("Range", "bytes=0-9 "),
            ("x-amz-content-sha256", EMPTY),
            ("x-amz-date", "20130524T000000Z "),
        ],
        Payload::Empty,
    );
    let steps = signed.steps();
    assert_eq!(
        steps.canonical_request(),
        format!(
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n\
             x-amz-content-sha256:{EMPTY}\nx-amz-date:20130524T000000Z\n\n\
             host;range;x-amz-content-sha256;x-amz-date\n{EMPTY}"
        )
    );
    assert_eq!(
        steps.string_to_sign(),
        sts("7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972")
    );
    assert_eq!(
        steps.signature(),
        "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    );
    assert_eq!(
        signed.authorization(),
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
         SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, \
         Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    );
}

#[test]
fn put_object() {
    let body = b"Welcome to Amazon S3.";
    let signed = sign_s3(
        "PUT",
        "https://examplebucket.s3.amazonaws.com/test%24file.text",
        &[
            ("Host", "examplebucket.s3.amazonaws.com"),
            ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
            ("x-amz-date", "20130524T000000Z "),
            ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        ],
        Payload::Bytes(body),
    );
    let steps = signed.steps();
    assert_eq!(
        steps.signed_headers(),
        "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class"
    );
    assert!(
        steps
            .canonical_request()
            .starts_with("PUT\n/test%24file.text\n\n")
    );
    assert!(
        steps
            .canonical_request()
            .ends_with("\n44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
    );
    assert_eq!(
        steps.string_to_sign(),
        sts("9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d")
    );
    assert_eq!(
        steps.signature(),
        "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
    );
}

#[test]
fn get_bucket_lifecycle() {
    let signed = sign_s3(
        "GET",
        "https://examplebucket.s3.amazonaws.com/?lifecycle",
        &[("x-amz-date", "20130524T000000Z ")],
        Payload::Empty,
    );
    let steps = signed.steps();
    assert_eq!(
        steps.canonical_request(),
        format!(
            "GET\n/\nlifecycle=\nhost:examplebucket.s3.amazonaws.com\n\
             x-amz-content-sha256:{EMPTY}\nx-amz-date:20130524T000000Z\n\n\
             host;x-amz-content-sha256;x-amz-date\n{EMPTY}"
        )
    );
    assert_eq!(
        steps.string_to_sign(),
        sts("9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca")
    );
    assert_eq!(
        steps.signature(),
        "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"
    );
}

#[test]
fn list_objects() {
    let signed = sign_s3(
        "GET",
        "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J",
        &[("x-amz-content-sha256", EMPTY)],
        Payload::Empty,
    );
    assert_eq!(
        signed.steps().string_to_sign(),
        sts("df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7")
    );
    assert_eq!(
        signed.steps().signature(),
        "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
    );
}

#[test]
fn presigned_get_for_a_day() {
    let creds = creds();
    let params = params(&creds);
    let request =
        Request::new("GET", "https://examplebucket.s3.amazonaws.com/test.txt").expect("request");
    let url = Signer::new()
        .presign(&request, &params, Duration::from_secs(86400))
        .expect("presign");
    assert_eq!(
        url.steps().canonical_request(),
        "GET\n/test.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\nhost:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD"
    );
    assert_eq!(
        url.steps().string_to_sign(),
        sts("3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04")
    );
    assert_eq!(
        url.url(),
        "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    );
}

#[test]
fn http_request_in_place_matches_the_get_object_example() {
    let creds = creds();
    let params = params(&creds);
    let mut req = http::Request::get("https://examplebucket.s3.amazonaws.com/test.txt")
        .header("range", "bytes=0-9")
        .body(())
        .expect("request");
    let signed = Signer::new()
        .sign_http(&mut req, Payload::Empty, &params)
        .expect("sign");
    let steps = signed.steps();
    assert_eq!(
        steps.signature(),
        "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    );
    assert_eq!(req.headers()["x-amz-content-sha256"], EMPTY);
    assert_eq!(req.headers()["x-amz-date"], "20130524T000000Z");
}
