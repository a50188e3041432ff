//! The shared credentials and config files, and a profile as botocore sees it: the
//! config file's `[profile name]` (or `[default]`) with the credentials file's `[name]`
//! laid over it.

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::Environment;
use super::ini::{Ini, Section};
use super::split::split_words;
use crate::error::{CliError, Exit, Result};

/// One of the two files: how to show its path, and what it holds.
pub(crate) struct File {
    /// The path as a person reads it (`~/.aws/config`).
    pub(crate) shown: String,
    /// `None` when the file does not exist.
    pub(crate) ini: Option<Ini>,
    /// Why `ini` is `None`, in words for "looked at" messages.
    pub(crate) absent: &'static str,
}

/// Both files, read.
pub(crate) struct Files {
    pub(crate) credentials: File,
    pub(crate) config: File,
}

/// A profile: its section in each file (either may be missing, not both).
pub(crate) struct Profile<'a> {
    pub(crate) name: &'a str,
    pub(crate) credentials: Option<&'a Section>,
    pub(crate) config: Option<&'a Section>,
}

impl Files {
    /// Reads both files. Missing files are fine; unreadable or malformed ones are errors.
    pub(crate) fn load(env: &Environment) -> Result<Files> {
        Ok(Files {
            credentials: File::load(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials")?,
            config: File::load(env, "AWS_CONFIG_FILE", "config")?,
        })
    }

    /// The profile `name`, if either file has it.
    pub(crate) fn profile<'a>(&'a self, name: &'a str) -> Option<Profile<'a>> {
        let credentials = self
            .credentials
            .ini
            .as_ref()
            .and_then(|ini| ini.section(name));
        let config = self
            .config
            .ini
            .as_ref()
            .and_then(|ini| config_section(ini, "profile", name));
        (credentials.is_some() || config.is_some()).then_some(Profile {
            name,
            credentials,
            config,
        })
    }

    /// The config file's `[services name]` section.
    pub(crate) fn services(&self, name: &str) -> Option<&Section> {
        config_section(self.config.ini.as_ref()?, "services", name)
    }
}

/// The last section that botocore maps to (`kind`, `name`): a section name starting with
/// `kind` that splits (shell-like) into two words, the second being `name`; for profiles,
/// `[default]` too. The last one wins, as in botocore's dictionary.
fn config_section<'a>(ini: &'a Ini, kind: &str, name: &str) -> Option<&'a Section> {
    ini.sections.iter().rev().find(|section| {
        if kind == "profile" && section.name == "default" {
            return name == "default";
        }
        section.name.starts_with(kind)
            && split_words(&section.name).is_ok_and(|words| words.len() == 2 && words[1] == name)
    })
}

impl<'a> Profile<'a> {
    /// A text value, the credentials file's first (botocore merges it over the config).
    pub(crate) fn text(&self, key: &str) -> Option<&'a str> {
        match self.credentials.filter(|s| s.has(key)) {
            Some(section) => section.text(key),
            None => self.config?.text(key),
        }
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.credentials.is_some_and(|s| s.has(key)) || self.config.is_some_and(|s| s.has(key))
    }

    /// Whether either file gives this profile a static key (botocore's test for a source
    /// profile that brings its own credentials).
    pub(crate) fn has_static_keys(&self) -> bool {
        self.has("aws_access_key_id") || self.has("aws_secret_access_key")
    }
}

impl File {
    fn load(env: &Environment, variable: &str, default_name: &str) -> Result<File> {
        let path = match env.var(variable) {
            Some(given) => Some(expand(given, env)),
            None => env
                .home
                .as_ref()
                .map(|home| home.join(".aws").join(default_name)),
        };
        let (shown, absent) = match &path {
            Some(path) => (show_path(path, env.home.as_deref()), "missing"),
            None => (format!("~/.aws/{default_name}"), "no home directory"),
        };
        let ini = match path.as_deref() {
            Some(path) if path.is_file() => Some(read(path, &shown)?),
            // A folder (or other non-file) where the file should be is a mistake to
            // fix, not a file that is merely missing.
            Some(path) if path.exists() => {
                return Err(CliError::new(
                    Exit::Credentials,
                    format!("{shown} is not a file; fix the path"),
                ));
            }
            _ => None,
        };
        Ok(File { shown, ini, absent })
    }
}

fn read(path: &Path, shown: &str) -> Result<Ini> {
    let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| CliError::file(path, &e))?);
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| CliError::new(Exit::Credentials, format!("{shown} is not UTF-8 text")))?;
    Ini::parse(text).map_err(|e| {
        CliError::new(
            Exit::Credentials,
            format!("{shown} line {}: {}; fix the file", e.line, e.reason),
        )
    })
}

/// `~/x` and `$VAR`/`${VAR}` as Python's `expanduser(expandvars(path))`; unknown
/// variables stay as written.
pub(crate) fn expand(path: &str, env: &Environment) -> PathBuf {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, len) = match after.strip_prefix('{') {
            Some(braced) => match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => ("", 0),
            },
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        match env.vars.get(name).filter(|_| !name.is_empty()) {
            Some(value) => out.push_str(value),
            None => out.push_str(&rest[at..at + 1 + len]),
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    match (out.strip_prefix('~'), &env.home) {
        (Some(""), Some(home)) => home.clone(),
        (Some(tail), Some(home)) if tail.starts_with('/') => home.join(&tail[1..]),
        _ => PathBuf::from(out),
    }
}

/// `path` with the home directory shown as `~`.
pub(crate) fn show_path(path: &Path, home: Option<&Path>) -> String {
    match home.and_then(|home| path.strip_prefix(home).ok()) {
        Some(rest) if !rest.as_os_str().is_empty() => format!("~/{}", rest.display()),
        _ => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env_with(vars: &[(&str, &str)], home: &str) -> Environment {
        Environment {
            vars: vars
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<HashMap<_, _>>(),
            home: Some(PathBuf::from(home)),
        }
    }

    fn files(credentials: &str, config: &str) -> Files {
        let file = |text: &str, name: &str| File {
            shown: name.to_owned(),
            ini: Some(Ini::parse(text).expect("parses")),
            absent: "missing",
        };
        Files {
            credentials: file(credentials, "credentials"),
            config: file(config, "config"),
        }
    }

    #[test]
    fn config_profiles_need_the_profile_prefix() {
        let f = files(
            "",
            "[default]\nregion = d\n[profile dev]\nregion = a\n[prod]\nregion = b\n\
             [profile \"with space\"]\nregion = c\n[profile too many words]\nregion = x\n",
        );
        let region = |name: &str| {
            f.profile(name)
                .and_then(|p| p.text("region").map(str::to_owned))
        };
        assert_eq!(region("default").as_deref(), Some("d"));
        assert_eq!(region("dev").as_deref(), Some("a"));
        assert_eq!(
            region("prod"),
            None,
            "[prod] is not a profile in the config file"
        );
        assert_eq!(region("with space").as_deref(), Some("c"));
        assert!(f.profile("too").is_none());
    }

    #[test]
    fn the_credentials_file_uses_bare_names_and_wins() {
        let f = files(
            "[dev]\nregion = from-credentials\n[profile odd]\nk = v\n",
            "[profile dev]\nregion = from-config\noutput = json\n",
        );
        let dev = f.profile("dev").expect("dev");
        assert_eq!(dev.text("region"), Some("from-credentials"));
        assert_eq!(dev.text("output"), Some("json"));
        assert!(f.profile("profile odd").is_some());
        assert!(f.profile("odd").is_none());
    }

    #[test]
    fn the_later_of_default_and_profile_default_wins() {
        let f = files("", "[default]\nregion = a\n[profile default]\nregion = b\n");
        assert_eq!(
            f.profile("default").and_then(|p| p.text("region")),
            Some("b")
        );
        let f = files("", "[profile default]\nregion = b\n[default]\nregion = a\n");
        assert_eq!(
            f.profile("default").and_then(|p| p.text("region")),
            Some("a")
        );
    }

    #[test]
    fn services_sections() {
        let f = files(
            "",
            "[services local]\nsts =\n  endpoint_url = http://127.0.0.1:1\n",
        );
        let local = f.services("local").expect("section");
        assert_eq!(
            local.nested("sts", "endpoint_url"),
            Some("http://127.0.0.1:1")
        );
    }

    #[test]
    fn paths_expand_like_python() {
        let env = env_with(&[("DIR", "/data"), ("EMPTY", "")], "/home/u");
        assert_eq!(
            expand("~/x/config", &env),
            PathBuf::from("/home/u/x/config")
        );
        assert_eq!(expand("~", &env), PathBuf::from("/home/u"));
        assert_eq!(expand("$DIR/c", &env), PathBuf::from("/data/c"));
        assert_eq!(expand("${DIR}c", &env), PathBuf::from("/datac"));
        assert_eq!(expand("$NOPE/c", &env), PathBuf::from("$NOPE/c"));
        assert_eq!(expand("a$", &env), PathBuf::from("a$"));
        assert_eq!(expand("${DIR", &env), PathBuf::from("${DIR"));
        assert_eq!(
            show_path(Path::new("/home/u/.aws/config"), Some(Path::new("/home/u"))),
            "~/.aws/config"
        );
        assert_eq!(
            show_path(Path::new("/etc/aws"), Some(Path::new("/home/u"))),
            "/etc/aws"
        );
    }

    #[test]
    fn missing_files_are_empty_and_malformed_ones_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let home = dir.path().to_str().expect("utf-8");
        let env = env_with(&[], home);
        let f = Files::load(&env).expect("missing files are fine");
        assert!(f.credentials.ini.is_none() && f.config.ini.is_none());
        assert_eq!(f.config.shown, "~/.aws/config");

        std::fs::create_dir(dir.path().join(".aws")).expect("mkdir");
        std::fs::write(
            dir.path().join(".aws/config"),
            "[default]\naws_secret_access_key\n",
        )
        .expect("write");
        let err = Files::load(&env).err().expect("malformed");
        assert_eq!(err.exit, Exit::Credentials);
        assert_eq!(
            err.message,
            "~/.aws/config line 2: neither [section], key = value nor a comment; fix the file"
        );

        // A folder where a file should be is an error, not a missing file.
        std::fs::create_dir(dir.path().join(".aws/credentials")).expect("mkdir");
        std::fs::write(dir.path().join(".aws/config"), "[default]\n").expect("write");
        let err = Files::load(&env).err().expect("a folder");
        assert_eq!(
            (err.exit, err.message.as_str()),
            (
                Exit::Credentials,
                "~/.aws/credentials is not a file; fix the path"
            )
        );

        // No home: said once, as the reason the files were not read.
        let homeless = Environment::default();
        let f = Files::load(&homeless).expect("no home is fine");
        assert_eq!(
            (f.credentials.shown.as_str(), f.credentials.absent),
            ("~/.aws/credentials", "no home directory")
        );
    }
}
