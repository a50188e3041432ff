//! Words of a command line as Python's `shlex.split` makes them (POSIX rules, no
//! comments), which botocore uses for `credential_process` and section names.

/// The words of `line`: whitespace separates them, `'…'` keeps everything literally,
/// `"…"` keeps everything but `\"` and `\\`, and a backslash outside quotes keeps the
/// next character. Quoted empty strings are words.
pub(crate) fn split_words(line: &str) -> Result<Vec<String>, &'static str> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => words.extend(word.take()),
            '\'' => {
                let word = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("no closing quotation"),
                    }
                }
            }
            '"' => {
                let word = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err("no closing quotation"),
                        },
                        Some(c) => word.push(c),
                        None => return Err("no closing quotation"),
                    }
                }
            }
            '\\' => match chars.next() {
                Some(c) => word.get_or_insert_with(String::new).push(c),
                None => return Err("no escaped character after the last backslash"),
            },
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str) -> Vec<String> {
        split_words(line).expect(line)
    }

    #[test]
    fn splits_like_shlex() {
        // Each expectation checked against Python's shlex.split.
        assert_eq!(
            split("  /usr/bin/tool  --a  b "),
            ["/usr/bin/tool", "--a", "b"]
        );
        assert_eq!(
            split(r#"a "b c\" d" 'e\f' g\ h """#),
            ["a", "b c\" d", r"e\f", "g h", ""]
        );
        assert_eq!(split(r#"x"y z"w 'it''s'"#), ["xy zw", "its"]);
        assert_eq!(split(r#""a\nb" "c\\d""#), [r"a\nb", r"c\d"]);
        assert_eq!(split("tool\n--flag\tvalue"), ["tool", "--flag", "value"]);
        assert_eq!(split("a#b # c"), ["a#b", "#", "c"]);
        assert_eq!(split("profile  dev"), ["profile", "dev"]);
        assert!(split("").is_empty());
    }

    #[test]
    fn unbalanced_quotes_are_errors() {
        assert_eq!(split_words("tool 'open"), Err("no closing quotation"));
        assert_eq!(split_words("tool \"open"), Err("no closing quotation"));
        assert_eq!(
            split_words("tool \\"),
            Err("no escaped character after the last backslash")
        );
    }
}
