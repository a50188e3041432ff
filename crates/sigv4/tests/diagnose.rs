//! `diagnose`: the four fixtures in tests/diagnose/ (each must get its cause first), and
//! a generated corpus: correct requests signed by our signer, one mistake from a catalog
//! injected into what the person computed, AWS's response built from the correct
//! strings in JSON, XML and no-details shapes. The first finding must name the mistake
//! in every case (or nothing be named, where only AWS's answer shows it); the confusion
//! table is printed.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use sigv4::{
    Cause, Credentials, DiagnoseInput, EMPTY_SHA256, Payload, Request, SentRequest, Signer,
    SigningKey, SigningParams, SigningTime, diagnose,
};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn sha_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

// ---------------------------------------------------------------------------------------
// Fixtures

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/diagnose")
        .join(name);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn first(d: &sigv4::Diagnosis) -> Option<Cause> {
    d.findings.first().map(|f| f.cause)
}

#[test]
fn polly_canonical_uri_root() {
    let response = fixture("polly-uri/response.json");
    let theirs = fixture("polly-uri/canonical-request.txt");
    let d = diagnose(&DiagnoseInput {
        response: Some(&response),
        canonical_request: Some(theirs.trim_end()),
        ..Default::default()
    });
    assert_eq!(first(&d), Some(Cause::CanonicalUri), "{d:#?}");
    assert!(d.findings[0].message.contains("/v1/voices"));
}

#[test]
fn ses_presigned_hand_written_query() {
    let url = fixture("ses-presigned/url.txt");
    let theirs = fixture("ses-presigned/canonical-request.txt");
    let sent = SentRequest::from_url("GET", url.trim(), &[], b"").expect("the URL");
    let d = diagnose(&DiagnoseInput {
        canonical_request: Some(theirs.trim_end()),
        request: Some(&sent),
        ..Default::default()
    });
    assert_eq!(first(&d), Some(Cause::QueryWhitespace), "{d:#?}");
    assert!(d.findings.iter().any(|f| f.cause == Cause::QueryNotSorted));
    assert!(d.canonical_request.correct.is_some());
}

#[test]
fn s3_unsigned_payload_query_line_left_out() {
    let raw = fixture("s3-query-line/request.http");
    let theirs = fixture("s3-query-line/canonical-request.txt");
    let response = fixture("s3-query-line/response.xml");
    let sent = SentRequest::from_raw(sigv4::RawRequest::parse(raw.as_bytes()).expect("raw"));
    let d = diagnose(&DiagnoseInput {
        response: Some(&response),
        canonical_request: Some(theirs.trim_end()),
        request: Some(&sent),
        ..Default::default()
    });
    assert_eq!(first(&d), Some(Cause::QueryLineMissing), "{d:#?}");
    // Our signer agrees with S3 about what should have been signed.
    assert_eq!(d.canonical_request.correct, d.canonical_request.aws);
}

#[test]
fn fine_uploader_raw_canonical_request() {
    let sts = fixture("fine-uploader/string-to-sign.txt");
    let response = fixture("fine-uploader/response.xml");
    let d = diagnose(&DiagnoseInput {
        response: Some(&response),
        string_to_sign: Some(sts.trim_end()),
        ..Default::default()
    });
    assert_eq!(first(&d), Some(Cause::FineUploaderRawCanonical), "{d:#?}");
}

// ---------------------------------------------------------------------------------------
// The generated corpus

struct Base {
    method: &'static str,
    url: &'static str,
    headers: &'static [(&'static str, &'static str)],
    body: &'static [u8],
    presign: bool,
    unsigned: bool,
}

const BASES: &[Base] = &[
    Base {
        method: "GET",
        url: "https://polly.eu-west-1.amazonaws.com/v1/voices?LanguageCode=en-US&Engine=neural",
        headers: &[],
        body: b"",
        presign: false,
        unsigned: false,
    },
    Base {
        method: "POST",
        url: "https://kinesis.us-east-1.amazonaws.com/",
        headers: &[
            ("Content-Type", "application/x-amz-json-1.1"),
            ("X-Amz-Target", "Kinesis_20131202.PutRecord"),
        ],
        body: br#"{"StreamName":"s","Data":"aGk=","PartitionKey":"p"}"#,
        presign: false,
        unsigned: false,
    },
    Base {
        method: "GET",
        url: "https://my-bucket.s3.eu-west-1.amazonaws.com/photos/a%20b.jpg?versionId=v1&response-content-type=text%2Fplain",
        headers: &[("Range", "bytes=0-99")],
        body: b"",
        presign: false,
        unsigned: true,
    },
    Base {
        method: "PUT",
        url: "https://my-bucket.s3.us-west-2.amazonaws.com/docs/report%202024.txt",
        headers: &[("Content-Type", "text/plain")],
        body: b"hello, world",
        presign: false,
        unsigned: false,
    },
    Base {
        method: "GET",
        url: "https://email.us-east-1.amazonaws.com/?Action=SendEmail&Source=a%40example.com&Destination.ToAddresses.member.1=b%40example.com&Message.Subject.Data=Hello%20there&Message.Body.Text.Data=Hi%2C%20you",
        headers: &[],
        body: b"",
        presign: true,
        unsigned: false,
    },
    Base {
        method: "GET",
        url: "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15",
        headers: &[],
        body: b"",
        presign: false,
        unsigned: false,
    },
    Base {
        method: "GET",
        url: "https://abc123.execute-api.eu-central-1.amazonaws.com/prod/items/a%20b?q=x%20y&filter=a%2Fb%3Ac",
        headers: &[("Accept", "application/json")],
        body: b"",
        presign: false,
        unsigned: false,
    },
    Base {
        method: "GET",
        url: "https://my-bucket.s3.us-east-1.amazonaws.com/reports/q1%20summary.pdf?response-content-disposition=attachment%3B%20filename%3Dq1.pdf",
        headers: &[],
        body: b"",
        presign: true,
        unsigned: false,
    },
    Base {
        method: "POST",
        url: "https://email.eu-west-1.amazonaws.com/",
        headers: &[("Content-Type", "application/x-www-form-urlencoded")],
        body: b"Action=SendEmail&Source=a%40example.com&Message.Subject.Data=Hi",
        presign: false,
        unsigned: false,
    },
];

/// What the person computed.
#[derive(Default, Clone)]
struct Theirs {
    canonical: Option<String>,
    /// Replaces the string to sign built from `canonical` and the scope.
    sts: Option<String>,
    scope: Option<(String, String, String)>,
    signature: Option<String>,
    now_offset: i64,
    no_credentials: bool,
    /// The mistake shows only in AWS's answer (it is named when AWS's response is given,
    /// and nothing is, rightly, without it).
    needs_response: bool,
    /// AWS answers with its clock-skew error instead of SignatureDoesNotMatch.
    skew_answer: bool,
}

struct Ctx<'a> {
    base: &'a Base,
    cr: &'a str,
    date: &'a str,
    amz_date: &'a str,
    region: &'a str,
    service: &'a str,
    scope: &'a str,
    k: usize,
}

impl Ctx<'_> {
    fn lines(&self) -> Vec<String> {
        self.cr.split('\n').map(str::to_owned).collect()
    }
    fn blank(&self) -> usize {
        self.lines()
            .iter()
            .skip(3)
            .position(String::is_empty)
            .map(|i| i + 3)
            .expect("blank line")
    }
    fn query(&self) -> String {
        self.lines()[2].clone()
    }
    fn with_line(&self, i: usize, line: &str) -> Theirs {
        let mut l = self.lines();
        l[i] = line.to_owned();
        cr(l.join("\n"))
    }
    fn is_s3(&self) -> bool {
        self.service == "s3"
    }
}

fn cr(text: String) -> Theirs {
    Theirs {
        canonical: Some(text),
        ..Default::default()
    }
}

type Injector = fn(&Ctx<'_>) -> Option<Theirs>;

fn injectors() -> Vec<(Cause, &'static str, Injector)> {
    vec![
        (Cause::CanonicalUri, "uri-root", |c| {
            (c.lines()[1] != "/").then(|| c.with_line(1, "/"))
        }),
        (Cause::PathEncodingRules, "path-rules", |c| {
            let uri = c.lines()[1].clone();
            (uri.contains('%')).then(|| {
                let other = if c.is_s3() {
                    uri.replace('%', "%25")
                } else {
                    uri.replace("%25", "%")
                };
                c.with_line(1, &other)
            })
        }),
        (Cause::QueryLineMissing, "query-line-missing", |c| {
            let mut l = c.lines();
            l.remove(2);
            Some(cr(l.join("\n")))
        }),
        (Cause::QueryNotSorted, "query-unsorted", |c| {
            let q = c.query();
            let mut p: Vec<&str> = q.split('&').collect();
            p.reverse();
            (p.len() > 1).then(|| c.with_line(2, &p.join("&")))
        }),
        (Cause::QueryPlusForSpace, "plus-for-space", |c| {
            let q = c.query();
            q.contains("%20")
                .then(|| c.with_line(2, &q.replace("%20", "+")))
        }),
        (
            Cause::QueryReservedNotEncoded,
            "reserved-not-encoded",
            |c| {
                let q = c.query();
                let raw = q
                    .replace("%2F", "/")
                    .replace("%40", "@")
                    .replace("%3A", ":")
                    .replace("%2C", ",")
                    .replace("%3B", ";");
                (raw != q).then(|| c.with_line(2, &raw))
            },
        ),
        (Cause::QueryDoubleEncoded, "double-encoded", |c| {
            let q = c.query();
            q.contains('%')
                .then(|| c.with_line(2, &q.replace('%', "%25")))
        }),
        (Cause::QueryWhitespace, "query-line-break", |c| {
            let q = c.query();
            q.contains('&')
                .then(|| c.with_line(2, &q.replacen('&', "&\n", 1 + c.k % 2)))
        }),
        (
            Cause::PresignParamsNotInQuery,
            "presign-params-left-out",
            |c| {
                let q = c.query();
                let kept: Vec<&str> = q.split('&').filter(|p| !p.starts_with("X-Amz-")).collect();
                c.base.presign.then(|| c.with_line(2, &kept.join("&")))
            },
        ),
        (Cause::Method, "method-lower-case", |c| {
            Some(c.with_line(0, &c.lines()[0].to_ascii_lowercase()))
        }),
        (Cause::HeaderNameCase, "header-name-upper", |c| {
            let l = c.lines();
            let i = (3..c.blank())
                .find(|&i| !l[i].starts_with("host:"))
                .unwrap_or(3);
            let (n, v) = l[i].split_once(':').expect("header");
            let upper: String = n
                .split('-')
                .map(|w| {
                    let mut cs = w.chars();
                    cs.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + cs.as_str())
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .join("-");
            Some(c.with_line(i, &format!("{upper}:{v}")))
        }),
        (Cause::HeaderValueNotTrimmed, "header-not-trimmed", |c| {
            let l = c.lines();
            let i = 3 + c.k % (c.blank() - 3);
            let (n, v) = l[i].split_once(':').expect("header");
            Some(c.with_line(i, &format!("{n}:  {v} ")))
        }),
        (Cause::HeadersNotSorted, "headers-unsorted", |c| {
            let mut l = c.lines();
            let b = c.blank();
            (b - 3 > 1).then(|| {
                l[3..b].reverse();
                cr(l.join("\n"))
            })
        }),
        (Cause::SignedHeadersMismatch, "signed-list-short", |c| {
            let l = c.lines();
            let b = c.blank();
            let names: Vec<&str> = l[b + 1].split(';').collect();
            (names.len() > 1).then(|| c.with_line(b + 1, &names[..names.len() - 1].join(";")))
        }),
        (Cause::BlankLineMissing, "blank-line-missing", |c| {
            let mut l = c.lines();
            l.remove(c.blank());
            Some(cr(l.join("\n")))
        }),
        (Cause::EmptyPayloadHashForBody, "empty-hash-for-body", |c| {
            let l = c.lines();
            (!c.base.body.is_empty()).then(|| c.with_line(l.len() - 1, EMPTY_SHA256))
        }),
        (Cause::PayloadHashWrong, "payload-hash-other", |c| {
            let l = c.lines();
            let due = l[l.len() - 1].as_str();
            (due != "UNSIGNED-PAYLOAD")
                .then(|| c.with_line(l.len() - 1, &sha_hex(&[c.base.body, b"\n"].concat())))
        }),
        // A hash (of the body, as a generic signer computes it) where S3 expects
        // UNSIGNED-PAYLOAD: x-amz-content-sha256 says so, or a presigned URL.
        (
            Cause::UnsignedPayloadExpected,
            "hash-for-unsigned-payload",
            |c| {
                let l = c.lines();
                (l[l.len() - 1] == "UNSIGNED-PAYLOAD")
                    .then(|| c.with_line(l.len() - 1, &sha_hex(c.base.body)))
            },
        ),
        (Cause::ContentSha256Missing, "content-sha256-missing", |c| {
            let mut l = c.lines();
            let i = l
                .iter()
                .position(|x| x.starts_with("x-amz-content-sha256:"))?;
            l.remove(i);
            let b = l.iter().skip(3).position(String::is_empty).map(|i| i + 3)?;
            l[b + 1] = l[b + 1].replace(";x-amz-content-sha256", "");
            Some(cr(l.join("\n")))
        }),
        (Cause::DateMismatch, "scope-date-off", |c| {
            let t = SigningTime::parse(c.amz_date).ok()?;
            let before = SigningTime::from_unix_seconds(t.unix_seconds() - 86_400).ok()?;
            let mut th = cr(c.cr.to_owned());
            th.scope = Some((
                before.date_stamp().to_owned(),
                c.region.to_owned(),
                c.service.to_owned(),
            ));
            Some(th)
        }),
        (Cause::WrongRegion, "wrong-region", |c| {
            let r = if c.region == "us-west-2" {
                "eu-central-1"
            } else {
                "us-west-2"
            };
            let mut th = cr(c.cr.to_owned());
            th.scope = Some((c.date.to_owned(), r.to_owned(), c.service.to_owned()));
            Some(th)
        }),
        (Cause::WrongService, "wrong-service", |c| {
            let s = match c.service {
                "ses" => "email",
                "execute-api" => "apigateway",
                "s3" => "s3-control",
                _ => "iam",
            };
            let mut th = cr(c.cr.to_owned());
            th.scope = Some((c.date.to_owned(), c.region.to_owned(), s.to_owned()));
            Some(th)
        }),
        // The clock 20 minutes slow or 17 fast: AWS answers with its skew error (not
        // SignatureDoesNotMatch), and without an answer the time is checked against now.
        // Not for presigned URLs, which are meant to be used later.
        (Cause::ClockSkew, "clock-skew", |c| {
            let mut th = cr(c.cr.to_owned());
            th.now_offset = if c.k % 2 == 0 { 20 * 60 } else { -17 * 60 };
            th.skew_answer = true;
            (!c.base.presign).then_some(th)
        }),
        (Cause::FineUploaderRawCanonical, "fine-uploader-raw", |c| {
            Some(Theirs {
                sts: Some(format!(
                    "AWS4-HMAC-SHA256\n{}\n{}\n{}",
                    c.amz_date, c.scope, c.cr
                )),
                ..Default::default()
            })
        }),
        (Cause::FineUploaderWrongCut, "fine-uploader-cut", |c| {
            let k = 1 + c.k % 7;
            Some(Theirs {
                sts: Some(format!(
                    "AWS4-HMAC-SHA256\n{}\n{}\n{}",
                    c.amz_date,
                    c.scope,
                    sha_hex(&c.cr.as_bytes()[k..])
                )),
                ..Default::default()
            })
        }),
        (Cause::CanonicalHashWrong, "hash-with-newline", |c| {
            Some(Theirs {
                canonical: Some(c.cr.to_owned()),
                sts: Some(format!(
                    "AWS4-HMAC-SHA256\n{}\n{}\n{}",
                    c.amz_date,
                    c.scope,
                    sha_hex(format!("{}\n", c.cr).as_bytes())
                )),
                ..Default::default()
            })
        }),
        (Cause::HexBetweenHmacSteps, "hex-between-steps", |c| {
            let sts = format!(
                "AWS4-HMAC-SHA256\n{}\n{}\n{}",
                c.amz_date,
                c.scope,
                sha_hex(c.cr.as_bytes())
            );
            let mut k = hex(&hmac(format!("AWS4{SECRET}").as_bytes(), c.date.as_bytes()));
            for step in [c.region, c.service, "aws4_request"] {
                k = hex(&hmac(k.as_bytes(), step.as_bytes()));
            }
            let mut th = cr(c.cr.to_owned());
            th.signature = Some(hex(&hmac(k.as_bytes(), sts.as_bytes())));
            Some(th)
        }),
        (Cause::KeyDerivation, "no-aws4-prefix", |c| {
            let sts = format!(
                "AWS4-HMAC-SHA256\n{}\n{}\n{}",
                c.amz_date,
                c.scope,
                sha_hex(c.cr.as_bytes())
            );
            let mut k = hmac(SECRET.as_bytes(), c.date.as_bytes());
            for step in [c.region, c.service, "aws4_request"] {
                k = hmac(&k, step.as_bytes());
            }
            let mut th = cr(c.cr.to_owned());
            th.signature = Some(hex(&hmac(&k, sts.as_bytes())));
            Some(th)
        }),
        // Signed right with the secret given, yet AWS answered SignatureDoesNotMatch over
        // the same strings: AWS holds another secret for the key.
        (Cause::WrongSecret, "aws-holds-another-secret", |c| {
            let mut th = cr(c.cr.to_owned());
            th.needs_response = true;
            Some(th)
        }),
        // Signed with another secret than the one given: which one, or a derivation of
        // it, cannot be told.
        (Cause::KeyOrSecret, "secret-not-the-one-given", |c| {
            let sts = format!(
                "AWS4-HMAC-SHA256\n{}\n{}\n{}",
                c.amz_date,
                c.scope,
                sha_hex(c.cr.as_bytes())
            );
            let mut th = cr(c.cr.to_owned());
            th.signature = Some(
                SigningKey::derive(&format!("{SECRET} "), c.date, c.region, c.service)
                    .sign(sts.as_bytes()),
            );
            Some(th)
        }),
        (Cause::KeyOrSecret, "wrong-key-no-credentials", |c| {
            let sts = format!(
                "AWS4-HMAC-SHA256\n{}\n{}\n{}",
                c.amz_date,
                c.scope,
                sha_hex(c.cr.as_bytes())
            );
            let mut th = cr(c.cr.to_owned());
            th.signature = Some(
                SigningKey::derive("another", c.date, c.region, c.service).sign(sts.as_bytes()),
            );
            th.no_credentials = true;
            th.needs_response = true;
            Some(th)
        }),
        (Cause::SignatureEncoding, "signature-upper-case", |c| {
            let sts = format!(
                "AWS4-HMAC-SHA256\n{}\n{}\n{}",
                c.amz_date,
                c.scope,
                sha_hex(c.cr.as_bytes())
            );
            let mut th = cr(c.cr.to_owned());
            th.signature = Some(
                SigningKey::derive(SECRET, c.date, c.region, c.service)
                    .sign(sts.as_bytes())
                    .to_ascii_uppercase(),
            );
            Some(th)
        }),
        (Cause::HeadersDiffer, "extra-header-signed", |c| {
            let mut l = c.lines();
            let b = c.blank();
            l.insert(b, "x-custom-trace:abc".to_owned());
            l[b + 2] = format!("{};x-custom-trace", l[b + 2]);
            Some(cr(l.join("\n")))
        }),
    ]
}

fn json_response(cr: &str, sts: &str) -> String {
    serde_json::json!({
        "message": format!("The request signature we calculated does not match the signature you provided. \
            Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n\
            The Canonical String for this request should have been\n'{cr}'\n\nThe String-to-Sign should have been\n'{sts}'\n")
    })
    .to_string()
}

/// A REST-JSON service's answer to a request signed more than 15 minutes from its clock.
fn json_skew_response(signed: SigningTime, now: SigningTime) -> String {
    let at = |secs: i64| SigningTime::from_unix_seconds(secs).expect("time");
    let message = if signed.unix_seconds() < now.unix_seconds() {
        format!(
            "Signature expired: {signed} is now earlier than {} ({now} - 15 min.)",
            at(now.unix_seconds() - 900)
        )
    } else {
        format!(
            "Signature not yet current: {signed} is still later than {} ({now} + 15 min.)",
            at(now.unix_seconds() + 900)
        )
    };
    serde_json::json!({ "message": message }).to_string()
}

/// S3's answer to the same.
fn xml_skew_response(signed: SigningTime, now: SigningTime) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>RequestTimeTooSkewed</Code>\
         <Message>The difference between the request time and the current time is too large.</Message>\
         <RequestTime>{signed}</RequestTime><ServerTime>{}</ServerTime>\
         <MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds><RequestId>4442587FB7D0A2F9</RequestId></Error>",
        now.iso8601()
    )
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn spaced_hex(s: &str) -> String {
    s.bytes()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn xml_response(cr: &str, sts: &str, sig: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code>\
         <Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message>\
         <AWSAccessKeyId>{AKID}</AWSAccessKeyId><StringToSign>{}</StringToSign><SignatureProvided>{sig}</SignatureProvided>\
         <StringToSignBytes>{}</StringToSignBytes><CanonicalRequest>{}</CanonicalRequest>\
         <CanonicalRequestBytes>{}</CanonicalRequestBytes><RequestId>4442587FB7D0A2F9</RequestId></Error>",
        xml_escape(sts),
        spaced_hex(sts),
        xml_escape(cr),
        spaced_hex(cr)
    )
}

/// The table's label for a mistake that only AWS's answer shows, rightly not named
/// without it.
const NOTHING_SEEN: &str = "(none: needs AWS's answer)";

#[derive(Clone, Copy, Debug)]
enum Shape {
    Json,
    Xml,
    NoDetails,
}

#[test]
fn generated_corpus() {
    let creds = Credentials::new(AKID, SECRET).expect("credentials");
    let signer = Signer::new();
    let times = ["20240229T235930Z", "20151229T120000Z"];
    let mut table: BTreeMap<(Cause, String), usize> = BTreeMap::new();
    let (mut total, mut right) = (0usize, 0usize);
    let mut failures = Vec::new();
    let catalog = injectors();
    for (bi, base) in BASES.iter().enumerate() {
        for (ti, time) in times.iter().enumerate() {
            let t = SigningTime::parse(time).expect("time");
            let request = Request::new(base.method, base.url)
                .expect("url")
                .with_headers(base.headers);
            // A presigned URL has no body: Payload::Empty, UNSIGNED-PAYLOAD for S3 (as
            // botocore presigns), the empty body's hash elsewhere.
            let request = request.with_payload(if base.unsigned {
                Payload::Unsigned
            } else if base.presign {
                Payload::Empty
            } else {
                Payload::Bytes(base.body)
            });
            let ep = sigv4::Endpoint::from_host(request.host().expect("host")).expect("endpoint");
            let params = SigningParams::new(&creds, &ep.region, &ep.service, t).expect("params");
            let (steps, signed_headers, presigned_url) = if base.presign {
                let p = signer
                    .presign(&request, &params, Duration::from_secs(3600))
                    .expect("presign");
                (p.steps().clone(), Vec::new(), Some(p.url().to_owned()))
            } else {
                let s = signer.sign(&request, &params).expect("sign");
                let h: Vec<(String, String)> = s
                    .headers()
                    .filter(|(n, _)| *n != "Authorization")
                    .map(|(n, v)| (n.to_owned(), v.to_owned()))
                    .collect();
                (s.steps().clone(), h, None)
            };
            let r_cr = steps.canonical_request();
            let r_sts = steps.string_to_sign();
            for (k, (cause, name, inject)) in catalog.iter().enumerate() {
                let ctx = Ctx {
                    base,
                    cr: r_cr,
                    date: t.date_stamp(),
                    amz_date: t.amz_date(),
                    region: &ep.region,
                    service: &ep.service,
                    scope: steps.credential_scope(),
                    k: k + bi + ti,
                };
                let Some(theirs) = inject(&ctx) else { continue };
                let (d, rg, sv) = theirs.scope.clone().unwrap_or((
                    t.date_stamp().to_owned(),
                    ep.region.clone(),
                    ep.service.clone(),
                ));
                let scope = format!("{d}/{rg}/{sv}/aws4_request");
                let mut t_cr = theirs.canonical.clone();
                // A presigned URL's canonical query holds the credential, hence the scope.
                if let (true, Some(c)) = (base.presign, t_cr.as_mut()) {
                    *c = c.replace(
                        &steps.credential_scope().replace('/', "%2F"),
                        &scope.replace('/', "%2F"),
                    );
                }
                let t_sts = theirs.sts.clone().unwrap_or_else(|| {
                    format!(
                        "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
                        t.amz_date(),
                        sha_hex(t_cr.as_deref().unwrap_or_default().as_bytes())
                    )
                });
                let sig = theirs.signature.clone().unwrap_or_else(|| {
                    SigningKey::derive(SECRET, &d, &rg, &sv).sign(t_sts.as_bytes())
                });
                let sent = match &presigned_url {
                    Some(url) => {
                        let (head, _) = url.split_once("&X-Amz-Signature=").expect("signature");
                        let head = head.replace(&steps.credential_scope().replace('/', "%2F"), &scope.replace('/', "%2F"));
                        SentRequest::from_url(base.method, &format!("{head}&X-Amz-Signature={sig}"), base.headers, base.body)
                    }
                    None => {
                        let auth = format!("AWS4-HMAC-SHA256 Credential={AKID}/{scope}, SignedHeaders={}, Signature={sig}", steps.signed_headers());
                        let mut h: Vec<(&str, &str)> = base.headers.to_vec();
                        h.extend(signed_headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
                        h.push(("Authorization", &auth));
                        SentRequest::from_url(base.method, base.url, &h, base.body)
                    }
                }
                .expect("sent request");
                let now = SigningTime::from_unix_seconds(t.unix_seconds() + 30 + theirs.now_offset)
                    .expect("now");
                for shape in [Shape::Json, Shape::Xml, Shape::NoDetails] {
                    let response = match (shape, theirs.skew_answer) {
                        (Shape::Json, false) => Some(json_response(r_cr, r_sts)),
                        (Shape::Xml, false) => Some(xml_response(r_cr, r_sts, &sig)),
                        (Shape::Json, true) => Some(json_skew_response(t, now)),
                        (Shape::Xml, true) => Some(xml_skew_response(t, now)),
                        (Shape::NoDetails, _) => None,
                    };
                    let input = DiagnoseInput {
                        response: response.as_deref(),
                        canonical_request: t_cr.as_deref(),
                        string_to_sign: Some(&t_sts),
                        signature: Some(&sig),
                        request: Some(&sent),
                        credentials: (!theirs.no_credentials).then_some(&creds),
                        now: Some(now),
                    };
                    let diagnosis = diagnose(&input);
                    let got = first(&diagnosis);
                    let expected = (!(theirs.needs_response && matches!(shape, Shape::NoDetails)))
                        .then_some(*cause);
                    total += 1;
                    let label = match (got, expected) {
                        (None, None) => NOTHING_SEEN.to_owned(),
                        (None, Some(_)) => "(none)".to_owned(),
                        (Some(c), _) => c.name().to_owned(),
                    };
                    *table.entry((*cause, label)).or_default() += 1;
                    if got == expected {
                        right += 1;
                    } else {
                        failures.push(format!(
                            "{name} on {} ({shape:?}, {time}): got {:?}",
                            base.url,
                            diagnosis
                                .findings
                                .iter()
                                .map(|f| (f.cause.name(), f.message.as_str()))
                                .collect::<Vec<_>>()
                        ));
                    }
                }
            }
        }
    }
    println!("confusion table (injected -> first finding: cases)");
    let mut last = None;
    for ((cause, got), n) in &table {
        if last != Some(*cause) {
            println!("{}", cause.name());
            last = Some(*cause);
        }
        let mark = if got == cause.name() || got == NOTHING_SEEN {
            ""
        } else {
            "   <-- wrong"
        };
        println!("    -> {got:<32} {n:>4}{mark}");
    }
    let causes: std::collections::BTreeSet<Cause> = table.keys().map(|k| k.0).collect();
    println!(
        "{right}/{total} right ({:.1}%), {} mistakes injected",
        100.0 * right as f64 / total as f64,
        causes.len()
    );
    for f in failures.iter().take(40) {
        println!("MISS {f}");
    }
    assert!(
        causes.len() >= 20,
        "only {} mistakes in the catalog",
        causes.len()
    );
    assert!(total >= 500, "only {total} cases");
    assert_eq!(right, total, "{} misses (MISS lines above)", total - right);
}

/// AWS's message quotes the canonical request it computed, session token included: the
/// diagnosis shows it redacted everywhere, the message too.
#[test]
fn the_session_token_in_aws_message_is_redacted() {
    let body = "{\"message\":\"The request signature we calculated does not match the signature you provided.\\n\\nThe Canonical String for this request should have been\\n'GET\\n/\\n\\nhost:sts.amazonaws.com\\nx-amz-date:20150830T123600Z\\nx-amz-security-token:TOKEN-SECRET-123\\n\\nhost;x-amz-date;x-amz-security-token\\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'\\n\"}";
    let d = sigv4::diagnose(&sigv4::DiagnoseInput {
        response: Some(body),
        ..Default::default()
    });
    let aws = d.aws_error.as_ref().expect("parsed");
    let shown = format!(
        "{:?} {:?} {:?}",
        aws.message, aws.canonical_request, d.canonical_request
    );
    assert!(shown.contains("x-amz-security-token:<redacted>"), "{shown}");
    assert!(!shown.contains("TOKEN-SECRET-123"), "{shown}");
}

/// Without AWS's answer, a scope whose region is not the one the host names is named
/// (a Python review found diagnose silent on it); a global host, whose region is the
/// bucket's or the service's, is not judged.
#[test]
fn a_scope_for_another_region_than_the_host_is_named() {
    let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .expect("credentials");
    let time = sigv4::SigningTime::parse("20150830T123600Z").expect("time");
    // The diagnosis of a GET of `url` signed for this region and service, sent as is.
    let diagnosed = |url: &str, region: &str, service: &str| {
        let params = sigv4::SigningParams::new(&creds, region, service, time).expect("params");
        let request = Request::new("GET", url).expect("request");
        let signed = Signer::new().sign(&request, &params).expect("sign");
        let host = request.host().unwrap_or_default().to_owned();
        let mut headers: Vec<(String, String)> = vec![("Host".into(), host)];
        headers.extend(signed.headers().map(|(n, v)| (n.to_owned(), v.to_owned())));
        let pairs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let sent = SentRequest::from_url("GET", url, &pairs, b"").expect("sent");
        diagnose(&DiagnoseInput {
            request: Some(&sent),
            ..Default::default()
        })
    };
    let url = "https://sqs.us-east-1.amazonaws.com/?Action=ListQueues";
    let d = diagnosed(url, "eu-west-1", "sqs");
    let found = d.findings.iter().find(|f| f.cause == Cause::WrongRegion);
    let found = found.unwrap_or_else(|| panic!("{d:#?}"));
    assert!(found.message.contains("\"eu-west-1\"") && found.message.contains("us-east-1"));
    // Right region: nothing of the kind. A global S3 host with the bucket's region: the
    // same.
    for (url, region, service) in [
        (url, "us-east-1", "sqs"),
        ("https://bkt.s3.amazonaws.com/k", "eu-west-1", "s3"),
    ] {
        let d = diagnosed(url, region, service);
        assert!(
            !d.findings.iter().any(|f| f.cause == Cause::WrongRegion),
            "{url}: {d:#?}"
        );
    }
}
