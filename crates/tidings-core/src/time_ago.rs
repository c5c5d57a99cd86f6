//! "4 hours ago": the relative times a news page shows.

use chrono::{DateTime, Utc};

/// Describes `then` relative to `now` the way news sites do. Times in the
/// future (clock skew) read as "just now"; beyond a week the date is shown.
pub fn time_ago(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - then).num_seconds();
    if seconds < 60 {
        return "just now".to_owned();
    }
    let minutes = seconds / 60;
    if minutes < 60 {
        return plural(minutes, "minute");
    }
    let hours = minutes / 60;
    if hours < 24 {
        return plural(hours, "hour");
    }
    let days = hours / 24;
    if days < 7 {
        return plural(days, "day");
    }
    if then.format("%Y").to_string() == now.format("%Y").to_string() {
        then.format("%-d %b").to_string()
    } else {
        then.format("%-d %b %Y").to_string()
    }
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit} ago")
    } else {
        format!("{n} {unit}s ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeDelta, TimeZone};

    #[test]
    fn reads_like_a_news_site() {
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
        let ago = |d: TimeDelta| time_ago(now - d, now);
        assert_eq!(ago(TimeDelta::seconds(-30)), "just now");
        assert_eq!(ago(TimeDelta::seconds(59)), "just now");
        assert_eq!(ago(TimeDelta::minutes(1)), "1 minute ago");
        assert_eq!(ago(TimeDelta::minutes(31)), "31 minutes ago");
        assert_eq!(ago(TimeDelta::hours(4)), "4 hours ago");
        assert_eq!(ago(TimeDelta::hours(25)), "1 day ago");
        assert_eq!(ago(TimeDelta::days(6)), "6 days ago");
        assert_eq!(ago(TimeDelta::days(10)), "19 Nov");
        assert_eq!(ago(TimeDelta::days(400)), "25 Oct 2025");
    }
}
