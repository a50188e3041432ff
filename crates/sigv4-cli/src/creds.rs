//! Credentials with the AWS CLI v2's precedence and files.
//!
//! [`load`] looks, in order, at:
//! 1. `--access-key-id` + `--secret-access-key` (+ `--session-token`);
//! 2. `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SECURITY_TOKEN` or
//!    `AWS_SESSION_TOKEN`), unless `--profile` is given: as with the AWS CLI, a profile
//!    named on the command line beats the environment (`AWS_PROFILE` does not);
//! 3. the profile (`--profile`, else `AWS_PROFILE`, else `default`) in
//!    `AWS_SHARED_CREDENTIALS_FILE` (`~/.aws/credentials`, sections `[name]`) and
//!    `AWS_CONFIG_FILE` (`~/.aws/config`, sections `[profile name]` and `[default]`),
//!    the credentials file's keys laid over the config's. Within the profile, as
//!    botocore: `role_arn` (AssumeRole with the credentials of `source_profile`, which may
//!    chain further, or of `credential_source = Environment`), then static keys in the
//!    credentials file, then `credential_process`, then static keys in the config file.
//!
//! Assumed-role credentials are cached on disk (see [`cache`]); STS is reached at
//! `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, the profile's `[services …]` `sts`
//! `endpoint_url` or its `endpoint_url`, else the regional endpoint.
//!
//! Not supported, and said so when a profile asks for them: `mfa_serial` (no MFA prompt),
//! SSO (`sso_session`, `sso_start_url`), web identity (`web_identity_token_file`) and
//! `credential_source` values other than `Environment`. Container and instance metadata
//! (IMDS) credentials are not looked for.
//!
//! Secret keys and session tokens are held in [`Zeroizing`] strings and appear in no
//! error, `Debug` output or source description.

pub(crate) mod assume_role;
mod cache;
mod files;
pub(crate) mod ini;
pub(crate) mod process;
mod renew;
pub(crate) mod split;
// The tests run shell-script fixtures.
#[cfg(all(test, unix))]
mod tests;
pub(crate) mod timestamp;

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use zeroize::Zeroizing;

use crate::error::{CliError, Exit, Result};
use crate::net::Client;
use assume_role::{Call, Sts};
use cache::{Cache, CacheKey};
use files::{Files, Profile};
pub(crate) use renew::renew_wait;
pub use renew::{Renewal, Renewing};

/// Credential flags of every subcommand. `Debug` shows neither the secret nor the token.
#[derive(Default, Clone, clap::Args)]
pub struct CredentialFlags {
    /// Access key ID (else AWS_ACCESS_KEY_ID, else the profile).
    #[arg(long, value_name = "ID", help_heading = "Credentials")]
    pub access_key_id: Option<String>,
    /// Secret access key; prefer the environment or a profile, as flags show in `ps`
    /// and shell history.
    #[arg(
        long,
        value_name = "SECRET",
        hide_env_values = true,
        help_heading = "Credentials"
    )]
    pub secret_access_key: Option<String>,
    /// Session token of temporary keys given with --access-key-id/--secret-access-key
    /// (keys from the environment take AWS_SESSION_TOKEN).
    #[arg(long, value_name = "TOKEN", help_heading = "Credentials")]
    pub session_token: Option<String>,
    /// Profile in ~/.aws/credentials and ~/.aws/config (else AWS_PROFILE, else default).
    #[arg(long, value_name = "NAME", help_heading = "Credentials")]
    pub profile: Option<String>,
}

/// The process environment as the loader sees it (tests make their own). `Debug` shows
/// the variables' names, not their values (AWS_SECRET_ACCESS_KEY may be one).
#[derive(Default, Clone)]
pub struct Environment {
    /// Environment variables.
    pub vars: HashMap<String, String>,
    /// The home directory (for ~/.aws and the cache).
    pub home: Option<PathBuf>,
}

impl fmt::Debug for CredentialFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let given = |v: &Option<String>| v.as_ref().map(|_| "<redacted>");
        f.debug_struct("CredentialFlags")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &given(&self.secret_access_key))
            .field("session_token", &given(&self.session_token))
            .field("profile", &self.profile)
            .finish()
    }
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&str> = self.vars.keys().map(String::as_str).collect();
        names.sort_unstable();
        f.debug_struct("Environment")
            .field("vars", &names)
            .field("home", &self.home)
            .finish()
    }
}

impl Environment {
    /// This process's environment.
    pub fn from_process() -> Self {
        Environment {
            vars: std::env::vars().collect(),
            home: std::env::var_os("HOME").map(PathBuf::from),
        }
    }

    /// A variable that is set and not empty.
    pub(crate) fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// Credentials found, and where.
#[derive(Debug)]
pub struct Found {
    /// The credentials.
    pub credentials: sigv4::Credentials,
    /// Where they came from, for `-v` (never the values).
    pub source: String,
    /// When temporary credentials expire (Unix seconds); `None` for long-term keys.
    pub expires: Option<i64>,
}

/// Looks for credentials in the AWS CLI's order. `Ok(None)`: none configured anywhere
/// (the caller says where it looked with [`searched`]). A profile named with `--profile`
/// or `AWS_PROFILE` that exists in neither file is an error.
pub async fn load(
    flags: &CredentialFlags,
    env: &Environment,
    client: &Client,
) -> Result<Option<Found>> {
    if let Some(keys) = from_flags(flags)? {
        return Ok(Some(keys.found("command-line flags".into())?));
    }
    if flags.profile.is_none()
        && let Some(keys) = from_env(env)?
    {
        return Ok(Some(keys.found("environment".into())?));
    }
    let files = Files::load(env)?;
    let (name, chosen) = profile_name(flags, env);
    let Some(plan) = plan(&files, env, name)? else {
        if files.profile(name).is_none() && chosen != Chosen::Default {
            return Err(missing_profile(&files, name, chosen));
        }
        return Ok(None);
    };
    let region = region_in(&files, flags, env).unwrap_or_else(|| "us-east-1".into());
    let (default_endpoint, signing_region) = assume_role::default_endpoint(&region);
    let endpoint = endpoint_in(Some(&files), env, name, "sts").unwrap_or(default_endpoint);
    let context = Context {
        client,
        cache: Cache::new(env),
        sts: Sts {
            endpoint: &endpoint,
            region: signing_region,
        },
        now: unix_now(),
    };
    context.run(plan).await.map(Some)
}

/// Like [`load`], but no credentials at all is an error that says where it looked.
pub async fn require(flags: &CredentialFlags, env: &Environment, client: &Client) -> Result<Found> {
    load(flags, env, client).await?.ok_or_else(|| {
        crate::error::CliError::new(
            crate::error::Exit::Credentials,
            format!("no credentials found; looked at {}", searched(flags, env)),
        )
    })
}

/// Where [`load`] looked, on one line, for the "no credentials" message.
pub fn searched(flags: &CredentialFlags, env: &Environment) -> String {
    let env_keys = if flags.profile.is_some() {
        "skipped with --profile"
    } else if env.var("AWS_ACCESS_KEY_ID").is_some() {
        "set"
    } else {
        "not set"
    };
    let (name, chosen) = profile_name(flags, env);
    let profile = match Files::load(env) {
        Ok(files) => {
            let found = files.profile(name);
            let config_header = match name {
                "default" => "[default]".to_owned(),
                _ => format!("[profile {name}]"),
            };
            format!(
                "profile {name} ({}) in {} and {}",
                chosen.describe(),
                look(
                    &files.credentials,
                    found.as_ref().and_then(|p| p.credentials),
                    &format!("[{name}]")
                ),
                look(
                    &files.config,
                    found.as_ref().and_then(|p| p.config),
                    &config_header
                ),
            )
        }
        Err(e) => format!("profile {name} ({}): {}", chosen.describe(), e.message),
    };
    format!(
        "--access-key-id/--secret-access-key (not given), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY ({env_keys}), \
         {profile}; SSO, web identity, container and instance metadata credentials are not supported"
    )
}

/// The region configured outside the URL: AWS_REGION, AWS_DEFAULT_REGION, then the
/// profile's `region` (config file, or credentials file as botocore merges them).
pub fn region(flags: &CredentialFlags, env: &Environment) -> Option<String> {
    match env.var("AWS_REGION").or(env.var("AWS_DEFAULT_REGION")) {
        Some(region) => Some(region.to_owned()),
        None => region_in(&Files::load(env).ok()?, flags, env),
    }
}

/// The endpoint URL configured for `service` (an AWS service ID such as `sts`, `s3`,
/// `dynamodb`): `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the profile's
/// `services` section's `<service> = endpoint_url = …`, then the profile's
/// `endpoint_url`; none when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (or the profile's
/// `ignore_configured_endpoint_urls`) is true.
/// (AssumeRole uses the same lookup for `sts`; this entry point is for the tests.)
#[cfg(test)]
pub fn endpoint_url(flags: &CredentialFlags, env: &Environment, service: &str) -> Option<String> {
    let files = Files::load(env).ok();
    endpoint_in(files.as_ref(), env, profile_name(flags, env).0, service)
}

/// Keys as loaded: kept apart from [`sigv4::Credentials`] because AssumeRole and the
/// cache need the secret.
pub(crate) struct Keys {
    pub(crate) access_key_id: String,
    pub(crate) secret_access_key: Zeroizing<String>,
    pub(crate) session_token: Option<Zeroizing<String>>,
    /// Unix seconds, for temporary credentials.
    pub(crate) expires: Option<i64>,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keys")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expires", &self.expires)
            .finish()
    }
}

impl Keys {
    fn new(id: &str, secret: &str, token: Option<&str>) -> Keys {
        Keys {
            access_key_id: id.to_owned(),
            secret_access_key: Zeroizing::new(secret.to_owned()),
            session_token: token
                .filter(|t| !t.is_empty())
                .map(|t| Zeroizing::new(t.to_owned())),
            expires: None,
        }
    }

    pub(crate) fn credentials(&self) -> Result<sigv4::Credentials> {
        let credentials =
            sigv4::Credentials::new(self.access_key_id.as_str(), self.secret_access_key.as_str())
                .map_err(|e| CliError::new(Exit::Credentials, e.to_string()))?;
        Ok(match &self.session_token {
            Some(token) => credentials.with_session_token(token.as_str()),
            None => credentials,
        })
    }

    fn found(&self, source: String) -> Result<Found> {
        let credentials = self.credentials().map_err(|e| {
            CliError::new(
                Exit::Credentials,
                format!("the credentials from {source} can't be used: {}", e.message),
            )
        })?;
        Ok(Found {
            credentials,
            source,
            expires: self.expires,
        })
    }
}

/// serde: an optional secret string, straight into a [`Zeroizing`] string.
pub(crate) fn secret<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Zeroizing<String>>, D::Error> {
    <Option<String> as serde::Deserialize>::deserialize(d).map(|s| s.map(Zeroizing::new))
}

fn credentials_error(message: String) -> CliError {
    CliError::new(Exit::Credentials, message)
}

fn from_flags(flags: &CredentialFlags) -> Result<Option<Keys>> {
    let token = flags.session_token.as_deref();
    match (&flags.access_key_id, &flags.secret_access_key) {
        (Some(id), Some(secret)) => Ok(Some(Keys::new(id, secret, token))),
        (Some(_), None) => Err(CliError::usage(
            "--access-key-id needs --secret-access-key too",
        )),
        (None, Some(_)) => Err(CliError::usage(
            "--secret-access-key needs --access-key-id too",
        )),
        (None, None) if token.is_some() => Err(CliError::usage(
            "--session-token needs --access-key-id and --secret-access-key",
        )),
        (None, None) => Ok(None),
    }
}

/// botocore's environment provider: the ID decides; a secret alone is ignored.
fn from_env(env: &Environment) -> Result<Option<Keys>> {
    let Some(id) = env.var("AWS_ACCESS_KEY_ID") else {
        return Ok(None);
    };
    let Some(secret) = env.var("AWS_SECRET_ACCESS_KEY") else {
        return Err(credentials_error(
            "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not".into(),
        ));
    };
    let token = env
        .var("AWS_SECURITY_TOKEN")
        .or(env.var("AWS_SESSION_TOKEN"));
    Ok(Some(Keys::new(id, secret, token)))
}

/// How the profile was chosen.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Chosen {
    Flag,
    Variable,
    Default,
}

impl Chosen {
    fn describe(self) -> &'static str {
        match self {
            Chosen::Flag => "from --profile",
            Chosen::Variable => "from AWS_PROFILE",
            Chosen::Default => "the default",
        }
    }
}

fn profile_name<'a>(flags: &'a CredentialFlags, env: &'a Environment) -> (&'a str, Chosen) {
    match (
        flags.profile.as_deref().filter(|p| !p.is_empty()),
        env.var("AWS_PROFILE"),
    ) {
        (Some(name), _) => (name, Chosen::Flag),
        (None, Some(name)) => (name, Chosen::Variable),
        (None, None) => ("default", Chosen::Default),
    }
}

fn missing_profile(files: &Files, name: &str, chosen: Chosen) -> CliError {
    let mut message = format!(
        "profile {name} ({}) is in neither {} nor {}",
        chosen.describe(),
        files.credentials.shown,
        files.config.shown
    );
    if files
        .config
        .ini
        .as_ref()
        .is_some_and(|ini| ini.section(name).is_some())
        && name != "default"
    {
        message.push_str(&format!(
            "; in {} its section is [profile {name}], not [{name}]",
            files.config.shown
        ));
    }
    credentials_error(message)
}

/// A file and what [`searched`] saw of the profile's `header` section in it.
fn look(file: &files::File, section: Option<&ini::Section>, header: &str) -> String {
    let credential_keys = ["aws_access_key_id", "credential_process", "role_arn"];
    match (&file.ini, section) {
        (None, _) => format!("{} ({})", file.shown, file.absent),
        (Some(_), None) => format!("{} (no {header})", file.shown),
        (Some(_), Some(s)) if !credential_keys.iter().any(|k| s.has(k)) => {
            format!("{} ({header} has no credentials)", file.shown)
        }
        (Some(_), Some(_)) => file.shown.clone(),
    }
}

fn region_in(files: &Files, flags: &CredentialFlags, env: &Environment) -> Option<String> {
    let (name, _) = profile_name(flags, env);
    Some(
        files
            .profile(name)?
            .text("region")
            .filter(|r| !r.is_empty())?
            .to_owned(),
    )
}

fn endpoint_in(
    files: Option<&Files>,
    env: &Environment,
    profile: &str,
    service: &str,
) -> Option<String> {
    let profile = files.and_then(|f| f.profile(profile));
    let ignore = match env.var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") {
        Some(value) => value,
        None => profile
            .as_ref()
            .and_then(|p| p.text("ignore_configured_endpoint_urls"))
            .unwrap_or(""),
    };
    if ignore.eq_ignore_ascii_case("true") {
        return None;
    }
    let variable = format!(
        "AWS_ENDPOINT_URL_{}",
        service.to_uppercase().replace([' ', '-'], "_")
    );
    if let Some(url) = env.var(&variable).or(env.var("AWS_ENDPOINT_URL")) {
        return Some(url.to_owned());
    }
    let profile = profile?;
    let key = service.to_lowercase().replace([' ', '-'], "_");
    let in_services = profile
        .text("services")
        .and_then(|name| files?.services(name))
        .and_then(|section| section.nested(&key, "endpoint_url"));
    in_services
        .or(profile.text("endpoint_url"))
        .filter(|url| !url.is_empty())
        .map(str::to_owned)
}

pub(crate) fn unix_now() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
}

/// Where the first credentials of a chain come from.
#[derive(Debug)]
enum Base {
    Static {
        keys: Keys,
        profile: String,
        file: String,
    },
    Process {
        profile: String,
        command: String,
    },
    Environment(Keys),
}

/// One AssumeRole of a chain.
#[derive(Debug, PartialEq, Eq)]
struct Hop {
    profile: String,
    role_arn: String,
    session_name: Option<String>,
    external_id: Option<String>,
    duration_seconds: Option<u32>,
    /// Whose credentials assume it: `profile base` or `environment credentials`.
    source: String,
}

/// The credentials of a profile: a base, then roles assumed one after the other (the
/// last one first, as found).
#[derive(Debug)]
struct Plan {
    base: Base,
    hops: Vec<Hop>,
}

fn is_role(profile: &Profile<'_>) -> bool {
    profile.has("role_arn") && !profile.has("web_identity_token_file")
}

/// Works out, without running anything, how profile `name` gets its credentials.
fn plan(files: &Files, env: &Environment, name: &str) -> Result<Option<Plan>> {
    let Some(top) = files.profile(name) else {
        return Ok(None);
    };
    if !is_role(&top) {
        return Ok(profile_keys(files, &top)?.map(|base| Plan {
            base,
            hops: Vec::new(),
        }));
    }
    let mut hops = Vec::new();
    let mut visited = vec![name];
    let mut current = top;
    loop {
        let (hop, source) = role_hop(&current)?;
        hops.push(hop);
        let Some(source) = source else {
            let keys = from_env(env)?.ok_or_else(|| {
                credentials_error(format!(
                    "profile {} takes its source credentials from the environment, \
                     but AWS_ACCESS_KEY_ID is not set",
                    current.name
                ))
            })?;
            return Ok(Some(Plan {
                base: Base::Environment(keys),
                hops,
            }));
        };
        let Some(next) = files.profile(source) else {
            return Err(credentials_error(format!(
                "the source_profile {source} of profile {} exists in neither {} nor {}",
                current.name, files.credentials.shown, files.config.shown
            )));
        };
        // A profile may be its own source only to use its own static keys.
        if visited.contains(&source) && (source != current.name || !next.has_static_keys()) {
            return Err(credentials_error(format!(
                "profiles loop through source_profile: {} -> {source}",
                visited.join(" -> ")
            )));
        }
        visited.push(source);
        if next.has_static_keys() || !is_role(&next) {
            let base = profile_keys(files, &next)?.ok_or_else(|| {
                credentials_error(format!(
                    "the source_profile {source} of profile {} has no credentials",
                    current.name
                ))
            })?;
            return Ok(Some(Plan { base, hops }));
        }
        current = next;
    }
}

/// A role profile's AssumeRole, and its source profile (`None`: the environment).
fn role_hop<'a>(profile: &Profile<'a>) -> Result<(Hop, Option<&'a str>)> {
    let name = profile.name;
    let fail = |what: String| credentials_error(format!("profile {name} {what}"));
    let role_arn = profile
        .text("role_arn")
        .filter(|r| !r.is_empty())
        .ok_or_else(|| fail("has an empty role_arn".into()))?;
    if profile.has("mfa_serial") {
        return Err(fail(
            "needs an MFA code (mfa_serial), which sigv4 does not prompt for; \
             use a credential_process that does, or export temporary credentials"
                .into(),
        ));
    }
    let source_profile = profile.text("source_profile").filter(|s| !s.is_empty());
    let credential_source = profile.text("credential_source").filter(|s| !s.is_empty());
    let (source, source_text) = match (source_profile, credential_source) {
        (Some(_), Some(_)) => {
            return Err(fail(
                "has both source_profile and credential_source; keep one".into(),
            ));
        }
        (None, None) => {
            return Err(fail(
                "has role_arn but neither source_profile nor credential_source".into(),
            ));
        }
        (Some(source), None) => (Some(source), format!("profile {source}")),
        (None, Some("Environment")) => (None, "environment credentials".to_owned()),
        (None, Some(other @ ("Ec2InstanceMetadata" | "EcsContainer"))) => {
            return Err(fail(format!(
                "uses credential_source = {other}, which sigv4 does not support (only Environment)"
            )));
        }
        (None, Some(other)) => {
            return Err(fail(format!(
                "has credential_source = {other}; valid values are Environment, Ec2InstanceMetadata and EcsContainer"
            )));
        }
    };
    let duration_seconds = match profile.text("duration_seconds") {
        None => None,
        Some(text) => Some(text.trim().parse::<u32>().map_err(|_| {
            fail(format!(
                "has duration_seconds = {text}, not a number of seconds"
            ))
        })?),
    };
    let text = |key| {
        profile
            .text(key)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let hop = Hop {
        profile: name.to_owned(),
        role_arn: role_arn.to_owned(),
        session_name: text("role_session_name"),
        external_id: text("external_id"),
        duration_seconds,
        source: source_text,
    };
    Ok((hop, source))
}

/// botocore's profile providers after AssumeRole: credentials file keys, then
/// `credential_process`, then config file keys.
fn profile_keys(files: &Files, profile: &Profile<'_>) -> Result<Option<Base>> {
    let name = profile.name;
    let unsupported = |what: &str| {
        credentials_error(format!(
            "profile {name} uses {what}, which sigv4 does not support; export credentials or use a credential_process"
        ))
    };
    if profile.has("web_identity_token_file") {
        return Err(unsupported("web identity (web_identity_token_file)"));
    }
    if profile.has("sso_session") || profile.has("sso_start_url") {
        return Err(unsupported("IAM Identity Center (SSO)"));
    }
    if let Some(section) = profile.credentials.filter(|s| s.has("aws_access_key_id")) {
        return static_keys(section, name, &files.credentials.shown).map(Some);
    }
    if let Some(command) = profile.text("credential_process") {
        return Ok(Some(Base::Process {
            profile: name.to_owned(),
            command: command.to_owned(),
        }));
    }
    if let Some(section) = profile.config.filter(|s| s.has("aws_access_key_id")) {
        return static_keys(section, name, &files.config.shown).map(Some);
    }
    if profile.has("aws_secret_access_key") {
        return Err(credentials_error(format!(
            "profile {name} has aws_secret_access_key but no aws_access_key_id"
        )));
    }
    Ok(None)
}

fn static_keys(section: &ini::Section, profile: &str, file: &str) -> Result<Base> {
    let fail = |what: &str| credentials_error(format!("profile {profile} in {file} {what}"));
    let id = section
        .text("aws_access_key_id")
        .ok_or_else(|| fail("has a nested section as aws_access_key_id"))?;
    let secret = section
        .text("aws_secret_access_key")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| fail("has aws_access_key_id but no aws_secret_access_key"))?;
    let token = section
        .text("aws_security_token")
        .filter(|t| !t.is_empty())
        .or(section.text("aws_session_token"));
    Ok(Base::Static {
        keys: Keys::new(id, secret, token),
        profile: profile.to_owned(),
        file: file.to_owned(),
    })
}

/// What running a plan needs.
struct Context<'a> {
    client: &'a Client,
    cache: Cache,
    sts: Sts<'a>,
    now: i64,
}

impl Context<'_> {
    async fn run(&self, plan: Plan) -> Result<Found> {
        let (mut keys, mut source) = match plan.base {
            Base::Static {
                keys,
                profile,
                file,
            } => (keys, format!("profile {profile} ({file})")),
            Base::Process { profile, command } => (
                process::run(&profile, &command, self.now).await?,
                format!("credential_process of profile {profile}"),
            ),
            Base::Environment(keys) => (keys, "environment".to_owned()),
        };
        for hop in plan.hops.iter().rev() {
            let (assumed, cached) = self.assume(hop, &keys).await.map_err(|mut e| {
                e.message = format!("profile {}: {}", hop.profile, e.message);
                e
            })?;
            let expires = assumed.expires.map(timestamp::format).unwrap_or_default();
            let how = if cached { "cached, expires" } else { "expires" };
            source = format!(
                "role {} assumed with {} ({how} {expires})",
                hop.role_arn, hop.source
            );
            keys = assumed;
        }
        keys.found(source)
    }

    /// The hop's credentials from the cache, else from STS (then cached). `true`: cached.
    async fn assume(&self, hop: &Hop, source: &Keys) -> Result<(Keys, bool)> {
        let key = CacheKey {
            role_arn: &hop.role_arn,
            session_name: hop.session_name.as_deref(),
            external_id: hop.external_id.as_deref(),
            source_access_key_id: &source.access_key_id,
            endpoint: self.sts.endpoint,
        };
        if let Some(keys) = self.cache.get(&key, self.now) {
            return Ok((keys, true));
        }
        let generated = format!("sigv4-session-{}", self.now);
        let call = Call {
            role_arn: &hop.role_arn,
            session_name: hop.session_name.as_deref().unwrap_or(&generated),
            external_id: hop.external_id.as_deref(),
            duration_seconds: hop.duration_seconds,
        };
        let keys =
            assume_role::assume_role(self.client, &self.sts, source, &call, self.now).await?;
        self.cache.put(&key, &keys);
        Ok((keys, false))
    }
}
