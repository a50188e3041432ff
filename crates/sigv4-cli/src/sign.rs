//! `sigv4 sign`: the headers that sign a request, a curl command line, or every step as
//! JSON, without sending anything.

use crate::error::outln;
use std::path::Path;
use std::process::ExitCode;

use serde_json::json;

use crate::args::{Body, Prepared, RequestFlags};
use crate::error::{CliError, Result};
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
    let to_send = headers_to_add(&args.request, &prepared, &signed);
    if args.json {
        outln!("{}", to_json(&signed, &scope, &to_send))?;
    } else if args.curl {
        outln!("{}", curl_command(&signed, &args.request, &prepared.body)?)?;
    } else {
        outln!("Host: {}", signed.host)?;
        for (name, value) in &to_send {
            outln!("{name}: {value}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The headers the request must carry besides Host and those given with -H: any the
/// flags imply (Content-Type for -d), then the signer's.
fn headers_to_add(
    flags: &RequestFlags,
    prepared: &Prepared,
    signed: &Signed,
) -> Vec<(String, String)> {
    prepared
        .headers
        .iter()
        .filter(|(name, _)| !target::gives_header(flags, name))
        .chain(&signed.added)
        .cloned()
        .collect()
}

/// Every step as one JSON object, with the headers to add (shared with `presign
/// --json`, which has none).
pub fn to_json(
    signed: &Signed,
    scope: &target::Scope,
    to_send: &[(String, String)],
) -> serde_json::Value {
    let steps = &signed.steps;
    let headers: serde_json::Map<String, serde_json::Value> =
        to_send.iter().map(|(n, v)| (n.clone(), json!(v))).collect();
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

fn curl_command(signed: &Signed, flags: &RequestFlags, body: &Body) -> Result<String> {
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
        // curl drops a header given as "Name: " with nothing after it; "Name;" sends it.
        words.push(shell_quote(&if value.is_empty() {
            format!("{name};")
        } else {
            format!("{name}: {value}")
        }));
    }
    words.extend(body_words(flags, body)?);
    words.push(shell_quote(&signed.url));
    Ok(words.join(" "))
}

/// The body as curl flags that send exactly the bytes signed: files by name (curl
/// joins the pieces with '&' as -d does), text from the command line as --data-raw
/// (curl reads no file for a leading '@' there).
fn body_words(flags: &RequestFlags, body: &Body) -> Result<Vec<String>> {
    let bytes = match body {
        Body::None => return Ok(Vec::new()),
        Body::File(path, _) => {
            let name = path.to_str().ok_or_else(|| not_a_word("the file name"))?;
            return Ok(vec!["-T".into(), shell_quote(name)]);
        }
        Body::Memory(bytes) => bytes,
    };
    let pieces = flags.data.iter().map(|d| (d, true));
    let pieces = pieces.chain(flags.data_binary.iter().map(|d| (d, false)));
    if pieces.clone().any(|(d, _)| d == "@-") {
        // curl would wait for standard input again: the body read is given as text.
        return Ok(vec!["--data-raw".into(), text_word(bytes)?]);
    }
    let mut words = Vec::new();
    for (piece, strips_newlines) in pieces {
        let Some(file) = piece.strip_prefix('@') else {
            words.extend(["--data-raw".into(), shell_quote(piece)]);
            continue;
        };
        let content = std::fs::read(file).map_err(|e| CliError::file(Path::new(file), &e))?;
        if strips_newlines && content.iter().any(|b| matches!(b, b'\r' | b'\n')) {
            // -d drops line breaks from a file, and curl's way of doing so differs from
            // ours on a lone CR: the bytes signed are given as text.
            let kept: Vec<u8> = content
                .into_iter()
                .filter(|b| !matches!(b, b'\r' | b'\n'))
                .collect();
            words.extend(["--data-raw".into(), text_word(&kept)?]);
        } else {
            words.extend(["--data-binary".into(), shell_quote(&format!("@{file}"))]);
        }
    }
    Ok(words)
}

/// A body as one shell word: text without NUL (which no command-line argument holds).
fn text_word(bytes: &[u8]) -> Result<String> {
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.contains('\0') => Ok(shell_quote(text)),
        _ => Err(not_a_word("this body (NUL or bytes that are not UTF-8)")),
    }
}

fn not_a_word(what: &str) -> CliError {
    CliError::usage(format!(
        "sign --curl: {what} can't be written as a shell word; save the body to a file and give --data-binary @FILE"
    ))
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
    }
}
