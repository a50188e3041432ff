//! Entry points for the cargo-fuzz targets in `fuzz/`: every parser of the command's
//! input (credentials files, `credential_process` lines and output, STS answers,
//! timestamps, `-H` and `--time` values, AWS error bodies) must return, never panic.

/// Feeds `data` to one parser, chosen by its first byte.
///
/// ```
/// sigv4_cli::fuzzing::parsers(b"\x00[default]\naws_access_key_id = x\n");
/// ```
pub fn parsers(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    match which % 8 {
        0 => drop(crate::creds::ini::Ini::parse(&text)),
        1 => drop(crate::creds::split::split_words(&text)),
        2 => {
            if let Some(t) = crate::creds::timestamp::parse(&text) {
                let again = crate::creds::timestamp::parse(&crate::creds::timestamp::format(t));
                assert_eq!(again, Some(t), "a parsed time formats and parses back");
            }
        }
        3 => drop(crate::creds::process::parse(rest, 0)),
        4 => {
            drop(crate::creds::assume_role::parse_answer(200, rest));
            drop(crate::creds::assume_role::parse_answer(403, rest));
        }
        5 => drop(crate::args::parse_header(&text)),
        6 => drop(crate::args::parse_time(&text)),
        _ => drop(crate::curl::aws_error_line(
            http::StatusCode::FORBIDDEN,
            rest,
        )),
    }
}
