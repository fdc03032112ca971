//! Retention: `--retention-days N` anonymises applications N days after their job closed, as
//! an erasure does (ids, statuses, scores and times stay). A background task of the relay role:
//! it wakes every [`PERIOD`], works in batches of [`BATCH`] (one transaction each, so the writer
//! is never held long), and logs its progress. Unsent application drafts, which hold a CV file,
//! are swept by [`sweep_drafts`] whatever the setting.

use std::sync::Arc;
use std::time::Duration;

use pvara_storage::Store;
use tokio_util::sync::CancellationToken;

/// How often the task looks for applications past their retention period.
pub const PERIOD: Duration = Duration::from_secs(600);
/// Applications anonymised per transaction.
pub const BATCH: u32 = 500;

/// Runs until `shutdown`, retiring applications whose job closed more than `days` days ago.
pub async fn run(store: Arc<dyn Store>, days: u32, shutdown: CancellationToken) {
    let retired = metrics::counter!(crate::metrics::APPLICATIONS_RETIRED);
    loop {
        let now = crate::now();
        let cutoff = now - chrono::Duration::days(i64::from(days));
        let mut total = 0;
        loop {
            if shutdown.is_cancelled() {
                return;
            }
            match store.retire_applications(cutoff, now, BATCH).await {
                Ok(0) => break,
                Ok(n) => {
                    total += n;
                    retired.increment(n as u64);
                    tracing::info!(
                        batch = n,
                        total,
                        days,
                        "retention: anonymised applications past their period"
                    );
                }
                Err(error) => {
                    tracing::error!(error = %crate::ErrorChain(&error), "retention: cannot anonymise; will retry");
                    break;
                }
            }
        }
        if total > 0 {
            tracing::info!(total, days, "retention: done for now");
        }
        tokio::select! {
            _ = tokio::time::sleep(PERIOD) => {}
            _ = shutdown.cancelled() => return,
        }
    }
}

/// Runs until `shutdown`, removing every [`PERIOD`] the apply page's drafts kept longer than
/// [`crate::usecase::drafts::KEPT_FOR_HOURS`]. Several processes may run it: a draft is removed
/// once.
pub async fn sweep_drafts(store: Arc<dyn Store>, shutdown: CancellationToken) {
    loop {
        match crate::usecase::drafts::sweep(store.as_ref()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "retention: removed unsent application drafts"),
            Err(error) => {
                tracing::error!(error = %crate::ErrorChain(&error), "retention: cannot remove drafts; will retry");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(PERIOD) => {}
            _ = shutdown.cancelled() => return,
        }
    }
}
