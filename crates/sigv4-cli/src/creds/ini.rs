//! The INI dialect of `~/.aws/credentials` and `~/.aws/config`: Python's `configparser`
//! as botocore (and so the AWS CLI) drives it, quirks included.
//!
//! - Whole-line comments start with `#` or `;` (indented or not). There are no inline
//!   comments: `region = us-east-1 # eu` has the value `us-east-1 # eu`.
//! - `key = value` or `key: value`, split at the first `=` or `:`; whitespace around
//!   both is dropped. Keys are lower-cased (`AWS_Access_Key_ID` works), section names
//!   are kept as written.
//! - A line indented deeper than its key continues the value. A key whose value starts
//!   on the next line is a nested sub-section (`s3 =` then `  addressing_style = path`);
//!   its own keys keep their case.
//! - A `[DEFAULT]` section gives every section its keys.
//! - The same section twice, or the same key twice in a section, a line that is neither
//!   a section, a `key = value` nor a comment, or a key before the first section: the
//!   file does not parse (the AWS CLI refuses it too).
//!
//! Values can be secrets: they are kept in [`Zeroizing`] strings and errors name only a
//! line number.

use zeroize::Zeroizing;

/// A value: text, or a nested sub-section's `key = value` pairs.
pub(crate) enum Value {
    Text(Zeroizing<String>),
    Nested(Vec<(String, Zeroizing<String>)>),
}

/// One `[section]`: its name as written and its keys, lower-cased, in file order.
pub(crate) struct Section {
    pub(crate) name: String,
    entries: Vec<(String, Value)>,
}

impl Section {
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// A text value; a nested sub-section under that key counts as absent.
    pub(crate) fn text(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            Value::Text(text) => Some(text.as_str()),
            Value::Nested(_) => None,
        }
    }

    /// A key of a nested sub-section (`sts =` / `  endpoint_url = …`).
    pub(crate) fn nested(&self, key: &str, inner: &str) -> Option<&str> {
        match self.get(key)? {
            Value::Nested(pairs) => pairs
                .iter()
                .rev()
                .find(|(k, _)| k == inner)
                .map(|(_, v)| v.as_str()),
            Value::Text(_) => None,
        }
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

/// A parsed file: its sections in file order (without `[DEFAULT]`, whose keys each
/// section has received).
pub(crate) struct Ini {
    pub(crate) sections: Vec<Section>,
}

/// Why a file does not parse, and where. Never the line itself: it may hold a secret.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub(crate) line: usize,
    pub(crate) reason: &'static str,
}

/// The section `configparser` treats as defaults for all others.
const DEFAULT_SECTION: &str = "DEFAULT";

/// A key being read: its section, its line and its text so far.
struct OpenKey {
    section: usize,
    key: String,
    line: usize,
    text: Zeroizing<String>,
}

impl Ini {
    pub(crate) fn parse(text: &str) -> Result<Ini, ParseError> {
        let mut sections: Vec<Section> = Vec::new();
        let mut current: Option<usize> = None;
        let mut open: Option<OpenKey> = None;
        let mut indent_level = 0;
        for (index, line) in text.lines().enumerate() {
            let error = |reason| ParseError {
                line: index + 1,
                reason,
            };
            let value = line.trim();
            if value.starts_with('#') || value.starts_with(';') {
                continue;
            }
            if value.is_empty() {
                // Kept inside a value that goes on below (`configparser` does the same).
                if let Some(key) = &mut open {
                    key.text.push('\n');
                }
                continue;
            }
            let indent = line.len() - line.trim_start().len();
            if let Some(key) = open.as_mut().filter(|_| indent > indent_level) {
                key.text.push('\n');
                key.text.push_str(value);
                continue;
            }
            indent_level = indent;
            if let Some(key) = open.take() {
                close(&mut sections, key)?;
            }
            if let Some(name) = section_header(value) {
                if let Some(at) = sections.iter().position(|s| s.name == name) {
                    if name != DEFAULT_SECTION {
                        return Err(error("this section appeared before"));
                    }
                    current = Some(at);
                } else {
                    sections.push(Section {
                        name: name.to_owned(),
                        entries: Vec::new(),
                    });
                    current = Some(sections.len() - 1);
                }
                continue;
            }
            let Some(section) = current else {
                return Err(error("a key before the first [section]"));
            };
            let Some(at) = value.find(['=', ':']) else {
                return Err(error("neither [section], key = value nor a comment"));
            };
            let key = value[..at].trim_end().to_lowercase();
            if key.is_empty() {
                return Err(error("a value without a key"));
            }
            if sections[section].has(&key) {
                return Err(error("this key appeared before in the section"));
            }
            let mut first = Zeroizing::new(String::new());
            first.push_str(value[at + 1..].trim_start());
            open = Some(OpenKey {
                section,
                key,
                line: index + 1,
                text: first,
            });
        }
        if let Some(key) = open.take() {
            close(&mut sections, key)?;
        }
        inherit_defaults(&mut sections);
        Ok(Ini { sections })
    }

    pub(crate) fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }
}

/// `[name]` (anything up to the last `]`, as `configparser`'s pattern), else `None`.
fn section_header(line: &str) -> Option<&str> {
    let inner = line.strip_prefix('[')?;
    let end = inner.rfind(']')?;
    (end > 0).then(|| &inner[..end])
}

/// Stores a finished key: text, or a nested sub-section when it started on the next line.
fn close(sections: &mut [Section], key: OpenKey) -> Result<(), ParseError> {
    let OpenKey {
        section,
        key,
        line,
        mut text,
    } = key;
    let kept = text.trim_end().len();
    text.truncate(kept);
    let value = if text.starts_with('\n') {
        Value::Nested(nested(&text).map_err(|reason| ParseError { line, reason })?)
    } else {
        Value::Text(text)
    };
    sections[section].entries.push((key, value));
    Ok(())
}

/// botocore's nested parsing: `key = value` lines, blank lines skipped, keys as written.
fn nested(text: &str) -> Result<Vec<(String, Zeroizing<String>)>, &'static str> {
    let mut pairs = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (key, value) = line
            .split_once('=')
            .ok_or("a nested sub-section line that is not key = value")?;
        pairs.push((
            key.trim().to_owned(),
            Zeroizing::new(value.trim().to_owned()),
        ));
    }
    Ok(pairs)
}

/// Gives every section the `[DEFAULT]` keys it lacks, then drops `[DEFAULT]`.
fn inherit_defaults(sections: &mut Vec<Section>) {
    let Some(at) = sections.iter().position(|s| s.name == DEFAULT_SECTION) else {
        return;
    };
    let defaults = sections.remove(at);
    for section in sections.iter_mut() {
        for (key, value) in &defaults.entries {
            if !section.has(key) {
                let copy = match value {
                    Value::Text(t) => Value::Text(t.clone()),
                    Value::Nested(pairs) => Value::Nested(pairs.clone()),
                };
                section.entries.push((key.clone(), copy));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Ini {
        Ini::parse(text).expect("parses")
    }

    fn text<'a>(ini: &'a Ini, section: &str, key: &str) -> Option<&'a str> {
        ini.section(section)?.text(key)
    }

    #[test]
    fn comments_whitespace_and_delimiters() {
        let ini = parse(
            "# top comment\n\
             ; another\n\
             [dev]\n\
             \x20 # indented comment\n\
             aws_access_key_id=AKIDDEV\n\
             aws_secret_access_key   =   secret with spaces  \n\
             region: eu-west-1\n\
             output = json # not a comment\n\
             role_arn = arn:aws:iam::123456789012:role/x\n\
             \n\
             [ spaced ]\n\
             k = v\n",
        );
        assert_eq!(text(&ini, "dev", "aws_access_key_id"), Some("AKIDDEV"));
        assert_eq!(
            text(&ini, "dev", "aws_secret_access_key"),
            Some("secret with spaces")
        );
        assert_eq!(text(&ini, "dev", "region"), Some("eu-west-1"));
        assert_eq!(text(&ini, "dev", "output"), Some("json # not a comment"));
        assert_eq!(
            text(&ini, "dev", "role_arn"),
            Some("arn:aws:iam::123456789012:role/x")
        );
        assert_eq!(text(&ini, " spaced ", "k"), Some("v"));
        assert!(ini.section("spaced").is_none());
    }

    #[test]
    fn keys_are_lower_cased_section_names_are_not() {
        let ini = parse("[Dev]\nAWS_Access_Key_ID = AKID\n");
        assert_eq!(text(&ini, "Dev", "aws_access_key_id"), Some("AKID"));
        assert!(ini.section("dev").is_none());
    }

    #[test]
    fn nested_sub_sections_are_kept_apart() {
        let ini = parse(
            "[profile dev]\n\
             s3 =\n\
             \x20 Max_Concurrent_Requests = 20\n\
             \n\
             \x20   addressing_style = path\n\
             \x20 ; comment inside\n\
             region = us-west-2\n\
             sts =\n\
             \x20 endpoint_url = http://127.0.0.1:5000\n",
        );
        let dev = ini.section("profile dev").expect("section");
        assert_eq!(dev.text("s3"), None);
        assert_eq!(dev.nested("s3", "Max_Concurrent_Requests"), Some("20"));
        assert_eq!(dev.nested("s3", "addressing_style"), Some("path"));
        assert_eq!(dev.text("region"), Some("us-west-2"));
        assert_eq!(
            dev.nested("sts", "endpoint_url"),
            Some("http://127.0.0.1:5000")
        );
    }

    #[test]
    fn continuation_lines_join_with_newlines() {
        let ini = parse("[p]\ncredential_process = /bin/tool\n    --flag value\nnext = 1\n");
        assert_eq!(
            text(&ini, "p", "credential_process"),
            Some("/bin/tool\n--flag value")
        );
        assert_eq!(text(&ini, "p", "next"), Some("1"));
    }

    #[test]
    fn crlf_and_indented_headers() {
        let ini = parse("  [a]\r\nk = 1\r\n[b]\r\n  k = 2\r\n  j = 3\r\n");
        assert_eq!(text(&ini, "a", "k"), Some("1"));
        assert_eq!(text(&ini, "b", "k"), Some("2"));
        assert_eq!(text(&ini, "b", "j"), Some("3"));
    }

    #[test]
    fn a_line_indented_deeper_than_the_key_above_continues_it() {
        // As configparser: the secret below is part of the ID, and `[b]` part of `k`.
        let ini = parse("[dev]\naws_access_key_id = AKID\n\taws_secret_access_key = s\n");
        assert_eq!(
            text(&ini, "dev", "aws_access_key_id"),
            Some("AKID\naws_secret_access_key = s")
        );
        assert_eq!(text(&ini, "dev", "aws_secret_access_key"), None);
        let err = Ini::parse("[a]\nk = 1\n  [b]\nk = 2\n").err();
        assert_eq!(
            err,
            Some(ParseError {
                line: 4,
                reason: "this key appeared before in the section"
            })
        );
    }

    #[test]
    fn header_ends_at_the_last_bracket() {
        let ini = parse("[profile dev] ; note\nk = 1\n");
        assert_eq!(text(&ini, "profile dev", "k"), Some("1"));
    }

    #[test]
    fn default_section_is_inherited() {
        let ini = parse("[DEFAULT]\nregion = eu-north-1\n[a]\n[b]\nregion = us-east-2\n");
        assert_eq!(text(&ini, "a", "region"), Some("eu-north-1"));
        assert_eq!(text(&ini, "b", "region"), Some("us-east-2"));
        assert!(ini.section("DEFAULT").is_none());
    }

    #[test]
    fn empty_values_are_text() {
        let ini = parse("[a]\nk =\nj = 2\n");
        assert_eq!(text(&ini, "a", "k"), Some(""));
    }

    #[test]
    fn malformed_files_name_the_line_not_its_content() {
        let cases = [
            ("k = v\n[a]\n", 1, "a key before the first [section]"),
            ("[a]\nk = 1\n[a]\n", 3, "this section appeared before"),
            (
                "[a]\nk = 1\nK = 2\n",
                3,
                "this key appeared before in the section",
            ),
            (
                "[a]\nsecret-looking-line\n",
                2,
                "neither [section], key = value nor a comment",
            ),
            ("[a]\n= v\n", 2, "a value without a key"),
            (
                "[a]\ns3 =\n  no equals here\n",
                2,
                "a nested sub-section line that is not key = value",
            ),
        ];
        for (text, line, reason) in cases {
            let err = Ini::parse(text).err().expect(text);
            assert_eq!(err, ParseError { line, reason }, "{text:?}");
        }
    }
}
