//! `sigv4 curl`: sign and send, with curl's habits.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use http_body_util::BodyExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::args::{Body, RequestFlags};
use crate::error::{CliError, Exit, Result, io_reason};
use crate::net;
use crate::target::{self, Chunking, How, Job, Mode};
use sigv4::{ChecksumAlgorithm, ChunkedMode};

/// `sigv4 curl` flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub request: RequestFlags,
    /// Write the body to FILE instead of standard output ("-": standard output).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Take any TLS certificate, for any name (a local S3-compatible store with a
    /// self-signed one). The request is still signed; only the server goes unchecked.
    #[arg(short = 'k', long = "insecure")]
    pub insecure: bool,
    /// Show the response's status line and headers before the body.
    #[arg(short = 'i', long = "include")]
    pub include: bool,
    /// Send HEAD and show the response's status line and headers (an object's size,
    /// type and ETag without its body).
    #[arg(short = 'I', long = "head", conflicts_with_all = ["method", "data", "data_raw", "data_binary", "upload_file"])]
    pub head: bool,
    /// Show the canonical request, the string to sign and the headers sent and received
    /// on standard error (secrets and session tokens redacted).
    #[arg(short = 'v', long = "verbose")]
    pub verbose: bool,
    /// On HTTP 400 or more, print AWS's error on one line and exit 22, without the body.
    #[arg(short = 'f', long = "fail")]
    pub fail: bool,
    /// No progress bar.
    #[arg(short = 's', long = "silent")]
    pub silent: bool,
    /// Taken for curl's -sS and -fsS: errors are always shown, on one line.
    #[arg(short = 'S', long = "show-error")]
    pub show_error: bool,
    /// Give up when the whole transfer (signing, sending, the answer) takes longer than
    /// SECONDS (decimals allowed), exit 6. Default: no limit, as curl.
    #[arg(short = 'm', long = "max-time", value_name = "SECONDS", value_parser = seconds)]
    pub max_time: Option<Duration>,
    /// Give up when a TCP connection takes longer than SECONDS to open, exit 6.
    #[arg(long, value_name = "SECONDS", value_parser = seconds, default_value = "30")]
    pub connect_timeout: Duration,
    /// With -T: stream the file aws-chunked (S3), each chunk signed as it is read, so
    /// there is no hashing pass; with --unsigned-payload, chunks are unsigned and
    /// --checksum is required (STREAMING-UNSIGNED-PAYLOAD-TRAILER).
    #[arg(long, requires = "upload_file", help_heading = "Streaming uploads")]
    pub chunked: bool,
    /// Chunk size for --chunked, in bytes (8192 to 16777216).
    #[arg(
        long,
        value_name = "BYTES",
        default_value_t = 65_536,
        requires = "chunked",
        help_heading = "Streaming uploads"
    )]
    pub chunk_size: usize,
    /// A trailing checksum for --chunked: crc32, crc32c, crc64nvme, sha1 or sha256.
    #[arg(
        long,
        value_name = "ALGORITHM",
        requires = "chunked",
        help_heading = "Streaming uploads"
    )]
    pub checksum: Option<String>,
}

impl Args {
    fn chunking(&self) -> Result<Option<Chunking>> {
        if !self.chunked {
            return Ok(None);
        }
        let checksum = match &self.checksum {
            Some(name) => Some(name.parse::<ChecksumAlgorithm>()?),
            None => None,
        };
        let mode = match (self.request.unsigned_payload, checksum) {
            (false, None) => ChunkedMode::Signed,
            (false, Some(alg)) => ChunkedMode::SignedWithTrailer(alg),
            (true, Some(alg)) => ChunkedMode::UnsignedWithTrailer(alg),
            (true, None) => {
                return Err(CliError::usage(
                    "--chunked --unsigned-payload needs a --checksum (STREAMING-UNSIGNED-PAYLOAD-TRAILER)",
                ));
            }
        };
        Ok(Some(Chunking {
            chunk_size: self.chunk_size,
            mode,
        }))
    }
}

/// A progress bar on standard error when it is a terminal (else none).
pub fn progress_bar(len: u64, what: &str) -> Option<ProgressBar> {
    let target = ProgressDrawTarget::stderr();
    if target.is_hidden() || len < 1 << 20 {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(len), target);
    let style = ProgressStyle::with_template(
        "{msg:9} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}",
    )
    .map(|s| s.progress_chars("=> "))
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_message(what.to_owned());
    Some(bar)
}

/// A positive, finite number of seconds (`--max-time`, `--connect-timeout`).
fn seconds(text: &str) -> std::result::Result<Duration, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 1e9)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| {
            format!("{text:?}: give a number of seconds greater than 0, such as 30 or 2.5")
        })
}

pub async fn run(args: Args) -> Result<ExitCode> {
    let Some(limit) = args.max_time else {
        return transfer(args).await;
    };
    match tokio::time::timeout(limit, transfer(args)).await {
        Ok(done) => done,
        Err(_) => Err(CliError::new(
            Exit::Network,
            format!(
                "the transfer took longer than --max-time {} s",
                limit.as_secs_f64()
            ),
        )),
    }
}

/// Signs, sends and writes the answer: everything `--max-time` limits.
async fn transfer(mut args: Args) -> Result<ExitCode> {
    if args.head {
        args.request.method = Some("HEAD".to_owned());
        args.include = true;
    }
    let how = How {
        time: None,
        mode: Mode::Headers,
        example_if_none: false,
        progress: !args.silent,
        chunking: args.chunking()?,
    };
    let Job {
        client,
        prepared,
        scope,
        found,
        mut signed,
        ..
    } = target::sign_flags(&args.request, how).await?;
    let client = client.configured(args.connect_timeout, args.insecure)?;
    let host = signed.host.clone();
    if args.verbose {
        eprintln!("* credentials: {}", found.source);
        eprintln!(
            "* scope: service {}, region {} ({})",
            scope.service, scope.region, scope.origin
        );
        crate::sign::eprint_steps(&signed.steps);
    }
    let mut builder = http::Request::builder()
        .method(signed.method.as_str())
        .uri(signed.url.as_str());
    let headers: Vec<(&str, &str)> = signed
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let given_agent = headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("user-agent"));
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    if !given_agent {
        builder = builder.header("User-Agent", concat!("sigv4/", env!("CARGO_PKG_VERSION")));
    }
    let (body, upload_bar) = match prepared.body {
        Body::None => (net::full(bytes::Bytes::new()), None),
        Body::Memory(bytes) => {
            builder = builder.header("Content-Length", bytes.len());
            (net::full(bytes), None)
        }
        Body::File(path, len) => {
            let bar = if args.silent {
                None
            } else {
                progress_bar(len, "uploading")
            };
            match signed.chunks.take() {
                // Content-Length (of the encoded body) was signed with the request.
                Some((chunks, size)) => (
                    net::chunked_file_body(&path, size, chunks, bar.clone()).await?,
                    bar,
                ),
                None => {
                    builder = builder.header("Content-Length", len);
                    (net::file_body(&path, bar.clone()).await?, bar)
                }
            }
        }
    };
    let request = builder
        .body(body)
        .map_err(|e| CliError::usage(format!("can't send this request: {e}")))?;
    if args.verbose {
        eprintln!(
            "> {} {}",
            request.method(),
            sigv4::redact_url_token(&request.uri().to_string())
        );
        for (name, value) in request.headers() {
            eprintln!(
                "> {}: {}",
                name,
                redact_header(name.as_str(), value.to_str().unwrap_or("<binary>"))
            );
        }
    }
    let uploading = upload_bar.is_some() || request.headers().contains_key("content-length");
    let response = client.send(request).await.map_err(|mut e| {
        // A server that refuses a request (a bad signature, say) answers at once and
        // closes the connection; the client may see only the broken upload.
        let lower = e.message.to_ascii_lowercase();
        if uploading && (lower.contains("broken pipe") || lower.contains("connection reset")) {
            e.message.push_str(
                ": the server closed the connection during the upload, which servers do when they refuse a request (check the signature with -v, or sigv4 verify)",
            );
        }
        e
    })?;
    if let Some(bar) = upload_bar {
        bar.finish_and_clear();
    }
    let status = response.status();
    if args.verbose {
        eprintln!("< {:?} {}", response.version(), status);
        for (name, value) in response.headers() {
            eprintln!("< {}: {}", name, value.to_str().unwrap_or("<binary>"));
        }
    }
    let head = if args.include {
        let mut text = format!("{:?} {}\r\n", response.version(), status);
        for (name, value) in response.headers() {
            text.push_str(&format!("{}: {}\r\n", name, value.to_str().unwrap_or("")));
        }
        text.push_str("\r\n");
        Some(text)
    } else {
        None
    };
    // The output (a file created or truncated) is opened only once the answer is one
    // that will be written: with --fail, an error leaves an existing file as it was.
    if status.as_u16() >= 400 {
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| CliError::new(Exit::Network, format!("{host}: {e}")))?
            .to_bytes();
        eprintln!("sigv4: {}", aws_error_line(status, &body));
        if args.fail {
            return Ok(ExitCode::from(Exit::Http as u8));
        }
        let mut out = Output::open(args.output.as_deref())?;
        if let Some(head) = head {
            out.write(head.as_bytes())?;
        }
        out.write(&body)?;
        out.finish()?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = Output::open(args.output.as_deref())?;
    if let Some(head) = head {
        out.write(head.as_bytes())?;
    }
    let mut body = response.into_body();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| CliError::new(Exit::Network, format!("{host}: {e}")))?;
        if let Some(data) = frame.data_ref() {
            out.write(data)?;
        }
    }
    out.finish()?;
    Ok(ExitCode::SUCCESS)
}

/// Header values shown by -v: the session token hidden (the Authorization header holds
/// only a signature for this one request, shown as curl shows it).
pub fn redact_header<'v>(name: &str, value: &'v str) -> &'v str {
    if name.eq_ignore_ascii_case("x-amz-security-token") {
        "<redacted>"
    } else {
        value
    }
}

/// Standard output or a file.
enum Output {
    Stdout(std::io::Stdout),
    File(PathBuf, std::io::BufWriter<std::fs::File>),
}

impl Output {
    fn open(path: Option<&std::path::Path>) -> Result<Output> {
        Ok(match path {
            // As curl: "-o -" is standard output, not a file named '-'.
            None => Output::Stdout(std::io::stdout()),
            Some(p) if p.as_os_str() == "-" => Output::Stdout(std::io::stdout()),
            Some(p) => Output::File(
                p.to_owned(),
                std::io::BufWriter::new(
                    std::fs::File::create(p).map_err(|e| CliError::file(p, &e))?,
                ),
            ),
        })
    }
    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        match self {
            Output::Stdout(s) => s.write_all(bytes).map_err(|e| {
                CliError::new(Exit::File, format!("standard output: {}", io_reason(&e)))
            }),
            Output::File(p, f) => f.write_all(bytes).map_err(|e| CliError::file(p, &e)),
        }
    }
    fn finish(&mut self) -> Result<()> {
        match self {
            Output::Stdout(s) => s.flush().map_err(|e| {
                CliError::new(Exit::File, format!("standard output: {}", io_reason(&e)))
            }),
            Output::File(p, f) => f.flush().map_err(|e| CliError::file(p, &e)),
        }
    }
}

/// "HTTP 403 Forbidden: SignatureDoesNotMatch: The request signature ..." from AWS's XML
/// or JSON error body (or its first line).
pub fn aws_error_line(status: http::StatusCode, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let tag = |name: &str| {
        let open = format!("<{name}>");
        let start = text.find(&open)? + open.len();
        let end = text[start..].find(&format!("</{name}>"))? + start;
        Some(text[start..end].trim().to_owned())
    };
    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let field = |names: &[&str]| {
        json.as_ref().and_then(|v| {
            names
                .iter()
                .find_map(|n| v.get(*n).and_then(|x| x.as_str()).map(str::to_owned))
        })
    };
    let code = tag("Code").or_else(|| {
        field(&["__type", "code", "Code"]).map(|c| c.rsplit('#').next().unwrap_or(&c).to_owned())
    });
    let message = tag("Message").or_else(|| field(&["message", "Message"]));
    let mut line = format!(
        "HTTP {} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    );
    match (code, message) {
        (Some(c), Some(m)) => line.push_str(&format!(": {c}: {m}")),
        (Some(c), None) => line.push_str(&format!(": {c}")),
        (None, Some(m)) => line.push_str(&format!(": {m}")),
        (None, None) => {
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            if !first.is_empty() {
                let short: String = first.trim().chars().take(200).collect();
                line.push_str(&format!(": {short}"));
            }
        }
    }
    line.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_lines() {
        let xml = b"<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message></Error>";
        assert_eq!(
            aws_error_line(http::StatusCode::FORBIDDEN, xml),
            "HTTP 403 Forbidden: SignatureDoesNotMatch: The request signature we calculated does not match"
        );
        let json = br#"{"__type":"com.amazon#InvalidSignatureException","message":"bad"}"#;
        assert_eq!(
            aws_error_line(http::StatusCode::BAD_REQUEST, json),
            "HTTP 400 Bad Request: InvalidSignatureException: bad"
        );
        assert_eq!(
            aws_error_line(http::StatusCode::NOT_FOUND, b""),
            "HTTP 404 Not Found"
        );
    }
}
