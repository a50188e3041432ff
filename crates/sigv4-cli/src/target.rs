//! From flags to a signed request: scope (service, region) from the flags or the host,
//! credentials, the payload hash (a hashing pass over an upload), and the core's signer.

use std::time::Duration;

use sha2::{Digest, Sha256};
use sigv4::{
    ChunkSigner, ChunkedLayout, ChunkedMode, Credentials, Payload, Request, Rules, Settings,
    Signer, SigningParams, SigningTime,
};
use tokio::io::AsyncReadExt;

use crate::args::{Body, Prepared, RequestFlags, parse_time};
use crate::creds::{self, Environment, Found};
use crate::error::{CliError, Exit, Result};
use crate::net::Client;

/// AWS's documented example credentials (SigV4 test suite): `explain` uses them when
/// none are configured, and says so.
pub const EXAMPLE_ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
const EXAMPLE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// The credential scope's service and region, and how they were found.
#[derive(Debug, Clone)]
pub struct Scope {
    pub service: String,
    pub region: String,
    /// For people: "read from the host", "from --service/--region", ...
    pub origin: String,
}

/// Reads the host's service and region, letting flags and configuration fill or override.
pub fn scope(flags: &RequestFlags, host: &str, env: &Environment) -> Result<Scope> {
    let inferred = sigv4::Endpoint::from_host(host);
    let service = match (&flags.service, &inferred) {
        (Some(s), _) => s.clone(),
        (None, Some(e)) => e.service.clone(),
        (None, None) => {
            let and_region = if flags.region.is_some() {
                ""
            } else {
                " and --region REGION"
            };
            return Err(CliError::new(
                Exit::Endpoint,
                format!(
                    "can't tell the AWS service from the host {host}: add --service NAME (the signing name, e.g. s3){and_region}"
                ),
            ));
        }
    };
    let region = match (&flags.region, &inferred) {
        (Some(r), _) => r.clone(),
        (None, Some(e)) => e.region.clone(),
        (None, None) => creds::region(&flags.credentials, env).ok_or_else(|| {
            CliError::new(
                Exit::Endpoint,
                format!("can't tell the region from the host {host}: add --region REGION (or set AWS_REGION)"),
            )
        })?,
    };
    // AWS's names are lower-case; a server compares them as they are, and answers with
    // an error that does not say so.
    for (flag, given) in [("--service", &flags.service), ("--region", &flags.region)] {
        if let Some(name) = given
            && name.bytes().any(|b| b.is_ascii_uppercase())
        {
            eprintln!(
                "sigv4: warning: {flag} {name}: AWS's service and region names are lower-case ({}); signing with it as given",
                name.to_ascii_lowercase()
            );
        }
    }
    let origin = match (&flags.service, &flags.region, &inferred) {
        (None, None, Some(_)) => "read from the host".to_owned(),
        (Some(_), Some(_), _) => "from --service and --region".to_owned(),
        (_, _, Some(_)) => "from the flags and the host".to_owned(),
        (Some(_), None, None) => "from --service; region from AWS_REGION or the profile".to_owned(),
        (None, _, None) => "from the flags".to_owned(),
    };
    Ok(Scope {
        service,
        region,
        origin,
    })
}

/// Loads credentials; with `example_if_none`, AWS's example key when none are
/// configured (the flag says whether that happened).
pub async fn credentials(
    flags: &RequestFlags,
    env: &Environment,
    client: &Client,
    example_if_none: bool,
) -> Result<(Found, bool)> {
    match creds::load(&flags.credentials, env, client).await? {
        Some(found) => Ok((found, false)),
        None if example_if_none => Ok((
            Found {
                credentials: Credentials::new(EXAMPLE_ACCESS_KEY_ID, EXAMPLE_SECRET)?,
                source: "AWS's documented example key (no credentials configured)".into(),
                expires: None,
            },
            true,
        )),
        None => Err(CliError::new(
            Exit::Credentials,
            format!(
                "no credentials found; looked at {}",
                creds::searched(&flags.credentials, env)
            ),
        )),
    }
}

/// The payload line: the body's SHA-256, UNSIGNED-PAYLOAD, or a file hashed in a
/// streaming pass (memory independent of its size).
pub async fn payload_hash(
    prepared: &Prepared,
    unsigned: bool,
    progress: bool,
) -> Result<Option<String>> {
    match &prepared.body {
        Body::File(path, len) if !unsigned => {
            let bar = progress
                .then(|| crate::curl::progress_bar(*len, "hashing"))
                .flatten();
            let mut file = tokio::fs::File::open(path)
                .await
                .map_err(|e| CliError::file(path, &e))?;
            let mut hasher = Sha256::new();
            let mut buf = vec![0u8; 1 << 20];
            loop {
                let n = file
                    .read(&mut buf)
                    .await
                    .map_err(|e| CliError::file(path, &e))?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                if let Some(bar) = &bar {
                    bar.inc(n as u64);
                }
            }
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            let digest = hasher.finalize();
            Ok(Some(digest.iter().map(|b| format!("{b:02x}")).collect()))
        }
        _ => Ok(None),
    }
}

/// How to sign: header signing, or a presigned URL valid for so long.
#[derive(Debug, Clone, Copy)]
pub enum Mode {
    Headers,
    Presign(Duration),
}

/// A request signed: what to send, and every step.
pub struct Signed {
    /// The URL as sent (wire form), or the presigned URL.
    pub url: String,
    pub method: String,
    /// The Host header that was signed.
    pub host: String,
    /// The request's own headers (as given), then the signer's, which replace given ones
    /// of the same name: the request carries one of each, the signed one.
    pub headers: Vec<(String, String)>,
    /// The signer's headers only (Authorization, X-Amz-Date, ...).
    pub added: Vec<(String, String)>,
    /// Names of given (-H) headers that the signer's replaced, for a warning.
    pub replaced: Vec<String>,
    pub steps: sigv4::SigningSteps,
    /// For an aws-chunked upload: the signer of its chunks, and the chunk size.
    pub chunks: Option<(ChunkSigner, usize)>,
}

/// An aws-chunked upload (`curl -T FILE --chunked`).
#[derive(Debug, Clone, Copy)]
pub struct Chunking {
    pub chunk_size: usize,
    pub mode: ChunkedMode,
}

/// Signs `prepared` with the core.
#[allow(clippy::too_many_arguments)]
pub fn sign(
    prepared: &Prepared,
    scope: &Scope,
    rules: Option<&str>,
    credentials: &Credentials,
    time: SigningTime,
    unsigned: bool,
    file_hash: Option<&str>,
    mode: Mode,
    chunking: Option<Chunking>,
) -> Result<Signed> {
    // An aws-chunked upload signs its framing headers with the request.
    let layout = match (chunking, &prepared.body) {
        (Some(c), Body::File(_, len)) => Some(ChunkedLayout::new(*len, c.chunk_size, c.mode)?),
        (Some(_), _) => {
            return Err(CliError::usage(
                "--chunked streams a file: give it with -T FILE",
            ));
        }
        (None, _) => None,
    };
    let mut own_headers = prepared.headers.clone();
    if let Some(layout) = &layout {
        own_headers.retain(|(n, _)| {
            !layout
                .headers()
                .iter()
                .any(|(m, _)| n.eq_ignore_ascii_case(m))
        });
        own_headers.extend(layout.headers().into_iter().map(|(n, v)| (n.to_owned(), v)));
    }
    let header_refs: Vec<(&str, &str)> = own_headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let payload = match (&prepared.body, unsigned, file_hash) {
        _ if layout.is_some() => layout.map(|l| l.mode().payload()).unwrap_or_default(),
        (_, true, _) => Payload::Unsigned,
        (Body::Memory(bytes), false, _) => Payload::Bytes(bytes),
        (Body::File(..), false, Some(hash)) => Payload::Precomputed(hash),
        (Body::File(..), false, None) => Payload::Unsigned,
        (Body::None, false, _) => Payload::Empty,
    };
    let mut request = Request::new(&prepared.method, &prepared.url)?
        .with_headers(&header_refs)
        .with_payload(payload);
    let mut settings = Settings::default();
    settings.rules = rules_flag(rules);
    if settings.rules.resolve(&scope.service) == Rules::S3 {
        // S3 checks the signature against the key it decoded, encoded anew: send and sign
        // the path in that form, whatever escapes the URL was typed with.
        request = request.with_s3_path();
    }
    let params = SigningParams::new(credentials, &scope.region, &scope.service, time)?
        .with_settings(settings);
    let signer = Signer::new();
    let host = request.host().unwrap_or_default().to_owned();
    match mode {
        Mode::Headers => {
            let signed = signer.sign(&request, &params)?;
            let added: Vec<(String, String)> = signed
                .headers()
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect();
            let (mut headers, replaced): (Vec<_>, Vec<_>) = own_headers
                .iter()
                .cloned()
                .partition(|(n, _)| !added.iter().any(|(m, _)| n.eq_ignore_ascii_case(m)));
            let replaced = replaced.into_iter().map(|(n, _)| n).collect();
            if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
                headers.insert(0, ("Host".to_owned(), host.clone()));
            }
            headers.extend(added.iter().cloned());
            let chunks = layout.map(|l| {
                (
                    ChunkSigner::new(signer.signing_key(&params), signed.steps(), l.mode()),
                    l.chunk_size(),
                )
            });
            Ok(Signed {
                url: request.url(),
                method: prepared.method.clone(),
                host,
                headers,
                added,
                replaced,
                steps: signed.steps().clone(),
                chunks,
            })
        }
        Mode::Presign(expires) => {
            let presigned = signer.presign(&request, &params, expires)?;
            let mut headers = prepared.headers.clone();
            if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
                headers.insert(0, ("Host".to_owned(), host.clone()));
            }
            Ok(Signed {
                url: presigned.url().to_owned(),
                method: prepared.method.clone(),
                host,
                headers,
                added: Vec::new(),
                replaced: Vec::new(),
                steps: presigned.steps().clone(),
                chunks: None,
            })
        }
    }
}

/// Whether -H gave the header `name`.
pub fn gives_header(flags: &RequestFlags, name: &str) -> bool {
    flags
        .headers
        .iter()
        .filter_map(|raw| crate::args::parse_header(raw).ok())
        .any(|(n, _)| n.eq_ignore_ascii_case(name))
}

/// `--rules`: s3, generic, or (none) from the signing name.
fn rules_flag(rules: Option<&str>) -> Rules {
    match rules {
        Some("s3") => Rules::S3,
        Some("generic") => Rules::Generic,
        _ => Rules::Auto,
    }
}

/// Sign-time now, from the system clock (the core reads none).
pub fn now() -> Result<SigningTime> {
    SigningTime::from_system_time(std::time::SystemTime::now())
        .map_err(|e| CliError::usage(format!("the system clock: {e}")))
}

/// The URL's host (for reading the scope), lower-case, without the port; the core's
/// parse errors are usage errors.
pub fn url_host(url: &str) -> Result<String> {
    let request = Request::new("GET", url)?;
    let host = request.host().unwrap_or_default();
    let name = if host.starts_with('[') {
        host.split_inclusive(']').next().unwrap_or(host)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    Ok(name.to_owned())
}

/// How a subcommand signs the request its flags describe.
pub struct How<'a> {
    /// `--time`, else now.
    pub time: Option<&'a str>,
    pub mode: Mode,
    /// Sign with AWS's example key when no credentials are configured (explain).
    pub example_if_none: bool,
    /// A progress bar for the hashing pass over an upload.
    pub progress: bool,
    /// Stream the upload aws-chunked (no hashing pass).
    pub chunking: Option<Chunking>,
}

/// A request read from the flags and signed: where every subcommand starts.
pub struct Job {
    pub client: Client,
    pub prepared: Prepared,
    pub scope: Scope,
    pub found: Found,
    /// Signed with AWS's example key.
    pub example: bool,
    pub signed: Signed,
}

/// Reads the flags, finds scope and credentials, hashes any upload, and signs.
pub async fn sign_flags(flags: &RequestFlags, how: How<'_>) -> Result<Job> {
    let env = Environment::from_process();
    let client = Client::new()?;
    let mut prepared = flags.prepare()?;
    if matches!(how.mode, Mode::Presign(_)) {
        // A presigned URL prints no headers, so it signs only those given with -H, not
        // the form type -d adds (botocore's SigV4QueryAuth drops its own the same way).
        prepared.headers.retain(|(name, _)| {
            !name.eq_ignore_ascii_case("content-type") || gives_header(flags, name)
        });
    }
    let host = url_host(&prepared.url)?;
    let scope = scope(flags, &host, &env)?;
    let time = match how.time {
        Some(t) => parse_time(t)?,
        None => now()?,
    };
    let (found, example) = credentials(flags, &env, &client, how.example_if_none).await?;
    // A presigned URL is sent later with a body no one hashed for it: under S3 rules it
    // signs UNSIGNED-PAYLOAD (as botocore's S3SigV4QueryAuth, and as S3 checks it).
    let presigned_s3 = matches!(how.mode, Mode::Presign(_))
        && rules_flag(flags.rules.as_deref()).resolve(&scope.service) == Rules::S3;
    let unsigned = flags.unsigned_payload || presigned_s3;
    let file_hash = if how.chunking.is_some() {
        None
    } else {
        payload_hash(&prepared, unsigned, how.progress).await?
    };
    let signed = sign(
        &prepared,
        &scope,
        flags.rules.as_deref(),
        &found.credentials,
        time,
        unsigned,
        file_hash.as_deref(),
        how.mode,
        how.chunking,
    )?;
    warn_replaced(&signed);
    Ok(Job {
        client,
        prepared,
        scope,
        found,
        example,
        signed,
    })
}

/// Warns (stderr) of each given header the signer's replaced: only the signed one is sent.
fn warn_replaced(signed: &Signed) {
    for name in &signed.replaced {
        eprintln!(
            "sigv4: warning: the given header {name} was replaced by the signer's (only that one is signed)"
        );
    }
}
