//! Credentials that a long-running command (`sigv4 serve`) keeps fresh: looked up again
//! every five minutes, and sooner when they expire sooner (the Python plugins follow the
//! same [`renew_wait`]).
//! Assumed-role keys come from the disk cache until five minutes before they expire, so
//! a lookup is cheap, and an hour-long role session is renewed before it ends.

use std::fmt;
use std::sync::Arc;

use tokio::sync::Mutex;

use super::{CredentialFlags, Environment, Found, require, unix_now};
use crate::error::Result;
use crate::net::Client;

/// Seconds between lookups, at most.
const RENEW_SECONDS: i64 = 300;

/// Credentials looked up again when due. A failed lookup keeps the current credentials
/// while they are still valid (and is tried again at the next use, at most once every
/// [`RETRY_SECONDS`]); once they have expired, it is an error.
pub struct Renewing {
    flags: CredentialFlags,
    env: Environment,
    client: Client,
    held: Mutex<Held>,
}

/// Seconds between lookups after one failed.
pub(crate) const RETRY_SECONDS: i64 = 10;

struct Held {
    credentials: Arc<sigv4::Credentials>,
    expires: Option<i64>,
    renew_at: i64,
    source: String,
}

/// Seconds from `now` until credentials expiring at `expires` (Unix seconds; `None`:
/// never) are looked up again: five minutes, or half the time they have left when that is
/// sooner, so that short-lived keys are replaced well before they expire; at least a
/// second, so that keys already expired (or a clock that jumped) cannot make every use a
/// lookup.
pub(crate) fn renew_wait(expires: Option<i64>, now: i64) -> i64 {
    expires.map_or(RENEW_SECONDS, |at| {
        (at.saturating_sub(now) / 2).clamp(1, RENEW_SECONDS)
    })
}

impl Held {
    fn new(found: Found, now: i64) -> Held {
        Held {
            credentials: Arc::new(found.credentials),
            expires: found.expires,
            renew_at: now.saturating_add(renew_wait(found.expires, now)),
            source: found.source,
        }
    }
}

/// What [`Renewing::get`] did besides answering, in one line for a log (never a secret).
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Renewal {
    /// The credentials were looked up again and differ from where they were: a new role
    /// session, or keys from another place (where from now).
    Renewed(String),
    /// The lookup failed; the current credentials, still valid, were used.
    Kept(String),
}

impl Renewing {
    /// Looks up credentials as [`require`] does, and keeps how to look them up again.
    /// Returns them with where they came from.
    pub async fn start(
        flags: CredentialFlags,
        env: Environment,
        client: Client,
    ) -> Result<(Renewing, String)> {
        let found = require(&flags, &env, &client).await?;
        let source = found.source.clone();
        let held = Mutex::new(Held::new(found, unix_now()));
        Ok((
            Renewing {
                flags,
                env,
                client,
                held,
            },
            source,
        ))
    }

    /// The credentials to sign with now, looked up again first when due.
    pub async fn get(&self) -> Result<(Arc<sigv4::Credentials>, Option<Renewal>)> {
        self.get_at(unix_now()).await
    }

    /// [`Renewing::get`] at `now` (Unix seconds).
    pub(crate) async fn get_at(
        &self,
        now: i64,
    ) -> Result<(Arc<sigv4::Credentials>, Option<Renewal>)> {
        let mut held = self.held.lock().await;
        if now < held.renew_at {
            return Ok((Arc::clone(&held.credentials), None));
        }
        match require(&self.flags, &self.env, &self.client).await {
            Ok(found) => {
                let changed = found.source != held.source
                    || found.credentials.access_key_id() != held.credentials.access_key_id();
                *held = Held::new(found, now);
                let renewal = changed.then(|| Renewal::Renewed(held.source.clone()));
                Ok((Arc::clone(&held.credentials), renewal))
            }
            Err(e) if held.expires.is_none_or(|at| now < at) => {
                held.renew_at = now.saturating_add(RETRY_SECONDS);
                let until = held.expires.map_or_else(
                    || "they do not expire".to_owned(),
                    |at| format!("until they expire at {}", super::timestamp::format(at)),
                );
                Ok((
                    Arc::clone(&held.credentials),
                    Some(Renewal::Kept(format!(
                        "looking up credentials again failed ({}); using the current ones {until}",
                        e.message
                    ))),
                ))
            }
            Err(mut e) => {
                e.message = format!(
                    "the credentials expired and looking them up again failed: {}",
                    e.message
                );
                Err(e)
            }
        }
    }
}

impl fmt::Debug for Renewing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The environment holds the secret key when it came from there: never shown.
        f.debug_struct("Renewing")
            .field("profile", &self.flags.profile)
            .finish_non_exhaustive()
    }
}
