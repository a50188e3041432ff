//! `sigv4 diagnose`: its exit codes (0 a cause named, 1 no known mistake found, 2 error)
//! and its help. The inputs are the core's fixtures (crates/sigv4/tests/diagnose, made
//! from botocore and AWS's documented error formats).

mod common;

use std::path::PathBuf;

fn fixture(case: &str, name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../sigv4/tests/diagnose")
        .join(case)
        .join(name)
        .to_string_lossy()
        .into_owned()
}

use common::sigv4_text as sigv4;

/// Reviewer's item 13: diagnose exited 0 whatever it found, and 5 for a missing file.
#[test]
fn exit_codes_say_whether_a_cause_was_named() {
    let case = "s3-plus-for-space";
    let (code, stdout, stderr) = sigv4(&[
        "diagnose",
        "--response",
        &fixture(case, "response.xml"),
        "--canonical-request",
        &fixture(case, "canonical-request.txt"),
        "--time",
        "20240315T101600Z",
    ]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.starts_with("1. "), "{stdout}");
    // A correctly signed request: no known mistake.
    let case = "s3-correct";
    let (code, stdout, stderr) = sigv4(&[
        "diagnose",
        "--canonical-request",
        &fixture(case, "canonical-request.txt"),
        "--request",
        &fixture(case, "request.http"),
        "--time",
        "20240315T101600Z",
    ]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(stdout.starts_with("No known mistake found."), "{stdout}");
    // The same in JSON.
    let (code, stdout, _) = sigv4(&[
        "diagnose",
        "--json",
        "--request",
        &fixture(case, "request.http"),
        "--time",
        "20240315T101600Z",
    ]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("\"findings\":[]"), "{stdout}");
    // Errors: nothing given, a file that is not there, a request that is not HTTP.
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("bad.http");
    std::fs::write(&bad, "hello\n").expect("write");
    let missing = dir.path().join("nope.xml");
    for args in [
        vec!["diagnose"],
        vec!["diagnose", "--response", missing.to_str().expect("path")],
        vec!["diagnose", "--request", bad.to_str().expect("path")],
    ] {
        let (code, stdout, stderr) = sigv4(&args);
        assert_eq!(code, Some(2), "{args:?}: {stdout}{stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    }
}

/// Reviewer's item 14: the help's --curl example is not wrapped inside its quotes, and
/// the help says what --time is for, that a match is inferred without your strings, and
/// the exit codes.
#[test]
fn help_says_what_time_and_inference_mean() {
    let (code, stdout, stderr) = sigv4(&["diagnose", "--help"]);
    assert_eq!(code, Some(0), "{stderr}");
    let curl = stdout
        .lines()
        .find(|l| l.contains("--curl 'curl"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert_eq!(
        curl.matches('\'').count(),
        2,
        "the quoted command is cut: {curl:?}"
    );
    for said in [
        "inferred from the signature sent",
        "For an old request diagnosed later without AWS's answer, give --time",
        "0   a cause was named",
        "1   no known mistake found",
        "2   error",
    ] {
        assert!(stdout.contains(said), "{said:?} not in:\n{stdout}");
    }
}
