//! The signature itself: when the canonical strings match, which key (or which wrong
//! derivation of it) gives the signature sent.

use super::{Cause, DiagnoseInput, Finding, finding, sent_auth};
use crate::encode::hex_lower;
use crate::key::hmac;
use crate::{AwsError, SigningKey};

/// The signature with hex strings passed between the derivation's steps.
fn hex_chain_signature(secret: &str, date: &str, region: &str, service: &str, sts: &str) -> String {
    let hx = |b: &[u8; 32]| hex_lower(b).to_string();
    let k = hx(&hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes()));
    let k = hx(&hmac(k.as_bytes(), region.as_bytes()));
    let k = hx(&hmac(k.as_bytes(), service.as_bytes()));
    let k = hx(&hmac(k.as_bytes(), b"aws4_request"));
    hx(&hmac(k.as_bytes(), sts.as_bytes()))
}

/// Other derivations seen in hand-written signers, each with what it does wrong: no
/// `AWS4` prefix, date and region swapped, the full X-Amz-Date (`amz_date`) in place of
/// the scope's YYYYMMDD.
fn derivation_variants(
    secret: &str,
    (amz_date, date, region, service): (&str, &str, &str, &str),
    sts: &str,
) -> [(String, &'static str); 3] {
    let chain = |seed: &[u8], steps: [&str; 4]| {
        let mut k = hmac(seed, steps[0].as_bytes());
        for s in &steps[1..] {
            k = hmac(&*k, s.as_bytes());
        }
        hex_lower(&hmac(&*k, sts.as_bytes())).to_string()
    };
    let aws4 = format!("AWS4{secret}");
    [
        (
            chain(secret.as_bytes(), [date, region, service, "aws4_request"]),
            "the key was derived from the secret without the \"AWS4\" prefix",
        ),
        (
            chain(aws4.as_bytes(), [region, date, service, "aws4_request"]),
            "the key was derived with the region before the date",
        ),
        (
            chain(aws4.as_bytes(), [amz_date, region, service, "aws4_request"]),
            "the key was derived with the full X-Amz-Date instead of the scope's YYYYMMDD date",
        ),
    ]
}

pub(super) fn signature_findings(
    input: &DiagnoseInput<'_>,
    sts: Option<&str>,
    ref_sts: Option<&str>,
    aws: Option<&AwsError>,
    notes: &mut Vec<String>,
    f: &mut Vec<Finding>,
) {
    let theirs = input
        .signature
        .map(str::to_owned)
        .or_else(|| input.request.and_then(sent_auth).and_then(|a| a.signature))
        .or_else(|| aws.and_then(|a| a.signature_provided.clone()));
    let Some(sig) = theirs else {
        if sts.is_some() && (ref_sts.is_some() || aws.is_some()) {
            notes.push("your canonical request and string to sign match: give the signature sent to check the key".into());
        }
        return;
    };
    if sig.len() != 64 || sig.bytes().any(|b| !matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        f.push(finding(
            Cause::SignatureEncoding,
            format!("the signature {sig:?} is not 64 lower-case hex digits"),
            Vec::new(),
        ));
        return;
    }
    let Some(sts) = sts else {
        return;
    };
    let amz_date = sts.split('\n').nth(1).unwrap_or_default();
    let scope = sts.split('\n').nth(2).unwrap_or_default();
    let mut sp = scope.split('/');
    let (date, region, service) = (
        sp.next().unwrap_or_default(),
        sp.next().unwrap_or_default(),
        sp.next().unwrap_or_default(),
    );
    let creds = input.credentials;
    let Some(creds) = creds else {
        if ref_sts.is_some() {
            f.push(finding(
                Cause::KeyOrSecret,
                "the canonical request and string to sign match AWS's, yet the signature differs",
                Vec::new(),
            ));
        }
        return;
    };
    let secret = creds.secret();
    let right = SigningKey::derive(secret, date, region, service).sign(sts.as_bytes());
    if sig == right {
        if ref_sts.is_some() || aws.is_some() {
            let other_key = aws
                .and_then(|a| a.access_key_id.as_deref())
                .filter(|k| *k != creds.access_key_id());
            let msg = match other_key {
                Some(k) => format!("AWS received access key {k}, not {}", creds.access_key_id()),
                None => "the signature is right for these credentials: AWS holds another secret for this access key".into(),
            };
            f.push(finding(Cause::WrongSecret, msg, Vec::new()));
        }
        return;
    }
    if sig == hex_chain_signature(secret, date, region, service, sts) {
        f.push(finding(
            Cause::HexBetweenHmacSteps,
            "the signature is what hex keys between the HMAC steps give",
            Vec::new(),
        ));
    } else if let Some((_, how)) =
        derivation_variants(secret, (amz_date, date, region, service), sts)
            .into_iter()
            .find(|(s, _)| *s == sig)
    {
        f.push(finding(Cause::KeyDerivation, how, Vec::new()));
    } else {
        f.push(finding(
            Cause::WrongSecret,
            "the canonical strings match but the signature is not what this secret gives",
            Vec::new(),
        ));
    }
}
