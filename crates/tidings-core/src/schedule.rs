//! When to poll a feed next: adaptive to how often it publishes, bounded,
//! respectful of what the publisher asks (ttl, max-age, Retry-After,
//! skipHours), backing off on failure and pausing a feed that keeps failing.

use chrono::{DateTime, TimeDelta, Timelike, Utc};

/// The polling policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// Never poll a feed more often than this (unless its own override says so).
    pub min_interval: TimeDelta,
    /// Never wait longer than this between polls of a healthy feed.
    pub max_interval: TimeDelta,
    /// For a feed whose entries carry no dates.
    pub default_interval: TimeDelta,
    /// A feed failing without a break this long is paused...
    pub pause_after: TimeDelta,
    /// ...and then only tried this often, until it works again.
    pub paused_interval: TimeDelta,
}

impl Default for Schedule {
    fn default() -> Self {
        Self {
            min_interval: TimeDelta::minutes(5),
            max_interval: TimeDelta::hours(24),
            default_interval: TimeDelta::minutes(30),
            pause_after: TimeDelta::days(3),
            paused_interval: TimeDelta::days(7),
        }
    }
}

/// What a successful poll tells about when to come back.
#[derive(Debug, Clone, Default)]
pub struct PollHints<'a> {
    /// The operator's interval for this feed, if any.
    pub override_interval: Option<TimeDelta>,
    /// Publication dates of the feed's entries.
    pub entry_dates: &'a [DateTime<Utc>],
    /// RSS `<ttl>`.
    pub ttl: Option<TimeDelta>,
    /// HTTP Cache-Control max-age / Expires.
    pub fresh_for: Option<TimeDelta>,
    /// RSS `<skipHours>` (UTC hours).
    pub skip_hours: &'a [u8],
}

/// The next poll, and the interval it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextPoll {
    pub at: DateTime<Utc>,
    pub interval: TimeDelta,
    /// The feed has failed for so long that it is only tried rarely.
    pub paused: bool,
}

impl Schedule {
    /// The interval a feed's own rhythm suggests: the mean gap between its
    /// entries of the last 30 days, counting up to now (so a feed that went
    /// quiet slows down), within the bounds.
    pub fn adaptive_interval(
        &self,
        entry_dates: &[DateTime<Utc>],
        now: DateTime<Utc>,
    ) -> TimeDelta {
        if entry_dates.is_empty() {
            return self.default_interval;
        }
        let window = now - TimeDelta::days(30);
        let recent: Vec<_> = entry_dates
            .iter()
            .filter(|d| **d <= now && **d >= window)
            .collect();
        let Some(oldest) = recent.iter().min() else {
            return self.max_interval;
        };
        let mean_gap = (now - **oldest) / recent.len() as i32;
        mean_gap.clamp(self.min_interval, self.max_interval)
    }

    pub fn after_success(&self, now: DateTime<Utc>, hints: &PollHints<'_>) -> NextPoll {
        let base = match hints.override_interval {
            Some(interval) => interval.max(TimeDelta::minutes(1)),
            None => self.adaptive_interval(hints.entry_dates, now),
        };
        // What the publisher asks for is a floor, up to our maximum.
        let floor = hints
            .ttl
            .into_iter()
            .chain(hints.fresh_for)
            .max()
            .unwrap_or_default()
            .min(self.max_interval);
        let interval = base.max(floor);
        NextPoll {
            at: skip_hours(now + interval, hints.skip_hours),
            interval,
            paused: false,
        }
    }

    /// `failures` counts this failure too (1 after the first);
    /// `failing_since` is when the current run of failures began.
    pub fn after_failure(
        &self,
        now: DateTime<Utc>,
        base: TimeDelta,
        failures: i32,
        failing_since: DateTime<Utc>,
        retry_after: Option<TimeDelta>,
    ) -> NextPoll {
        if now - failing_since >= self.pause_after {
            return NextPoll {
                at: now + self.paused_interval,
                interval: self.paused_interval,
                paused: true,
            };
        }
        let doublings = (failures.clamp(1, 31) - 1).min(20);
        let backoff = base
            .checked_mul(1 << doublings)
            .unwrap_or(self.max_interval)
            .min(self.max_interval);
        // A server's Retry-After is honoured up to the pause interval.
        let wait = retry_after.map_or(backoff, |r| backoff.max(r.min(self.paused_interval)));
        NextPoll {
            at: now + wait,
            interval: base,
            paused: false,
        }
    }
}

/// Moves `at` forward to the first hour not in `hours`.
fn skip_hours(at: DateTime<Utc>, hours: &[u8]) -> DateTime<Utc> {
    let mut at = at;
    for _ in 0..24 {
        if !hours.contains(&(at.hour() as u8)) {
            return at;
        }
        let next_hour = at + TimeDelta::hours(1);
        at = next_hour
            .with_minute(0)
            .and_then(|t| t.with_second(0))
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(next_hour);
    }
    at // every hour skipped: the feed's claim is nonsense; ignore it
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, 10, 30, 0).unwrap()
    }

    #[test]
    fn interval_follows_the_publishing_rate() {
        let schedule = Schedule::default();
        let hourly: Vec<_> = (1..=24).map(|h| now() - TimeDelta::hours(h)).collect();
        assert_eq!(
            schedule.adaptive_interval(&hourly, now()),
            TimeDelta::hours(1)
        );
        let busy: Vec<_> = (1..=100).map(|m| now() - TimeDelta::minutes(m)).collect();
        assert_eq!(
            schedule.adaptive_interval(&busy, now()),
            TimeDelta::minutes(5)
        );
        let quiet = [now() - TimeDelta::days(60)];
        assert_eq!(
            schedule.adaptive_interval(&quiet, now()),
            TimeDelta::hours(24)
        );
        let weekly: Vec<_> = (0..4).map(|w| now() - TimeDelta::days(7 * w + 1)).collect();
        assert_eq!(
            schedule.adaptive_interval(&weekly, now()),
            TimeDelta::hours(24)
        );
        assert_eq!(
            schedule.adaptive_interval(&[], now()),
            TimeDelta::minutes(30)
        );
    }

    #[test]
    fn publisher_hints_are_floors_and_overrides_win() {
        let schedule = Schedule::default();
        let busy: Vec<_> = (1..=100).map(|m| now() - TimeDelta::minutes(m)).collect();
        let hints = PollHints {
            entry_dates: &busy,
            ttl: Some(TimeDelta::minutes(60)),
            ..PollHints::default()
        };
        assert_eq!(
            schedule.after_success(now(), &hints).interval,
            TimeDelta::hours(1)
        );
        let hints = PollHints {
            entry_dates: &busy,
            fresh_for: Some(TimeDelta::days(30)),
            ..PollHints::default()
        };
        assert_eq!(
            schedule.after_success(now(), &hints).interval,
            TimeDelta::hours(24)
        );
        let hints = PollHints {
            override_interval: Some(TimeDelta::minutes(2)),
            ..PollHints::default()
        };
        assert_eq!(
            schedule.after_success(now(), &hints).interval,
            TimeDelta::minutes(2)
        );
    }

    #[test]
    fn skip_hours_push_the_next_poll_past_them() {
        let schedule = Schedule::default();
        let hints = PollHints {
            override_interval: Some(TimeDelta::minutes(60)),
            skip_hours: &[11, 12, 13],
            ..PollHints::default()
        };
        let next = schedule.after_success(now(), &hints);
        assert_eq!(
            next.at,
            Utc.with_ymd_and_hms(2026, 11, 29, 14, 0, 0).unwrap()
        );
        let all: Vec<u8> = (0..24).collect();
        let hints = PollHints {
            skip_hours: &all,
            ..hints
        };
        assert!(schedule.after_success(now(), &hints).at > now());
    }

    #[test]
    fn failures_back_off_then_pause() {
        let schedule = Schedule::default();
        let base = TimeDelta::minutes(10);
        let wait = |failures, since: TimeDelta, retry| {
            let next = schedule.after_failure(now(), base, failures, now() - since, retry);
            (next.at - now(), next.paused)
        };
        assert_eq!(
            wait(1, TimeDelta::zero(), None),
            (TimeDelta::minutes(10), false)
        );
        assert_eq!(
            wait(3, TimeDelta::hours(1), None),
            (TimeDelta::minutes(40), false)
        );
        assert_eq!(
            wait(30, TimeDelta::days(2), None),
            (TimeDelta::hours(24), false)
        );
        assert_eq!(
            wait(i32::MAX, TimeDelta::days(1), None),
            (TimeDelta::hours(24), false)
        );
        assert_eq!(
            wait(1, TimeDelta::zero(), Some(TimeDelta::hours(2))),
            (TimeDelta::hours(2), false)
        );
        assert_eq!(
            wait(20, TimeDelta::days(3), None),
            (TimeDelta::days(7), true)
        );
    }
}
