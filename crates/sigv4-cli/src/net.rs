//! HTTP for the command: hyper with rustls, sending the request target exactly as it
//! was signed (no URL library normalizes `..` or `//` in S3 keys on the way out).

use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use futures_util::TryStreamExt;
use http_body_util::{BodyExt, Full, StreamBody, combinators::BoxBody};
use hyper::body::{Frame, Incoming};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use indicatif::ProgressBar;
use tokio_util::io::ReaderStream;

use crate::error::{CliError, Exit, Result, io_reason};

/// A request or response body.
pub type Body = BoxBody<Bytes, std::io::Error>;

/// A body held in memory.
pub fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed()
}

/// A file streamed from disk in 256 KiB reads, advancing `progress` as it goes.
pub async fn file_body(path: &Path, progress: Option<ProgressBar>) -> Result<Body> {
    let file = tokio::fs::File::open(path)
        .await
        .map_err(|e| CliError::file(path, &e))?;
    let stream = ReaderStream::with_capacity(file, 256 * 1024).map_ok(move |chunk: Bytes| {
        if let Some(bar) = &progress {
            bar.inc(chunk.len() as u64);
        }
        Frame::data(chunk)
    });
    Ok(StreamBody::new(stream).boxed())
}

/// A file streamed aws-chunked: read `chunk_size` bytes at a time, each chunk signed
/// (or framed, unsigned) by `chunks` as it goes, then the final chunk and trailer.
/// Memory: one chunk, whatever the file's size.
pub async fn chunked_file_body(
    path: &Path,
    chunk_size: usize,
    chunks: sigv4::ChunkSigner,
    progress: Option<ProgressBar>,
) -> Result<Body> {
    let file = tokio::fs::File::open(path)
        .await
        .map_err(|e| CliError::file(path, &e))?;
    let shown = path.to_owned();
    let state = (file, Some(chunks), vec![0u8; chunk_size]);
    let stream = futures_util::stream::try_unfold(state, move |(mut file, chunks, mut buf)| {
        let progress = progress.clone();
        let shown = shown.clone();
        async move {
            let Some(mut chunks) = chunks else {
                return Ok(None);
            };
            let mut filled = 0;
            while filled < buf.len() {
                let n = tokio::io::AsyncReadExt::read(&mut file, &mut buf[filled..])
                    .await
                    .map_err(|e| {
                        std::io::Error::new(
                            e.kind(),
                            format!("{}: {}", shown.display(), io_reason(&e)),
                        )
                    })?;
                if n == 0 {
                    break;
                }
                filled += n;
            }
            if filled == 0 {
                let end = Bytes::from(chunks.finish());
                return Ok(Some((Frame::data(end), (file, None, buf))));
            }
            let header = chunks.chunk(&buf[..filled]);
            let mut out = bytes::BytesMut::with_capacity(header.len() + filled + 2);
            out.extend_from_slice(header.as_bytes());
            out.extend_from_slice(&buf[..filled]);
            out.extend_from_slice(b"\r\n");
            if let Some(bar) = &progress {
                bar.inc(filled as u64);
            }
            Ok(Some((Frame::data(out.freeze()), (file, Some(chunks), buf))))
        }
    });
    Ok(StreamBody::new(stream).boxed())
}

/// An HTTP/1.1 and HTTP/2 client for http and https URLs (webpki roots).
pub struct Client {
    inner: HyperClient<hyper_rustls::HttpsConnector<HttpConnector>, Body>,
}

/// How long a TCP connection may take to open unless told otherwise.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

impl Client {
    pub fn new() -> Result<Client> {
        Self::build(CONNECT_TIMEOUT, false)
    }

    /// The same client but for the time a TCP connection may take to open and, with
    /// `insecure` (curl's -k), accepting any server certificate.
    pub fn configured(self, connect: Duration, insecure: bool) -> Result<Client> {
        if connect == CONNECT_TIMEOUT && !insecure {
            return Ok(self);
        }
        Self::build(connect, insecure)
    }

    fn build(connect: Duration, insecure: bool) -> Result<Client> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(connect));
        let tls = hyper_rustls::HttpsConnectorBuilder::new();
        let tls = if insecure {
            let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ClientConfig::builder_with_provider(provider.clone())
                .with_safe_default_protocol_versions()
                .map_err(|e| CliError::new(Exit::Network, format!("TLS: {e}")))?
                .dangerous()
                .with_custom_certificate_verifier(std::sync::Arc::new(AnyCertificate(provider)))
                .with_no_client_auth();
            tls.with_tls_config(config)
        } else {
            tls.with_webpki_roots()
        };
        let https = tls
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(http);
        let inner = HyperClient::builder(TokioExecutor::new())
            // The Host header is set by the caller to exactly what was signed.
            .set_host(false)
            .build(https);
        Ok(Client { inner })
    }

    /// Sends `request`; the URI must be absolute (`http://host/path?query`).
    pub async fn send(&self, request: http::Request<Body>) -> Result<http::Response<Incoming>> {
        let host = request
            .uri()
            .authority()
            .map(|a| a.to_string())
            .unwrap_or_default();
        self.inner
            .request(request)
            .await
            .map_err(|e| network_error(&host, &e))
    }

    /// Sends `request` and reads the whole answer (for small API calls such as STS).
    pub async fn send_buffered(
        &self,
        request: http::Request<Body>,
        timeout: Duration,
    ) -> Result<http::Response<Bytes>> {
        let host = request
            .uri()
            .authority()
            .map(|a| a.to_string())
            .unwrap_or_default();
        let exchange = async {
            let response = self.send(request).await?;
            let (parts, body) = response.into_parts();
            let bytes = body
                .collect()
                .await
                .map_err(|e| network_error(&host, &e))?
                .to_bytes();
            Ok(http::Response::from_parts(parts, bytes))
        };
        match tokio::time::timeout(timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(CliError::new(
                Exit::Network,
                format!("{host}: no answer within {} s", timeout.as_secs()),
            )),
        }
    }
}

/// One line naming the innermost cause (hyper's outer errors say little).
fn network_error(host: &str, err: &(dyn std::error::Error + 'static)) -> CliError {
    let mut cause: &dyn std::error::Error = err;
    let mut reasons = vec![err.to_string()];
    while let Some(next) = cause.source() {
        reasons.push(match next.downcast_ref::<std::io::Error>() {
            Some(io) => io_reason(io),
            None => next.to_string(),
        });
        cause = next;
    }
    reasons.dedup();
    let mut reason = reasons.last().cloned().unwrap_or_default();
    // rustls's words for an answer that is not TLS at all.
    if reason.contains("InvalidContentType") || reason.contains("corrupt message") {
        reason.push_str(" (the server does not speak TLS here: is the URL http://, not https://?)");
    } else if reason.contains("invalid peer certificate") {
        reason.push_str(" (a local server with a self-signed certificate? curl -k takes any)");
    }
    CliError::new(Exit::Network, format!("{host}: {reason}"))
}

/// curl's -k: any certificate is taken, for any name (a local S3 with a self-signed
/// one). The handshake's signatures are still checked, so the server holds the key of
/// the certificate it showed.
#[derive(Debug)]
struct AnyCertificate(std::sync::Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
