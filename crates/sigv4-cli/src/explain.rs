//! `sigv4 explain`: every step of a signature, for a person. Secrets and derived keys
//! are never shown; session tokens are redacted.

use crate::error::out;
use std::process::ExitCode;
use std::time::Duration;

use sigv4::CanonicalParts;

use crate::args::RequestFlags;
use crate::error::Result;
use crate::target::{self, How, Job, Mode};

/// `sigv4 explain` flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub request: RequestFlags,
    /// Sign as of this instant (20150830T123600Z, 2015-08-30T12:36:00Z or Unix seconds).
    #[arg(long, value_name = "TIME")]
    pub time: Option<String>,
    /// Explain a presigned URL (query signing) instead of header signing.
    #[arg(long)]
    pub presign: bool,
    /// With --presign: seconds the URL stays valid (1 to 604800).
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 3600,
        requires = "presign"
    )]
    pub expires: u64,
}

pub async fn run(args: Args) -> Result<ExitCode> {
    let mode = if args.presign {
        Mode::Presign(Duration::from_secs(args.expires))
    } else {
        Mode::Headers
    };
    let how = How {
        time: args.time.as_deref(),
        mode,
        example_if_none: true,
        progress: true,
        chunking: None,
    };
    let Job {
        prepared,
        scope,
        found,
        example,
        signed,
        ..
    } = target::sign_flags(&args.request, how).await?;
    let steps = &signed.steps;
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!(
        "Signing {} {}",
        signed.method,
        sigv4::redact_url_token(&prepared.url)
    ));
    line(format!(
        "  service {}, region {} ({})",
        scope.service, scope.region, scope.origin
    ));
    line(format!(
        "  credentials: access key {} from {}",
        found.credentials.access_key_id(),
        found.source
    ));
    if example {
        line("  (This is AWS's published example key: the signature is real but no account accepts it.".into());
        line("   Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or --profile, to sign with yours.)".into());
    }
    line(String::new());
    let shown = steps.redacted_canonical_request();
    line("1. Canonical request".into());
    match CanonicalParts::parse(&shown) {
        Some(parts) => {
            let label = |name: &str, value: &str, note: &str| {
                let mut text = String::new();
                for (i, v) in value.split('\n').enumerate() {
                    let l = if i == 0 { name } else { "" };
                    text.push_str(&format!("   {l:<16} {v}\n"));
                }
                if !note.is_empty() {
                    text.push_str(&format!("   {:<16} ({note})\n", ""));
                }
                text.pop();
                text
            };
            line(label("method", parts.method, ""));
            line(label(
                "canonical URI",
                parts.uri,
                "the path, percent-encoded; S3 keeps it as sent, other services normalize it and encode it twice",
            ));
            line(label(
                "canonical query",
                parts.query,
                if parts.query.is_empty() {
                    "no query: an empty line, which must still be there"
                } else {
                    "names and values encoded (space is %20), sorted by name then value"
                },
            ));
            line(label(
                "headers",
                parts.headers,
                "lower-case names, trimmed values, sorted; each line ends with \\n, then one blank line",
            ));
            line(label(
                "signed headers",
                parts.signed_headers,
                "the header names, ';'-separated",
            ));
            line(label(
                "payload hash",
                parts.payload_hash,
                payload_note(parts.payload_hash),
            ));
        }
        None => line(format!("   {shown}")),
    }
    line("   As one text (lines joined with \\n, no final newline):".into());
    for l in shown.split('\n') {
        line(format!("   | {l}"));
    }
    line(String::new());
    line("2. Hash of the canonical request".into());
    line(format!(
        "   SHA-256, hex = {}",
        steps.canonical_request_hash()
    ));
    line(String::new());
    line("3. String to sign".into());
    let sts: Vec<&str> = steps.string_to_sign().split('\n').collect();
    for (label, value) in [
        "algorithm",
        "request date",
        "credential scope",
        "request hash",
    ]
    .iter()
    .zip(&sts)
    {
        line(format!("   {label:<16} {value}"));
    }
    line(String::new());
    line("4. Signing key (derived from the secret key; neither is ever shown)".into());
    let scope_parts: Vec<&str> = steps.credential_scope().split('/').collect();
    if let [date, region, service, terminator] = scope_parts[..] {
        line(format!(
            "   kDate    = HMAC-SHA256(\"AWS4\" + secret key, \"{date}\")"
        ));
        line(format!("   kRegion  = HMAC-SHA256(kDate, \"{region}\")"));
        line(format!("   kService = HMAC-SHA256(kRegion, \"{service}\")"));
        line(format!(
            "   kSigning = HMAC-SHA256(kService, \"{terminator}\")"
        ));
        line("   (each step takes the previous step's 32 raw bytes as its key, not hex)".into());
    }
    line(String::new());
    line("5. Signature".into());
    line("   hex(HMAC-SHA256(kSigning, string to sign))".into());
    line(format!("   = {}", steps.signature()));
    line(String::new());
    match mode {
        Mode::Headers => {
            line("6. Headers to send".into());
            line(format!("   Host: {}", signed.host));
            for (name, value) in &signed.added {
                line(format!(
                    "   {name}: {}",
                    crate::curl::redact_header(name, value)
                ));
            }
        }
        Mode::Presign(_) => {
            line("6. Presigned URL".into());
            line(format!("   {}", sigv4::redact_url_token(&signed.url)));
        }
    }
    out!("{out}")?;
    Ok(ExitCode::SUCCESS)
}

fn payload_note(hash: &str) -> &'static str {
    match hash {
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" => {
            "SHA-256 of the empty body"
        }
        "UNSIGNED-PAYLOAD" => "the body is not signed (S3 and presigned URLs)",
        h if h.starts_with("STREAMING-") => "aws-chunked: each chunk is signed on its own",
        _ => "SHA-256 of the body, hex",
    }
}
