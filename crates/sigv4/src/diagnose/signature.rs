//! The signature itself: when the canonical strings match, which key (or which wrong
//! derivation of it) gives the signature sent.

use super::compare::{compare_canonical, hash_hex};
use super::{Cause, DiagnoseInput, Finding, SentRequest, finding, sent_auth};
use crate::canonical::remove_dot_segments;
use crate::encode::hex_lower;
use crate::key::hmac;
use crate::{AwsError, Credentials, EMPTY_SHA256, SigningKey};

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

/// What the signature check knows besides the inputs.
pub(super) struct Known<'a> {
    /// The person's string to sign: given, or the reference when only their canonical
    /// request was given (and matched it).
    pub mine: Option<&'a str>,
    /// The reference string to sign: AWS's, else the one computed from the request sent.
    pub reference: Option<&'a str>,
    /// The reference canonical request.
    pub reference_cr: Option<&'a str>,
    /// Whether the reference is what AWS computed (its own string to sign, or one whose
    /// hash is of AWS's canonical request).
    pub aws_reference: bool,
    /// Whether AWS said the signature differs (SignatureDoesNotMatch).
    pub aws_mismatch: bool,
    /// AWS's error.
    pub aws: Option<&'a AwsError>,
}

pub(super) fn signature_findings(
    input: &DiagnoseInput<'_>,
    k: &Known<'_>,
    notes: &mut Vec<String>,
    f: &mut Vec<Finding>,
) {
    let theirs = input
        .signature
        .map(str::to_owned)
        .or_else(|| input.request.and_then(sent_auth).and_then(|a| a.signature))
        .or_else(|| k.aws.and_then(|a| a.signature_provided.clone()));
    let Some(sig) = theirs else {
        if k.mine.is_some() && k.reference.is_some() {
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
    match k.mine {
        Some(sts) => check_key(input, k, &sig, sts, notes, f),
        None => infer(input, k, &sig, notes, f),
    }
}

/// The scope of a string to sign: X-Amz-Date, date, region, service.
fn scope_of(sts: &str) -> (&str, &str, &str, &str) {
    let mut lines = sts.split('\n').skip(1);
    let amz_date = lines.next().unwrap_or_default();
    let mut sp = lines.next().unwrap_or_default().split('/');
    let mut next = || sp.next().unwrap_or_default();
    (amz_date, next(), next(), next())
}

fn sign_with(creds: &Credentials, sts: &str) -> String {
    let (_, date, region, service) = scope_of(sts);
    SigningKey::derive(creds.secret(), date, region, service).sign(sts.as_bytes())
}

/// The person's string to sign is known (and matches the reference): which key gives
/// the signature sent.
fn check_key(
    input: &DiagnoseInput<'_>,
    k: &Known<'_>,
    sig: &str,
    sts: &str,
    notes: &mut Vec<String>,
    f: &mut Vec<Finding>,
) {
    let Some(creds) = input.credentials else {
        if k.aws_mismatch && k.reference.is_some() {
            f.push(finding(
                Cause::KeyOrSecret,
                "your canonical request and string to sign match, yet AWS computed another signature",
                Vec::new(),
            ));
        } else {
            notes.push("give the credentials to check the signature itself".into());
        }
        return;
    };
    if sig == sign_with(creds, sts) {
        signed_right(creds, k, notes, f);
    } else if !derivation_finding(creds, sig, sts, f) {
        f.push(finding(
            Cause::KeyOrSecret,
            "the signature sent is neither what this secret gives for your string to sign \
             nor a known wrong derivation of it: your code signs with another secret, or \
             derives the key another way",
            Vec::new(),
        ));
    }
}

/// The signature sent is what these credentials give for the reference: only when AWS
/// computed the same string to sign and still refused does AWS hold another secret.
fn signed_right(creds: &Credentials, k: &Known<'_>, notes: &mut Vec<String>, f: &mut Vec<Finding>) {
    let other_key = k
        .aws
        .and_then(|a| a.access_key_id.as_deref())
        .filter(|key| *key != creds.access_key_id());
    if let Some(key) = other_key {
        let msg = format!(
            "AWS received access key {key}, not {}",
            creds.access_key_id()
        );
        f.push(finding(Cause::WrongSecret, msg, Vec::new()));
    } else if k.aws_reference && k.aws_mismatch {
        f.push(finding(
            Cause::WrongSecret,
            format!(
                "AWS computed this string to sign, and the signature sent is what this \
                 secret gives for it: AWS holds another secret for access key {}",
                creds.access_key_id()
            ),
            Vec::new(),
        ));
    } else if k.aws_mismatch {
        notes.push(
            "the signature sent is what these credentials give for the request, yet AWS \
             refused it: give AWS's canonical request (its error response) to tell whether \
             AWS computed another one or holds another secret for this access key"
                .into(),
        );
    } else {
        notes.push("the signature sent is what these credentials give for this request".into());
    }
}

/// A known wrong derivation of the key gives `sig`: the finding is pushed.
fn derivation_finding(creds: &Credentials, sig: &str, sts: &str, f: &mut Vec<Finding>) -> bool {
    let (amz_date, date, region, service) = scope_of(sts);
    let secret = creds.secret();
    if sig == hex_chain_signature(secret, date, region, service, sts) {
        f.push(finding(
            Cause::HexBetweenHmacSteps,
            "the signature is what hex keys between the HMAC steps give",
            Vec::new(),
        ));
        return true;
    }
    let found = derivation_variants(secret, (amz_date, date, region, service), sts)
        .into_iter()
        .find(|(s, _)| s == sig);
    if let Some((_, how)) = found {
        f.push(finding(Cause::KeyDerivation, how, Vec::new()));
    }
    found.is_some()
}

/// The person's strings were not given: with the credentials, find what they signed
/// from the signature sent (the reference itself, or it with one of the usual mistakes
/// made from the request as sent); never claim a match that was not seen.
fn infer(
    input: &DiagnoseInput<'_>,
    k: &Known<'_>,
    sig: &str,
    notes: &mut Vec<String>,
    f: &mut Vec<Finding>,
) {
    let Some(reference) = k.reference else {
        return;
    };
    let Some(creds) = input.credentials else {
        notes.push(
            "nothing shows where your signing differs: give your canonical request or \
             string to sign, or the credentials to test the signature sent with"
                .into(),
        );
        return;
    };
    if sig == sign_with(creds, reference) {
        let before = f.len();
        signed_right(creds, k, notes, f);
        if f.len() > before {
            notes.push("your string to sign is inferred: the signature sent is what these credentials give for AWS's".into());
        }
        return;
    }
    let head: Vec<&str> = reference.splitn(4, '\n').take(3).collect();
    for (cr, what) in candidates(k.reference_cr, input.request) {
        let sts = format!("{}\n{}", head.join("\n"), hash_hex(cr.as_bytes()));
        if sig == sign_with(creds, &sts) {
            if let Some(r) = k.reference_cr {
                compare_canonical(&cr, r, f);
            }
            notes.push(format!(
                "your canonical request is inferred: {what} gives the signature sent"
            ));
            return;
        }
    }
    if derivation_finding(creds, sig, reference, f) {
        notes.push("your string to sign is inferred to be the reference's".into());
        return;
    }
    notes.push(
        "the signature sent is not what these credentials give for the reference, nor for \
         the usual mistakes tried: give your canonical request and string to sign"
            .into(),
    );
}

/// Canonical requests a hand-written signer commonly makes instead of `reference`, each
/// with what it is: the query or path copied as sent, the query line left out, the
/// canonical URI `/`, the other payload line.
fn candidates(reference: Option<&str>, sent: Option<&SentRequest>) -> Vec<(String, &'static str)> {
    let Some(reference) = reference else {
        return Vec::new();
    };
    let lines: Vec<&str> = reference.split('\n').collect();
    if lines.len() < 6 {
        return Vec::new();
    }
    let with = |i: usize, line: &str| {
        let mut l = lines.clone();
        l[i] = line;
        l.join("\n")
    };
    let last = lines.len() - 1;
    let mut out = Vec::new();
    if let Some(r) = sent {
        let (path, query) = r.target.split_once('?').unwrap_or((&r.target, ""));
        let kept: Vec<&str> = query
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("X-Amz-Signature="))
            .collect();
        out.push((with(2, &kept.join("&")), "the query copied as sent"));
        out.push((with(1, path), "the path copied as sent"));
        out.push((
            with(1, &remove_dot_segments(path)),
            "the path with `//`, `.` and `..` removed",
        ));
    }
    out.push((with(1, "/"), "the canonical URI `/`"));
    let mut no_query = lines.clone();
    no_query.remove(2);
    out.push((no_query.join("\n"), "the query line left out"));
    for other in [EMPTY_SHA256, "UNSIGNED-PAYLOAD"] {
        out.push((with(last, other), "another payload line"));
    }
    out.retain(|(cr, _)| cr != reference);
    out
}
