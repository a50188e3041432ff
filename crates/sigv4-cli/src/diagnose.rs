//! `sigv4 diagnose`: reads AWS's error response, what the person's code computed and the
//! request they sent, and prints the core's findings (cause and fix, most likely first)
//! and the canonical request and string to sign side by side. Secrets, derived keys and
//! session tokens are never printed.

use crate::error::{out, outln};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{Value, json};
use sigv4::{Comparison, DiagnoseInput, Diagnosis, DiffLine, RawRequest, SentRequest};

use crate::args::parse_time;
use crate::creds::split::split_words;
use crate::creds::{self, CredentialFlags, Environment};
use crate::error::{CliError, Exit, Result};

/// What `sigv4 diagnose --help` says after the flags.
const AFTER_HELP: &str = "\
Without --canonical-request or --string-to-sign, what your code signed is not seen: it is
inferred from the signature sent (with credentials), and your strings are said to match
only when that signature proves it; otherwise a note says what to give.

--time is when the request was sent. It matters only without --response: a header-signed
request more than 15 minutes from it is clock skew, a presigned URL past X-Amz-Expires has
expired. For an old request diagnosed later without AWS's answer, give --time, or the
delay since is taken for skew. With --response, only AWS's word on the time counts.

Exit codes:
  0   a cause was named (the findings are printed)
  1   no known mistake found (the notes say what is missing)
  2   error: bad input, unreadable file, nothing to diagnose";

/// `sigv4 diagnose` flags.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("sent").args(["request", "curl"]))]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// AWS's error response body (XML, JSON or the pasted message).
    #[arg(long, value_name = "FILE")]
    pub response: Option<PathBuf>,
    /// The canonical request your code printed.
    #[arg(long, value_name = "FILE")]
    pub canonical_request: Option<PathBuf>,
    /// The string to sign your code printed.
    #[arg(long, value_name = "FILE")]
    pub string_to_sign: Option<PathBuf>,
    /// The signature your code computed (else read from the request).
    #[arg(long, value_name = "HEX")]
    pub signature: Option<String>,
    /// The request sent, as raw HTTP/1.1 (request line, headers, blank line, body).
    #[arg(long, value_name = "FILE")]
    pub request: Option<PathBuf>,
    /// The request sent, as a curl command line (-X, -H, -d/--data-binary and the URL are read).
    #[arg(long, value_name = "COMMAND", allow_hyphen_values = true)]
    pub curl: Option<String>,
    /// When the request was sent, for clock skew and presigned expiry without --response
    /// (default now; give it for an old request).
    #[arg(long, value_name = "TIME")]
    pub time: Option<String>,
    /// Print the diagnosis as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub credentials: CredentialFlags,
}

fn read(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| CliError::file(path, &e))?;
    Ok(String::from_utf8_lossy(&bytes)
        .trim_end_matches(['\n', '\r'])
        .to_owned())
}

/// Exit code when no known mistake is found (a cause named is 0, an error 2).
const NOTHING_FOUND: u8 = 1;

pub async fn run(args: Args) -> Result<ExitCode> {
    // Every error (bad input, unreadable file) is exit 2 here, as for `verify`.
    diagnose(args).await.map_err(|mut e| {
        e.exit = Exit::Usage;
        e
    })
}

async fn diagnose(args: Args) -> Result<ExitCode> {
    let opt = |p: &Option<PathBuf>| p.as_deref().map(read).transpose();
    let response = opt(&args.response)?;
    let canonical = opt(&args.canonical_request)?;
    let sts = opt(&args.string_to_sign)?;
    let sent = match (&args.request, &args.curl) {
        (Some(path), _) => {
            let bytes = std::fs::read(path).map_err(|e| CliError::file(path, &e))?;
            let raw = RawRequest::parse(&bytes)
                .map_err(|e| CliError::usage(format!("--request: not an HTTP/1.1 request: {e}")))?;
            Some(SentRequest::from_raw(raw))
        }
        (None, Some(line)) => Some(from_curl(line)?),
        _ => None,
    };
    if response.is_none() && canonical.is_none() && sts.is_none() && sent.is_none() {
        return Err(CliError::usage(
            "nothing to diagnose: give --response, --canonical-request, --string-to-sign, --request or --curl",
        ));
    }
    let env = Environment::from_process();
    let found = match crate::net::Client::new() {
        Ok(client) => creds::load(&args.credentials, &env, &client)
            .await
            .ok()
            .flatten(),
        Err(_) => None,
    };
    let now = match &args.time {
        Some(t) => parse_time(t)?,
        None => crate::target::now()?,
    };
    let input = DiagnoseInput {
        response: response.as_deref(),
        canonical_request: canonical.as_deref(),
        string_to_sign: sts.as_deref(),
        signature: args.signature.as_deref(),
        request: sent.as_ref(),
        credentials: found.as_ref().map(|f| &f.credentials),
        now: Some(now),
    };
    let d = sigv4::diagnose(&input);
    if args.json {
        outln!("{}", to_json(&d))?;
    } else {
        out!("{}", render(&d, std::io::stdout().is_terminal()))?;
    }
    Ok(if d.findings.is_empty() {
        ExitCode::from(NOTHING_FOUND)
    } else {
        ExitCode::SUCCESS
    })
}

/// The request in a curl command line: method, headers, data and URL.
fn from_curl(line: &str) -> Result<SentRequest> {
    let words = split_words(line).map_err(|e| CliError::usage(format!("--curl: {e}")))?;
    // A curl command line, with or without the word curl: another program's is refused.
    if let Some(first) = words.first()
        && first != "curl"
        && !first.starts_with('-')
        && !first.contains("://")
    {
        return Err(CliError::usage(format!(
            "--curl: {first:?} is not curl: give the curl command that sent the request"
        )));
    }
    let mut words = words.into_iter().skip_while(|w| w == "curl");
    let (mut method, mut url, mut headers, mut data) =
        (None, None, Vec::new(), Vec::<String>::new());
    while let Some(w) = words.next() {
        match w.as_str() {
            "-X" | "--request" => method = words.next(),
            "-H" | "--header" => {
                if let Some((n, v)) = words.next().as_deref().and_then(|h| h.split_once(':')) {
                    headers.push((n.trim().to_owned(), v.trim().to_owned()));
                }
            }
            "-d" | "--data" | "--data-raw" | "--data-binary" | "--data-ascii" => {
                data.extend(words.next());
            }
            w if w.starts_with('-') => {}
            _ => url = Some(w),
        }
    }
    let url = url.ok_or_else(|| CliError::usage("--curl: no URL"))?;
    let method = method.unwrap_or_else(|| if data.is_empty() { "GET" } else { "POST" }.to_owned());
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    Ok(SentRequest::from_url(
        &method,
        &url,
        &pairs,
        data.join("&").as_bytes(),
    )?)
}

fn paint(text: &str, code: &str, colour: bool) -> String {
    if colour {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

fn render(d: &Diagnosis, colour: bool) -> String {
    let mut out = String::new();
    if d.findings.is_empty() {
        out.push_str("No known mistake found.\n");
    }
    for (i, f) in d.findings.iter().enumerate() {
        let head = format!("{}. {} ({})", i + 1, f.message, f.cause.name());
        out.push_str(&paint(&head, "1", colour));
        out.push_str(&format!("\n   fix: {}\n", f.fix));
        for line in &f.evidence {
            out.push_str(&format!("   {}\n", diff_line(line, colour)));
        }
    }
    for note in &d.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    section(&mut out, "Canonical request", &d.canonical_request, colour);
    section(&mut out, "String to sign", &d.string_to_sign, colour);
    out
}

fn diff_line(line: &DiffLine, colour: bool) -> String {
    match line {
        DiffLine::Same(s) => format!("  {s}"),
        DiffLine::Expected(s) => paint(&format!("- {s}"), "32", colour),
        DiffLine::Theirs(s) => paint(&format!("+ {s}"), "31", colour),
        _ => String::new(),
    }
}

fn section(out: &mut String, title: &str, c: &Comparison, colour: bool) {
    let diff = c.diff();
    if diff.is_empty() {
        return;
    }
    let reference = if c.aws.is_some() { "AWS's" } else { "correct" };
    out.push_str(&format!("\n{title} (- {reference}, + yours):\n"));
    for line in &diff {
        out.push_str(&format!("  {}\n", diff_line(line, colour)));
    }
    if let (Some(aws), Some(correct)) = (&c.aws, &c.correct) {
        let verdict = if aws == correct {
            "agrees with AWS's"
        } else {
            "differs from AWS's"
        };
        out.push_str(&format!(
            "  (ours, computed from the request sent, {verdict})\n"
        ));
    }
}

fn to_json(d: &Diagnosis) -> Value {
    let three = |c: &Comparison| json!({"aws": c.aws, "theirs": c.theirs, "correct": c.correct});
    let findings: Vec<Value> = d
        .findings
        .iter()
        .map(|f| {
            let evidence: Vec<Value> = f
                .evidence
                .iter()
                .map(|l| match l {
                    DiffLine::Same(s) => json!({"same": s}),
                    DiffLine::Expected(s) => json!({"expected": s}),
                    DiffLine::Theirs(s) => json!({"theirs": s}),
                    _ => Value::Null,
                })
                .collect();
            json!({"cause": f.cause.name(), "message": f.message, "fix": f.fix, "evidence": evidence})
        })
        .collect();
    json!({
        "findings": findings,
        "canonical_request": three(&d.canonical_request),
        "string_to_sign": three(&d.string_to_sign),
        "aws_error": d.aws_error.as_ref().map(|e| json!({"code": e.code, "message": e.message})),
        "notes": d.notes,
    })
}
