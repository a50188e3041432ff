//! Signs a Polly request with AWS's documented example key and shows every step:
//! canonical request, its hash, string to sign, scope, signature, headers, and a
//! presigned URL for the same request. No AWS account needed.
//!
//! cargo run -p sigv4 --example explain [URL] [REGION] [SERVICE]

use std::time::Duration;

use sigv4::{Credentials, Request, Signer, SigningParams, SigningTime};

fn main() -> Result<(), sigv4::Error> {
    let mut args = std::env::args().skip(1);
    let url = args.next().unwrap_or_else(|| {
        "https://polly.eu-west-1.amazonaws.com/v1/voices?LanguageCode=en-US".into()
    });
    let region = args.next().unwrap_or_else(|| "eu-west-1".into());
    let service = args.next().unwrap_or_else(|| "polly".into());
    // AWS's documented example credentials: they sign, but no account accepts them.
    let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")?;
    let time = SigningTime::parse("20150830T123600Z")?;
    let params = SigningParams::new(&creds, &region, &service, time)?;
    let request = Request::new("GET", &url)?;
    let signer = Signer::new();
    let signed = signer.sign(&request, &params)?;
    let steps = signed.steps();
    println!("Signing GET {url} as {service} in {region} at {time}");
    println!("with AWS's documented example key AKIDEXAMPLE (no AWS account needed)\n");
    println!(
        "1. Canonical request:\n{}\n",
        steps.redacted_canonical_request()
    );
    println!("2. Its SHA-256: {}\n", steps.canonical_request_hash());
    println!("3. Credential scope: {}\n", steps.credential_scope());
    println!("4. String to sign:\n{}\n", steps.string_to_sign());
    println!("5. Signature: {}\n", steps.signature());
    println!("6. Headers to send:");
    for (name, value) in signed.headers() {
        println!("   {name}: {value}");
    }
    let presigned = signer.presign(&request, &params, Duration::from_secs(3600))?;
    println!("\n7. Presigned for an hour instead:\n{}", presigned.url());
    Ok(())
}
