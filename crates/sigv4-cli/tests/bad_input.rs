//! Input the command cannot use: each case exits 2 with one line on stderr that names
//! what is wrong, and prints nothing on stdout.

use std::process::Command;

fn sigv4(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sigv4"))
        .args(args)
        .env_clear()
        .env("HOME", std::env::temp_dir())
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        )
        .output()
        .expect("run sigv4");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

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
                "http://127.0.0.1:9000/sub?q=1",
            ],
            "without '?' or '#'",
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
}
