//! What AWS's error message says outright (wrong service, region or date, clock skew),
//! and the clock checked against the request's time.

use super::{Cause, Finding, MAX_SKEW_SECS, finding, pair};
use crate::{AwsError, DiffLine, SigningTime};

pub(super) fn message_findings(a: &AwsError, f: &mut Vec<Finding>) {
    let Some(m) = a.message.as_deref() else {
        return;
    };
    let lower = m.to_ascii_lowercase();
    let evidence = vec![DiffLine::Expected(
        m.lines().next().unwrap_or_default().to_owned(),
    )];
    if lower.contains("scoped to correct service") || lower.contains("incorrect service") {
        f.push(finding(
            Cause::WrongService,
            "AWS says the scope names the wrong service",
            evidence,
        ));
    } else if lower.contains("scoped to a valid region")
        || lower.contains("the region '") && lower.contains("is wrong")
    {
        f.push(finding(
            Cause::WrongRegion,
            "AWS says the scope names the wrong region",
            evidence,
        ));
    } else if lower.contains("date in credential scope does not match") {
        f.push(finding(
            Cause::DateMismatch,
            "AWS says the scope's date is not the request's",
            evidence,
        ));
    } else if lower.contains("signature expired")
        || lower.contains("signature not yet current")
        || a.code.as_deref() == Some("RequestTimeTooSkewed")
    {
        f.push(finding(
            Cause::ClockSkew,
            "AWS says the request's time is too far from its clock",
            evidence,
        ));
    }
}

pub(super) fn skew_finding(now: SigningTime, date: &str, f: &mut Vec<Finding>) {
    let Ok(t) = SigningTime::parse(date) else {
        return;
    };
    let skew = now.unix_seconds() - t.unix_seconds();
    if skew.abs() > MAX_SKEW_SECS {
        let which = if skew > 0 { "behind" } else { "ahead of" };
        f.push(finding(
            Cause::ClockSkew,
            format!(
                "the request was signed at {date}, {} s {which} now ({now})",
                skew.abs()
            ),
            pair(now.amz_date(), date),
        ));
    }
}
