//! STS `AssumeRole` over the Query protocol: a form POST signed with the source
//! credentials, an XML answer read by plain tag search (STS's answers are flat and
//! unprefixed; nothing else is needed).

use std::time::Duration;

use sigv4::{Payload, Request, Signer, SigningParams, SigningTime};
use zeroize::Zeroizing;

use super::{Keys, timestamp};
use crate::error::{CliError, Exit, Result};
use crate::net::{Client, full};

const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";
const TIMEOUT: Duration = Duration::from_secs(30);

/// One `AssumeRole` call.
pub(crate) struct Call<'a> {
    pub(crate) role_arn: &'a str,
    pub(crate) session_name: &'a str,
    pub(crate) external_id: Option<&'a str>,
    pub(crate) duration_seconds: Option<u32>,
}

/// Where STS is: the endpoint URL and the region to sign for.
pub(crate) struct Sts<'a> {
    pub(crate) endpoint: &'a str,
    pub(crate) region: &'a str,
}

/// The default endpoint of `region`: regional, as the AWS CLI v2 uses (`aws-global`: the
/// global endpoint, signed for us-east-1). Returns the endpoint and the signing region.
pub(crate) fn default_endpoint(region: &str) -> (String, &str) {
    match region {
        "aws-global" => ("https://sts.amazonaws.com".into(), "us-east-1"),
        r if r.starts_with("cn-") => (format!("https://sts.{r}.amazonaws.com.cn"), r),
        r => (format!("https://sts.{r}.amazonaws.com"), r),
    }
}

/// Calls `AssumeRole` with `source` credentials at time `now` (Unix seconds).
pub(crate) async fn assume_role(
    client: &Client,
    sts: &Sts<'_>,
    source: &Keys,
    call: &Call<'_>,
    now: i64,
) -> Result<Keys> {
    let fail = |why: String| {
        CliError::new(
            Exit::Credentials,
            format!("AssumeRole of {} failed: {why}", call.role_arn),
        )
    };
    let body = form_body(call);
    let url = post_url(sts.endpoint);
    let request = sign(&url, sts, source, &body, now).map_err(|e| fail(e.to_string()))?;
    let response = client.send_buffered(request, TIMEOUT).await?;
    let status = response.status();
    let answer = Zeroizing::new(Vec::from(response.into_body()));
    parse_answer(status.as_u16(), &answer).map_err(|why| {
        fail(format!(
            "{why} (HTTP {} from {})",
            status.as_u16(),
            sts.endpoint
        ))
    })
}

/// The signed HTTP request: Host exactly as signed, the signer's headers added.
fn sign(
    url: &str,
    sts: &Sts<'_>,
    source: &Keys,
    body: &str,
    now: i64,
) -> Result<http::Request<crate::net::Body>, Box<dyn std::error::Error>> {
    let credentials = source.credentials()?;
    let params = SigningParams::new(
        &credentials,
        sts.region,
        "sts",
        SigningTime::from_unix_seconds(now)?,
    )?;
    let headers = [("Content-Type", CONTENT_TYPE)];
    let request = Request::new("POST", url)
        .map_err(|e| format!("the STS endpoint {url} is not usable: {e}"))?
        .with_headers(&headers)
        .with_payload(Payload::Bytes(body.as_bytes()));
    let signed = Signer::new().sign(&request, &params)?;
    let mut builder = http::Request::builder()
        .method("POST")
        .uri(request.url())
        .header("Host", request.host().unwrap_or_default())
        .header("Content-Type", CONTENT_TYPE);
    for (name, value) in signed.headers() {
        builder = builder.header(name, value);
    }
    Ok(builder.body(full(body.to_owned()))?)
}

/// `Action=AssumeRole&Version=2011-06-15&RoleArn=…&RoleSessionName=…[&DurationSeconds=…][&ExternalId=…]`.
pub(crate) fn form_body(call: &Call<'_>) -> String {
    let mut body = format!(
        "Action=AssumeRole&Version=2011-06-15&RoleArn={}&RoleSessionName={}",
        encode(call.role_arn),
        encode(call.session_name)
    );
    if let Some(seconds) = call.duration_seconds {
        body.push_str(&format!("&DurationSeconds={seconds}"));
    }
    if let Some(id) = call.external_id {
        body.push_str(&format!("&ExternalId={}", encode(id)));
    }
    body
}

/// The endpoint with a `/` path when it has none.
fn post_url(endpoint: &str) -> String {
    let after_scheme = endpoint.find("://").map_or(0, |at| at + 3);
    if endpoint[after_scheme..].contains('/') {
        endpoint.to_owned()
    } else {
        format!("{endpoint}/")
    }
}

/// Percent-encoding of everything but RFC 3986's unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The credentials in a 2xx answer, or AWS's `Code: Message` from an error answer.
pub(crate) fn parse_answer(status: u16, answer: &[u8]) -> Result<Keys, String> {
    let xml = std::str::from_utf8(answer).map_err(|_| "the answer is not UTF-8 text".to_owned())?;
    if !(200..300).contains(&status) {
        return Err(match (tag(xml, "Code"), tag(xml, "Message")) {
            (Some(code), Some(message)) => format!(
                "{}: {}",
                unescape(code).as_str(),
                unescape(message).as_str()
            ),
            (Some(code), None) => unescape(code).to_string(),
            _ => match xml.lines().map(str::trim).find(|l| !l.is_empty()) {
                Some(line) => format!(
                    "no AWS error in the answer, which begins {:?}",
                    line.chars().take(120).collect::<String>()
                ),
                None => "an empty answer".to_owned(),
            },
        });
    }
    let credentials = tag(xml, "Credentials").ok_or("no <Credentials> in the answer")?;
    let field = |name: &'static str| {
        tag(credentials, name)
            .map(unescape)
            .filter(|v| !v.is_empty())
            .ok_or(format!("no <{name}> in the answer's credentials"))
    };
    let expiration = field("Expiration")?;
    let expires = timestamp::parse(&expiration).ok_or_else(|| {
        format!(
            "Expiration {:?} is not an ISO 8601 time",
            expiration.as_str()
        )
    })?;
    Ok(Keys {
        access_key_id: field("AccessKeyId")?.to_string(),
        secret_access_key: field("SecretAccessKey")?,
        session_token: Some(field("SessionToken")?),
        expires: Some(expires),
    })
}

/// The text between `<name>` (or `<name attr…>`) and the next `</name>`.
fn tag<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(at) = xml[from..].find('<').map(|i| from + i) {
        let rest = &xml[at + 1..];
        from = at + 1;
        let Some(after) = rest.strip_prefix(name) else {
            continue;
        };
        let start = match after.as_bytes().first() {
            Some(b'>') => 1,
            Some(b' ' | b'\t' | b'\r' | b'\n') => after.find('>')? + 1,
            _ => continue,
        };
        let inner = &after[start..];
        let end = inner.find(&format!("</{name}>"))?;
        return Some(inner[..end].trim());
    }
    None
}

/// XML's five named entities and numeric character references.
fn unescape(text: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(text.len()));
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').and_then(|end| {
            let c = match &rest[1..end] {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                num => {
                    let code = match num.strip_prefix("#x").or_else(|| num.strip_prefix("#X")) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.strip_prefix('#')?.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWER: &str = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>DevUser123</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/John</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:John</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764&amp;+/=</SessionToken>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <Expiration>2019-11-09T13:34:41Z</Expiration>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
    </Credentials>
    <PackedPolicySize>8</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>"#;

    #[test]
    fn reads_the_credentials_of_an_answer() {
        let keys = parse_answer(200, ANSWER.as_bytes()).expect("keys");
        assert_eq!(keys.access_key_id, "ASIAIOSFODNN7EXAMPLE");
        assert_eq!(
            keys.secret_access_key.as_str(),
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
        );
        assert_eq!(
            keys.session_token.as_deref().map(String::as_str),
            Some("AQoDYXdzEPT//////////wEXAMPLEtc764&+/=")
        );
        assert_eq!(keys.expires, timestamp::parse("2019-11-09T13:34:41Z"));
    }

    #[test]
    fn error_answers_give_code_and_message() {
        let xml = r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>AccessDenied</Code>
    <Message>User: arn:aws:iam::1:user/u is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::1:role/r &amp; more</Message>
  </Error><RequestId>x</RequestId></ErrorResponse>"#;
        assert_eq!(
            parse_answer(403, xml.as_bytes()).err().as_deref(),
            Some(
                "AccessDenied: User: arn:aws:iam::1:user/u is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::1:role/r & more"
            )
        );
        assert_eq!(
            parse_answer(502, b"\n<html>Bad gateway</html>")
                .err()
                .as_deref(),
            Some("no AWS error in the answer, which begins \"<html>Bad gateway</html>\"")
        );
        assert_eq!(
            parse_answer(500, b"").err().as_deref(),
            Some("an empty answer")
        );
    }

    #[test]
    fn incomplete_answers_are_errors() {
        let no_token = ANSWER
            .replace("<SessionToken>", "<Other>")
            .replace("</SessionToken>", "</Other>");
        assert_eq!(
            parse_answer(200, no_token.as_bytes()).err().as_deref(),
            Some("no <SessionToken> in the answer's credentials")
        );
        assert_eq!(
            parse_answer(200, b"<AssumeRoleResponse/>").err().as_deref(),
            Some("no <Credentials> in the answer")
        );
        let bad_time = ANSWER.replace("2019-11-09T13:34:41Z", "later");
        assert_eq!(
            parse_answer(200, bad_time.as_bytes()).err().as_deref(),
            Some("Expiration \"later\" is not an ISO 8601 time")
        );
    }

    #[test]
    fn tags_match_whole_names_only() {
        let xml = "<CodeX>no</CodeX><Code a=\"1\">yes</Code>";
        assert_eq!(tag(xml, "Code"), Some("yes"));
        assert_eq!(tag("<Code>open", "Code"), None);
        assert_eq!(
            unescape("a&lt;b&#62;c&#x26;d&bogus;e&").as_str(),
            "a<b>c&d&bogus;e&"
        );
    }

    #[test]
    fn the_form_body_encodes_every_parameter() {
        let call = Call {
            role_arn: "arn:aws:iam::123456789012:role/path/r",
            session_name: "me@example.com",
            external_id: Some("id with spaces+&"),
            duration_seconds: Some(900),
        };
        assert_eq!(
            form_body(&call),
            "Action=AssumeRole&Version=2011-06-15\
             &RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fpath%2Fr\
             &RoleSessionName=me%40example.com&DurationSeconds=900\
             &ExternalId=id%20with%20spaces%2B%26"
        );
        let plain = Call {
            external_id: None,
            duration_seconds: None,
            ..call
        };
        assert!(form_body(&plain).ends_with("&RoleSessionName=me%40example.com"));
    }

    #[test]
    fn endpoints() {
        assert_eq!(post_url("http://127.0.0.1:5000"), "http://127.0.0.1:5000/");
        assert_eq!(
            post_url("https://sts.example/prefix"),
            "https://sts.example/prefix"
        );
        assert_eq!(
            default_endpoint("eu-west-1"),
            ("https://sts.eu-west-1.amazonaws.com".into(), "eu-west-1")
        );
        assert_eq!(
            default_endpoint("aws-global"),
            ("https://sts.amazonaws.com".into(), "us-east-1")
        );
        assert_eq!(
            default_endpoint("cn-north-1"),
            (
                "https://sts.cn-north-1.amazonaws.com.cn".into(),
                "cn-north-1"
            )
        );
    }
}
