//! Per-host politeness: at most N requests in flight to one host, and a
//! minimum gap between the starts of two requests to it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

#[derive(Debug)]
pub(crate) struct HostGate {
    per_host: usize,
    delay: Duration,
    hosts: Mutex<HashMap<String, Arc<HostSlot>>>,
}

#[derive(Debug)]
struct HostSlot {
    permits: Arc<Semaphore>,
    next_start: tokio::sync::Mutex<Instant>,
}

/// Held while a request to the host is in flight.
pub(crate) struct HostPermit {
    _permit: OwnedSemaphorePermit,
}

/// Slots idle this long are forgotten, so the map stays the size of the
/// set of hosts being fetched, not of every host ever seen.
const FORGET_AFTER: Duration = Duration::from_secs(600);

impl HostGate {
    pub(crate) fn new(per_host: usize, delay: Duration) -> Self {
        Self {
            per_host: per_host.max(1),
            delay,
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for a free slot to `host` and for the gap since the previous
    /// request's start (`at_least` raises the gap, e.g. a robots.txt
    /// Crawl-delay).
    pub(crate) async fn enter(&self, host: &str, at_least: Option<Duration>) -> HostPermit {
        let slot = self.slot(host);
        let permit = slot
            .permits
            .clone()
            .acquire_owned()
            .await
            .expect("host semaphore is never closed");
        let gap = at_least.map_or(self.delay, |d| d.max(self.delay));
        if !gap.is_zero() {
            let mut next = slot.next_start.lock().await;
            let now = Instant::now();
            if *next > now {
                tokio::time::sleep_until(*next).await;
            }
            *next = Instant::now() + gap;
        }
        HostPermit { _permit: permit }
    }

    fn slot(&self, host: &str) -> Arc<HostSlot> {
        let mut hosts = self.hosts.lock().expect("host gate lock");
        if hosts.len() > 4096 {
            let now = Instant::now();
            hosts.retain(|_, slot| {
                Arc::strong_count(slot) > 1
                    || slot.permits.available_permits() < self.per_host
                    || slot
                        .next_start
                        .try_lock()
                        .map_or(true, |next| *next + FORGET_AFTER > now)
            });
        }
        hosts
            .entry(host.to_owned())
            .or_insert_with(|| {
                Arc::new(HostSlot {
                    permits: Arc::new(Semaphore::new(self.per_host)),
                    next_start: tokio::sync::Mutex::new(Instant::now()),
                })
            })
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_to_one_host_are_spaced_and_limited() {
        let gate = Arc::new(HostGate::new(1, Duration::from_secs(2)));
        let start = Instant::now();
        let a = gate.enter("a.example", None).await;
        drop(a);
        let _b = gate.enter("a.example", None).await;
        assert!(Instant::now() - start >= Duration::from_secs(2));
        // Another host is not held up.
        let before = Instant::now();
        let _c = gate.enter("b.example", None).await;
        assert_eq!(Instant::now(), before);
        // A crawl delay raises the gap.
        drop(_b);
        let before = Instant::now();
        let _d = gate.enter("a.example", Some(Duration::from_secs(5))).await;
        assert!(Instant::now() - before >= Duration::from_secs(2));
    }
}
