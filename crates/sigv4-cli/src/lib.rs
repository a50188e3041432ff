//! `sigv4`: curl-like signed requests to AWS (and anything that speaks SigV4),
//! presigned URLs, and every step of a signature explained. Thin over the `sigv4` core:
//! this crate parses flags, loads credentials and files, talks HTTP, and renders.
//!
//! A library only so that the fuzz targets reach its parsers ([`fuzzing`]); the
//! binary's `main` calls [`run`].

// The subcommands' doc comments are their --help text, URLs as a person types them.
#![allow(rustdoc::bare_urls)]

mod args;
mod creds;
mod curl;
mod diagnose;
mod error;
mod explain;
#[doc(hidden)]
pub mod fuzzing;
mod net;
mod presign;
mod presign_post;
mod serve;
mod sign;
mod target;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::CliError;

const EXIT_CODES: &str = "\
Exit codes:
  0   success (for `curl`, any HTTP answer unless --fail)
  1   `verify`: the signature is invalid; `diagnose`: no known mistake found
      (these two use 0, 1 and 2 only: 2 for any error)
  2   bad flags or input (URL, header, time, file name, expiry)
  3   no usable credentials (says where it looked)
  4   service or region unknown for this host: add --service and --region
  5   a file could not be read or written
  6   no answer from the server (connection, TLS, --connect-timeout, --max-time);
      `serve`: can't listen
  22  with --fail: the server answered with HTTP 400 or more (as curl)

Credentials come from --access-key-id/--secret-access-key, then AWS_ACCESS_KEY_ID/
AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, then the profile (--profile, AWS_PROFILE or
default) in ~/.aws/credentials and ~/.aws/config (static keys, credential_process,
role_arn with source_profile). Secret keys and derived keys are never printed. Session
tokens are printed only where the output must carry them (`sign`, `presign`,
`presign-post`), never by -v, explain, diagnose or verify.";

/// Signed HTTP requests to AWS and other SigV4 services, presigned URLs, and every
/// signing step explained.
///
/// The service, region and signing name are read from the host
/// (email.us-east-1.amazonaws.com signs as ses in us-east-1); give --service and
/// --region for other hosts (localhost, S3-compatible stores).
#[derive(Parser)]
#[command(name = "sigv4", version, after_help = EXIT_CODES, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Send a signed request, with curl's flags (-X, -H, -d, --data-binary, -T, -o, -i, -v, -f, -m).
    ///
    /// Examples:
    ///   sigv4 curl 'https://polly.eu-west-1.amazonaws.com/v1/voices?LanguageCode=en-US'
    ///   sigv4 curl -X POST -H 'X-Amz-Target: Kinesis_20131202.ListStreams' \
    ///       -H 'Content-Type: application/x-amz-json-1.1' -d '{}' https://kinesis.us-east-1.amazonaws.com/
    ///   sigv4 curl -T big.iso https://my-bucket.s3.eu-west-1.amazonaws.com/big.iso
    #[command(verbatim_doc_comment)]
    Curl(curl::Args),
    /// Print the headers that sign a request (or a ready curl command line), without sending it.
    ///
    /// Examples:
    ///   sigv4 sign https://sts.amazonaws.com/?Action=GetCallerIdentity\&Version=2011-06-15
    ///   sigv4 sign --curl -X POST -d 'Action=ListUsers&Version=2010-05-08' https://iam.amazonaws.com/
    ///   sigv4 sign --json --time 20150830T123600Z --service service --region us-east-1 \
    ///       https://example.amazonaws.com/
    #[command(verbatim_doc_comment)]
    Sign(sign::Args),
    /// Print a presigned URL that anyone can use until it expires (S3 GET/PUT and more).
    ///
    /// Examples:
    ///   sigv4 presign https://my-bucket.s3.us-west-2.amazonaws.com/report.pdf
    ///   sigv4 presign --method PUT --expires 600 \
    ///     https://my-bucket.s3.us-west-2.amazonaws.com/upload.bin
    #[command(verbatim_doc_comment)]
    Presign(presign::Args),
    /// Print the URL and form fields of a browser upload to S3 (a signed POST policy),
    /// as JSON or, with --html, a ready form.
    ///
    /// Example:
    ///   sigv4 presign-post --bucket my-bucket --key-prefix uploads/ \
    ///     --max-size 5000000 --content-type-prefix image/
    #[command(verbatim_doc_comment)]
    PresignPost(presign_post::Args),
    /// Serve a signing endpoint for browser uploads (Fine Uploader's S3 v4 protocol, and
    /// presigned PUT/POST parameters for Uppy) that signs only what its rules allow.
    ///
    /// Example:
    ///   sigv4 serve --config examples/browser-upload/rules.toml
    #[command(verbatim_doc_comment)]
    Serve(serve::Args),
    /// Check a signed request (a raw HTTP/1.1 request from a file or standard input, or
    /// --url PRESIGNED) against credentials, as AWS would; on a mismatch, show the
    /// canonical request and string to sign the verifier computed. Exit 0 valid,
    /// 1 invalid, 2 error (bad input, no credentials, unreadable file).
    ///
    /// Examples:
    ///   sigv4 verify captured-request.txt
    ///   sigv4 verify --url 'https://bucket.s3.amazonaws.com/key?X-Amz-Algorithm=...'
    #[command(verbatim_doc_comment)]
    Verify(verify::Args),
    /// Show every step of signing a request: canonical request, hashes, string to sign,
    /// the signing-key chain and the signature. Secrets and derived keys are never shown;
    /// with no credentials configured, AWS's documented example key is used.
    ///
    /// Example:
    ///   sigv4 explain 'https://polly.eu-west-1.amazonaws.com/v1/voices?LanguageCode=en-US'
    #[command(verbatim_doc_comment)]
    Explain(explain::Args),
    /// Turn a SignatureDoesNotMatch into its cause and fix: compares AWS's error response,
    /// the canonical request and string to sign your code printed, and what this tool
    /// computes from the request sent. Secrets and derived keys are never shown.
    ///
    /// Examples:
    ///   sigv4 diagnose --response error.json --canonical-request mine.txt
    ///   sigv4 diagnose --response error.xml --request sent.http --string-to-sign sts.txt
    ///   sigv4 diagnose --canonical-request mine.txt \
    ///       --curl 'curl https://email.us-east-1.amazonaws.com/?Action=...'
    #[command(verbatim_doc_comment)]
    Diagnose(diagnose::Args),
}

/// Parses the command line, runs the subcommand, and returns the exit code (errors are
/// printed on standard error, one line).
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     sigv4_cli::run()
/// }
/// ```
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("sigv4: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Curl(args) => curl::run(args).await,
            Command::Sign(args) => sign::run(args).await,
            Command::Presign(args) => presign::run(args).await,
            Command::Explain(args) => explain::run(args).await,
            Command::PresignPost(args) => presign_post::run(args).await,
            Command::Serve(args) => serve::run(args).await,
            Command::Verify(args) => verify::run(args).await,
            Command::Diagnose(args) => diagnose::run(args).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(CliError { exit, message }) => {
            eprintln!("sigv4: {message}");
            ExitCode::from(exit as u8)
        }
    }
}

/// Credentials and region found as the `sigv4` command finds them, for other front ends
/// (the Python package): the same chain, files and AssumeRole support, with no flags.
pub mod credentials {
    /// Credentials found by [`load`].
    #[derive(Debug)]
    #[non_exhaustive]
    pub struct Loaded {
        /// The credentials.
        pub credentials: sigv4::Credentials,
        /// Where they came from (never the values).
        pub source: String,
        /// When temporary credentials expire (Unix seconds); `None` for long-term keys.
        pub expires: Option<i64>,
    }

    /// Seconds from now until credentials expiring at `expires` (Unix seconds; `None`:
    /// long-term keys) should be looked up again, as `sigv4 serve` does: five minutes, or
    /// half the time they have left when that is sooner (at least one second).
    ///
    /// ```
    /// assert_eq!(sigv4_cli::credentials::renew_after(None), 300);
    /// ```
    pub fn renew_after(expires: Option<i64>) -> i64 {
        crate::creds::renew_wait(expires, crate::creds::unix_now())
    }

    /// The credentials of `profile` (else `AWS_PROFILE`, else the environment's keys,
    /// else `default`), with where they came from and when they expire. The error is one
    /// line that never holds a secret.
    ///
    /// ```no_run
    /// let loaded = sigv4_cli::credentials::load(None)?;
    /// println!("{} from {}", loaded.credentials.access_key_id(), loaded.source);
    /// # Ok::<(), String>(())
    /// ```
    pub fn load(profile: Option<&str>) -> Result<Loaded, String> {
        let flags = crate::creds::CredentialFlags {
            profile: profile.map(str::to_owned),
            ..Default::default()
        };
        let env = crate::creds::Environment::from_process();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the runtime that loads credentials: {e}"))?;
        runtime.block_on(async {
            let client = crate::net::Client::new().map_err(|e| e.message)?;
            crate::creds::require(&flags, &env, &client)
                .await
                .map(|found| Loaded {
                    credentials: found.credentials,
                    source: found.source,
                    expires: found.expires,
                })
                // The same search, in words for a library's caller (no flags there).
                .map_err(|e| {
                    e.message
                        .replace("--access-key-id/--secret-access-key (not given), ", "")
                        .replace("--profile", "the profile argument")
                })
        })
    }

    /// The region configured outside a URL: `AWS_REGION`, `AWS_DEFAULT_REGION`, then
    /// the profile's `region`.
    ///
    /// ```
    /// let region: Option<String> = sigv4_cli::credentials::region(Some("no-such-profile"));
    /// ```
    pub fn region(profile: Option<&str>) -> Option<String> {
        let flags = crate::creds::CredentialFlags {
            profile: profile.map(str::to_owned),
            ..Default::default()
        };
        crate::creds::region(&flags, &crate::creds::Environment::from_process())
    }
}
