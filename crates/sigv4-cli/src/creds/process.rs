//! `credential_process`: a command run without a shell that prints credentials as JSON
//! (`{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}`).
//!
//! Its standard output holds secrets: it is never shown, not even when it is not JSON.
//! Errors quote the first line of its standard error instead.

use std::process::{Command, Stdio};

use serde::Deserialize;
use zeroize::Zeroizing;

use super::split::split_words;
use super::{Keys, secret, timestamp};
use crate::error::{CliError, Exit, Result};

/// Runs `command` (the value of `credential_process` in `profile`) and reads its keys.
/// Standard input stays the terminal's, as with the AWS CLI, for tools that prompt.
pub(crate) async fn run(profile: &str, command: &str, now: i64) -> Result<Keys> {
    let fail = |what: String| {
        CliError::new(
            Exit::Credentials,
            format!("credential_process of profile {profile} {what}"),
        )
    };
    let words =
        split_words(command).map_err(|why| fail(format!("can't be split into words: {why}")))?;
    let Some((program, args)) = words.split_first() else {
        return Err(fail("is empty".into()));
    };
    let mut child = Command::new(program);
    child
        .args(args)
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let output = tokio::task::spawn_blocking(move || child.output())
        .await
        .map_err(|e| fail(format!("could not be waited for: {e}")))?
        .map_err(|e| {
            fail(format!(
                "(`{program}`) could not start: {}",
                crate::error::io_reason(&e)
            ))
        })?;
    let stdout = Zeroizing::new(output.stdout);
    if !output.status.success() {
        let status = match output.status.code() {
            Some(code) => format!("exited with status {code}"),
            None => "was ended by a signal".to_owned(),
        };
        return Err(fail(format!(
            "(`{program}`) {status}: {}",
            first_line(&output.stderr)
        )));
    }
    parse(&stdout, now)
        .map_err(|why| fail(format!("(`{program}`) printed unusable credentials: {why}")))
}

/// What a credential process prints; unknown fields are ignored.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Printed {
    version: Option<serde_json::Value>,
    access_key_id: Option<String>,
    #[serde(default, deserialize_with = "secret")]
    secret_access_key: Option<Zeroizing<String>>,
    #[serde(default, deserialize_with = "secret")]
    session_token: Option<Zeroizing<String>>,
    expiration: Option<String>,
}

/// The keys in a process's output; the reason never quotes the output.
pub(crate) fn parse(stdout: &[u8], now: i64) -> Result<Keys, String> {
    let printed: Printed = serde_json::from_slice(stdout).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Data => "JSON of the wrong shape",
            serde_json::error::Category::Eof if stdout.trim_ascii().is_empty() => {
                return "nothing on standard output".to_owned();
            }
            _ => "not JSON",
        };
        format!("{what} (line {}, column {})", e.line(), e.column())
    })?;
    match &printed.version {
        Some(v) if v.as_u64() == Some(1) => {}
        Some(v) if v.is_number() => return Err(format!("Version {v} (only 1 is supported)")),
        Some(_) => return Err("Version is not the number 1".into()),
        None => return Err("no Version (it must be 1)".into()),
    }
    let access_key_id = printed.access_key_id.ok_or("no AccessKeyId")?;
    let secret_access_key = printed.secret_access_key.ok_or("no SecretAccessKey")?;
    let expires = match printed.expiration.as_deref() {
        None => None,
        Some(text) => Some(
            timestamp::parse(text)
                .ok_or_else(|| format!("Expiration {text:?} is not an ISO 8601 time"))?,
        ),
    };
    if let Some(at) = expires.filter(|&at| at <= now) {
        return Err(format!("they expired at {}", timestamp::format(at)));
    }
    Ok(Keys {
        access_key_id,
        secret_access_key,
        session_token: printed.session_token,
        expires,
    })
}

/// The first non-empty line of a process's standard error, shortened.
fn first_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    match text.lines().map(str::trim).find(|l| !l.is_empty()) {
        Some(line) if line.chars().count() > 200 => {
            format!("{}…", line.chars().take(200).collect::<String>())
        }
        Some(line) => line.to_owned(),
        None => "(nothing on standard error)".to_owned(),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    use super::*;

    const NOW: i64 = 1_700_000_000; // 2023-11-14T22:13:20Z

    /// A shell script fixture; returns the command that runs it.
    fn script(dir: &Path, name: &str, body: &str) -> String {
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write script");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        path.to_str().expect("utf-8").to_owned()
    }

    #[tokio::test]
    async fn reads_the_json_a_process_prints() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cmd = script(
            dir.path(),
            "creds.sh",
            r#"printf '{"Version": 1, "AccessKeyId": "ASIAPROC", "SecretAccessKey": "%s", "SessionToken": "tok", "Expiration": "2099-01-01T00:00:00Z", "AccountId": "1"}' "$1""#,
        );
        let keys = run("dev", &format!("{cmd} 'proc secret'"), NOW)
            .await
            .expect("keys");
        assert_eq!(keys.access_key_id, "ASIAPROC");
        assert_eq!(keys.secret_access_key.as_str(), "proc secret");
        assert_eq!(
            keys.session_token.as_deref().map(String::as_str),
            Some("tok")
        );
        assert_eq!(keys.expires, Some(4_070_908_800));
    }

    #[tokio::test]
    async fn a_failing_process_shows_stderr_never_stdout() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cmd = script(
            dir.path(),
            "fail.sh",
            "echo '{\"SecretAccessKey\": \"LEAKED\"}'\necho '' >&2\necho 'token expired: run login' >&2\necho second >&2\nexit 3",
        );
        let err = run("dev", &cmd, NOW).await.expect_err("fails");
        assert_eq!(err.exit, Exit::Credentials);
        assert_eq!(
            err.message,
            format!(
                "credential_process of profile dev (`{cmd}`) exited with status 3: token expired: run login"
            )
        );
    }

    #[tokio::test]
    async fn output_that_is_not_credentials_is_not_quoted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cases = [
            (
                "echo 'LEAKED-SECRET not json'",
                "not JSON (line 1, column 1)",
            ),
            ("true", "nothing on standard output"),
            (
                r#"echo '{"Version": 1, "AccessKeyId": 5, "SecretAccessKey": "LEAKED-SECRET"}'"#,
                "JSON of the wrong shape (line 1, column 31)",
            ),
            (
                r#"echo '{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "LEAKED-SECRET"}'"#,
                "Version 2 (only 1 is supported)",
            ),
            (
                r#"echo '{"AccessKeyId": "A", "SecretAccessKey": "LEAKED-SECRET"}'"#,
                "no Version (it must be 1)",
            ),
            (
                r#"echo '{"Version": 1, "AccessKeyId": "A"}'"#,
                "no SecretAccessKey",
            ),
            (
                r#"echo '{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "LEAKED-SECRET", "Expiration": "2001-01-01T00:00:00Z"}'"#,
                "they expired at 2001-01-01T00:00:00Z",
            ),
            (
                r#"echo '{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "LEAKED-SECRET", "Expiration": "soon"}'"#,
                "Expiration \"soon\" is not an ISO 8601 time",
            ),
        ];
        for (i, (body, why)) in cases.into_iter().enumerate() {
            let cmd = script(dir.path(), &format!("s{i}.sh"), body);
            let err = run("p", &cmd, NOW).await.expect_err(body);
            assert_eq!(
                err.message,
                format!(
                    "credential_process of profile p (`{cmd}`) printed unusable credentials: {why}"
                ),
            );
            assert!(!err.message.contains("LEAKED"));
        }
    }

    #[tokio::test]
    async fn commands_that_cannot_run() {
        let err = run("p", "/nonexistent/tool --x", NOW)
            .await
            .expect_err("fails");
        assert_eq!(
            err.message,
            "credential_process of profile p (`/nonexistent/tool`) could not start: No such file or directory"
        );
        let err = run("p", "tool 'open", NOW).await.expect_err("fails");
        assert_eq!(
            err.message,
            "credential_process of profile p can't be split into words: no closing quotation"
        );
        let err = run("p", "  ", NOW).await.expect_err("fails");
        assert_eq!(err.message, "credential_process of profile p is empty");
    }
}
