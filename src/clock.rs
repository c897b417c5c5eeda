//! Transaction time: `recorded_at` stamps, RFC 3339 in UTC with microseconds.

use chrono::{DateTime, SecondsFormat, Utc};

/// Parses a `recorded_at` value; it must be RFC 3339 and in UTC (`Z`).
pub fn parse(text: &str) -> Result<DateTime<Utc>, String> {
    if !text.ends_with('Z') {
        return Err(format!(
            "`recorded_at` `{text}` must be RFC 3339 in UTC, ending in `Z`"
        ));
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("`recorded_at` `{text}` is not RFC 3339 ({e})"))
}

/// A `recorded_at` as given, read once: its text, stored and hashed as it is, and the
/// time it stands for, or why it stands for none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    text: String,
    time: Result<DateTime<Utc>, String>,
}

impl Stamp {
    pub fn read(text: String) -> Stamp {
        let time = parse(&text);
        Stamp { text, time }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The time, or the message saying why the text is none.
    pub fn time(&self) -> Result<DateTime<Utc>, String> {
        self.time.clone()
    }
}

pub fn format(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// A stamp for a new batch: now, but strictly after the log's last stamp, so that
/// transaction time never goes backwards even if the wall clock does.
pub fn stamp_after(last: Option<&str>) -> String {
    let now = Utc::now();
    let after = last
        .and_then(|l| parse(l).ok())
        .map(|l| l + chrono::Duration::microseconds(1));
    format(match after {
        Some(after) if after > now => after,
        _ => now,
    })
}

/// Who records: `POLICYLOG_USER`, else `USER`, else `policylog`.
pub fn recorder() -> String {
    std::env::var("POLICYLOG_USER")
        .or_else(|_| std::env::var("USER"))
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "policylog".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_never_go_backwards() {
        let future = "2999-01-01T00:00:00Z";
        assert_eq!(stamp_after(Some(future)), "2999-01-01T00:00:00.000001Z");
        assert!(parse(&stamp_after(None)).is_ok());
        assert!(parse("2026-01-01T00:00:00+01:00").is_err());
        assert!(parse("2026-13-01T00:00:00Z").is_err());
    }
}
