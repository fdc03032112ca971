//! Human oversight of scores: a recruiter's score in place of the machine's, with a reason.

use pvara_domain::ids::ApplicationId;
use pvara_domain::scoring::{Override, overridden_version, parse_override};
use pvara_storage::Store;
use pvara_storage::model::{Rescore, ScoreRecord, WorkBatch};

use super::{Actor, Error, audit};

/// Sets the application's score to `score` for `reason`, kept beside the machine's (the card
/// stays the machine's, with the override on it), in the score history and the audit trail. No
/// worker replaces an overridden score; a second override replaces the first.
pub async fn override_score(
    store: &dyn Store,
    actor: Actor,
    id: ApplicationId,
    score: i64,
    reason: &str,
) -> Result<ScoreRecord, Error> {
    actor.require_staff()?;
    let (total, reason) = parse_override(score, reason)?;
    let record = store
        .application(id)
        .await?
        .ok_or(Error::NotFound("application"))?;
    let not_scored = || Error::Conflict {
        code: "not_scored",
        message: "the application has no score to override yet".to_owned(),
        field: None,
    };
    let stored = record.score.ok_or_else(not_scored)?;
    let mut card = stored.card().ok_or_else(not_scored)?;
    let at = crate::now();
    card.overridden = Some(Override {
        total,
        machine_total: card.total,
        reason: reason.clone(),
        by: actor.id.to_string(),
        at,
    });
    let score = ScoreRecord {
        total,
        breakdown: serde_json::to_value(&card).map_err(|e| Error::Internal(e.to_string()))?,
        scorer_version: overridden_version(&stored.scorer_version),
    };
    let rescore = Rescore {
        application_id: id,
        replaces: stored.scorer_version.clone(),
        previous_total: stored.total,
        score: score.clone(),
        actor: actor.id.to_string(),
        reason: format!("score overridden from {} to {total}: {reason}", stored.total),
        at,
        messages: Vec::new(),
    };
    let batch = WorkBatch {
        rescores: vec![rescore],
        ..Default::default()
    };
    if store.apply_batch(batch).await?.rescores != [true] {
        return Err(Error::Conflict {
            code: "stale",
            message: "the score changed meanwhile; reload the application".to_owned(),
            field: None,
        });
    }
    audit::record(
        store,
        &actor.audit_name(),
        "application.score_override",
        format!("application:{id}"),
    )
    .await;
    Ok(score)
}
