//! When to poll a feed next.

use chrono::{DateTime, TimeDelta, Utc};

/// The polling policy: a steady interval after a success, exponential
/// back-off after failures, never longer than `max_interval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub interval: TimeDelta,
    pub max_interval: TimeDelta,
}

impl Default for Schedule {
    fn default() -> Self {
        Self {
            interval: TimeDelta::minutes(30),
            max_interval: TimeDelta::hours(24),
        }
    }
}

impl Schedule {
    pub fn after_success(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + self.interval.min(self.max_interval)
    }

    /// `failures` counts this failure too (1 after the first).
    pub fn after_failure(&self, now: DateTime<Utc>, failures: i32) -> DateTime<Utc> {
        let doublings = failures.clamp(1, 31) - 1;
        let backoff = self
            .interval
            .checked_mul(1 << doublings.min(20))
            .unwrap_or(self.max_interval);
        now + backoff.min(self.max_interval)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn failures_back_off_exponentially_up_to_the_maximum() {
        let schedule = Schedule {
            interval: TimeDelta::minutes(10),
            max_interval: TimeDelta::hours(24),
        };
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(schedule.after_success(now) - now, TimeDelta::minutes(10));
        assert_eq!(schedule.after_failure(now, 1) - now, TimeDelta::minutes(10));
        assert_eq!(schedule.after_failure(now, 2) - now, TimeDelta::minutes(20));
        assert_eq!(schedule.after_failure(now, 4) - now, TimeDelta::minutes(80));
        assert_eq!(schedule.after_failure(now, 30) - now, TimeDelta::hours(24));
        assert_eq!(
            schedule.after_failure(now, i32::MAX) - now,
            TimeDelta::hours(24)
        );
    }
}
