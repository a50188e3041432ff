//! `sigv4 sign --json` and `sigv4 presign --json` against botocore: the same random
//! requests as the core's differential test (tools/oracle/botocore_cases.py, made by
//! scripts/test.sh), fed through the command's flags (-X, -H, --data-binary,
//! --unsigned-payload, --rules, --time, --expires, credentials from the environment).
//! Canonical request, string to sign and signature must be byte-identical.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

/// Every 5th case of the file: 2,000 of the 10,000 that scripts/test.sh generates.
const STRIDE: usize = 5;

fn cases_from(var: &str) -> Vec<Value> {
    let path = std::env::var(var).unwrap_or_else(|_| {
        panic!("{var} must name a botocore cases file: run scripts/test.sh, which makes it")
    });
    let text = std::fs::read_to_string(&path).expect("read the botocore cases");
    text.lines()
        .map(|l| serde_json::from_str(l).expect("a JSON case"))
        .collect()
}

fn str_of<'v>(case: &'v Value, key: &str) -> &'v str {
    case[key].as_str().unwrap_or_default()
}

/// The command line and environment that sign `case` as botocore did.
fn command(case: &Value, scratch: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sigv4"));
    let query = str_of(case, "mode") == "query";
    if query {
        cmd.arg("presign").arg("--json");
        cmd.arg(format!("--expires={}", case["expires"]));
    } else {
        cmd.arg("sign").arg("--json");
    }
    cmd.arg(format!("--request={}", str_of(case, "method")));
    cmd.arg(format!("--time={}", str_of(case, "time")));
    // Named cases leave service, region and rules to be read from the host.
    if case["infer"].as_bool() != Some(true) {
        cmd.arg(format!("--region={}", str_of(case, "region")));
        cmd.arg(format!("--service={}", str_of(case, "service")));
        cmd.arg(format!("--rules={}", str_of(case, "rules")));
    }
    let headers = case["headers"].as_array().into_iter().flatten();
    let extra = case["extra_headers"].as_array().into_iter().flatten();
    for pair in headers.chain(extra) {
        let name = pair[0].as_str().unwrap_or_default();
        let value = pair[1].as_str().unwrap_or_default();
        if value.trim().is_empty() {
            cmd.arg(format!("--header={name};"));
        } else {
            cmd.arg(format!("--header={name}: {value}"));
        }
    }
    let body = str_of(case, "body");
    if !body.is_empty() {
        let file = scratch.join(format!("body-{}", case["id"]));
        std::fs::write(&file, body).expect("write the body");
        cmd.arg(format!("--data-binary=@{}", file.display()));
    }
    if case["unsigned_payload"].as_bool() == Some(true) {
        cmd.arg("--unsigned-payload");
    }
    cmd.arg("--").arg(str_of(case, "url"));
    // Credentials from the environment only: no profile files from the real home.
    cmd.env_clear()
        .env("HOME", scratch)
        .env("AWS_ACCESS_KEY_ID", str_of(case, "access_key_id"))
        .env("AWS_SECRET_ACCESS_KEY", str_of(case, "secret_access_key"));
    if let Some(token) = case["session_token"].as_str() {
        cmd.env("AWS_SESSION_TOKEN", token);
    }
    cmd
}

#[test]
fn sign_and_presign_agree_with_botocore() {
    let all = cases_from("SIGV4_BOTOCORE_CASES");
    let chosen: Vec<&Value> = all.iter().step_by(STRIDE).collect();
    assert!(chosen.len() >= 1000, "only {} cases", chosen.len());
    compare(&chosen, "random");
}

/// SES SendEmail as a GET with hand-ordered parameters and as a presigned URL, Polly,
/// Kinesis, STS with a session token, IoT data, API Gateway, S3: with the service and
/// region read from the host (tools/oracle/named_cases.py).
#[test]
fn named_requests_agree_with_botocore_with_the_scope_read_from_the_host() {
    let all = cases_from("SIGV4_BOTOCORE_NAMED");
    assert!(all.len() >= 10, "only {} named cases", all.len());
    compare(&all.iter().collect::<Vec<_>>(), "named");
}

fn compare(chosen: &[&Value], kind: &str) {
    let scratch: PathBuf =
        std::env::temp_dir().join(format!("sigv4-cli-botocore-{kind}-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch dir");
    let mut failures = Vec::new();
    let (mut header, mut query) = (0, 0);
    for case in chosen {
        let output = command(case, &scratch).output().expect("run sigv4");
        let id = &case["id"];
        if !output.status.success() {
            failures.push(format!(
                "case {id}: exit {:?}: {}",
                output.status.code(),
                String::from_utf8_lossy(&output.stderr).trim()
            ));
            continue;
        }
        let got: Value = match serde_json::from_slice(&output.stdout) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("case {id}: output is not JSON: {e}"));
                continue;
            }
        };
        let expected = &case["expected"];
        // Named S3 cases: botocore signed the URL as S3 reads it back (named_cases.py's
        // s3_sent_url, with urllib), which the command must send.
        if let Some(sent) = case["sent_url"].as_str()
            && str_of(case, "mode") == "header"
            && got["url"].as_str() != Some(sent)
        {
            failures.push(format!(
                "case {id}: sends {} for {}, not {sent}",
                got["url"],
                str_of(case, "url")
            ));
        }
        for key in ["canonical_request", "string_to_sign", "signature"] {
            if got[key] != expected[key] {
                failures.push(format!(
                    "case {id} ({} {}): {key} differs\n  botocore: {}\n  sigv4:    {}",
                    str_of(case, "method"),
                    str_of(case, "url"),
                    expected[key],
                    got[key]
                ));
            }
        }
        if str_of(case, "mode") == "query" {
            query += 1;
        } else {
            header += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(
        failures.is_empty(),
        "{} of {} cases differ; first ones:\n{}",
        failures.len(),
        chosen.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    println!(
        "sigv4 CLI vs botocore, {kind}: {} cases ({header} sign, {query} presign), 0 differences",
        chosen.len()
    );
}
