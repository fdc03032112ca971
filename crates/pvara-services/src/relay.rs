//! The outbox relay loop: moves committed outbox rows to the event log, in commit order.

use std::sync::Arc;
use std::time::Duration;

use pvara_storage::Relay;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// Rows moved per batch.
pub const RELAY_BATCH: usize = 2_000;
/// Longest sleep without a wake-up: bounds the delay for rows written by another process.
const IDLE_POLL: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
const MIN_BACKOFF: Duration = Duration::from_millis(50);

/// Runs until `shutdown`; rows left in the outbox then are picked up by the next start.
pub async fn run(
    relay: Arc<dyn Relay>,
    mut outbox_changed: watch::Receiver<u64>,
    shutdown: CancellationToken,
) {
    let mut backoff = crate::retry::Backoff::new(MIN_BACKOFF, MAX_BACKOFF);
    loop {
        outbox_changed.borrow_and_update();
        match relay.relay_batch(RELAY_BATCH).await {
            Ok(moved) => {
                backoff.reset();
                if moved > 0 {
                    tracing::debug!(moved, "relayed outbox rows");
                    if !shutdown.is_cancelled() {
                        continue;
                    }
                }
                if shutdown.is_cancelled() {
                    break;
                }
                tokio::select! {
                    _ = outbox_changed.changed() => {}
                    _ = tokio::time::sleep(IDLE_POLL) => {}
                    _ = shutdown.cancelled() => {}
                }
            }
            Err(error) => {
                tracing::error!(error = %crate::ErrorChain(&error), "relay failed; outbox rows stay until the log accepts them");
                if backoff.sleep_or_shutdown(&shutdown).await {
                    break;
                }
            }
        }
    }
    tracing::info!("relay stopped");
}
