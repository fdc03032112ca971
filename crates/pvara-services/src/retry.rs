//! Back-off for the loops that must outlive a failing dependency (the relay, the workers, mail
//! delivery): exponential, capped, with jitter so that many processes restarted together do not
//! retry in step. The schedule itself is `backon`'s; this adds the reset and the shutdown.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};
use tokio_util::sync::CancellationToken;

/// An endless back-off between `min` and `max`, restarted by [`Backoff::reset`] after a success.
#[derive(Debug)]
pub struct Backoff {
    builder: ExponentialBuilder,
    delays: ExponentialBackoff,
}

impl Backoff {
    pub fn new(min: Duration, max: Duration) -> Self {
        let builder = ExponentialBuilder::new()
            .with_min_delay(min)
            .with_max_delay(max)
            .with_jitter()
            .without_max_times();
        Self {
            delays: builder.build(),
            builder,
        }
    }

    /// The next delay: doubling from `min` up to `max`, plus jitter.
    pub fn next_delay(&mut self) -> Duration {
        // Without a maximum number of attempts the schedule never ends; `max` is the fallback.
        self.delays
            .next()
            .unwrap_or_else(|| self.builder.build().last().unwrap_or_default())
    }

    /// Starts again from `min`, after the dependency answered.
    pub fn reset(&mut self) {
        self.delays = self.builder.build();
    }

    /// Sleeps the next delay; true if `shutdown` came first.
    pub async fn sleep_or_shutdown(&mut self, shutdown: &CancellationToken) -> bool {
        let delay = self.next_delay();
        tokio::select! {
            _ = tokio::time::sleep(delay) => false,
            _ = shutdown.cancelled() => true,
        }
    }
}

/// The delays between `attempts` tries of a batch item: `first`, then doubling, with jitter.
pub fn attempt_delays(first: Duration, attempts: u32) -> impl Iterator<Item = Duration> {
    ExponentialBuilder::new()
        .with_min_delay(first)
        .with_max_delay(first.saturating_mul(1 << 10))
        .with_jitter()
        .with_max_times(attempts.saturating_sub(1) as usize)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_to_the_cap_and_reset() {
        let (min, max) = (Duration::from_millis(10), Duration::from_millis(80));
        let mut backoff = Backoff::new(min, max);
        let delays: Vec<Duration> = (0..8).map(|_| backoff.next_delay()).collect();
        // Jitter adds up to one more delay: each stays within [base, 2 * base].
        assert!(delays[0] >= min && delays[0] <= 2 * min, "{delays:?}");
        assert!(delays.iter().all(|d| *d <= 2 * max), "{delays:?}");
        assert!(delays[7] >= max, "reaches the cap: {delays:?}");
        backoff.reset();
        assert!(backoff.next_delay() <= 2 * min);
    }

    #[test]
    fn attempts_bound_the_delays() {
        assert_eq!(attempt_delays(Duration::from_millis(1), 3).count(), 2);
        assert_eq!(attempt_delays(Duration::from_millis(1), 1).count(), 0);
    }
}
