//! Credentials with the AWS CLI's precedence and files. (Placeholder interface: flags
//! and environment only, until the full chain lands.)

use std::collections::HashMap;
use std::path::PathBuf;

use crate::error::Result;
use crate::net::Client;

/// Credential flags of every subcommand.
#[derive(Debug, Default, Clone, clap::Args)]
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
    /// Session token for temporary credentials (else AWS_SESSION_TOKEN).
    #[arg(long, value_name = "TOKEN", help_heading = "Credentials")]
    pub session_token: Option<String>,
    /// Profile in ~/.aws/credentials and ~/.aws/config (else AWS_PROFILE, else default).
    #[arg(long, value_name = "NAME", help_heading = "Credentials")]
    pub profile: Option<String>,
}

/// The process environment as the loader sees it (tests make their own).
#[derive(Debug, Default, Clone)]
pub struct Environment {
    /// Environment variables.
    pub vars: HashMap<String, String>,
    /// The home directory (for ~/.aws and the cache).
    pub home: Option<PathBuf>,
}

impl Environment {
    /// This process's environment.
    pub fn from_process() -> Self {
        Environment {
            vars: std::env::vars().collect(),
            home: std::env::var_os("HOME").map(PathBuf::from),
        }
    }

    fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// Credentials found, and where.
pub struct Found {
    /// The credentials.
    pub credentials: sigv4::Credentials,
    /// Where they came from, for `-v` (never the values).
    pub source: String,
}

/// Looks for credentials in the AWS CLI's order. `Ok(None)`: none configured anywhere
/// (the caller says where it looked with [`searched`]).
pub async fn load(
    flags: &CredentialFlags,
    env: &Environment,
    _client: &Client,
) -> Result<Option<Found>> {
    let id = flags
        .access_key_id
        .as_deref()
        .or(env.var("AWS_ACCESS_KEY_ID"));
    let secret = flags
        .secret_access_key
        .as_deref()
        .or(env.var("AWS_SECRET_ACCESS_KEY"));
    let (Some(id), Some(secret)) = (id, secret) else {
        return Ok(None);
    };
    let mut credentials = sigv4::Credentials::new(id, secret)?;
    if let Some(token) = flags
        .session_token
        .as_deref()
        .or(env.var("AWS_SESSION_TOKEN"))
    {
        credentials = credentials.with_session_token(token);
    }
    Ok(Some(Found {
        credentials,
        source: "environment".into(),
    }))
}

/// Where [`load`] looked, for the "no credentials" message.
pub fn searched(_flags: &CredentialFlags, _env: &Environment) -> String {
    "--access-key-id/--secret-access-key, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY".into()
}

/// The region configured outside the URL: AWS_REGION, AWS_DEFAULT_REGION, then the
/// profile's `region` in the config file.
pub fn region(_flags: &CredentialFlags, env: &Environment) -> Option<String> {
    env.var("AWS_REGION")
        .or(env.var("AWS_DEFAULT_REGION"))
        .map(str::to_owned)
}
