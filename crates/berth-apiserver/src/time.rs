//! Timestamps as Kubernetes writes them: RFC 3339 in UTC with whole seconds.

/// `2026-11-24T04:08:52Z`.
pub fn format(ts: jiff::Timestamp) -> String {
    match jiff::Timestamp::from_second(ts.as_second()) {
        Ok(whole) => whole.to_string(),
        Err(_) => ts.to_string(),
    }
}

/// Parses an RFC 3339 timestamp.
pub fn parse(s: &str) -> Option<jiff::Timestamp> {
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_seconds_in_utc() {
        let ts: jiff::Timestamp = "2026-11-24T04:08:52.123456Z".parse().expect("valid");
        assert_eq!(format(ts), "2026-11-24T04:08:52Z");
        assert_eq!(
            parse("2026-11-24T04:08:52Z").map(format).as_deref(),
            Some("2026-11-24T04:08:52Z")
        );
    }
}
