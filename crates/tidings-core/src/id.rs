//! 64-bit, time-ordered identifiers.
//!
//! Layout (63 bits, always positive as an `i64`):
//! 41 bits of milliseconds since 2024-01-01 UTC (good until 2093),
//! 10 bits of node (random per process, so several nodes rarely collide),
//! 12 bits of sequence within the millisecond.
//! Ordering by id is ordering by creation time, which keeps "older than"
//! queries and continuation tokens plain index range scans.

use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

const EPOCH_MS: i64 = 1_704_067_200_000; // 2024-01-01T00:00:00Z
const NODE_BITS: u32 = 10;
const SEQ_BITS: u32 = 12;
const TIME_BITS: u32 = 41;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }

        impl From<i64> for $name {
            fn from(raw: i64) -> Self {
                Self(raw)
            }
        }
    };
}

id_type!(
    /// A publisher (one web site, possibly with several feeds).
    SourceId
);
id_type!(
    /// A subscribed feed.
    FeedId
);
id_type!(
    /// One article, whatever number of feeds it was seen in.
    ArticleId
);

id_type!(
    /// A story: the articles about one event. Its id is the id of the
    /// article that started it (or a fresh id when an operator split it).
    StoryId
);

id_type!(
    /// A reader's account.
    UserId
);
id_type!(
    /// A comment under an article or a story.
    CommentId
);

/// Hands out unique, increasing ids for this process.
#[derive(Debug)]
pub struct IdGenerator {
    node: i64,
    state: Mutex<(i64, i64)>, // (last millisecond, sequence)
}

impl IdGenerator {
    pub fn new() -> Self {
        Self::with_node(rand::random::<u16>() as i64)
    }

    pub fn with_node(node: i64) -> Self {
        Self {
            node: node & ((1 << NODE_BITS) - 1),
            state: Mutex::new((0, 0)),
        }
    }

    /// The next id for an object created at `now`. The millisecond never
    /// goes backwards even when the clock does: uniqueness beats accuracy.
    pub fn next(&self, now: DateTime<Utc>) -> i64 {
        let mut state = self.state.lock().expect("id generator lock");
        let mut ms = (now.timestamp_millis() - EPOCH_MS).clamp(0, (1 << TIME_BITS) - 1);
        let (last_ms, seq) = *state;
        let seq = if ms <= last_ms {
            ms = last_ms;
            let next = seq + 1;
            if next >= 1 << SEQ_BITS {
                // Sequence exhausted within one millisecond: borrow the next one.
                ms += 1;
                0
            } else {
                next
            }
        } else {
            0
        };
        *state = (ms, seq);
        (ms << (NODE_BITS + SEQ_BITS)) | (self.node << SEQ_BITS) | seq
    }

    /// The creation instant encoded in an id (to the millisecond).
    pub fn timestamp_of(id: i64) -> DateTime<Utc> {
        let ms = (id >> (NODE_BITS + SEQ_BITS)) + EPOCH_MS;
        DateTime::from_timestamp_millis(ms).unwrap_or_default()
    }
}

impl Default for IdGenerator {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn ids_increase_and_stay_positive() {
        let generator = IdGenerator::with_node(1023);
        let t = Utc.with_ymd_and_hms(2090, 1, 1, 0, 0, 0).unwrap();
        let mut last = 0;
        for _ in 0..10_000 {
            let id = generator.next(t);
            assert!(id > last, "{id} after {last}");
            last = id;
        }
        assert!(last > 0);
    }

    #[test]
    fn clock_going_backwards_keeps_order() {
        let generator = IdGenerator::with_node(7);
        let t = Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).unwrap();
        let a = generator.next(t);
        let b = generator.next(t - chrono::TimeDelta::seconds(5));
        assert!(b > a);
    }

    #[test]
    fn timestamp_round_trips() {
        let generator = IdGenerator::new();
        let t = Utc.with_ymd_and_hms(2026, 11, 29, 4, 30, 0).unwrap();
        assert_eq!(IdGenerator::timestamp_of(generator.next(t)), t);
    }
}
