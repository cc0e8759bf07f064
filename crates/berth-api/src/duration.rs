//! Human-readable durations, exactly as kubectl shows ages (`5s`, `3m20s`, `3h4m`, `2d3h`, `2y`).
//!
//! These mirror upstream `duration.HumanDuration` (table AGE cells) and
//! `duration.ShortHumanDuration`. Durations are measured in whole nanoseconds and saturate at
//! the range of a signed 64-bit nanosecond count, as Go's `time.Duration` does.

use jiff::{SignedDuration, Timestamp};

const SECOND: i64 = 1_000_000_000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;

fn nanos(d: SignedDuration) -> i64 {
    let n = d.as_nanos();
    i64::try_from(n).unwrap_or(if n < 0 { i64::MIN } else { i64::MAX })
}

/// The time elapsed from `then` to `now` (negative when `then` is in the future).
pub fn since(then: Timestamp, now: Timestamp) -> SignedDuration {
    now.duration_since(then)
}

/// `<major><unit>` followed by `<minor><unit>` unless the minor count is zero (`3m`, `3m20s`).
fn two_units(major: i64, major_unit: &str, minor: i64, minor_unit: &str) -> String {
    if minor == 0 {
        format!("{major}{major_unit}")
    } else {
        format!("{major}{major_unit}{minor}{minor_unit}")
    }
}

/// `HumanDuration`: about two significant units (`90s`, `5m30s`, `45m`, `3h20m`, `20h`,
/// `3d4h`, `30d`, `2y10d`, `9y`). Up to one second in the future counts as `0s`; further
/// is `<invalid>`.
pub fn human_duration(d: SignedDuration) -> String {
    let d = nanos(d);
    let seconds = d / SECOND;
    if seconds < -1 {
        return "<invalid>".to_owned();
    }
    if seconds < 0 {
        return "0s".to_owned();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = d / MINUTE;
    if minutes < 10 {
        return two_units(minutes, "m", seconds % 60, "s");
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = d / HOUR;
    if hours < 8 {
        return two_units(hours, "h", minutes % 60, "m");
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        return two_units(hours / 24, "d", hours % 24, "h");
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        return two_units(hours / 24 / 365, "y", (hours / 24) % 365, "d");
    }
    format!("{}y", hours / 24 / 365)
}

/// `ShortHumanDuration`: one unit only (`59s`, `59m`, `23h`, `364d`, `2y`).
pub fn short_human_duration(d: SignedDuration) -> String {
    let d = nanos(d);
    let seconds = d / SECOND;
    if seconds < -1 {
        return "<invalid>".to_owned();
    }
    if seconds < 0 {
        return "0s".to_owned();
    }
    if seconds < 60 {
        return format!("{seconds}s");
    }
    let minutes = d / MINUTE;
    if minutes < 60 {
        return format!("{minutes}m");
    }
    let hours = d / HOUR;
    if hours < 24 {
        return format!("{hours}h");
    }
    if hours < 24 * 365 {
        return format!("{}d", hours / 24);
    }
    format!("{}y", hours / 24 / 365)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn secs(s: i64) -> SignedDuration {
        SignedDuration::from_secs(s)
    }

    const M: i64 = 60;
    const H: i64 = 3600;
    const D: i64 = 24 * H;
    const Y: i64 = 365 * D;

    #[test]
    fn human_duration_boundaries() {
        let cases: &[(SignedDuration, &str)] = &[
            (SignedDuration::from_millis(-2001), "<invalid>"),
            (secs(-2), "<invalid>"),
            (SignedDuration::from_millis(-1999), "0s"),
            (secs(-1), "0s"),
            (SignedDuration::from_millis(-500), "0s"),
            (secs(0), "0s"),
            (SignedDuration::from_millis(999), "0s"),
            (secs(1), "1s"),
            (secs(5), "5s"),
            (secs(60), "60s"),
            (secs(119), "119s"),
            (SignedDuration::from_millis(119_999), "119s"),
            (secs(2 * M), "2m"),
            (secs(2 * M + 1), "2m1s"),
            (secs(3 * M + 20), "3m20s"),
            (secs(5 * M), "5m"),
            (secs(9 * M + 59), "9m59s"),
            (secs(10 * M), "10m"),
            (secs(10 * M + 59), "10m"),
            (secs(179 * M + 59), "179m"),
            (secs(3 * H), "3h"),
            (secs(3 * H + 4 * M), "3h4m"),
            (secs(3 * H + 4 * M + 59), "3h4m"),
            (secs(7 * H + 59 * M), "7h59m"),
            (secs(8 * H), "8h"),
            (secs(8 * H + 30 * M), "8h"),
            (secs(47 * H + 59 * M), "47h"),
            (secs(2 * D), "2d"),
            (secs(2 * D + 3 * H), "2d3h"),
            (secs(7 * D + 23 * H), "7d23h"),
            (secs(8 * D), "8d"),
            (secs(8 * D + 5 * H), "8d"),
            (secs(10 * D), "10d"),
            (secs(729 * D + 23 * H), "729d"),
            (secs(2 * Y), "2y"),
            (secs(2 * Y + 10 * D), "2y10d"),
            (secs(7 * Y + 364 * D), "7y364d"),
            (secs(8 * Y), "8y"),
            (secs(8 * Y + 100 * D), "8y"),
            (secs(100 * Y), "100y"),
        ];
        for (d, want) in cases {
            assert_eq!(human_duration(*d), *want, "{d:?}");
        }
    }

    #[test]
    fn short_human_duration_boundaries() {
        let cases: &[(SignedDuration, &str)] = &[
            (secs(-2), "<invalid>"),
            (secs(-1), "0s"),
            (secs(0), "0s"),
            (secs(59), "59s"),
            (secs(60), "1m"),
            (secs(59 * M + 59), "59m"),
            (secs(H), "1h"),
            (secs(23 * H + 59 * M), "23h"),
            (secs(D), "1d"),
            (secs(364 * D + 23 * H), "364d"),
            (secs(Y), "1y"),
            (secs(2 * Y + 300 * D), "2y"),
        ];
        for (d, want) in cases {
            assert_eq!(short_human_duration(*d), *want, "{d:?}");
        }
    }

    #[test]
    fn saturates_like_go_durations() {
        // Go's time.Since saturates near 292 years.
        assert_eq!(human_duration(secs(1000 * Y)), "292y");
        assert_eq!(human_duration(secs(-1000 * Y)), "<invalid>");
    }

    #[test]
    fn since_measures_from_then_to_now() {
        let then: Timestamp = "2026-11-24T04:08:52Z".parse().unwrap();
        let now: Timestamp = "2026-11-24T04:13:52Z".parse().unwrap();
        assert_eq!(human_duration(since(then, now)), "5m");
        assert_eq!(human_duration(since(now, then)), "<invalid>");
    }
}
