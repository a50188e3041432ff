//! What the command's tests share: running the `sigv4` binary in a clean environment,
//! and a throwaway HTTP server on 127.0.0.1 that records the request it gets.

// Each test file uses part of it.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::thread::JoinHandle;
use std::time::Duration;

/// The example secret key (AWS's documentation and test suite).
pub const EXAMPLE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// Runs `sigv4 args` in `dir` (also its HOME) with no environment but `vars`, feeding
/// `stdin`.
pub fn run_in(dir: &Path, args: &[&str], vars: &[(&str, &str)], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sigv4"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("HOME", dir)
        .envs(vars.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sigv4");
    if let Some(mut input) = child.stdin.take() {
        // A command that exits without reading its input closes the pipe: not an error.
        let _ = input.write_all(stdin);
    }
    child.wait_with_output().expect("wait")
}

/// [`run_in`] with AWS's example key (AKIDEXAMPLE) in the environment.
pub fn run_with_example_key(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    run_in(
        dir,
        args,
        &[
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", EXAMPLE_SECRET),
        ],
        stdin,
    )
}

/// [`run_with_example_key`] in the temporary folder, with no input: the exit code, and
/// standard output and error as text.
pub fn sigv4_text(args: &[&str]) -> (Option<i32>, String, String) {
    let out = run_with_example_key(&std::env::temp_dir(), args, b"");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The address in `sigv4 serve`'s first log line ("listening on http://ADDR (...)").
pub fn serve_address(first_line: &str) -> String {
    first_line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("no listening line: {first_line:?}"))
        .to_owned()
}

/// Answers one request with `status` (e.g. "403 Forbidden") and `body`; returns the port
/// and a handle whose result is the request's bytes as they arrived (head and body).
pub fn one_shot_server(status: &'static str, body: &'static str) -> (u16, JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let handle = std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return Vec::new();
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let mut request = Vec::new();
        let mut buf = [0u8; 65536];
        let mut continued = false;
        while !complete(&request) {
            // curl waits for a 100 Continue before a larger body.
            if !continued && expects_continue(&request) {
                continued = true;
                let _ = stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
            }
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => request.extend_from_slice(&buf[..n]),
            }
        }
        let _ = write!(
            stream,
            "HTTP/1.1 {status}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        request
    });
    (port, handle)
}

/// The head has ended and asks for `Expect: 100-continue`.
fn expects_continue(request: &[u8]) -> bool {
    request
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .is_some_and(|end| {
            String::from_utf8_lossy(&request[..end])
                .to_ascii_lowercase()
                .contains("expect: 100-continue")
        })
}

/// The head has ended and the body its Content-Length announced has arrived.
fn complete(request: &[u8]) -> bool {
    let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    request.len() >= end + 4 + length
}
