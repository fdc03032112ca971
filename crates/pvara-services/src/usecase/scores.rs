//! Human oversight of scores: a recruiter's score in place of the machine's, with a reason.

use pvara_domain::event::Scored;
use pvara_domain::ids::ApplicationId;
use pvara_domain::scoring::{Override, parse_override};
use pvara_domain::status::{Action, Status};
use pvara_storage::model::{ApplicationRecord, Rescore, ScoreRecord, Transition, WorkBatch};
use pvara_storage::{Store, StoreError};

use super::{Actor, Error, audit};

/// The scorer version of a score a person gave an application the machine never scored.
const BY_HAND: &str = "override:by-hand";

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
    let Some(stored) = record.score else {
        if record.status == Status::Submitted {
            return assess_by_hand(store, actor, &record, (total, reason)).await;
        }
        return Err(not_scored());
    };
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
        scorer_version: stored.version().overridden().to_string(),
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

/// A person's score for an application still waiting in Submitted (its job's scoring paused, or
/// not reached yet): it moves on to Under Review exactly as a machine score would move it, with
/// the same events (so the candidate gets the same mail), and the scorer leaves it alone.
async fn assess_by_hand(
    store: &dyn Store,
    actor: Actor,
    record: &ApplicationRecord,
    (total, reason): (u8, String),
) -> Result<ScoreRecord, Error> {
    let at = crate::now();
    let to = Status::Submitted
        .apply(Action::Score)
        .unwrap_or(Status::UnderReview);
    let score = ScoreRecord {
        total,
        breakdown: serde_json::json!({ "assessedByHand": { "total": total, "reason": reason, "by": actor.id, "at": at } }),
        scorer_version: BY_HAND.to_owned(),
    };
    let events = pvara_domain::pipeline::scored_events(Scored {
        application_id: record.id,
        job_id: record.job_id,
        status: to,
        ai_score: total,
        scorer_version: BY_HAND.to_owned(),
    });
    let transition = Transition {
        application_id: record.id,
        job_id: record.job_id,
        from: Status::Submitted,
        to,
        actor: actor.id.to_string(),
        reason: format!("assessed by hand: {total}: {reason}"),
        details: None,
        at,
        score: Some(score.clone()),
        messages: pvara_storage::outbox::to_messages(&events, pvara_storage::outbox::SOURCE_API, None, at)
            .map_err(|e| Error::Internal(e.to_string()))?,
    };
    store.transition(transition).await.map_err(|e| match e {
        StoreError::StaleStatus => Error::Conflict {
            code: "stale",
            message: "the application moved on meanwhile; reload it".to_owned(),
            field: None,
        },
        other => other.into(),
    })?;
    audit::record(
        store,
        &actor.audit_name(),
        "application.score_override",
        format!("application:{}", record.id),
    )
    .await;
    Ok(score)
}
