//! Offer expiry: a background task of the relay role that marks offers nobody answered before
//! their expiry as expired ([`crate::usecase::offers::expire_due`]), every [`PERIOD`] or sooner
//! when told (`--offer-sweep-secs`, for tests). Several processes may run it: each expiry is a
//! change conditional on the offer still being open, so it happens once.

use std::sync::Arc;
use std::time::Duration;

use pvara_storage::Store;
use tokio_util::sync::CancellationToken;

/// How often open offers are checked by default: an offer expires at most this late.
pub const PERIOD: Duration = Duration::from_secs(60);

/// Runs until `shutdown`, expiring offers every `period`.
pub async fn run(store: Arc<dyn Store>, period: Duration, shutdown: CancellationToken) {
    loop {
        match crate::usecase::offers::expire_due(store.as_ref(), crate::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(expired = n, "offers past their expiry marked expired"),
            Err(error) => {
                tracing::error!(error = %crate::ErrorChain(&error), "cannot expire offers; will retry");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(period) => {}
            _ = shutdown.cancelled() => return,
        }
    }
}
