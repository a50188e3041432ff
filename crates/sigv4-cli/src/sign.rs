//! `sigv4 sign`: the headers that sign a request, a curl command line, or every step as
//! JSON, without sending anything.

use std::process::ExitCode;

use serde_json::json;

use crate::args::{Body, RequestFlags};
use crate::error::Result;
use crate::target::{self, How, Job, Mode, Signed};

/// `sigv4 sign` flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub request: RequestFlags,
    /// Sign as of this instant (20150830T123600Z, 2015-08-30T12:36:00Z or Unix seconds),
    /// e.g. to reproduce a signature from a log. Default: now.
    #[arg(long, value_name = "TIME")]
    pub time: Option<String>,
    /// Print one JSON object: canonical request, string to sign, signature, headers.
    #[arg(long, conflicts_with = "curl")]
    pub json: bool,
    /// Print a ready curl command line instead of the headers.
    #[arg(long)]
    pub curl: bool,
}

pub async fn run(args: Args) -> Result<ExitCode> {
    let how = How {
        default_method: None,
        time: args.time.as_deref(),
        mode: Mode::Headers,
        example_if_none: false,
        progress: true,
        chunking: None,
    };
    let Job {
        prepared,
        scope,
        signed,
        ..
    } = target::sign_flags(&args.request, how).await?;
    if args.json {
        println!("{}", to_json(&signed, &scope));
    } else if args.curl {
        println!("{}", curl_command(&signed, &prepared.body));
    } else {
        println!("Host: {}", signed.host);
        for (name, value) in &signed.added {
            println!("{name}: {value}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Every step as one JSON object (shared with `presign --json`).
pub fn to_json(signed: &Signed, scope: &target::Scope) -> serde_json::Value {
    let steps = &signed.steps;
    let headers: serde_json::Map<String, serde_json::Value> = signed
        .added
        .iter()
        .map(|(n, v)| (n.clone(), json!(v)))
        .collect();
    json!({
        "method": signed.method,
        "url": signed.url,
        "host": signed.host,
        "service": scope.service,
        "region": scope.region,
        "canonical_request": steps.canonical_request(),
        "canonical_request_hash": steps.canonical_request_hash(),
        "payload_hash": steps.payload_hash(),
        "string_to_sign": steps.string_to_sign(),
        "credential_scope": steps.credential_scope(),
        "signed_headers": steps.signed_headers(),
        "signature": steps.signature(),
        "headers": headers,
    })
}

/// A POSIX shell word.
pub fn shell_quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b))
    {
        return word.to_owned();
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// `$'...'` with every byte but plain ASCII letters and digits as `\xHH`.
fn ansi_c_quote(bytes: &[u8]) -> String {
    let mut out = String::from("$'");
    for &b in bytes {
        if b.is_ascii_alphanumeric() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push('\'');
    out
}

fn curl_command(signed: &Signed, body: &Body) -> String {
    // --path-as-is: curl would otherwise resolve `.`/`..` in the signed path;
    // -g: brackets and braces in the URL are not globs.
    let mut words = vec![
        "curl".to_owned(),
        "--path-as-is".to_owned(),
        "-g".to_owned(),
    ];
    if signed.method != "GET" || !matches!(body, Body::None) {
        words.push("-X".into());
        words.push(shell_quote(&signed.method));
    }
    for (name, value) in &signed.headers {
        words.push("-H".into());
        words.push(shell_quote(&format!("{name}: {value}")));
    }
    match body {
        Body::None => {}
        Body::Memory(bytes) => {
            words.push("--data-binary".into());
            words.push(match std::str::from_utf8(bytes) {
                Ok(text) if !text.contains('\0') => shell_quote(text),
                // Bytes a shell word can't carry as text: bash's $'\xHH' quoting.
                _ => ansi_c_quote(bytes),
            });
        }
        Body::File(path, _) => {
            words.push("-T".into());
            words.push(shell_quote(&path.display().to_string()));
        }
    }
    words.push(shell_quote(&signed.url));
    words.join(" ")
}

/// -v: the canonical request and string to sign on standard error, session token
/// redacted.
pub fn eprint_steps(steps: &sigv4::SigningSteps) {
    eprintln!("* canonical request:");
    for line in steps.redacted_canonical_request().lines() {
        eprintln!("*   {line}");
    }
    eprintln!("* string to sign:");
    for line in steps.string_to_sign().lines() {
        eprintln!("*   {line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("https://h/a?b=c"), "'https://h/a?b=c'");
        assert_eq!(shell_quote("plain"), "plain");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(ansi_c_quote(&[b'a', 0xff, b'\'']), r"$'a\xff\x27'");
    }
}
