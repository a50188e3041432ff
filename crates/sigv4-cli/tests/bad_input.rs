//! Input the command cannot use: each case exits 2 with one line on stderr that names
//! what is wrong, and prints nothing on stdout.

mod common;

use common::sigv4_text as sigv4;

#[test]
fn presign_post_refuses_bad_buckets_and_endpoints() {
    let post = |extra: &[&str]| {
        let mut args = vec!["presign-post", "--key", "k.txt"];
        args.extend_from_slice(extra);
        sigv4(&args)
    };
    for (extra, want) in [
        (
            &["--bucket", "Bad Bucket!"][..],
            "invalid bucket name \"Bad Bucket!\"",
        ),
        (
            &["--bucket", ""],
            "invalid bucket name \"\": a bucket name is 3 to 63",
        ),
        (
            &["--bucket", "abc", "--endpoint", "ftp://x"],
            "it must start with http:// or https://",
        ),
        (
            &[
                "--bucket",
                "abc",
                "--endpoint",
                "http://127.0.0.1:9000/?q=1",
            ],
            "give the scheme and host only",
        ),
        (
            &["--bucket", "abc", "--endpoint", "http://127.0.0.1:9000/sub"],
            "give the scheme and host only",
        ),
    ] {
        let (code, stdout, stderr) = post(extra);
        assert_eq!(code, Some(2), "{extra:?}: {stderr}");
        assert!(stdout.is_empty(), "{extra:?}: {stdout}");
        assert!(stderr.contains(want), "{extra:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{extra:?}: {stderr}");
    }
    // A good one, for contrast.
    let (code, stdout, stderr) = post(&["--bucket", "abc", "--time", "20151229T000000Z"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("\"url\":\"https://abc.s3.us-east-1.amazonaws.com/\""),
        "{stdout}"
    );
    // A bucket with dots goes path-style: AWS's certificate does not cover
    // my.dotted.bucket.s3.us-east-1.amazonaws.com.
    let (code, stdout, stderr) =
        post(&["--bucket", "my.dotted.bucket", "--time", "20151229T000000Z"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("\"url\":\"https://s3.us-east-1.amazonaws.com/my.dotted.bucket/\""),
        "{stdout}"
    );
}

#[test]
fn diagnose_says_what_to_give_and_refuses_other_programs() {
    let (code, _, stderr) = sigv4(&["diagnose"]);
    assert_eq!(code, Some(2), "{stderr}");
    for flag in ["--response", "--request", "--curl"] {
        assert!(stderr.contains(flag), "{flag}: {stderr}");
    }
    let (code, stdout, stderr) = sigv4(&["diagnose", "--curl", "wget https://sts.amazonaws.com/"]);
    assert_eq!(code, Some(2), "{stdout}{stderr}");
    assert!(stderr.contains("\"wget\" is not curl"), "{stderr}");
    // An unsigned request: the note says why nothing can be compared (exit 1: no known
    // mistake found).
    let (code, stdout, stderr) = sigv4(&["diagnose", "--curl", "curl https://sts.amazonaws.com/"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stdout.contains("no reference: the request sent has no X-Amz-Date"),
        "{stdout}"
    );
    // Without the word curl, the rest of a curl command line is taken.
    let (code, stdout, stderr) =
        sigv4(&["diagnose", "--curl", "-X GET https://sts.amazonaws.com/"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.contains("no reference"), "{stdout}");
}

/// A host AWS does not name: the error asks for what is missing, and only that (exit 4).
#[test]
fn an_unknown_host_asks_only_for_what_is_missing() {
    let url = "http://127.0.0.1:9/";
    let (code, _, stderr) = sigv4(&["sign", url]);
    assert_eq!(code, Some(4), "{stderr}");
    assert!(
        stderr.contains("add --service NAME (the signing name, e.g. s3) and --region REGION"),
        "{stderr}"
    );
    let (code, _, stderr) = sigv4(&["sign", "--region", "us-east-1", url]);
    assert_eq!(code, Some(4), "{stderr}");
    assert!(stderr.contains("add --service NAME"), "{stderr}");
    assert!(!stderr.contains("--region"), "{stderr}");
}

/// A presigned URL given to `curl` or `sign` is refused before anything is sent: adding
/// an Authorization header to it makes a request AWS refuses (signed twice).
#[test]
fn a_presigned_url_is_not_signed_again() {
    let (code, url, stderr) = sigv4(&[
        "presign",
        "--time",
        "20150830T123600Z",
        "https://examplebucket.s3.amazonaws.com/a.txt",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let url = url.trim();
    for command in ["curl", "sign"] {
        let (code, stdout, stderr) = sigv4(&[command, url]);
        assert_eq!(code, Some(2), "{command}: {stderr}");
        assert!(stdout.is_empty(), "{command}: {stdout}");
        assert!(
            stderr.contains("presigned already") && stderr.contains("X-Amz-"),
            "{command}: {stderr}"
        );
        assert_eq!(stderr.trim_end().lines().count(), 1, "{command}: {stderr}");
    }
}

/// curl habits: -T - is refused with what to do instead (it read a file named '-'), and
/// -sS / -fsS are taken (clap refused -S).
#[test]
fn curl_habits_get_answers() {
    let (code, stdout, stderr) = sigv4(&["curl", "-T", "-", "https://b.s3.amazonaws.com/k"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("--data-binary @-"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    for flags in ["-sS", "-fsS"] {
        // Refused later, for the presigned URL: the flags themselves parse.
        let url = "https://b.s3.amazonaws.com/k?X-Amz-Signature=x";
        let (code, _, stderr) = sigv4(&["curl", flags, url]);
        assert_eq!(code, Some(2), "{flags}: {stderr}");
        assert!(stderr.contains("presigned already"), "{flags}: {stderr}");
    }
}
