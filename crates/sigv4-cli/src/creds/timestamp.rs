//! ISO 8601 times as STS and credential processes write them (`2024-05-01T12:00:00Z`,
//! `2024-05-01T12:00:00.123Z`, `2024-05-01T14:00:00+02:00`), as Unix seconds: the core's
//! [`sigv4::SigningTime`] parses and formats them.

use sigv4::SigningTime;

/// Unix seconds of an ISO 8601 date-time; no zone means UTC.
pub(crate) fn parse(text: &str) -> Option<i64> {
    SigningTime::parse_iso8601(text)
        .ok()
        .map(|t| t.unix_seconds())
}

/// `2024-05-01T12:00:00Z` (empty outside the years 1970 to 9999).
pub(crate) fn format(unix: i64) -> String {
    SigningTime::from_unix_seconds(unix)
        .map(|t| t.iso8601())
        .unwrap_or_default()
}
