//! The precedence, profiles and role chains of [`super::load`], over temp files; STS is a
//! fake on 127.0.0.1 that checks each signature, or moto when the test servers run.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sigv4::{Credentials, Payload, Request, Signer, SigningParams, SigningTime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::*;

/// A home directory and a cache directory in a temp folder, and an environment that
/// points at them.
struct Setup {
    dir: tempfile::TempDir,
    env: Environment,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().expect("tempdir");
        let home = dir.path().join("home");
        std::fs::create_dir_all(home.join(".aws")).expect("mkdir");
        let mut env = Environment {
            home: Some(home),
            ..Environment::default()
        };
        let cache = dir.path().join("cache");
        env.vars.insert(
            "XDG_CACHE_HOME".into(),
            cache.to_str().expect("utf-8").into(),
        );
        Setup { dir, env }
    }

    fn home(&self) -> &Path {
        self.env.home.as_deref().expect("home")
    }

    fn credentials(self, text: &str) -> Self {
        std::fs::write(self.home().join(".aws/credentials"), text).expect("write");
        self
    }

    fn config(self, text: &str) -> Self {
        std::fs::write(self.home().join(".aws/config"), text).expect("write");
        self
    }

    fn var(mut self, name: &str, value: &str) -> Self {
        self.env.vars.insert(name.into(), value.into());
        self
    }

    fn cache_dir(&self) -> PathBuf {
        self.dir.path().join("cache/sigv4")
    }

    /// A shell script fixture in the temp folder; returns its path.
    fn script(&self, name: &str, body: &str) -> String {
        use std::os::unix::fs::PermissionsExt;
        let path = self.dir.path().join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        path.to_str().expect("utf-8").to_owned()
    }

    async fn load(&self, flags: &CredentialFlags) -> Result<Option<Found>> {
        load(flags, &self.env, &Client::new().expect("client")).await
    }

    async fn found(&self, flags: &CredentialFlags) -> Found {
        match self.load(flags).await {
            Ok(Some(found)) => found,
            Ok(None) => panic!("no credentials found"),
            Err(e) => panic!("{}", e.message),
        }
    }

    async fn error(&self, flags: &CredentialFlags) -> CliError {
        match self.load(flags).await {
            Err(e) => e,
            Ok(found) => panic!("expected an error, got {found:?}"),
        }
    }

    fn plan(&self, name: &str) -> Result<Option<Plan>> {
        plan(&Files::load(&self.env)?, &self.env, name)
    }
}

fn no_flags() -> CredentialFlags {
    CredentialFlags::default()
}

fn profile(name: &str) -> CredentialFlags {
    CredentialFlags {
        profile: Some(name.into()),
        ..CredentialFlags::default()
    }
}

const DEV: &str = "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = dev-secret\n";

// ---- precedence -------------------------------------------------------------------

#[tokio::test]
async fn flags_beat_the_environment_and_profiles() {
    let s = Setup::new()
        .credentials(DEV)
        .var("AWS_ACCESS_KEY_ID", "AKIDENV")
        .var("AWS_SECRET_ACCESS_KEY", "env-secret")
        .var("AWS_PROFILE", "dev");
    let flags = CredentialFlags {
        access_key_id: Some("AKIDFLAG".into()),
        secret_access_key: Some("flag-secret".into()),
        session_token: Some("flag-token".into()),
        profile: Some("dev".into()),
    };
    let found = s.found(&flags).await;
    assert_eq!(found.credentials.access_key_id(), "AKIDFLAG");
    assert!(found.credentials.has_session_token());
    assert_eq!(found.source, "command-line flags");
}

#[tokio::test]
async fn one_key_flag_without_the_other_is_an_error() {
    let s = Setup::new().credentials(DEV);
    let cases = [
        (
            Some("AKID"),
            None,
            None,
            "--access-key-id needs --secret-access-key too",
        ),
        (
            None,
            Some("secret"),
            None,
            "--secret-access-key needs --access-key-id too",
        ),
        (
            None,
            None,
            Some("token"),
            "--session-token needs --access-key-id and --secret-access-key",
        ),
    ];
    for (id, secret, token, message) in cases {
        let flags = CredentialFlags {
            access_key_id: id.map(Into::into),
            secret_access_key: secret.map(Into::into),
            session_token: token.map(Into::into),
            profile: Some("dev".into()),
        };
        let err = s.error(&flags).await;
        assert_eq!((err.exit, err.message.as_str()), (Exit::Usage, message));
    }
}

#[tokio::test]
async fn the_environment_beats_profiles_even_with_aws_profile() {
    let s = Setup::new()
        .credentials(DEV)
        .var("AWS_PROFILE", "dev")
        .var("AWS_ACCESS_KEY_ID", "AKIDENV")
        .var("AWS_SECRET_ACCESS_KEY", "env-secret")
        .var("AWS_SESSION_TOKEN", "env-token");
    let found = s.found(&no_flags()).await;
    assert_eq!(found.credentials.access_key_id(), "AKIDENV");
    assert!(found.credentials.has_session_token());
    assert_eq!(found.source, "environment");
}

#[tokio::test]
async fn a_profile_flag_skips_the_environment() {
    let s = Setup::new()
        .credentials(DEV)
        .var("AWS_ACCESS_KEY_ID", "AKIDENV")
        .var("AWS_SECRET_ACCESS_KEY", "env-secret");
    let found = s.found(&profile("dev")).await;
    assert_eq!(found.credentials.access_key_id(), "AKIDDEV");
    assert!(!found.credentials.has_session_token());
    assert_eq!(found.source, "profile dev (~/.aws/credentials)");
}

#[tokio::test]
async fn environment_keys_must_come_in_pairs_but_a_lone_secret_is_ignored() {
    let s = Setup::new().var("AWS_ACCESS_KEY_ID", "AKIDENV");
    let err = s.error(&no_flags()).await;
    assert_eq!(err.exit, Exit::Credentials);
    assert_eq!(
        err.message,
        "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
    );

    let s = Setup::new()
        .credentials(&DEV.replace("[dev]", "[default]"))
        .var("AWS_SECRET_ACCESS_KEY", "lonely")
        .var("AWS_ACCESS_KEY_ID", "");
    assert_eq!(
        s.found(&no_flags()).await.credentials.access_key_id(),
        "AKIDDEV"
    );
}

#[tokio::test]
async fn the_profile_is_the_flag_else_aws_profile_else_default() {
    let files = "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = d\n\
                 [env]\naws_access_key_id = AKIDENVPROFILE\naws_secret_access_key = e\n\
                 [flag]\naws_access_key_id = AKIDFLAGPROFILE\naws_secret_access_key = f\n";
    let s = Setup::new().credentials(files);
    assert_eq!(
        s.found(&no_flags()).await.credentials.access_key_id(),
        "AKIDDEFAULT"
    );
    let s = s.var("AWS_PROFILE", "env");
    assert_eq!(
        s.found(&no_flags()).await.credentials.access_key_id(),
        "AKIDENVPROFILE"
    );
    assert_eq!(
        s.found(&profile("flag")).await.credentials.access_key_id(),
        "AKIDFLAGPROFILE"
    );
}

#[tokio::test]
async fn within_a_profile_credentials_file_then_process_then_config() {
    let s = Setup::new();
    let process = s.script(
        "creds.sh",
        r#"echo '{"Version": 1, "AccessKeyId": "ASIAPROCESS", "SecretAccessKey": "p", "SessionToken": "t"}'"#,
    );
    let config = format!(
        "[profile dev]\ncredential_process = {process}\n\
         aws_access_key_id = AKIDCONFIG\naws_secret_access_key = c\n"
    );
    let s = s.config(&config).credentials(DEV);
    let found = s.found(&profile("dev")).await;
    assert_eq!(found.credentials.access_key_id(), "AKIDDEV");

    let s = s.credentials("[dev]\nregion = eu-west-1\n");
    let found = s.found(&profile("dev")).await;
    assert_eq!(found.credentials.access_key_id(), "ASIAPROCESS");
    assert!(found.credentials.has_session_token());
    assert_eq!(found.source, "credential_process of profile dev");

    let s = s.config("[profile dev]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = c\n");
    let found = s.found(&profile("dev")).await;
    assert_eq!(found.credentials.access_key_id(), "AKIDCONFIG");
    assert_eq!(found.source, "profile dev (~/.aws/config)");
}

#[tokio::test]
async fn the_config_file_needs_profile_prefixes_except_for_default() {
    let s = Setup::new().config(
        "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = d\n\
         [dev]\naws_access_key_id = AKIDNOTAPROFILE\naws_secret_access_key = x\n",
    );
    assert_eq!(
        s.found(&no_flags()).await.credentials.access_key_id(),
        "AKIDDEFAULT"
    );
    let err = s.error(&profile("dev")).await;
    assert_eq!(err.exit, Exit::Credentials);
    assert_eq!(
        err.message,
        "profile dev (from --profile) is in neither ~/.aws/credentials nor ~/.aws/config; \
         in ~/.aws/config its section is [profile dev], not [dev]"
    );
}

#[tokio::test]
async fn a_missing_profile_is_an_error_only_when_named() {
    let s = Setup::new().credentials(DEV);
    assert!(s.load(&no_flags()).await.expect("no error").is_none());
    let s = s.var("AWS_PROFILE", "prod");
    let err = s.error(&no_flags()).await;
    assert_eq!(
        err.message,
        "profile prod (from AWS_PROFILE) is in neither ~/.aws/credentials nor ~/.aws/config"
    );
    // A profile that exists but holds no credentials: nothing found, no error.
    let s = Setup::new().config("[profile dev]\nregion = eu-west-1\n");
    assert!(s.load(&profile("dev")).await.expect("no error").is_none());
}

#[tokio::test]
async fn half_a_key_pair_in_a_file_is_an_error() {
    let s = Setup::new().credentials("[dev]\naws_access_key_id = AKIDDEV\n");
    let err = s.error(&profile("dev")).await;
    assert_eq!(
        err.message,
        "profile dev in ~/.aws/credentials has aws_access_key_id but no aws_secret_access_key"
    );
    let s = Setup::new().config("[profile dev]\naws_secret_access_key = do-not-show\n");
    let err = s.error(&profile("dev")).await;
    assert_eq!(
        err.message,
        "profile dev has aws_secret_access_key but no aws_access_key_id"
    );
}

#[tokio::test]
async fn file_locations_come_from_the_environment() {
    let s = Setup::new();
    let elsewhere = s.home().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("mkdir");
    std::fs::write(elsewhere.join("creds"), DEV).expect("write");
    std::fs::write(
        elsewhere.join("conf"),
        "[profile dev]\nregion = ap-south-1\n",
    )
    .expect("write");
    let s = s
        .var("AWS_SHARED_CREDENTIALS_FILE", "~/elsewhere/creds")
        .var("AWS_CONFIG_FILE", &format!("{}/conf", elsewhere.display()));
    let found = s.found(&profile("dev")).await;
    assert_eq!(found.source, "profile dev (~/elsewhere/creds)");
    assert_eq!(
        region(&profile("dev"), &s.env).as_deref(),
        Some("ap-south-1")
    );
}

#[tokio::test]
async fn file_format_quirks_as_the_aws_cli() {
    let s = Setup::new().credentials(
        "# comment\n; comment\n[dev]\n\
         \x20 AWS_Access_Key_ID: AKIDDEV\n\
         \x20 aws_secret_access_key   =   dev-secret\n\
         s3 =\n  max_concurrent_requests = 20\n\
         aws_session_token = token-value\n",
    );
    let found = s.found(&profile("dev")).await;
    assert_eq!(found.credentials.access_key_id(), "AKIDDEV");
    assert!(found.credentials.has_session_token());
}

// ---- region, endpoint, searched -----------------------------------------------------

#[test]
fn region_precedence() {
    let s = Setup::new()
        .config("[default]\nregion = eu-central-1\n[profile dev]\nregion = eu-west-3\n");
    assert_eq!(region(&no_flags(), &s.env).as_deref(), Some("eu-central-1"));
    assert_eq!(
        region(&profile("dev"), &s.env).as_deref(),
        Some("eu-west-3")
    );
    assert_eq!(region(&profile("none"), &s.env), None);
    let s = s.var("AWS_DEFAULT_REGION", "us-west-1");
    assert_eq!(
        region(&profile("dev"), &s.env).as_deref(),
        Some("us-west-1")
    );
    let s = s.var("AWS_REGION", "us-west-2");
    assert_eq!(
        region(&profile("dev"), &s.env).as_deref(),
        Some("us-west-2")
    );
}

#[test]
fn endpoint_precedence() {
    let s = Setup::new().config(
        "[profile dev]\nendpoint_url = http://profile\nservices = local\n\
         [services local]\nsts =\n  endpoint_url = http://services-sts\n\
         elastic_beanstalk =\n  endpoint_url = http://services-eb\n",
    );
    let dev = profile("dev");
    let url = |s: &Setup, service: &str| endpoint_url(&dev, &s.env, service);
    assert_eq!(url(&s, "sts").as_deref(), Some("http://services-sts"));
    assert_eq!(
        url(&s, "Elastic Beanstalk").as_deref(),
        Some("http://services-eb")
    );
    assert_eq!(url(&s, "s3").as_deref(), Some("http://profile"));
    assert_eq!(endpoint_url(&no_flags(), &s.env, "s3"), None);
    let s = s.var("AWS_ENDPOINT_URL", "http://env-global");
    assert_eq!(url(&s, "sts").as_deref(), Some("http://env-global"));
    let s = s.var("AWS_ENDPOINT_URL_STS", "http://env-sts");
    assert_eq!(url(&s, "sts").as_deref(), Some("http://env-sts"));
    assert_eq!(url(&s, "s3").as_deref(), Some("http://env-global"));
    let s = s.var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE");
    assert_eq!(url(&s, "sts"), None);

    let s = Setup::new()
        .config("[profile dev]\nendpoint_url = http://p\nignore_configured_endpoint_urls = true\n");
    assert_eq!(url(&s, "sts"), None);
}

#[test]
fn searched_names_every_place() {
    let s = Setup::new().config("[profile other]\nregion = x\n");
    assert_eq!(
        searched(&no_flags(), &s.env),
        "--access-key-id/--secret-access-key (not given), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (not set), \
         profile default (the default) in ~/.aws/credentials (missing) and ~/.aws/config (no [default]); \
         SSO, web identity, container and instance metadata credentials are not supported"
    );
    let s = s
        .credentials("[dev]\nregion = x\n")
        .config("[profile dev]\nregion = y\n");
    assert_eq!(
        searched(&profile("dev"), &s.env),
        "--access-key-id/--secret-access-key (not given), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (skipped with --profile), \
         profile dev (from --profile) in ~/.aws/credentials ([dev] has no credentials) and ~/.aws/config ([profile dev] has no credentials); \
         SSO, web identity, container and instance metadata credentials are not supported"
    );
    let s = s
        .credentials("[dev]\nbroken line\n")
        .var("AWS_PROFILE", "dev");
    assert!(
        searched(&no_flags(), &s.env).contains(
            "profile dev (from AWS_PROFILE): ~/.aws/credentials line 2: neither [section], key = value nor a comment; fix the file;"
        ),
        "{}",
        searched(&no_flags(), &s.env)
    );
}

// ---- role chains, without the network ---------------------------------------------------

fn hops(plan: &Plan) -> Vec<(&str, &str, &str)> {
    plan.hops
        .iter()
        .map(|h| (h.profile.as_str(), h.role_arn.as_str(), h.source.as_str()))
        .collect()
}

#[test]
fn role_chains_are_followed_to_a_base() {
    let s = Setup::new()
        .credentials("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = b\n")
        .config(
            "[profile top]\nrole_arn = arn:aws:iam::1:role/top\nsource_profile = middle\n\
             role_session_name = me\nexternal_id = ext\nduration_seconds = 900\n\
             [profile middle]\nrole_arn = arn:aws:iam::1:role/middle\nsource_profile = base\n",
        );
    let plan = s.plan("top").expect("plan").expect("found");
    assert_eq!(
        hops(&plan),
        [
            ("top", "arn:aws:iam::1:role/top", "profile middle"),
            ("middle", "arn:aws:iam::1:role/middle", "profile base"),
        ]
    );
    let top = &plan.hops[0];
    assert_eq!(
        (
            top.session_name.as_deref(),
            top.external_id.as_deref(),
            top.duration_seconds
        ),
        (Some("me"), Some("ext"), Some(900))
    );
    assert!(
        matches!(&plan.base, Base::Static { keys, profile, .. } if keys.access_key_id == "AKIDBASE" && profile == "base")
    );
}

#[test]
fn a_role_beats_static_keys_at_the_top_but_not_in_a_source() {
    let s = Setup::new().credentials(
        "[top]\nrole_arn = arn:aws:iam::1:role/top\nsource_profile = src\n\
         aws_access_key_id = AKIDTOP\naws_secret_access_key = t\n\
         [src]\nrole_arn = arn:aws:iam::1:role/ignored\nsource_profile = nowhere\n\
         aws_access_key_id = AKIDSRC\naws_secret_access_key = s\n",
    );
    let plan = s.plan("top").expect("plan").expect("found");
    assert_eq!(
        hops(&plan),
        [("top", "arn:aws:iam::1:role/top", "profile src")]
    );
    assert!(matches!(&plan.base, Base::Static { keys, .. } if keys.access_key_id == "AKIDSRC"));
}

#[test]
fn a_profile_may_source_its_own_static_keys() {
    let s = Setup::new().credentials(
        "[me]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = me\n\
         aws_access_key_id = AKIDME\naws_secret_access_key = m\n",
    );
    let plan = s.plan("me").expect("plan").expect("found");
    assert_eq!(hops(&plan), [("me", "arn:aws:iam::1:role/r", "profile me")]);
    assert!(matches!(&plan.base, Base::Static { keys, .. } if keys.access_key_id == "AKIDME"));
}

#[test]
fn cycles_are_errors() {
    let s = Setup::new().config(
        "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n\
         [profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = c\n\
         [profile c]\nrole_arn = arn:aws:iam::1:role/c\nsource_profile = a\n\
         [profile self]\nrole_arn = arn:aws:iam::1:role/s\nsource_profile = self\n",
    );
    let err = s.plan("a").expect_err("loop");
    assert_eq!(err.exit, Exit::Credentials);
    assert_eq!(
        err.message,
        "profiles loop through source_profile: a -> b -> c -> a"
    );
    let err = s.plan("self").expect_err("loop");
    assert_eq!(
        err.message,
        "profiles loop through source_profile: self -> self"
    );
}

#[test]
fn sources_other_than_profiles() {
    let s = Setup::new()
        .config(
            "[profile env]\nrole_arn = arn:aws:iam::1:role/e\ncredential_source = Environment\n\
             [profile proc]\nrole_arn = arn:aws:iam::1:role/p\nsource_profile = runner\n\
             [profile runner]\ncredential_process = /bin/tool --json\n",
        )
        .var("AWS_ACCESS_KEY_ID", "AKIDENV")
        .var("AWS_SECRET_ACCESS_KEY", "e");
    let plan = s.plan("env").expect("plan").expect("found");
    assert_eq!(
        hops(&plan),
        [("env", "arn:aws:iam::1:role/e", "environment credentials")]
    );
    assert!(matches!(&plan.base, Base::Environment(keys) if keys.access_key_id == "AKIDENV"));
    let plan = s.plan("proc").expect("plan").expect("found");
    assert!(
        matches!(&plan.base, Base::Process { profile, command } if profile == "runner" && command == "/bin/tool --json")
    );

    let s = Setup::new().config(
        "[profile env]\nrole_arn = arn:aws:iam::1:role/e\ncredential_source = Environment\n",
    );
    assert_eq!(
        s.plan("env").expect_err("no env keys").message,
        "profile env takes its source credentials from the environment, but AWS_ACCESS_KEY_ID is not set"
    );
}

#[test]
fn role_profiles_that_cannot_work() {
    let cases = [
        (
            "source_profile = base\nmfa_serial = arn:aws:iam::1:mfa/me",
            "profile r needs an MFA code (mfa_serial), which sigv4 does not prompt for; use a credential_process that does, or export temporary credentials",
        ),
        (
            "source_profile = base\ncredential_source = Environment",
            "profile r has both source_profile and credential_source; keep one",
        ),
        (
            "region = x",
            "profile r has role_arn but neither source_profile nor credential_source",
        ),
        (
            "credential_source = Ec2InstanceMetadata",
            "profile r uses credential_source = Ec2InstanceMetadata, which sigv4 does not support (only Environment)",
        ),
        (
            "credential_source = Laptop",
            "profile r has credential_source = Laptop; valid values are Environment, Ec2InstanceMetadata and EcsContainer",
        ),
        (
            "source_profile = ghost",
            "the source_profile ghost of profile r exists in neither ~/.aws/credentials nor ~/.aws/config",
        ),
        (
            "source_profile = empty",
            "the source_profile empty of profile r has no credentials",
        ),
        (
            "source_profile = base\nduration_seconds = 1h",
            "profile r has duration_seconds = 1h, not a number of seconds",
        ),
        (
            "source_profile = sso",
            "profile sso uses IAM Identity Center (SSO), which sigv4 does not support; export credentials or use a credential_process",
        ),
        (
            "web_identity_token_file = /t",
            "profile r uses web identity (web_identity_token_file), which sigv4 does not support; export credentials or use a credential_process",
        ),
    ];
    for (extra, message) in cases {
        let s = Setup::new().config(&format!(
            "[profile r]\nrole_arn = arn:aws:iam::1:role/r\n{extra}\n\
             [profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = b\n\
             [profile empty]\nregion = x\n\
             [profile sso]\nsso_session = corp\n"
        ));
        let err = s
            .plan("r")
            .err()
            .unwrap_or_else(|| panic!("{extra}: no error"));
        assert_eq!(
            (err.exit, err.message.as_str()),
            (Exit::Credentials, message),
            "{extra}"
        );
    }
}

// ---- AssumeRole against a fake STS that checks every signature ------------------------

/// One request the fake STS received.
#[derive(Debug, Clone)]
struct Seen {
    /// Form fields, decoded.
    form: Vec<(String, String)>,
    content_type: String,
    /// The access key ID and region of the signature's scope.
    key_id: String,
    region: String,
    /// Whether the signature matched one made here with the key's known secret.
    signature_ok: bool,
}

struct FakeSts {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl FakeSts {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }
}

/// Secrets the fake STS knows: the base key, and one per role it handed out.
fn secret_of(key_id: &str) -> (String, Option<String>) {
    match key_id.strip_prefix("ASIA") {
        Some(role) => (
            format!("secret-of-{role}"),
            Some(format!("token-of-{role}")),
        ),
        None => ("base-secret".into(), None),
    }
}

async fn fake_sts() -> FakeSts {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (status, answer) = match read_request(&mut socket).await {
                Some(request) => {
                    let reply = answer(&request);
                    log.lock().expect("lock").push(request);
                    reply
                }
                None => (400, String::new()),
            };
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                answer.len()
            );
            let _ = socket.write_all(format!("{head}{answer}").as_bytes()).await;
        }
    });
    FakeSts { url, seen }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let target = lines.next()?.split(' ').nth(1)?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let length: usize = header("content-length")?.parse().ok()?;
    while buf.len() < head_end + length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8(buf[head_end..head_end + length].to_vec()).ok()?;

    // Credential=KEY/DATE/REGION/sts/aws4_request
    let authorization = header("authorization")?;
    let scope = authorization
        .split("Credential=")
        .nth(1)?
        .split(',')
        .next()?;
    let parts: Vec<&str> = scope.split('/').collect();
    let (key_id, region) = (parts[0].to_owned(), parts[2].to_owned());
    let (secret, token) = secret_of(&key_id);
    let mut credentials = Credentials::new(key_id.as_str(), secret).ok()?;
    if let Some(token) = token {
        credentials = credentials.with_session_token(token);
    }
    let time = SigningTime::parse(header("x-amz-date")?).ok()?;
    let params = SigningParams::new(&credentials, &region, "sts", time).ok()?;
    let signed_headers = [
        ("host", header("host")?),
        ("content-type", header("content-type")?),
    ];
    let request = Request::from_raw("POST", &target, &signed_headers)
        .ok()?
        .with_payload(Payload::Bytes(body.as_bytes()));
    let expected = Signer::new().sign(&request, &params).ok()?;
    let signature_ok = expected.authorization() == authorization
        && expected
            .headers()
            .all(|(n, v)| header(&n.to_ascii_lowercase()) == Some(v));
    Some(Seen {
        form: body
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.to_owned(), percent_decode(v)))
            .collect(),
        content_type: header("content-type")?.to_owned(),
        key_id,
        region,
        signature_ok,
    })
}

fn percent_decode(text: &str) -> String {
    let mut out = Vec::new();
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex: String = [bytes.next(), bytes.next()]
                .iter()
                .flatten()
                .map(|&b| char::from(b))
                .collect();
            out.push(u8::from_str_radix(&hex, 16).unwrap_or(b'?'));
        } else {
            out.push(b);
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Role `…/name`: keys `ASIANAME`; role `denied`: an AWS error; role `short`: keys that
/// expire in two minutes.
fn answer(request: &Seen) -> (u16, String) {
    let field = |name: &str| {
        request
            .form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let role = field("RoleArn")
        .and_then(|arn| arn.rsplit('/').next())
        .unwrap_or("none");
    if role == "denied" {
        return (
            403,
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
             <Message>User is not authorized to perform: sts:AssumeRole</Message></Error></ErrorResponse>"
                .into(),
        );
    }
    let lifetime = if role == "short" { 120 } else { 3600 };
    let name = role.to_ascii_uppercase();
    let (secret, token) = secret_of(&format!("ASIA{name}"));
    let expires = timestamp::format(unix_now() + lifetime);
    (
        200,
        format!(
            "<AssumeRoleResponse><AssumeRoleResult><Credentials>\
             <AccessKeyId>ASIA{name}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>\
             <SessionToken>{}</SessionToken><Expiration>{expires}</Expiration>\
             </Credentials></AssumeRoleResult></AssumeRoleResponse>",
            token.unwrap_or_default()
        ),
    )
}

const CHAIN: &str = "[profile top]\nrole_arn = arn:aws:iam::123456789012:role/top\nsource_profile = middle\n\
                     role_session_name = me@example.com\nexternal_id = ext-1\nduration_seconds = 900\n\
                     [profile middle]\nrole_arn = arn:aws:iam::123456789012:role/middle\nsource_profile = base\n\
                     [profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n";

#[tokio::test]
async fn a_role_chain_is_assumed_in_order_then_cached() {
    let sts = fake_sts().await;
    let s = Setup::new()
        .config(&format!("{CHAIN}region = eu-west-1\n"))
        .var("AWS_ENDPOINT_URL_STS", &sts.url);
    let found = s.found(&profile("top")).await;
    assert_eq!(found.credentials.access_key_id(), "ASIATOP");
    assert!(found.credentials.has_session_token());
    assert!(
        found.source.starts_with(
            "role arn:aws:iam::123456789012:role/top assumed with profile middle (expires 20"
        ),
        "{}",
        found.source
    );

    let seen = sts.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|r| r.signature_ok), "{seen:?}");
    assert_eq!(
        (seen[0].key_id.as_str(), seen[1].key_id.as_str()),
        ("AKIDBASE", "ASIAMIDDLE")
    );
    // The top profile is the one asked for: its region (us-east-1 when none) signs every call.
    assert!(seen.iter().all(|r| r.region == "us-east-1"));
    assert_eq!(
        seen[0].content_type,
        "application/x-www-form-urlencoded; charset=utf-8"
    );
    let form = |i: usize| {
        seen[i]
            .form
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        form(0)[..3],
        [
            "Action=AssumeRole",
            "Version=2011-06-15",
            "RoleArn=arn:aws:iam::123456789012:role/middle"
        ]
    );
    assert!(form(0)[3].starts_with("RoleSessionName=sigv4-session-"));
    assert_eq!(
        form(1),
        [
            "Action=AssumeRole",
            "Version=2011-06-15",
            "RoleArn=arn:aws:iam::123456789012:role/top",
            "RoleSessionName=me@example.com",
            "DurationSeconds=900",
            "ExternalId=ext-1",
        ]
    );

    // Again: both hops come from the cache, STS hears nothing.
    let again = s.found(&profile("top")).await;
    assert_eq!(again.credentials.access_key_id(), "ASIATOP");
    assert!(
        again.source.contains("(cached, expires 20"),
        "{}",
        again.source
    );
    assert_eq!(sts.seen().len(), 2);
    assert_eq!(std::fs::read_dir(s.cache_dir()).expect("cache").count(), 2);
}

#[tokio::test]
async fn the_region_and_endpoint_of_the_profile_are_used() {
    let sts = fake_sts().await;
    let s = Setup::new().config(&format!(
        "[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n\
         region = ap-northeast-2\nendpoint_url = {}\n\
         [profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n",
        sts.url
    ));
    let found = s.found(&profile("r")).await;
    assert_eq!(found.credentials.access_key_id(), "ASIAR");
    let seen = sts.seen();
    assert_eq!(
        (seen.len(), seen[0].region.as_str(), seen[0].signature_ok),
        (1, "ap-northeast-2", true)
    );
}

#[tokio::test]
async fn near_expiry_and_corrupt_cache_entries_are_replaced() {
    let sts = fake_sts().await;
    let s = Setup::new()
        .config(
            "[profile short]\nrole_arn = arn:aws:iam::1:role/short\nsource_profile = base\n\
             [profile long]\nrole_arn = arn:aws:iam::1:role/long\nsource_profile = base\n\
             [profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n",
        )
        .var("AWS_ENDPOINT_URL", &sts.url);
    // Two minutes left is inside the five-minute margin: each load asks STS again.
    s.found(&profile("short")).await;
    s.found(&profile("short")).await;
    assert_eq!(sts.seen().len(), 2);

    s.found(&profile("long")).await;
    assert_eq!(sts.seen().len(), 3);
    for entry in std::fs::read_dir(s.cache_dir()).expect("cache") {
        std::fs::write(entry.expect("entry").path(), "{ corrupt").expect("write");
    }
    let found = s.found(&profile("long")).await;
    assert_eq!(found.credentials.access_key_id(), "ASIALONG");
    assert!(!found.source.contains("cached"));
    assert_eq!(sts.seen().len(), 4);
    s.found(&profile("long")).await;
    assert_eq!(sts.seen().len(), 4, "the corrupt entry was replaced");
}

#[tokio::test]
async fn sts_errors_show_code_and_message_not_secrets() {
    let sts = fake_sts().await;
    let s = Setup::new()
        .credentials("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\naws_session_token = base-token\n")
        .config("[profile d]\nrole_arn = arn:aws:iam::1:role/denied\nsource_profile = base\n")
        .var("AWS_ENDPOINT_URL_STS", &sts.url);
    let err = s.error(&profile("d")).await;
    assert_eq!(err.exit, Exit::Credentials);
    assert_eq!(
        err.message,
        format!(
            "profile d: AssumeRole of arn:aws:iam::1:role/denied failed: AccessDenied: \
             User is not authorized to perform: sts:AssumeRole (HTTP 403 from {})",
            sts.url
        )
    );
    assert!(!err.message.contains("base-secret") && !err.message.contains("base-token"));
}

#[tokio::test]
async fn an_unreachable_sts_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let s = Setup::new().config(CHAIN).var("AWS_ENDPOINT_URL_STS", &url);
    let err = s.error(&profile("middle")).await;
    assert_eq!(err.exit, Exit::Network);
    assert!(
        err.message.starts_with("profile middle: 127.0.0.1:"),
        "{}",
        err.message
    );
}

#[tokio::test]
async fn a_process_can_be_the_source_of_a_role() {
    let sts = fake_sts().await;
    let s = Setup::new();
    let process = s.script(
        "creds.sh",
        r#"echo '{"Version": 1, "AccessKeyId": "AKIDBASE", "SecretAccessKey": "base-secret"}'"#,
    );
    let s = s
        .config(&format!(
            "[profile r]\nrole_arn = arn:aws:iam::1:role/viaprocess\nsource_profile = runner\n\
             [profile runner]\ncredential_process = {process}\n"
        ))
        .var("AWS_ENDPOINT_URL_STS", &sts.url);
    let found = s.found(&profile("r")).await;
    assert_eq!(found.credentials.access_key_id(), "ASIAVIAPROCESS");
    assert!(sts.seen()[0].signature_ok);
}

// ---- secrets --------------------------------------------------------------------------

#[tokio::test]
async fn secrets_stay_out_of_debug_and_sources() {
    let s = Setup::new().credentials(
        "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = SECRET-VALUE\naws_session_token = TOKEN-VALUE\n",
    );
    let found = s.found(&profile("dev")).await;
    let shown = format!("{found:?} {}", found.source);
    assert!(shown.contains("AKIDDEV"));
    assert!(
        !shown.contains("SECRET-VALUE") && !shown.contains("TOKEN-VALUE"),
        "{shown}"
    );
    let plan = s.plan("dev").expect("plan");
    let shown = format!("{plan:?}");
    assert!(
        !shown.contains("SECRET-VALUE") && !shown.contains("TOKEN-VALUE"),
        "{shown}"
    );
    // Keys given as flags or in the environment.
    let flags = CredentialFlags {
        access_key_id: Some("AKIDFLAG".into()),
        secret_access_key: Some("SECRET-VALUE".into()),
        session_token: Some("TOKEN-VALUE".into()),
        profile: None,
    };
    let mut env = s.env.clone();
    env.vars
        .insert("AWS_SECRET_ACCESS_KEY".into(), "SECRET-VALUE".into());
    env.vars
        .insert("AWS_SESSION_TOKEN".into(), "TOKEN-VALUE".into());
    let shown = format!("{flags:?} {env:?}");
    assert!(
        shown.contains("AKIDFLAG") && shown.contains("AWS_SECRET_ACCESS_KEY"),
        "{shown}"
    );
    assert!(
        !shown.contains("SECRET-VALUE") && !shown.contains("TOKEN-VALUE"),
        "{shown}"
    );
}

#[tokio::test]
async fn unusable_keys_are_reported_without_the_values() {
    let s = Setup::new().credentials(
        "[dev]\naws_access_key_id = has space\naws_secret_access_key = SECRET-VALUE\n",
    );
    let err = s.error(&profile("dev")).await;
    assert_eq!(err.exit, Exit::Credentials);
    assert!(
        err.message
            .starts_with("the credentials from profile dev (~/.aws/credentials) can't be used: "),
        "{}",
        err.message
    );
    assert!(!err.message.contains("SECRET-VALUE") && !err.message.contains("has space"));
}

// ---- AssumeRole against moto (scripts/servers.sh start) --------------------------------

/// The moto server's settings: from the environment, else `target/servers/env.json`.
fn moto_settings() -> Option<HashMap<String, String>> {
    const NAMES: [&str; 4] = [
        "SIGV4_MOTO_URL",
        "SIGV4_MOTO_ACCESS_KEY_ID",
        "SIGV4_MOTO_SECRET_ACCESS_KEY",
        "SIGV4_MOTO_ROLE_ARN",
    ];
    let from_env: HashMap<String, String> = NAMES
        .iter()
        .filter_map(|&n| {
            Some((
                n.to_owned(),
                std::env::var(n).ok().filter(|v| !v.is_empty())?,
            ))
        })
        .collect();
    if from_env.len() == NAMES.len() {
        return Some(from_env);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let text = std::fs::read_to_string(target.join("servers/env.json")).ok()?;
    let json: HashMap<String, serde_json::Value> = serde_json::from_str(&text).ok()?;
    let settings: HashMap<String, String> = NAMES
        .iter()
        .filter_map(|&n| Some((n.to_owned(), json.get(n)?.as_str()?.to_owned())))
        .collect();
    (settings.len() == NAMES.len()).then_some(settings)
}

#[tokio::test]
async fn assume_role_against_moto() {
    let Some(moto) = moto_settings() else {
        let required = std::env::var("SIGV4_REQUIRE_SERVERS").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "SIGV4_REQUIRE_SERVERS=1 but moto is not configured: run scripts/servers.sh start \
             (writes target/servers/env.json) or set SIGV4_MOTO_URL, SIGV4_MOTO_ACCESS_KEY_ID, \
             SIGV4_MOTO_SECRET_ACCESS_KEY and SIGV4_MOTO_ROLE_ARN"
        );
        eprintln!(
            "skipped: moto is not configured (scripts/servers.sh start; SIGV4_REQUIRE_SERVERS=1 makes this fail)"
        );
        return;
    };
    let s = Setup::new().config(&format!(
        "[profile moto-role]\nrole_arn = {}\nsource_profile = moto\nrole_session_name = sigv4-test\n\
         duration_seconds = 900\nendpoint_url = {}\nregion = us-east-1\n\
         [profile moto]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        moto["SIGV4_MOTO_ROLE_ARN"],
        moto["SIGV4_MOTO_URL"],
        moto["SIGV4_MOTO_ACCESS_KEY_ID"],
        moto["SIGV4_MOTO_SECRET_ACCESS_KEY"],
    ));
    let found = s.found(&profile("moto-role")).await;
    assert!(found.credentials.has_session_token(), "{found:?}");
    assert_ne!(
        found.credentials.access_key_id(),
        moto["SIGV4_MOTO_ACCESS_KEY_ID"]
    );
    assert!(
        found.source.starts_with(&format!(
            "role {} assumed with profile moto (expires ",
            moto["SIGV4_MOTO_ROLE_ARN"]
        )),
        "{}",
        found.source
    );
    let again = s.found(&profile("moto-role")).await;
    assert_eq!(
        again.credentials.access_key_id(),
        found.credentials.access_key_id()
    );
    assert!(
        again.source.contains("(cached, expires "),
        "{}",
        again.source
    );

    // The assumed keys work: moto checks signatures (servers.sh turns its auth on).
    let (status, answer) = caller_identity(&moto["SIGV4_MOTO_URL"], &found.credentials).await;
    assert_eq!(status, 200, "{answer}");
    let role_name = moto["SIGV4_MOTO_ROLE_ARN"]
        .rsplit('/')
        .next()
        .unwrap_or_default();
    assert!(
        answer.contains(&format!("assumed-role/{role_name}/sigv4-test")),
        "{answer}"
    );

    // A wrong source secret is refused, and the error shows AWS's code.
    let s = s.config(&format!(
        "[profile moto-bad]\nrole_arn = {}\nsource_profile = bad\nendpoint_url = {}\n\
         [profile bad]\naws_access_key_id = {}\naws_secret_access_key = not-the-secret\n",
        moto["SIGV4_MOTO_ROLE_ARN"], moto["SIGV4_MOTO_URL"], moto["SIGV4_MOTO_ACCESS_KEY_ID"],
    ));
    let err = s.error(&profile("moto-bad")).await;
    assert_eq!(err.exit, Exit::Credentials);
    assert!(
        err.message.contains("SignatureDoesNotMatch"),
        "{}",
        err.message
    );
    assert!(!err.message.contains("not-the-secret"));
}

/// STS GetCallerIdentity signed with `credentials`: the status and the answer.
async fn caller_identity(endpoint: &str, credentials: &Credentials) -> (u16, String) {
    let url = format!("{}/", endpoint.trim_end_matches('/'));
    let body = "Action=GetCallerIdentity&Version=2011-06-15";
    let content_type = "application/x-www-form-urlencoded; charset=utf-8";
    let headers = [("Content-Type", content_type)];
    let request = Request::new("POST", &url)
        .expect("url")
        .with_headers(&headers)
        .with_payload(Payload::Bytes(body.as_bytes()));
    let time = SigningTime::from_unix_seconds(unix_now()).expect("time");
    let params = SigningParams::new(credentials, "us-east-1", "sts", time).expect("params");
    let signed = Signer::new().sign(&request, &params).expect("signed");
    let mut builder = http::Request::builder()
        .method("POST")
        .uri(request.url())
        .header("Host", request.host().expect("host"))
        .header("Content-Type", content_type);
    for (name, value) in signed.headers() {
        builder = builder.header(name, value);
    }
    let http_request = builder.body(crate::net::full(body)).expect("request");
    let client = Client::new().expect("client");
    let response = client
        .send_buffered(http_request, std::time::Duration::from_secs(30))
        .await
        .unwrap_or_else(|e| panic!("{}", e.message));
    (
        response.status().as_u16(),
        String::from_utf8_lossy(response.body()).into_owned(),
    )
}

#[tokio::test]
async fn renewing_credentials_are_looked_up_again_when_due_and_kept_while_valid() {
    let sts = fake_sts().await;
    let roles = |role: &str| {
        format!(
            "[profile app]\nrole_arn = arn:aws:iam::1:role/{role}\nsource_profile = base\n\
             [profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n"
        )
    };
    let s = Setup::new()
        .config(&roles("short"))
        .var("AWS_ENDPOINT_URL_STS", &sts.url);
    let config = s.home().join(".aws/config");
    let client = Client::new().expect("client");
    let (renewing, source) = Renewing::start(profile("app"), s.env.clone(), client)
        .await
        .expect("start");
    assert!(
        source.starts_with("role arn:aws:iam::1:role/short assumed"),
        "{source}"
    );
    assert_eq!(sts.seen().len(), 1);
    let now = unix_now();
    let get = |at: i64| renewing.get_at(at);

    // Not due: the same credentials, no lookup.
    let (first, renewal) = get(now).await.expect("get");
    assert_eq!((first.access_key_id(), renewal), ("ASIASHORT", None));
    assert_eq!(sts.seen().len(), 1);

    // The keys live 120 s: due after half of that. Too near expiry for the disk cache,
    // so the role is assumed again.
    let (second, _) = get(now + 61).await.expect("renewed");
    assert_eq!(second.access_key_id(), "ASIASHORT");
    assert_eq!(sts.seen().len(), 2);

    // The role is now refused: the current keys, still valid, are kept, and the failure
    // is told; the next lookup waits RETRY_SECONDS.
    std::fs::write(&config, roles("denied")).expect("write");
    let (kept, renewal) = get(now + 100).await.expect("kept");
    assert!(Arc::ptr_eq(&kept, &second));
    match renewal {
        Some(Renewal::Kept(why)) => assert!(
            why.starts_with("looking up credentials again failed (")
                && why.contains("AccessDenied")
                && why.contains("using the current ones until they expire at 20"),
            "{why}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(sts.seen().len(), 3);
    let _ = get(now + 100 + super::renew::RETRY_SECONDS - 1)
        .await
        .expect("kept");
    assert_eq!(sts.seen().len(), 3);

    // Expired, and no new ones: an error.
    let e = get(now + 125).await.expect_err("expired");
    assert!(
        e.message
            .starts_with("the credentials expired and looking them up again failed: ")
            && e.message.contains("AccessDenied"),
        "{}",
        e.message
    );
    assert_eq!(sts.seen().len(), 4);

    // Allowed again: new keys, and where from.
    std::fs::write(&config, roles("fresh")).expect("write");
    let (fresh, renewal) = get(now + 126).await.expect("fresh");
    assert_eq!(fresh.access_key_id(), "ASIAFRESH");
    match renewal {
        Some(Renewal::Renewed(source)) => {
            assert!(
                source.starts_with("role arn:aws:iam::1:role/fresh assumed"),
                "{source}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Hour-long keys: the next lookup is five minutes on.
    let _ = get(now + 126 + 299).await.expect("held");
    assert_eq!(sts.seen().len(), 5);
    assert!(!format!("{renewing:?}").contains("secret"));
}
