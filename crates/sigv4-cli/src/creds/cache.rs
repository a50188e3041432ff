//! Assumed-role credentials kept on disk until five minutes before they expire, under
//! `$XDG_CACHE_HOME/sigv4/` or `~/.cache/sigv4/` (the AWS CLI's own `~/.aws/cli/cache`
//! is left alone). One file per role, session name, external ID, source key and STS
//! endpoint, named by their SHA-256, readable by its owner only. A file that can't be
//! read or parsed is ignored (and replaced); failing to write one is not an error.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::{Environment, Keys, secret, timestamp};

/// Cached credentials are used while they have more than this left (seconds).
pub(crate) const MARGIN: i64 = 5 * 60;

/// The cache directory (none without `XDG_CACHE_HOME` or a home directory).
pub(crate) struct Cache {
    dir: Option<PathBuf>,
}

/// What identifies one set of assumed-role credentials.
pub(crate) struct CacheKey<'a> {
    pub(crate) role_arn: &'a str,
    /// As configured (`None` when generated, so that a new name does not miss the cache).
    pub(crate) session_name: Option<&'a str>,
    pub(crate) external_id: Option<&'a str>,
    pub(crate) source_access_key_id: &'a str,
    pub(crate) endpoint: &'a str,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Entry {
    access_key_id: String,
    #[serde(deserialize_with = "secret", serialize_with = "reveal")]
    secret_access_key: Option<Zeroizing<String>>,
    #[serde(default, deserialize_with = "secret", serialize_with = "reveal")]
    session_token: Option<Zeroizing<String>>,
    expiration: String,
}

fn reveal<S: serde::Serializer>(
    value: &Option<Zeroizing<String>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    value.as_deref().map(String::as_str).serialize(s)
}

impl Cache {
    pub(crate) fn new(env: &Environment) -> Cache {
        let base = match env.var("XDG_CACHE_HOME").map(PathBuf::from) {
            Some(xdg) if xdg.is_absolute() => Some(xdg),
            _ => env.home.as_ref().map(|home| home.join(".cache")),
        };
        Cache {
            dir: base.map(|base| base.join("sigv4")),
        }
    }

    #[cfg(test)]
    pub(crate) fn at(dir: &Path) -> Cache {
        Cache {
            dir: Some(dir.to_owned()),
        }
    }

    /// Credentials stored under `key` that are good for more than five minutes after `now`.
    pub(crate) fn get(&self, key: &CacheKey<'_>, now: i64) -> Option<Keys> {
        let bytes = Zeroizing::new(std::fs::read(self.path(key)?).ok()?);
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        let expires = timestamp::parse(&entry.expiration)?;
        (expires - now > MARGIN).then_some(())?;
        Some(Keys {
            access_key_id: entry.access_key_id,
            secret_access_key: entry.secret_access_key?,
            session_token: entry.session_token,
            expires: Some(expires),
        })
    }

    /// Stores `keys` (which must expire) under `key`, mode 0600, replacing any old file
    /// at once (written aside, then renamed). Best effort: the request goes on anyway.
    pub(crate) fn put(&self, key: &CacheKey<'_>, keys: &Keys) {
        let (Some(path), Some(expires)) = (self.path(key), keys.expires) else {
            return;
        };
        let entry = Entry {
            access_key_id: keys.access_key_id.clone(),
            secret_access_key: Some(keys.secret_access_key.clone()),
            session_token: keys.session_token.clone(),
            expiration: timestamp::format(expires),
        };
        let Ok(json) = serde_json::to_vec(&entry).map(Zeroizing::new) else {
            return;
        };
        let _ = write_private(&path, &json);
    }

    fn path(&self, key: &CacheKey<'_>) -> Option<PathBuf> {
        Some(self.dir.as_ref()?.join(format!("{}.json", key.digest())))
    }
}

impl CacheKey<'_> {
    /// SHA-256 over the fields, each preceded by its length, as hex.
    fn digest(&self) -> String {
        let mut hash = Sha256::new();
        for field in [
            Some(self.role_arn),
            self.session_name,
            self.external_id,
            Some(self.source_access_key_id),
            Some(self.endpoint),
        ] {
            match field {
                Some(text) => {
                    hash.update((text.len() as u64).to_be_bytes());
                    hash.update(text.as_bytes());
                }
                None => hash.update(u64::MAX.to_be_bytes()),
            }
        }
        hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    let aside = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("entry"),
        std::process::id()
    ));
    let _ = std::fs::remove_file(&aside);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&aside)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&aside, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&aside);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;

    fn key(endpoint: &str) -> CacheKey<'_> {
        CacheKey {
            role_arn: "arn:aws:iam::123456789012:role/r",
            session_name: None,
            external_id: None,
            source_access_key_id: "AKIDSOURCE",
            endpoint,
        }
    }

    fn keys(expires: i64) -> Keys {
        Keys {
            access_key_id: "ASIACACHED".into(),
            secret_access_key: Zeroizing::new("cached secret".into()),
            session_token: Some(Zeroizing::new("cached token".into())),
            expires: Some(expires),
        }
    }

    #[test]
    fn fresh_entries_are_served_near_expiry_ones_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = Cache::at(dir.path());
        let k = key("https://sts.us-east-1.amazonaws.com");
        assert!(cache.get(&k, NOW).is_none());

        cache.put(&k, &keys(NOW + 3600));
        let got = cache.get(&k, NOW).expect("fresh");
        assert_eq!(got.access_key_id, "ASIACACHED");
        assert_eq!(got.secret_access_key.as_str(), "cached secret");
        assert_eq!(
            got.session_token.as_deref().map(String::as_str),
            Some("cached token")
        );
        assert_eq!(got.expires, Some(NOW + 3600));

        assert!(cache.get(&k, NOW + 3600 - MARGIN - 1).is_some());
        assert!(
            cache.get(&k, NOW + 3600 - MARGIN).is_none(),
            "five minutes left: stale"
        );
        assert!(cache.get(&k, NOW + 7200).is_none());
    }

    #[test]
    fn every_field_is_part_of_the_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = Cache::at(dir.path());
        let base = key("https://a");
        cache.put(&base, &keys(NOW + 3600));
        let variants = [
            CacheKey {
                role_arn: "arn:aws:iam::123456789012:role/other",
                ..key("https://a")
            },
            CacheKey {
                session_name: Some("named"),
                ..key("https://a")
            },
            CacheKey {
                external_id: Some("ext"),
                ..key("https://a")
            },
            CacheKey {
                source_access_key_id: "AKIDOTHER",
                ..key("https://a")
            },
            key("https://b"),
        ];
        for other in &variants {
            assert!(cache.get(other, NOW).is_none());
        }
        // Field boundaries matter: ("ab", "c") is not ("a", "bc").
        let a = CacheKey {
            role_arn: "ab",
            session_name: Some("c"),
            ..key("e")
        };
        let b = CacheKey {
            role_arn: "a",
            session_name: Some("bc"),
            ..key("e")
        };
        assert_ne!(a.digest(), b.digest());
        assert_eq!(base.digest().len(), 64);
    }

    #[test]
    fn corrupt_files_are_ignored_and_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = Cache::at(dir.path());
        let k = key("https://a");
        let path = cache.path(&k).expect("path");
        for junk in [
            &b"not json"[..],
            b"{\"AccessKeyId\": \"A\"}",
            b"{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\", \"Expiration\": \"never\"}",
            b"",
        ] {
            std::fs::write(&path, junk).expect("write");
            assert!(cache.get(&k, NOW).is_none());
        }
        cache.put(&k, &keys(NOW + 3600));
        assert!(cache.get(&k, NOW).is_some());
    }

    #[cfg(unix)]
    #[test]
    fn files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = Cache::at(&dir.path().join("nested/sigv4"));
        let k = key("https://a");
        cache.put(&k, &keys(NOW + 3600));
        let path = cache.path(&k).expect("path");
        let mode = std::fs::metadata(&path).expect("file").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let mode = std::fs::metadata(path.parent().expect("dir"))
            .expect("dir")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(
            text.contains("\"Expiration\":\"2023-11-14T23:13:20Z\""),
            "{text}"
        );
        let leftovers = std::fs::read_dir(path.parent().expect("dir"))
            .expect("list")
            .count();
        assert_eq!(leftovers, 1, "no temporary file left behind");
    }

    #[test]
    fn the_directory_follows_xdg_then_home() {
        let mut env = Environment {
            home: Some("/home/u".into()),
            ..Environment::default()
        };
        assert_eq!(
            Cache::new(&env).dir,
            Some(PathBuf::from("/home/u/.cache/sigv4"))
        );
        env.vars.insert("XDG_CACHE_HOME".into(), "/xdg".into());
        assert_eq!(Cache::new(&env).dir, Some(PathBuf::from("/xdg/sigv4")));
        env.vars.insert("XDG_CACHE_HOME".into(), "relative".into());
        assert_eq!(
            Cache::new(&env).dir,
            Some(PathBuf::from("/home/u/.cache/sigv4"))
        );
        assert_eq!(Cache::new(&Environment::default()).dir, None);
    }
}
