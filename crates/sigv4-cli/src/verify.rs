//! `sigv4 verify`: checks a signed request (a raw HTTP/1.1 request, from a file or
//! standard input, or a presigned URL) against credentials, as AWS would, and on a
//! mismatch shows what the verifier computed. Exit 0 valid, 1 invalid, 2 error.

use crate::error::outln;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use serde_json::json;
use sigv4::{ErrorKind, RawRequest, ReceivedBody, Verifier, VerifySettings};

use crate::args::parse_time;
use crate::creds::{self, CredentialFlags, Environment};
use crate::error::{CliError, Exit, Result};

/// `sigv4 verify` flags.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("input").args(["file", "url"]))]
pub struct Args {
    /// A raw HTTP/1.1 request (request line, headers, blank line, body); `-` or nothing
    /// reads standard input.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// A presigned URL to check instead.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// With --url: the method the URL is for.
    #[arg(long, value_name = "METHOD", default_value = "GET", requires = "url")]
    pub method: String,
    /// Check as of this instant (default now).
    #[arg(long, value_name = "TIME")]
    pub time: Option<String>,
    /// The largest clock skew accepted, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 900)]
    pub max_skew: u64,
    /// Under generic rules, the path was signed without normalization.
    #[arg(long)]
    pub no_normalize: bool,
    /// Print the verdict as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub credentials: CredentialFlags,
}

/// Exit codes of `verify`: 0 valid, 1 invalid, 2 error.
const INVALID: u8 = 1;

pub async fn run(args: Args) -> Result<ExitCode> {
    // Every error (bad input, no credentials, unreadable file) is exit 2 here.
    check(args).await.map_err(|mut e| {
        e.exit = Exit::Usage;
        e
    })
}

async fn check(args: Args) -> Result<ExitCode> {
    let raw = match (&args.url, &args.file) {
        (Some(url), _) => {
            let request = sigv4::Request::new(&args.method, url)?;
            let host = request.host().unwrap_or_default().to_owned();
            let full = request.url();
            let target = full
                .split_once("://")
                .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
                .unwrap_or_else(|| "/".to_owned());
            let text = format!("{} {target} HTTP/1.1\r\nHost: {host}\r\n\r\n", args.method);
            RawRequest::parse(text.as_bytes())?
        }
        (None, file) => {
            let bytes = match file.as_deref() {
                None => read_stdin()?,
                Some(p) if p.as_os_str() == "-" => read_stdin()?,
                Some(p) => std::fs::read(p).map_err(|e| CliError::file(p, &e))?,
            };
            // The core's message says "not an HTTP/1.1 request" already.
            RawRequest::parse(&bytes)
                .map_err(|e| CliError::usage(e.to_string().trim_start_matches("invalid URL: ")))?
        }
    };
    let env = Environment::from_process();
    let client = crate::net::Client::new()?;
    let found = creds::require(&args.credentials, &env, &client).await?;
    let now = match &args.time {
        Some(t) => parse_time(t)?,
        None => crate::target::now()?,
    };
    let mut settings = VerifySettings::default();
    settings.max_skew = Duration::from_secs(args.max_skew);
    if args.no_normalize {
        settings.normalize_path = Some(false);
    }
    let creds = found.credentials.clone();
    let verifier =
        Verifier::new(move |id: &str| (id == creds.access_key_id()).then(|| creds.clone()))
            .with_settings(settings);
    let result = verifier.verify(
        &raw.method,
        &raw.target,
        &raw.header_pairs(),
        ReceivedBody::Bytes(&raw.body),
        now,
    );
    match result {
        Ok(v) => {
            if args.json {
                outln!(
                    "{}",
                    json!({"valid": true, "access_key_id": v.access_key_id, "region": v.region,
                        "service": v.service, "time": v.time.amz_date(), "signed_headers": v.signed_headers,
                        "presigned": v.presigned, "payload_hash": v.payload_hash})
                )?;
            } else {
                outln!(
                    "valid: signed by {} for {} in {} at {} ({}; signed headers {})",
                    v.access_key_id,
                    v.service,
                    v.region,
                    v.time.amz_date(),
                    if v.presigned {
                        "presigned URL"
                    } else {
                        "Authorization header"
                    },
                    v.signed_headers.join(";")
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let (canonical, sts) = match e.kind() {
                ErrorKind::SignatureMismatch {
                    canonical_request,
                    string_to_sign,
                } => (
                    Some(canonical_request.as_str()),
                    Some(string_to_sign.as_str()),
                ),
                _ => (None, None),
            };
            if args.json {
                outln!(
                    "{}",
                    json!({"valid": false, "reason": e.to_string(),
                        "canonical_request": canonical, "string_to_sign": sts})
                )?;
            } else {
                outln!("invalid: {e}")?;
                // A presigned URL is for one method; --url checks it as GET unless told.
                if args.url.is_some() && canonical.is_some() {
                    outln!(
                        "(checked as a {} request: if the URL is for another method, give it with --method)",
                        args.method
                    )?;
                }
                if let (Some(c), Some(s)) = (canonical, sts) {
                    outln!("\nThe verifier's canonical request (session token redacted):")?;
                    for line in c.split('\n') {
                        outln!("  | {line}")?;
                    }
                    outln!("\nThe verifier's string to sign:")?;
                    for line in s.split('\n') {
                        outln!("  | {line}")?;
                    }
                }
            }
            Ok(ExitCode::from(INVALID))
        }
    }
}

fn read_stdin() -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::file(std::path::Path::new("<stdin>"), &e))?;
    Ok(bytes)
}
