//! The audit trail's writes and reads. Every staff read of an application, every step, note,
//! job change, account change, export, erasure and dead-letter replay leaves one line: who, what,
//! which record, when. Ids only.

use pvara_storage::Store;
use pvara_storage::model::{AuditEntry, AuditQuery};

use super::{Actor, Error};

/// Records `action` on `subject` by `actor`. The caller's work stands if this fails (it has
/// committed already); the failure is logged whole so the gap can be found.
pub async fn record(store: &dyn Store, actor: &str, action: &str, subject: String) {
    let entry = AuditEntry {
        at: crate::now(),
        actor: actor.to_owned(),
        action: action.to_owned(),
        subject,
    };
    if let Err(error) = store.record_audit(entry.clone()).await {
        tracing::error!(error = %crate::ErrorChain(&error), ?entry, "cannot record an audit entry");
    }
}

/// Records a read before the data is handed out: no answer without its line in the trail.
pub async fn record_read(
    store: &dyn Store,
    actor: Actor,
    action: &str,
    subject: String,
) -> Result<(), Error> {
    store
        .record_audit(AuditEntry {
            at: crate::now(),
            actor: actor.audit_name(),
            action: action.to_owned(),
            subject,
        })
        .await?;
    Ok(())
}

/// Most entries one query returns.
pub const MAX_ENTRIES: u32 = 1_000;

/// The trail, for admins.
pub async fn entries(store: &dyn Store, actor: Actor, query: AuditQuery) -> Result<Vec<AuditEntry>, Error> {
    actor.require_admin()?;
    let limit = if query.limit == 0 {
        100
    } else {
        query.limit.min(MAX_ENTRIES)
    };
    Ok(store.audit_entries(&AuditQuery { limit, ..query }).await?)
}
