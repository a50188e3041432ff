//! `sigv4 presign`: a URL that carries its own signature, valid until it expires.

use crate::error::outln;
use std::process::ExitCode;
use std::time::Duration;

use crate::args::RequestFlags;
use crate::error::{CliError, Result};
use crate::target::{self, How, Job, Mode};

/// `sigv4 presign` flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub request: RequestFlags,
    /// Seconds the URL stays valid: 1 to 604800 (7 days).
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    pub expires: u64,
    /// The method the URL is for (same as -X): GET, PUT, ...
    #[arg(long = "method", value_name = "METHOD", conflicts_with = "method")]
    pub method_name: Option<String>,
    /// Sign as of this instant (20150830T123600Z, 2015-08-30T12:36:00Z or Unix seconds).
    #[arg(long, value_name = "TIME")]
    pub time: Option<String>,
    /// Print one JSON object: the URL, canonical request, string to sign, signature.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(mut args: Args) -> Result<ExitCode> {
    if let Some(m) = args.method_name.take() {
        args.request.method = Some(m);
    }
    if !(1..=604_800).contains(&args.expires) {
        return Err(CliError::usage(format!(
            "--expires {}: a presigned URL lasts 1 to 604800 seconds (7 days)",
            args.expires
        )));
    }
    // --method is -X; otherwise the method follows the body as in curl and explain
    // (-T PUT, -d POST, else GET).
    let how = How {
        time: args.time.as_deref(),
        mode: Mode::Presign(Duration::from_secs(args.expires)),
        example_if_none: false,
        progress: true,
        chunking: None,
    };
    let Job { scope, signed, .. } = target::sign_flags(&args.request, how).await?;
    // Headers given with -H are signed into the URL: whoever uses it must send them.
    let names: Vec<&str> = signed.steps.signed_headers().split(';').collect();
    let required: Vec<(&str, &str)> = signed
        .headers
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case("host"))
        .filter(|(n, _)| names.iter().any(|m| n.eq_ignore_ascii_case(m)))
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    if args.json {
        let mut value = crate::sign::to_json(&signed, &scope, &[]);
        if let Some(map) = value.as_object_mut() {
            let headers: serde_json::Map<String, serde_json::Value> = required
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).into()))
                .collect();
            map.insert("headers".into(), headers.into());
            map.insert("expires".into(), args.expires.into());
        }
        outln!("{value}")?;
    } else {
        outln!("{}", signed.url)?;
        if !required.is_empty() {
            let list: Vec<String> = required.iter().map(|(n, v)| format!("{n}: {v}")).collect();
            eprintln!(
                "sigv4: note: the URL signs these headers; send them with it (curl -H '...'), or S3 answers SignatureDoesNotMatch: {}",
                list.join("; ")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
