//! Backpressure: while the scorers are more than `--max-lag` records behind, new applications
//! are refused with 503 and `Retry-After` instead of piling up lag without bound. Everything
//! already accepted is still scored; a client that retries later is taken once the scorers catch
//! up. The lag is the one [`crate::metrics::refresh_lag`] reads every couple of seconds.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How long a refused client is told to wait.
pub const RETRY_AFTER: Duration = Duration::from_secs(5);

/// The bound, and the scoring group's lag as last read.
#[derive(Debug, Clone)]
pub struct Backpressure {
    /// `None`: never shed.
    max_lag: Option<u64>,
    lag: Arc<AtomicU64>,
}

impl Default for Backpressure {
    /// Never sheds: tests and tools that build the services by hand.
    fn default() -> Self {
        Self::new(None)
    }
}

impl Backpressure {
    pub fn new(max_lag: Option<u64>) -> Self {
        Self {
            max_lag,
            lag: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Records the scoring group's lag (all partitions); updates the shedding gauge.
    pub fn observe(&self, scoring_lag: u64) {
        self.lag.store(scoring_lag, Ordering::Relaxed);
        metrics::gauge!(crate::metrics::SHEDDING).set(if self.shedding() { 1.0 } else { 0.0 });
    }

    pub fn shedding(&self) -> bool {
        self.max_lag
            .is_some_and(|max| self.lag.load(Ordering::Relaxed) > max)
    }

    /// Refuses a new application while shedding.
    pub fn admit(&self) -> Result<(), Shed> {
        if self.shedding() {
            metrics::counter!(crate::metrics::SHED).increment(1);
            return Err(Shed {
                retry_after: RETRY_AFTER,
            });
        }
        Ok(())
    }
}

/// Told to come back later: the scorers are behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shed {
    pub retry_after: Duration,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheds_only_above_the_bound() {
        let pressure = Backpressure::new(Some(100));
        assert!(pressure.admit().is_ok());
        pressure.observe(100);
        assert!(pressure.admit().is_ok(), "at the bound");
        pressure.observe(101);
        assert_eq!(
            pressure.admit(),
            Err(Shed {
                retry_after: RETRY_AFTER
            })
        );
        pressure.observe(0);
        assert!(pressure.admit().is_ok(), "caught up");
        let off = Backpressure::new(None);
        off.observe(u64::MAX);
        assert!(off.admit().is_ok());
    }
}
