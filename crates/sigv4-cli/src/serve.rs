//! `sigv4 serve`: a signing endpoint for browser uploads to S3 (Fine Uploader's v4
//! signature protocol, and presigned PUT/POST parameters for Uppy and others) that signs
//! only what its rules allow. The rules live in the core ([`sigv4::UploadRules`]).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use sigv4::{
    Credentials, ErrorKind, PolicyCondition, PostForm, Request, Signer, SigningParams, SigningTime,
    UploadAnswer, UploadRules,
};

use crate::creds::{CredentialFlags, Environment, Renewal, Renewing};
use crate::error::{CliError, Exit, Result};

/// `sigv4 serve` flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The rules file (TOML): buckets, key prefixes, sizes, types, ACLs, expiry, CORS
    /// origins, bearer token. See examples/browser-upload/rules.toml.
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// Address to listen on (overrides the file's `listen`).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    #[command(flatten)]
    pub credentials: CredentialFlags,
}

/// The rules file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    listen: Option<SocketAddr>,
    region: String,
    /// Credentials profile (else the usual chain: env, default profile).
    profile: Option<String>,
    bucket: Vec<BucketConfig>,
    key_prefixes: Vec<String>,
    max_size: u64,
    #[serde(default)]
    content_types: Vec<String>,
    /// Allowed canned ACLs; left out: `private` only (UploadRules' default).
    acls: Option<Vec<String>>,
    #[serde(default = "default_expiry")]
    max_expiry_seconds: u64,
    #[serde(default = "default_skew")]
    max_skew_seconds: u64,
    #[serde(default)]
    extra_fields: Option<Vec<String>>,
    /// Whether Fine Uploader's multipart uploads are signed (UploadRules::multipart).
    #[serde(default = "default_multipart")]
    multipart: bool,
    /// The longest a request may take to arrive and be answered (a body that never
    /// comes would otherwise hold its connection for good).
    #[serde(default = "default_request_timeout")]
    request_timeout_seconds: u64,
    #[serde(default)]
    cors_origins: Vec<String>,
    /// Name of an environment variable holding a token callers must send as
    /// `Authorization: Bearer <token>`.
    bearer_token_env: Option<String>,
    /// A folder served at `/` (the upload page), optional.
    static_dir: Option<PathBuf>,
}

fn default_expiry() -> u64 {
    3600
}
fn default_skew() -> u64 {
    900
}
fn default_multipart() -> bool {
    true
}
fn default_request_timeout() -> u64 {
    30
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BucketConfig {
    name: String,
    /// An S3-compatible endpoint (`http://127.0.0.1:9000`), addressed path-style; else
    /// AWS, virtual-hosted.
    endpoint: Option<String>,
}

struct AppState {
    rules: UploadRules,
    /// Looked up again every five minutes (assumed-role keys expire).
    credentials: Renewing,
    region: String,
    signer: Signer,
    token: Option<String>,
    buckets: Vec<(String, String)>,
}

/// Logged at start when the server's credentials have a session token.
const TEMPORARY_NOTE: &str = "sigv4 serve: these credentials are temporary: every upload \
must carry their session token. /presign answers include it; Fine Uploader 5 sends one \
only when it signs in the browser, so its /sign policies lack it and are refused";

/// A rules file that does not parse, in one line: the file, the line, the reason
/// (`rules.toml: line 1: missing field `max_size``).
fn config_error(path: &std::path::Path, text: &str, e: &toml::de::Error) -> CliError {
    let line = e.span().map_or(String::new(), |span| {
        let before = text.as_bytes().get(..span.start).unwrap_or(text.as_bytes());
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        format!("line {line}: ")
    });
    let reason = e
        .message()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    CliError::usage(format!("{}: {line}{reason}", path.display()))
}

pub async fn run(args: Args) -> Result<ExitCode> {
    let text =
        std::fs::read_to_string(&args.config).map_err(|e| CliError::file(&args.config, &e))?;
    let config: Config =
        toml::from_str(&text).map_err(|e| config_error(&args.config, &text, &e))?;
    let in_file =
        |e: &dyn std::fmt::Display| CliError::usage(format!("{}: {e}", args.config.display()));
    let mut targets = Vec::new();
    let mut buckets = Vec::new();
    for b in &config.bucket {
        let (target, url) =
            sigv4::UploadTarget::locate(&b.name, b.endpoint.as_deref(), &config.region)
                .map_err(|e| in_file(&e))?;
        targets.push(target);
        buckets.push((b.name.clone(), url));
    }
    let mut rules = UploadRules::new(targets, config.key_prefixes.clone(), config.max_size);
    rules.content_types = config.content_types.clone();
    if let Some(acls) = &config.acls {
        rules.acls = acls.clone();
    }
    rules.max_expiry = Duration::from_secs(config.max_expiry_seconds);
    rules.max_skew = Duration::from_secs(config.max_skew_seconds);
    rules.multipart = config.multipart;
    if config.request_timeout_seconds == 0 {
        return Err(in_file(&"request_timeout_seconds must be at least 1"));
    }
    if let Some(extra) = &config.extra_fields {
        rules.extra_fields = extra.iter().map(|f| f.to_ascii_lowercase()).collect();
    }
    rules.check().map_err(|e| in_file(&e))?;
    let env = Environment::from_process();
    let mut flags = args.credentials.clone();
    if flags.profile.is_none() {
        flags.profile = config.profile.clone();
    }
    let client = crate::net::Client::new()?;
    let (credentials, source) = Renewing::start(flags, env.clone(), client).await?;
    let token = match &config.bearer_token_env {
        Some(var) => Some(
            env.vars
                .get(var)
                .filter(|t| !t.is_empty())
                .cloned()
                .ok_or_else(|| {
                    CliError::usage(format!("bearer_token_env names {var}, which is not set"))
                })?,
        ),
        None => None,
    };
    let state = Arc::new(AppState {
        rules,
        credentials,
        region: config.region.clone(),
        signer: Signer::new(),
        token,
        buckets,
    });
    let mut app = Router::new()
        .route("/sign", post(sign))
        .route("/presign", post(presign))
        .route(
            "/health",
            get(|| async { axum::Json(json!({"status": "ok"})) }),
        )
        .layer(DefaultBodyLimit::max(64 * 1024))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(config.request_timeout_seconds),
        ))
        .with_state(Arc::clone(&state));
    if let Some(dir) = &config.static_dir {
        app = app.fallback_service(tower_http::services::ServeDir::new(dir));
    }
    if !config.cors_origins.is_empty() {
        let origins: Vec<HeaderValue> = config
            .cors_origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        app = app.layer(
            tower_http::cors::CorsLayer::new()
                .allow_origin(origins)
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([
                    header::CONTENT_TYPE,
                    header::AUTHORIZATION,
                    header::HeaderName::from_static("x-requested-with"),
                    header::CACHE_CONTROL,
                ]),
        );
    }
    let addr = args
        .listen
        .or(config.listen)
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| CliError::new(Exit::Network, format!("listen on {addr}: {e}")))?;
    let local = listener.local_addr().unwrap_or(addr);
    eprintln!(
        "sigv4 serve: listening on http://{local} (credentials: {}; region {})",
        source, config.region
    );
    if let Ok((current, _)) = state.credentials.get().await
        && current.has_session_token()
    {
        eprintln!("{TEMPORARY_NOTE}");
    }
    let head_timeout = Duration::from_secs(config.request_timeout_seconds);
    serve_connections(listener, app, head_timeout).await;
    eprintln!("sigv4 serve: stopped");
    Ok(ExitCode::SUCCESS)
}

/// Answers HTTP/1.1 connections until Ctrl-C or SIGTERM, then lets the requests in flight
/// finish. A connection is closed when a request head (or, between requests, the next
/// one) takes longer than `head_timeout` to arrive: `axum::serve` sets no such limit, so
/// a client sending half a head, or nothing, held its connection for good. The body's
/// limit is the router's `TimeoutLayer`.
async fn serve_connections(listener: tokio::net::TcpListener, app: Router, head_timeout: Duration) {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::server::graceful::GracefulShutdown;
    use hyper_util::service::TowerToHyperService;

    let mut builder = Builder::new(TokioExecutor::new()).http1_only();
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(head_timeout);
    let graceful = GracefulShutdown::new();
    let mut stop = std::pin::pin!(shutdown());
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(_) => {
                    // Out of file descriptors, or a connection reset before it was
                    // taken: wait a little rather than spin, as axum::serve does.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let connection = builder
            .serve_connection(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A connection's errors (reset, timed out, malformed) end that connection only.
            let _ = connection.await;
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Ctrl-C or SIGTERM: stop taking connections, finish the ones in flight.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// A refusal: logged with its reason, answered `{"invalid": true}` (Fine Uploader's
/// convention) and a 4xx.
fn refuse(status: StatusCode, what: &str, reason: &str) -> Response {
    eprintln!("sigv4 serve: refused {what}: {reason}");
    (status, axum::Json(json!({"invalid": true}))).into_response()
}

fn authorized(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(token) = &state.token else {
        return true;
    };
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    // Constant-time: the comparison must not tell how much of the token was right.
    bool::from(subtle::ConstantTimeEq::ct_eq(
        sent.as_bytes(),
        token.as_bytes(),
    ))
}

/// The credentials to sign with, looked up again when due (logged); a 503 when they
/// have expired and cannot be renewed.
async fn credentials(state: &AppState) -> std::result::Result<Arc<Credentials>, Response> {
    match state.credentials.get().await {
        Ok((credentials, renewal)) => {
            match renewal {
                Some(Renewal::Renewed(source)) => {
                    eprintln!("sigv4 serve: credentials looked up again: {source}");
                }
                Some(Renewal::Kept(why)) => eprintln!("sigv4 serve: {why}"),
                _ => {}
            }
            Ok(credentials)
        }
        Err(e) => Err(refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "a request",
            &e.message,
        )),
    }
}

fn now() -> Option<SigningTime> {
    SigningTime::from_system_time(std::time::SystemTime::now()).ok()
}

/// Fine Uploader's signature endpoint: a policy document, or `{"headers": ...}` for a
/// multipart request.
async fn sign(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    if !authorized(&state, &headers) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "a signing request",
            "no or wrong bearer token",
        );
    }
    let Some(now) = now() else {
        return refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "a signing request",
            "the clock is unusable",
        );
    };
    let Ok(text) = std::str::from_utf8(&body) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "a signing request",
            "the body is not UTF-8",
        );
    };
    let credentials = match credentials(&state).await {
        Ok(credentials) => credentials,
        Err(response) => return response,
    };
    let answer = state
        .rules
        .sign_request(text, &state.signer, &credentials, &state.region, now);
    match answer {
        Ok(answer) => {
            match &answer {
                UploadAnswer::Policy { .. } => eprintln!("sigv4 serve: signed a policy"),
                UploadAnswer::Multipart { operation, .. } => {
                    eprintln!("sigv4 serve: signed a multipart request: {operation}");
                }
                _ => {}
            }
            (
                [(header::CONTENT_TYPE, "application/json")],
                answer.to_json(),
            )
                .into_response()
        }
        Err(e) => {
            let status = match e.kind() {
                ErrorKind::UploadRefused { .. } => StatusCode::FORBIDDEN,
                _ => StatusCode::BAD_REQUEST,
            };
            refuse(status, "a signing request", &e.to_string())
        }
    }
}

/// Presigned upload parameters for uploaders such as Uppy's AwsS3 plugin.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PresignAsk {
    method: String,
    key: String,
    bucket: Option<String>,
    content_type: Option<String>,
    /// Seconds; at most the rules' maximum.
    expires: Option<u64>,
    /// The object's size in bytes, at most the rules' max_size: required for PUT, whose
    /// URL then signs it as Content-Length (S3 refuses another size); for POST, the
    /// policy's largest size (default max_size).
    size: Option<u64>,
}

async fn presign(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    if !authorized(&state, &headers) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "a presign request",
            "no or wrong bearer token",
        );
    }
    let ask: PresignAsk = match serde_json::from_slice(&body) {
        Ok(a) => a,
        Err(e) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "a presign request",
                &format!("{e}"),
            );
        }
    };
    let credentials = match credentials(&state).await {
        Ok(credentials) => credentials,
        Err(response) => return response,
    };
    match presign_answer(&state, &credentials, &ask) {
        Ok(answer) => axum::Json(answer).into_response(),
        Err(reason) => refuse(StatusCode::FORBIDDEN, "a presign request", &reason),
    }
}

fn presign_answer(
    state: &AppState,
    credentials: &Credentials,
    ask: &PresignAsk,
) -> std::result::Result<Value, String> {
    let now = now().ok_or("the clock is unusable")?;
    let (bucket, base) = match &ask.bucket {
        Some(b) => state.buckets.iter().find(|(name, _)| name == b),
        None => state.buckets.first(),
    }
    .ok_or("no such bucket in the rules")?;
    let rules = &state.rules;
    if !rules.allows_key(&ask.key) {
        return Err(format!("key {:?} is outside the allowed prefixes", ask.key));
    }
    let content_type = ask
        .content_type
        .as_deref()
        .unwrap_or("application/octet-stream");
    // The same check as policies and multipart uploads get.
    if !rules.allows_content_type(content_type) {
        return Err(format!("content type {content_type:?} is not allowed"));
    }
    let expires = ask.expires.unwrap_or(rules.max_expiry.as_secs().min(900));
    if expires == 0 {
        return Err("expiry 0 s: a URL must live at least 1 s".into());
    }
    if expires > rules.max_expiry.as_secs() {
        return Err(format!(
            "expiry {expires} s is over the {} s allowed",
            rules.max_expiry.as_secs()
        ));
    }
    if let Some(size) = ask.size
        && size > rules.max_size
    {
        return Err(format!(
            "size {size} bytes is over the {} allowed",
            rules.max_size
        ));
    }
    let params =
        SigningParams::new(credentials, &state.region, "s3", now).map_err(|e| e.to_string())?;
    let url = format!("{base}{}", encode_key(&ask.key));
    match ask.method.to_ascii_uppercase().as_str() {
        "PUT" => {
            // A presigned PUT takes any size unless its Content-Length is signed.
            let size = ask
                .size
                .ok_or("give size (bytes): a presigned PUT signs the object's Content-Length, so that max_size holds")?
                .to_string();
            let headers = [
                ("content-length", size.as_str()),
                ("content-type", content_type),
            ];
            let request = Request::new("PUT", &url)
                .map_err(|e| e.to_string())?
                .with_headers(&headers);
            let presigned = state
                .signer
                .presign(&request, &params, Duration::from_secs(expires))
                .map_err(|e| e.to_string())?;
            Ok(json!({
                "method": "PUT",
                "url": presigned.url(),
                "fields": {},
                "headers": {"content-type": content_type},
            }))
        }
        "POST" => {
            let post = state
                .signer
                .presign_post(
                    &PostForm::new(base, bucket, &ask.key)
                        .with_field("Content-Type", content_type)
                        .with_condition(PolicyCondition::content_length_range(
                            0,
                            ask.size.unwrap_or(rules.max_size),
                        )),
                    &params,
                    Duration::from_secs(expires),
                )
                .map_err(|e| e.to_string())?;
            let fields: serde_json::Map<String, Value> = post
                .fields
                .into_iter()
                .map(|(n, v)| (n, Value::String(v)))
                .collect();
            Ok(json!({"method": "POST", "url": post.url, "fields": fields, "headers": {}}))
        }
        other => Err(format!("method {other:?}: presign PUT or POST")),
    }
}

/// An S3 key in a URL path: each byte but unreserved ones and `/` percent-encoded.
pub fn encode_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len() * 3);
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
