//! The signing instant, passed in by the caller: the core never reads a clock.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use arrayvec::ArrayString;

use crate::error::{Error, Result};

/// Seconds from 1970-01-01 to 10000-01-01: the years a 4-digit date can name.
const MAX_UNIX: i64 = 253_402_300_800;

/// The instant a request is signed at, whole seconds in UTC.
///
/// Build it from the clock in your own code (`SystemTime::now()`), from Unix seconds,
/// or parse it from a log line, to reproduce an old signature.
///
/// ```
/// use sigv4::SigningTime;
/// let t = SigningTime::parse("2015-08-30T12:36:00Z")?;
/// assert_eq!(t.amz_date(), "20150830T123600Z");
/// assert_eq!(t.date_stamp(), "20150830");
/// assert_eq!(t, SigningTime::parse("20150830T123600Z")?);
/// assert_eq!(t, SigningTime::from_unix_seconds(1_440_938_160)?);
/// # Ok::<(), sigv4::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SigningTime {
    unix: i64,
    amz: ArrayString<16>,
}

impl SigningTime {
    /// The instant `secs` seconds after 1970-01-01T00:00:00Z (years 1970 to 9999).
    ///
    /// ```
    /// assert_eq!(sigv4::SigningTime::from_unix_seconds(0)?.amz_date(), "19700101T000000Z");
    /// assert!(sigv4::SigningTime::from_unix_seconds(-1).is_err());
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn from_unix_seconds(secs: i64) -> Result<Self> {
        if !(0..MAX_UNIX).contains(&secs) {
            return Err(Error::time("", "outside the years 1970 to 9999"));
        }
        Ok(SigningTime {
            unix: secs,
            amz: format_amz(secs),
        })
    }

    /// The given system time, rounded down to the second.
    ///
    /// ```
    /// let t = sigv4::SigningTime::from_system_time(std::time::SystemTime::now())?;
    /// assert_eq!(t.amz_date().len(), 16);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn from_system_time(time: SystemTime) -> Result<Self> {
        let secs = time
            .duration_since(UNIX_EPOCH)
            .map_err(|_| Error::time("", "before 1970"))?
            .as_secs();
        Self::from_unix_seconds(i64::try_from(secs).unwrap_or(i64::MAX))
    }

    /// Parses `20150830T123600Z` (the `X-Amz-Date` form) or `2015-08-30T12:36:00Z`.
    ///
    /// ```
    /// assert!(sigv4::SigningTime::parse("2015-02-30T00:00:00Z").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<Self> {
        // The 14 digits (YYYYMMDDHHMMSS) of either form, taken apart by one pattern.
        #[rustfmt::skip]
        let digits: [u8; 14] = match *input.as_bytes() {
            // 20150830T123600Z
            [y0, y1, y2, y3, m0, m1, d0, d1, b'T', h0, h1, i0, i1, s0, s1, b'Z'] => {
                [y0, y1, y2, y3, m0, m1, d0, d1, h0, h1, i0, i1, s0, s1]
            }
            // 2015-08-30T12:36:00Z
            [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1, b'T', h0, h1, b':', i0, i1, b':', s0, s1,
             b'Z'] => [y0, y1, y2, y3, m0, m1, d0, d1, h0, h1, i0, i1, s0, s1],
            _ => {
                return Err(Error::time(
                    input,
                    "expected YYYYMMDDTHHMMSSZ or YYYY-MM-DDTHH:MM:SSZ",
                ));
            }
        };
        // Each digit's value; a byte that is not a digit wraps to more than 9.
        let v = digits.map(|d| d.wrapping_sub(b'0'));
        if v.iter().fold(false, |bad, &d| bad | (d > 9)) {
            return Err(Error::time(input, "expected digits"));
        }
        let two = |i: usize| i64::from(v[i] * 10 + v[i + 1]);
        let (y, mo, d) = (two(0) * 100 + two(2), two(4), two(6));
        let (h, mi, s) = (two(8), two(10), two(12));
        if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) {
            return Err(Error::time(input, "no such date"));
        }
        if h > 23 || mi > 59 || s > 59 {
            return Err(Error::time(input, "no such time of day"));
        }
        let unix = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s;
        if !(0..MAX_UNIX).contains(&unix) {
            return Err(Error::time(input, "outside the years 1970 to 9999"));
        }
        // The digits just checked are the X-Amz-Date already: no need to format it anew.
        let amz = if input.len() == 16 {
            // Fits: 16 bytes.
            ArrayString::from(input).unwrap_or_default()
        } else {
            let mut amz = *b"00000000T000000Z";
            amz[..8].copy_from_slice(&digits[..8]);
            amz[9..15].copy_from_slice(&digits[8..]);
            // Digits, 'T' and 'Z' only: always UTF-8.
            ArrayString::from_byte_string(&amz).unwrap_or_default()
        };
        Ok(SigningTime { unix, amz })
    }

    /// Parses an ISO 8601 date-time as STS, credential processes and logs write it:
    /// `2015-08-30T12:36:00Z`, with fractional seconds (dropped), a `+02:00`/`-0200`
    /// offset, `t`/`z` or a space for `T`; no zone means UTC. Also the `X-Amz-Date` form.
    ///
    /// ```
    /// use sigv4::SigningTime;
    /// let t = SigningTime::parse_iso8601("2015-08-30T14:36:00.359+02:00")?;
    /// assert_eq!(t.amz_date(), "20150830T123600Z");
    /// assert!(SigningTime::parse_iso8601("2015-08-30T12:36:00 UTC").is_err());
    /// assert!(SigningTime::parse_iso8601("2015-08-30T12:36:00+99:99").is_err());
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn parse_iso8601(input: &str) -> Result<Self> {
        let text = input.trim();
        if let Ok(t) = Self::parse(text) {
            return Ok(t);
        }
        let bad = |why: &'static str| Error::time(input, why);
        let b = text.as_bytes();
        if b.len() < 19
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b't' | b' ')
            || b[13] != b':'
            || b[16] != b':'
        {
            return Err(bad(
                "expected YYYY-MM-DDTHH:MM:SS with an optional zone, or YYYYMMDDTHHMMSSZ",
            ));
        }
        let num = |at: usize, len: usize| -> Option<i64> {
            b.get(at..at + len)?.iter().try_fold(0i64, |n, &d| {
                d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0'))
            })
        };
        let field = |at, len| num(at, len).ok_or_else(|| bad("expected digits"));
        let (y, mo, d) = (field(0, 4)?, field(5, 2)?, field(8, 2)?);
        let (h, mi, s) = (field(11, 2)?, field(14, 2)?, field(17, 2)?);
        if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) {
            return Err(bad("no such date"));
        }
        if h > 23 || mi > 59 || s > 60 {
            return Err(bad("no such time of day"));
        }
        let mut rest = &b[19..];
        if let Some(fraction) = rest.strip_prefix(b".") {
            let digits = fraction.iter().take_while(|d| d.is_ascii_digit()).count();
            if digits == 0 {
                return Err(bad("a '.' without fractional digits"));
            }
            rest = &fraction[digits..];
        }
        let two = |a: u8, b: u8| {
            (a.is_ascii_digit() && b.is_ascii_digit())
                .then(|| i64::from(a - b'0') * 10 + i64::from(b - b'0'))
        };
        let offset = match rest {
            [] | [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2]
            | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
                let minutes = two(*h1, *h2)
                    .zip(two(*m1, *m2))
                    // Real offsets run from -12:00 to +14:00.
                    .filter(|&(hh, mm)| hh <= 14 && mm <= 59)
                    .map(|(hh, mm)| hh * 60 + mm)
                    .ok_or_else(|| bad("a zone offset is +HH:MM or -HHMM, at most 14:00"))?;
                if *sign == b'-' {
                    -minutes * 60
                } else {
                    minutes * 60
                }
            }
            _ => return Err(bad("a zone is Z, +HH:MM or -HHMM")),
        };
        let unix = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset;
        Self::from_unix_seconds(unix).map_err(|_| bad("outside the years 1970 to 9999"))
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` (ISO 8601, UTC), as STS writes expirations.
    ///
    /// ```
    /// let t = sigv4::SigningTime::from_unix_seconds(1_440_938_160)?;
    /// assert_eq!(t.iso8601(), "2015-08-30T12:36:00Z");
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn iso8601(&self) -> String {
        let a = self.amz_date().as_bytes();
        let mut out = String::with_capacity(20);
        for (i, &c) in a.iter().enumerate() {
            match i {
                4 | 6 => out.push('-'),
                11 | 13 => out.push(':'),
                _ => {}
            }
            out.push(char::from(c));
        }
        out
    }

    /// `YYYYMMDDTHHMMSSZ`, as in `X-Amz-Date`.
    ///
    /// ```
    /// let t = sigv4::SigningTime::from_unix_seconds(1_369_353_600)?;
    /// assert_eq!(t.amz_date(), "20130524T000000Z");
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[inline]
    pub fn amz_date(&self) -> &str {
        // Built only from ASCII digits, 'T' and 'Z'.
        &self.amz
    }

    /// `YYYYMMDD`, as in the credential scope.
    ///
    /// ```
    /// let t = sigv4::SigningTime::from_unix_seconds(1_369_353_600)?;
    /// assert_eq!(t.date_stamp(), "20130524");
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[inline]
    pub fn date_stamp(&self) -> &str {
        &self.amz_date()[..8]
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    ///
    /// ```
    /// assert_eq!(sigv4::SigningTime::parse("19700101T000100Z")?.unix_seconds(), 60);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[inline]
    pub fn unix_seconds(&self) -> i64 {
        self.unix
    }
}

impl fmt::Debug for SigningTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningTime({})", self.amz_date())
    }
}

impl fmt::Display for SigningTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.amz_date())
    }
}

impl TryFrom<SystemTime> for SigningTime {
    type Error = Error;
    fn try_from(time: SystemTime) -> Result<Self> {
        Self::from_system_time(time)
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days, for years from 1970 on.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn format_amz(unix: i64) -> ArrayString<16> {
    let (y, mo, d) = civil_from_days(unix.div_euclid(86_400));
    let sod = unix.rem_euclid(86_400);
    let mut out = *b"00000000T000000Z";
    let mut put = |at: usize, width: usize, mut v: i64| {
        for i in (at..at + width).rev() {
            out[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, 4, y);
    put(4, 2, mo);
    put(6, 2, d);
    put(9, 2, sod / 3600);
    put(11, 2, sod / 60 % 60);
    put(13, 2, sod % 60);
    // Digits, 'T' and 'Z' only: always UTF-8.
    ArrayString::from_byte_string(&out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_day_of_four_centuries() {
        let mut day = 0;
        while day * 86_400 < MAX_UNIX {
            let t = SigningTime::from_unix_seconds(day * 86_400 + 45_296).expect("in range");
            let back = SigningTime::parse(t.amz_date()).expect("parses");
            // Equal as a whole: the parsed X-Amz-Date is the formatted one.
            assert_eq!(back, t, "{}", t.amz_date());
            let a = t.amz_date();
            let iso = format!(
                "{}-{}-{}T{}:{}:{}Z",
                &a[..4],
                &a[4..6],
                &a[6..8],
                &a[9..11],
                &a[11..13],
                &a[13..15]
            );
            assert_eq!(SigningTime::parse(&iso).expect("parses"), t, "{iso}");
            day += 97;
        }
    }

    #[test]
    fn known_instants() {
        let t = SigningTime::from_unix_seconds(951_782_400).expect("in range");
        assert_eq!(t.amz_date(), "20000229T000000Z");
        let t = SigningTime::from_unix_seconds(MAX_UNIX - 1).expect("in range");
        assert_eq!(t.amz_date(), "99991231T235959Z");
        assert!(SigningTime::from_unix_seconds(MAX_UNIX).is_err());
    }

    #[test]
    fn rejects_bad_text() {
        for bad in [
            "",
            "2015-08-30 12:36:00Z",
            "20150830T126000Z",
            "20150229T000000Z",
            "2015083OT123600Z",
            "+0150830T123600Z",
            "19691231T235959Z",
        ] {
            assert!(SigningTime::parse(bad).is_err(), "{bad}");
        }
        assert!(SigningTime::parse("20160229T000000Z").is_ok());
    }

    #[test]
    fn rejects_a_non_digit_in_any_digit_place_of_either_form() {
        for good in ["20150830T123600Z", "2015-08-30T12:36:00Z"] {
            assert!(SigningTime::parse(good).is_ok());
            for (at, _) in good.char_indices().filter(|(_, c)| c.is_ascii_digit()) {
                // Bytes just below '0' and above '9', letters, signs, spaces, non-ASCII.
                for bad in ["/", ":", "a", "O", " ", "+", "-", "\u{7f}"] {
                    let text = format!("{}{bad}{}", &good[..at], &good[at + 1..]);
                    assert!(SigningTime::parse(&text).is_err(), "{text:?}");
                }
                let wide = format!("{}é{}", &good[..at], &good[at + 1..]);
                assert!(SigningTime::parse(&wide).is_err(), "{wide:?}");
            }
        }
    }

    #[test]
    fn iso8601_forms() {
        let unix = |t: &str| SigningTime::parse_iso8601(t).map(|t| t.unix_seconds()).ok();
        assert_eq!(unix("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix("2015-08-30T12:36:00Z"), Some(1_440_938_160));
        assert_eq!(unix("20150830T123600Z"), Some(1_440_938_160));
        assert_eq!(unix("2015-08-30T12:36:00.359Z"), Some(1_440_938_160));
        assert_eq!(unix("2015-08-30T14:36:00+02:00"), Some(1_440_938_160));
        assert_eq!(unix("2015-08-30T10:36:00-0200"), Some(1_440_938_160));
        assert_eq!(unix("2015-08-31T02:36:00+14:00"), Some(1_440_938_160));
        assert_eq!(unix("2015-08-30T00:36:00-12:00"), Some(1_440_938_160));
        assert_eq!(unix("2015-08-30 12:36:00"), Some(1_440_938_160));
        assert_eq!(unix("2024-02-29T00:00:00Z"), Some(1_709_164_800));
        for bad in [
            "",
            "tomorrow",
            "2015-08-30",
            "2015-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2015-08-30T24:00:00Z",
            "2015-08-30T12:36:00.Z",
            "2015-08-30T12:36:00 UTC",
            "2015-08-30T12:36:00+2",
            "2015-08-30T12:36:00+99:99",
            "2015-08-30T12:36:00+15:00",
            "2015-08-30T12:36:00-0260",
        ] {
            assert_eq!(unix(bad), None, "{bad}");
        }
        for u in [0, 951_782_400, 1_440_938_160, 1_709_164_800, 4_102_444_799] {
            let t = SigningTime::from_unix_seconds(u).expect("in range");
            assert_eq!(unix(&t.iso8601()), Some(u));
        }
    }
}
