//! Offers: what an offer says, whether it can still be answered, and its expiry.
//!
//! The answers themselves (accept, decline, withdraw, hire) are steps like any other and go
//! through [`super::applications::step`]; this module adds the one rule steps do not know: an
//! offer answered after its expiry is refused, and an offer nobody answered expires, once, by
//! the system ([`expire_due`], run by the relay role).

use chrono::{DateTime, Utc};
use pvara_domain::ids::ApplicationId;
use pvara_domain::pipeline::{Offer, OfferExpiry, Step};
use pvara_domain::stages::Stages;
use pvara_domain::status::{Action, Status};
use pvara_storage::Store;
use pvara_storage::model::{ApplicationQuery, ApplicationRecord, Cursor, SortOrder};

use super::Error;
use super::applications::{Attempt, try_step};

/// Who expires offers, in the history and the audit trail.
pub const SYSTEM_ACTOR: &str = "system:offers";

/// How many offers one sweep reads at a time.
const PAGE: u32 = 500;

/// The offer the application was made, if it was made one: the last "offer extended" entry of
/// its history, typed.
pub fn current(record: &ApplicationRecord) -> Option<Offer> {
    record
        .history
        .iter()
        .rev()
        .find(|entry| entry.to == Status::OfferExtended)
        .and_then(|entry| match entry.step() {
            Some(Step::ExtendOffer(offer)) => Some(offer),
            _ => None,
        })
}

/// Refuses an answer to an offer whose expiry has passed, even if the sweep has not yet marked
/// it expired: the expiry the candidate was told is the one that holds.
pub(super) async fn check_answerable(
    store: &dyn Store,
    id: ApplicationId,
    step: &Step,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    if !matches!(step.action(), Action::AcceptOffer | Action::DeclineOffer) {
        return Ok(());
    }
    let record = store
        .application(id)
        .await?
        .ok_or(Error::NotFound("application"))?;
    match current(&record) {
        Some(offer) if !offer.open_at(now) => Err(Error::conflict(
            "offer_expired",
            "this offer has expired and can no longer be answered; contact the recruiter if you still want the job",
            None,
        )),
        _ => Ok(()),
    }
}

/// Marks every offer whose expiry has passed by `now` as expired, each once, with its event and
/// mail. Safe to run in several processes at once: each change is conditional on the offer
/// still being open, so only one of them records it. Returns how many it expired.
#[tracing::instrument(skip(store))]
pub async fn expire_due(store: &dyn Store, now: DateTime<Utc>) -> Result<usize, Error> {
    let mut expired = 0;
    let mut query = ApplicationQuery {
        job_id: None,
        status: Some(Status::OfferExtended),
        min_score: None,
        sort: SortOrder::ScoreDesc,
        limit: PAGE,
        after: None,
    };
    loop {
        let page = store.list_applications(&query).await?;
        for summary in &page {
            let Some(record) = store.application(summary.id).await? else {
                continue;
            };
            let Some(offer) = current(&record) else { continue };
            if offer.open_at(now) {
                continue;
            }
            let step = Step::ExpireOffer(OfferExpiry {
                expired_at: offer.expires_at,
            });
            // Expiry is the same step on every job's path.
            let by = (SYSTEM_ACTOR, Stages::default(), (None, 1));
            match try_step(store, by, (record.id, record.job_id, record.status), &step, None).await {
                Ok(_) => expired += 1,
                // Answered or expired by another process meanwhile.
                Err(Attempt::Stale) => {}
                Err(Attempt::Refused(Error::Conflict { .. } | Error::NotFound(_))) => {}
                Err(Attempt::Refused(other)) => return Err(other),
            }
        }
        match page.last() {
            Some(last) if page.len() == PAGE as usize => {
                query.after = Some(Cursor::after(last));
            }
            _ => return Ok(expired),
        }
    }
}
