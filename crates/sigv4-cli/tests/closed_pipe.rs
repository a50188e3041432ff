//! A reader that goes away (`sigv4 ... | head -1`) does not make the command panic:
//! `println!` did (exit 101, "failed printing to stdout: Broken pipe").

use std::io::Read as _;
use std::process::{Command, Stdio};

mod common;

/// Runs `sigv4 args` with its standard output's reading end already closed.
fn with_closed_stdout(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sigv4"))
        .args(args)
        .env_clear()
        .env("HOME", std::env::temp_dir())
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", common::EXAMPLE_SECRET)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sigv4");
    drop(child.stdout.take());
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    let status = child.wait().expect("wait");
    (status.code(), stderr)
}

#[test]
fn a_closed_output_pipe_ends_the_command_without_a_panic() {
    let time = "20130524T000000Z";
    let object = "https://examplebucket.s3.amazonaws.com/test.txt";
    let presigned = common::run_with_example_key(
        &std::env::temp_dir(),
        &["presign", object, "--time", time],
        b"",
    );
    let url = String::from_utf8_lossy(&presigned.stdout).trim().to_owned();
    assert!(url.contains("X-Amz-Signature="), "{url}");
    let dir = std::env::temp_dir().join(format!("sigv4-closed-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let mine = dir.join("mine.txt");
    std::fs::write(
        &mine,
        "GET\n/\n\nhost:example.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD",
    )
    .expect("write");
    let mine = mine.to_str().expect("path");
    for args in [
        &["sign", object, "--time", time][..],
        &["presign", object, "--time", time],
        &["explain", object, "--time", time],
        &["verify", "--url", &url, "--time", time],
        &["diagnose", "--canonical-request", mine],
        &[
            "presign-post",
            "--bucket",
            "abc",
            "--key",
            "k",
            "--time",
            time,
        ],
    ] {
        let (status, stderr) = with_closed_stdout(args);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_ne!(status, Some(101), "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
    }
}
