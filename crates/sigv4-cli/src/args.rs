//! The request flags shared by `curl`, `sign`, `presign` and `explain` (curl's names),
//! checked and turned into a request the core can sign.

use std::path::{Path, PathBuf};

use crate::creds::CredentialFlags;
use crate::error::{CliError, Result};

/// What to send, as curl spells it.
#[derive(Debug, clap::Args)]
pub struct RequestFlags {
    /// The URL, with its query string (quote it in the shell).
    pub url: String,
    /// HTTP method, sent upper-cased (default GET; POST with -d; PUT with -T).
    #[arg(short = 'X', long = "request", value_name = "METHOD")]
    pub method: Option<String>,
    /// A header, "Name: value" ("Name;" sends it empty). Repeatable; signed unless it is
    /// one AWS never signs (User-Agent, Expect, ...).
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    pub headers: Vec<String>,
    /// Body, as curl's -d: "@file" reads a file (line breaks dropped); repeats are joined
    /// with '&'. Implies POST and application/x-www-form-urlencoded.
    #[arg(short = 'd', long = "data", value_name = "DATA")]
    pub data: Vec<String>,
    /// As -d, but "@" is a character like any other (what a browser's "Copy as cURL"
    /// writes).
    #[arg(long = "data-raw", value_name = "DATA")]
    pub data_raw: Vec<String>,
    /// Body sent exactly as given ("@file" reads a file byte for byte).
    #[arg(long = "data-binary", value_name = "DATA")]
    pub data_binary: Vec<String>,
    /// Upload a file, streamed from disk (never held in memory). Implies PUT.
    #[arg(short = 'T', long = "upload-file", value_name = "FILE")]
    pub upload_file: Option<PathBuf>,
    /// Region for the credential scope (else read from the host, AWS_REGION, the profile).
    #[arg(long, value_name = "REGION", help_heading = "Signing")]
    pub region: Option<String>,
    /// Signing name for the credential scope (else read from the host).
    #[arg(long, value_name = "NAME", help_heading = "Signing")]
    pub service: Option<String>,
    /// Sign the body as UNSIGNED-PAYLOAD (S3): no hashing pass over an upload.
    #[arg(long, help_heading = "Signing")]
    pub unsigned_payload: bool,
    /// Canonicalization rules: s3 (path as sent, x-amz-content-sha256) or generic;
    /// default from the signing name.
    #[arg(long, value_name = "RULES", value_parser = ["s3", "generic"], help_heading = "Signing")]
    pub rules: Option<String>,
    #[command(flatten)]
    pub credentials: CredentialFlags,
}

/// Where the body comes from.
#[derive(Debug)]
pub enum Body {
    /// No body.
    None,
    /// A body in memory (-d, --data-binary).
    Memory(Vec<u8>),
    /// A file streamed from disk (-T), with its length.
    File(PathBuf, u64),
}

/// A request checked and ready to sign.
#[derive(Debug)]
pub struct Prepared {
    pub method: String,
    /// The URL as given (the core puts it in wire form).
    pub url: String,
    /// Headers as (name, value), in the order given.
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl RequestFlags {
    /// Checks the flags and reads any in-memory body.
    pub fn prepare(&self) -> Result<Prepared> {
        let mut headers = Vec::new();
        for raw in &self.headers {
            headers.push(parse_header(raw)?);
        }
        let has = |headers: &[(String, String)], name: &str| {
            headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
        };
        let sources = [
            !self.data.is_empty(),
            !self.data_raw.is_empty(),
            !self.data_binary.is_empty(),
            self.upload_file.is_some(),
        ];
        if sources.iter().filter(|&&s| s).count() > 1 {
            return Err(CliError::usage(
                "give the body one way: -d, --data-raw, --data-binary or -T, not several",
            ));
        }
        let mut url = self.url.clone();
        let (body, implied) = if !self.data.is_empty() || !self.data_raw.is_empty() {
            if !has(&headers, "content-type") {
                headers.push((
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ));
            }
            let mut parts = Vec::new();
            for d in &self.data {
                parts.push(read_data(d, true)?);
            }
            parts.extend(self.data_raw.iter().map(|d| d.as_bytes().to_vec()));
            (Body::Memory(parts.join(&b'&')), Some("POST"))
        } else if !self.data_binary.is_empty() {
            let mut parts = Vec::new();
            for d in &self.data_binary {
                parts.push(read_data(d, false)?);
            }
            (Body::Memory(parts.join(&b'&')), Some("POST"))
        } else if let Some(path) = &self.upload_file {
            if path.as_os_str() == "-" {
                return Err(CliError::usage(
                    "-T - (standard input) is not supported: an upload streams a file of known length; give a file, or --data-binary @- for a body small enough to hold in memory",
                ));
            }
            let meta = std::fs::metadata(path).map_err(|e| CliError::file(path, &e))?;
            if !meta.is_file() {
                return Err(CliError::new(
                    crate::error::Exit::File,
                    format!("{}: not a regular file", path.display()),
                ));
            }
            // As curl: a URL ending in '/' gets the file's name, percent-encoded (a '#',
            // '?' or '%' in it would otherwise cut or change the key).
            if url_path_ends_with_slash(&url)
                && let Some(name) = path.file_name().and_then(|n| n.to_str())
            {
                url = append_to_path(&url, &sigv4::uri_encode(name, true));
            }
            (Body::File(path.clone(), meta.len()), Some("PUT"))
        } else {
            (Body::None, None)
        };
        // Upper-cased: the core signs `get` as GET, so it is sent as GET too.
        let method = self
            .method
            .as_deref()
            .map(str::to_ascii_uppercase)
            .or_else(|| implied.map(str::to_owned))
            .unwrap_or_else(|| "GET".to_owned());
        Ok(Prepared {
            method,
            url,
            headers,
            body,
        })
    }
}

/// "Name: value" or "Name;" (empty value), as curl's -H.
pub(crate) fn parse_header(raw: &str) -> Result<(String, String)> {
    if let Some(name) = raw.strip_suffix(';')
        && !name.contains(':')
    {
        return Ok((name.trim().to_owned(), String::new()));
    }
    match raw.split_once(':') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.trim_start().to_owned()))
        }
        _ => Err(CliError::usage(format!(
            "header {raw:?} is not \"Name: value\" (use \"Name;\" for an empty value)"
        ))),
    }
}

/// A -d/--data-binary value: literal, or "@file" ("@-" is stdin).
fn read_data(value: &str, strip_newlines: bool) -> Result<Vec<u8>> {
    let Some(file) = value.strip_prefix('@') else {
        return Ok(value.as_bytes().to_vec());
    };
    let bytes = if file == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .map_err(|e| CliError::file(Path::new("<stdin>"), &e))?;
        buf
    } else {
        std::fs::read(file).map_err(|e| CliError::file(Path::new(file), &e))?
    };
    Ok(if strip_newlines {
        bytes
            .into_iter()
            .filter(|&b| b != b'\n' && b != b'\r')
            .collect()
    } else {
        bytes
    })
}

fn url_path_ends_with_slash(url: &str) -> bool {
    let before_query = url.split(['?', '#']).next().unwrap_or(url);
    let after_scheme = before_query
        .split_once("://")
        .map_or(before_query, |(_, r)| r);
    after_scheme.contains('/') && after_scheme.ends_with('/')
}

fn append_to_path(url: &str, name: &str) -> String {
    let at = url.find(['?', '#']).unwrap_or(url.len());
    format!("{}{}{}", &url[..at], name, &url[at..])
}

/// Parses `--time`: 20150830T123600Z, 2015-08-30T12:36:00Z (any ISO 8601 zone), or
/// Unix seconds.
pub fn parse_time(text: &str) -> Result<sigv4::SigningTime> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        let secs: i64 = t
            .parse()
            .map_err(|_| CliError::usage(format!("--time {t}: too large")))?;
        return Ok(sigv4::SigningTime::from_unix_seconds(secs)?);
    }
    sigv4::SigningTime::parse_iso8601(t).map_err(|_| {
        CliError::usage(format!(
            "--time {t:?}: give it as 20150830T123600Z, 2015-08-30T12:36:00Z or Unix seconds"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_as_curl() {
        assert_eq!(
            parse_header("X-A:  b c ").ok(),
            Some(("X-A".into(), "b c ".into()))
        );
        assert_eq!(parse_header("X-E;").ok(), Some(("X-E".into(), "".into())));
        assert!(parse_header("nocolon").is_err());
        assert!(parse_header(": v").is_err());
    }

    #[test]
    fn times() {
        let want = "20150830T123600Z";
        for t in ["20150830T123600Z", "2015-08-30T12:36:00Z", "1440938160"] {
            assert_eq!(
                parse_time(t)
                    .map(|t| t.amz_date().to_string())
                    .ok()
                    .as_deref(),
                Some(want),
                "{t}"
            );
        }
        assert_eq!(
            parse_time("2015-08-30T14:36:00+02:00")
                .map(|t| t.unix_seconds())
                .ok(),
            Some(1_440_938_160)
        );
        assert!(parse_time("yesterday").is_err());
    }

    #[test]
    fn upload_names() {
        assert!(url_path_ends_with_slash("http://h/b/"));
        assert!(!url_path_ends_with_slash("http://h"));
        assert!(!url_path_ends_with_slash("http://h/b/k?x=/"));
        assert_eq!(
            append_to_path("http://h/b/?x=1", "f.txt"),
            "http://h/b/f.txt?x=1"
        );
    }
}
