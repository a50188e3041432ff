//! `sigv4 presign-post`: the URL and form fields of a browser upload to S3 (a signed
//! POST policy), as JSON or a ready HTML form.

use crate::error::outln;
use std::process::ExitCode;
use std::time::Duration;

use serde_json::json;
use sigv4::{PolicyCondition, PostForm, SigningParams, UploadTarget};

use crate::args::parse_time;
use crate::creds::{self, CredentialFlags, Environment};
use crate::error::{CliError, Result};

/// `sigv4 presign-post` flags.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("target").required(true).args(["key", "key_prefix"]))]
pub struct Args {
    /// The bucket.
    #[arg(long, value_name = "BUCKET")]
    pub bucket: String,
    /// The object's key.
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    /// Any key under this prefix: the browser's file name is appended (`${filename}`).
    #[arg(long, value_name = "PREFIX")]
    pub key_prefix: Option<String>,
    /// The largest file allowed, in bytes (content-length-range).
    #[arg(long, value_name = "BYTES", default_value_t = 10 * 1024 * 1024)]
    pub max_size: u64,
    /// Only files whose Content-Type starts with this (image/, text/plain, ...).
    #[arg(long, value_name = "PREFIX")]
    pub content_type_prefix: Option<String>,
    /// Seconds the form stays usable (1 to 604800).
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    pub expires: u64,
    /// The region (else AWS_REGION, the profile, us-east-1).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// An S3-compatible endpoint (http://127.0.0.1:9000), addressed path-style; else
    /// https://BUCKET.s3.REGION.amazonaws.com/.
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Sign as of this instant (for tests and reproductions).
    #[arg(long, value_name = "TIME")]
    pub time: Option<String>,
    /// Print a ready HTML upload form instead of JSON.
    #[arg(long)]
    pub html: bool,
    #[command(flatten)]
    pub credentials: CredentialFlags,
}

pub async fn run(args: Args) -> Result<ExitCode> {
    let env = Environment::from_process();
    let client = crate::net::Client::new()?;
    let found = creds::require(&args.credentials, &env, &client).await?;
    let region = args
        .region
        .clone()
        .or_else(|| creds::region(&args.credentials, &env))
        .unwrap_or_else(|| "us-east-1".to_owned());
    let time = match &args.time {
        Some(t) => parse_time(t)?,
        None => crate::target::now()?,
    };
    let (_, url) = UploadTarget::locate(&args.bucket, args.endpoint.as_deref(), &region)?;
    let key = match (&args.key, &args.key_prefix) {
        (Some(k), _) => k.clone(),
        (None, Some(p)) => format!("{p}${{filename}}"),
        (None, None) => return Err(CliError::usage("give --key or --key-prefix")),
    };
    let mut form = PostForm::new(&url, &args.bucket, &key)
        .with_condition(PolicyCondition::content_length_range(0, args.max_size));
    if let Some(prefix) = &args.content_type_prefix {
        form = form.with_condition(PolicyCondition::starts_with("Content-Type", prefix));
    }
    let params = SigningParams::new(&found.credentials, &region, "s3", time)?;
    let post =
        sigv4::Signer::new().presign_post(&form, &params, Duration::from_secs(args.expires))?;
    if args.html {
        outln!("{}", html_form(&post, args.content_type_prefix.as_deref()))?;
    } else {
        let fields: serde_json::Map<String, serde_json::Value> = post
            .fields
            .iter()
            .map(|(n, v)| (n.clone(), json!(v)))
            .collect();
        outln!(
            "{}",
            json!({"url": post.url, "fields": fields, "policy": post.policy.to_json()})
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn html_form(post: &sigv4::PresignedPost, type_prefix: Option<&str>) -> String {
    let mut out =
        String::from("<!doctype html>\n<meta charset=\"utf-8\">\n<title>Upload to S3</title>\n");
    out.push_str(&format!(
        "<form action=\"{}\" method=\"post\" enctype=\"multipart/form-data\">\n",
        escape(&post.url)
    ));
    for (name, value) in &post.fields {
        out.push_str(&format!(
            "  <input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
            escape(name),
            escape(value)
        ));
    }
    if let Some(prefix) = type_prefix {
        out.push_str(&format!(
            "  <label>Content-Type <input name=\"Content-Type\" value=\"{}\"></label>\n",
            escape(prefix)
        ));
    }
    out.push_str("  <input type=\"file\" name=\"file\">\n  <button>Upload</button>\n</form>");
    out
}
