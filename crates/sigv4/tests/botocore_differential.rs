//! Differential test against botocore: random requests generated and signed by
//! `tools/oracle/botocore_cases.py` (seed and generator in the repository), signed again
//! here; canonical request, string to sign and signature must be byte-identical.
//!
//! `scripts/test.sh` creates the venv, generates the cases and points
//! `SIGV4_BOTOCORE_CASES` at them. Without that variable this test fails and says so.

use std::time::Duration;

use serde_json::Value;
use sigv4::{Credentials, Payload, Request, Rules, Signer, SigningParams, SigningTime};

/// Signs one case; returns (canonical request, string to sign, signature).
fn sign_case(case: &Value, signer: &Signer) -> Result<[String; 3], String> {
    let s = |k: &str| case[k].as_str().ok_or_else(|| format!("missing {k}"));
    let mut creds = Credentials::new(s("access_key_id")?, s("secret_access_key")?)
        .map_err(|e| e.to_string())?;
    if let Some(token) = case["session_token"].as_str() {
        creds = creds.with_session_token(token);
    }
    let time = SigningTime::parse(s("time")?).map_err(|e| e.to_string())?;
    let service = s("service")?;
    let rules = if s("rules")? == "s3" {
        Rules::S3
    } else {
        Rules::Generic
    };
    if Rules::for_service(service) != rules {
        return Err(format!("service {service} does not imply rules {rules:?}"));
    }
    let params =
        SigningParams::new(&creds, s("region")?, service, time).map_err(|e| e.to_string())?;
    let pairs = |k: &str| -> Vec<(String, String)> {
        case[k]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|p| {
                        let part = |i: usize| p[i].as_str().unwrap_or_default().to_owned();
                        (part(0), part(1))
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut owned = pairs("headers");
    owned.extend(pairs("extra_headers"));
    let headers: Vec<(&str, &str)> = owned
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let body = s("body")?.as_bytes();
    let payload = if case["unsigned_payload"].as_bool() == Some(true) {
        Payload::Unsigned
    } else if body.is_empty() {
        Payload::Empty
    } else {
        Payload::Bytes(body)
    };
    let request = Request::new(s("method")?, s("url")?)
        .map_err(|e| e.to_string())?
        .with_headers(&headers)
        .with_payload(payload);
    let steps = if s("mode")? == "header" {
        signer
            .sign(&request, &params)
            .map_err(|e| e.to_string())?
            .steps()
            .clone()
    } else {
        let expires = case["expires"].as_u64().ok_or("missing expires")?;
        signer
            .presign(&request, &params, Duration::from_secs(expires))
            .map_err(|e| e.to_string())?
            .steps()
            .clone()
    };
    Ok([
        steps.canonical_request().to_owned(),
        steps.string_to_sign().to_owned(),
        steps.signature().to_owned(),
    ])
}

#[test]
fn botocore_agrees_on_every_random_request() {
    let Some(path) = std::env::var_os("SIGV4_BOTOCORE_CASES") else {
        panic!(
            "SIGV4_BOTOCORE_CASES is not set: run scripts/test.sh (the README's test command), \
             which generates the botocore cases and sets it"
        );
    };
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.to_string_lossy()));
    let signer = Signer::new();
    let mut total = 0;
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    let mut failures = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        total += 1;
        let case: Value = serde_json::from_str(line).expect("JSON line");
        *counts
            .entry(format!(
                "{}/{}",
                case["mode"].as_str().unwrap_or("?"),
                case["rules"].as_str().unwrap_or("?")
            ))
            .or_default() += 1;
        let want = &case["expected"];
        let names = ["canonical_request", "string_to_sign", "signature"];
        match sign_case(&case, &signer) {
            Ok(got) => {
                let diffs: Vec<String> = names
                    .iter()
                    .zip(&got)
                    .filter(|(n, g)| want[**n].as_str() != Some(g.as_str()))
                    .map(|(n, g)| {
                        format!(
                            "{n}:\n--- sigv4\n{g}\n--- botocore\n{}",
                            want[*n].as_str().unwrap_or("")
                        )
                    })
                    .collect();
                if !diffs.is_empty() {
                    failures.push(format!("case {line}\n{}", diffs.join("\n")));
                }
            }
            Err(e) => failures.push(format!("case {line}\nerror: {e}")),
        }
    }
    eprintln!(
        "botocore differential: {total} cases {counts:?}, {} differences",
        failures.len()
    );
    assert!(
        total >= 10_000,
        "expected at least 10,000 cases, found {total}"
    );
    if !failures.is_empty() {
        let shown: Vec<&String> = failures.iter().take(5).collect();
        panic!(
            "{} of {total} cases differ from botocore; the first {}:\n\n{}",
            failures.len(),
            shown.len(),
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n\n")
        );
    }
}
