//! Merit lists: run (a dry run, stored nowhere), prepared (stored, waiting for a second
//! person), approved (published: immutable, fingerprinted, mailed to every candidate on it),
//! shown, compared between versions, and the public results page by reference.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use pvara_domain::event::{EmailRequested, Event, MailTemplate};
use pvara_domain::ids::{ApplicationId, JobId};
use pvara_domain::job::Job;
use pvara_domain::merit::allocation::{Allocation, Contender, Entry, allocate, shortlist as by_test};
use pvara_domain::merit::list::{Difference, MeritList, differences};
use pvara_storage::Store;
use pvara_storage::StoreError;
use pvara_storage::merit::{Approval, MeritListHead, StoredMeritList};
use pvara_storage::outbox::{SOURCE_API, to_messages};

pub use crate::state::published::{PublicLine, PublicResults};

use super::super::{Actor, Error, audit};
use super::{applicant, closing_date, drive_of, job_and_candidates};

/// The job, its rules and every application in the running judged by them on the closing date.
async fn judged(store: &dyn Store, job: JobId, zone: Tz) -> Result<(Job, Vec<Contender>), Error> {
    let (job, candidates) = job_and_candidates(store, job).await?;
    let drive = drive_of(&job)?;
    let on = closing_date(job.closes_at, zone, crate::now());
    let contenders = candidates
        .iter()
        .map(|c| drive.contender(applicant(c), on))
        .collect();
    Ok((job, contenders))
}

/// The job's list as it would be now, numbered as the next version; stored nowhere (staff).
#[tracing::instrument(skip(store, zone))]
pub async fn run(store: &dyn Store, actor: Actor, job: JobId, zone: Tz) -> Result<MeritList, Error> {
    actor.require_staff()?;
    let (job, contenders) = judged(store, job, zone).await?;
    let drive = drive_of(&job)?;
    let published = store
        .merit_lists(job.id)
        .await?
        .iter()
        .filter(|h| h.approved.is_some())
        .map(|h| h.version)
        .max()
        .unwrap_or(0);
    Ok(MeritList {
        job: job.id,
        version: published + 1,
        drive_version: drive.version,
        vacancies: job.vacancies,
        allocation: allocate(drive, job.vacancies, &contenders),
    })
}

/// Who is called to interview: the best `shortlist_per_post` per post of each share by test
/// mark (staff). Only the selected lines are called.
pub async fn shortlist(store: &dyn Store, actor: Actor, job: JobId, zone: Tz) -> Result<Allocation, Error> {
    actor.require_staff()?;
    let (job, contenders) = judged(store, job, zone).await?;
    Ok(by_test(drive_of(&job)?, job.vacancies, &contenders))
}

/// A prepared list and how it differs from the one published before it.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub list: MeritList,
    pub fingerprint: String,
    pub differences: Vec<Difference>,
}

/// Runs the list and stores it as the next version, waiting for a second person's approval;
/// a list prepared before and not approved is replaced (staff).
pub async fn prepare(store: &dyn Store, actor: Actor, job: JobId, zone: Tz) -> Result<Prepared, Error> {
    let list = run(store, actor, job, zone).await?;
    let fingerprint = list.fingerprint();
    store
        .save_merit_list(&list, &fingerprint, actor.id, crate::now())
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => Error::conflict(
                "stale",
                "another version of the list was published meanwhile; run it again",
                None,
            ),
            other => other.into(),
        })?;
    let differences = match list.version {
        1 => Vec::new(),
        v => match store.merit_list(job, v - 1).await? {
            Some(before) => differences(&before.list, &list),
            None => Vec::new(),
        },
    };
    let subject = format!("job:{job}/merit-list/{}@sha256:{fingerprint}", list.version);
    audit::record(store, &actor.audit_name(), "merit.prepare", subject).await;
    Ok(Prepared {
        list,
        fingerprint,
        differences,
    })
}

/// Publishes a prepared list (staff other than the one who prepared it). Every candidate on it
/// is mailed that the results are out, in the publication's transaction. `fingerprint` is the
/// one the approver read: a list prepared again since is refused, for them to read first
/// (`None` approves the list as it stands, for a script that has just read it).
pub async fn approve(
    store: &dyn Store,
    actor: Actor,
    (job, version): (JobId, u32),
    fingerprint: Option<&str>,
    request_id: Option<&str>,
) -> Result<MeritListHead, Error> {
    actor.require_staff()?;
    let prepared = store
        .merit_list(job, version)
        .await?
        .ok_or(Error::NotFound("merit list"))?;
    if prepared.head.approved.is_some() {
        return Err(Error::conflict(
            "published",
            "this version is published already",
            None,
        ));
    }
    let events: Vec<Event> = prepared
        .list
        .allocation
        .entries
        .iter()
        .map(|e| {
            Event::EmailRequested(EmailRequested {
                application_id: e.application,
                job_id: job,
                template: MailTemplate::MeritPublished,
                panelist: None,
            })
        })
        .collect();
    let now = crate::now();
    let messages = to_messages(&events, SOURCE_API, request_id, now)?;
    let approval = Approval {
        job,
        version,
        fingerprint: fingerprint.map_or_else(|| prepared.head.fingerprint.clone(), str::to_owned),
        by: actor.id,
        at: now,
        messages,
    };
    store.approve_merit_list(approval).await.map_err(|e| match e {
        StoreError::Conflict(_) => Error::conflict(
            "same_person",
            "a list must be approved by someone other than the person who prepared it",
            None,
        ),
        StoreError::NotFound(_) => Error::conflict("published", "this version is published already", None),
        StoreError::Changed(_) => Error::conflict(
            "stale",
            "the list was prepared again since you read it; read this version again before approving it",
            None,
        ),
        other => other.into(),
    })?;
    let subject = format!(
        "job:{job}/merit-list/{version}@sha256:{}",
        prepared.head.fingerprint
    );
    audit::record(store, &actor.audit_name(), "merit.publish", subject).await;
    let mut head = prepared.head;
    head.approved = Some((actor.id, now));
    Ok(head)
}

/// A version of the job's list, published or waiting (staff).
pub async fn show(
    store: &dyn Store,
    actor: Actor,
    job: JobId,
    version: u32,
) -> Result<StoredMeritList, Error> {
    actor.require_staff()?;
    store
        .merit_list(job, version)
        .await?
        .ok_or(Error::NotFound("merit list"))
}

/// The job's lists, newest first, without their lines (staff).
pub async fn versions(store: &dyn Store, actor: Actor, job: JobId) -> Result<Vec<MeritListHead>, Error> {
    actor.require_staff()?;
    Ok(store.merit_lists(job).await?)
}

/// What changed from the version before `version` to it (staff).
pub async fn changes(
    store: &dyn Store,
    actor: Actor,
    job: JobId,
    version: u32,
) -> Result<Vec<Difference>, Error> {
    let after = show(store, actor, job, version).await?;
    match version.checked_sub(1).filter(|v| *v > 0) {
        Some(before) => {
            let before = show(store, actor, job, before).await?;
            Ok(differences(&before.list, &after.list))
        }
        None => Ok(Vec::new()),
    }
}

/// The public results of a job: `None` until a list is published. Needs no account. A
/// published list never changes, so it is read once into `published` and served from there.
pub async fn public_results(
    store: &dyn Store,
    published: &crate::state::published::PublishedLists,
    job: JobId,
) -> Result<Option<std::sync::Arc<PublicResults>>, Error> {
    let newest = store
        .merit_lists(job)
        .await?
        .into_iter()
        .find(|h| h.approved.is_some());
    let Some(head) = newest else { return Ok(None) };
    if let Some(kept) = published.get(job, head.version) {
        return Ok(Some(kept));
    }
    let Some(job_record) = store.job(job).await? else {
        return Ok(None);
    };
    let Some(stored) = store.merit_list(job, head.version).await? else {
        return Ok(None);
    };
    let lines = stored
        .list
        .allocation
        .entries
        .iter()
        .map(|e| PublicLine {
            reference: e.reference.clone(),
            position: e.position,
            outcome: e.outcome.clone(),
        })
        .collect();
    let results = std::sync::Arc::new(PublicResults {
        job_title: job_record.title,
        version: head.version,
        fingerprint: head.fingerprint.clone(),
        published_at: head.approved.map_or(head.prepared_at, |(_, at)| at),
        canonical: stored.list.canonical(),
        lines,
    });
    published.keep(job, head.version, results.clone());
    Ok(Some(results))
}

/// A candidate's own result: their line on the newest published list of the job, and until
/// when they may file a representation.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnResult {
    pub head: MeritListHead,
    pub entry: Entry,
    pub representations_until: DateTime<Utc>,
}

/// The applicant's result on their application, once published; staff may read it too.
pub async fn own_result(
    store: &dyn Store,
    actor: Actor,
    application: ApplicationId,
) -> Result<Option<OwnResult>, Error> {
    let (owner, job, _) = store
        .application_owner(application)
        .await?
        .ok_or(Error::NotFound("application"))?;
    if owner != actor.id && !actor.role.works_here() {
        return Err(Error::NotFound("application"));
    }
    let Some((head, entry)) = store.merit_entry(application).await? else {
        return Ok(None);
    };
    let days = store
        .job(job)
        .await?
        .and_then(|j| j.requirements.drive.map(|d| d.representation_days))
        .unwrap_or(0);
    let published = head.approved.map_or(head.prepared_at, |(_, at)| at);
    Ok(Some(OwnResult {
        representations_until: published + chrono::Duration::days(i64::from(days)),
        head,
        entry,
    }))
}

/// Who is proposed for the posts given up on the newest published list, while its reserve
/// lists are valid.
#[derive(Debug, Clone, PartialEq)]
pub struct ReserveProposals {
    pub version: u32,
    pub valid_until: DateTime<Utc>,
    /// Empty once the reserve lists have expired.
    pub proposals: Vec<pvara_domain::merit::list::Proposal>,
}

/// The proposals for a job's posts given up since publication (staff): a selected candidate
/// who declined, withdrew, let the offer expire or was rejected is replaced, on paper, by the
/// next on their share's reserve list who is still in the running. Staff make the offer.
pub async fn reserve_proposals(
    store: &dyn Store,
    actor: Actor,
    job: JobId,
) -> Result<Option<ReserveProposals>, Error> {
    use pvara_domain::status::Status;
    actor.require_staff()?;
    let record = store.job(job).await?.ok_or(Error::NotFound("job"))?;
    let days = record.requirements.drive.as_ref().map_or(0, |d| d.reserve_days);
    let Some(head) = store
        .merit_lists(job)
        .await?
        .into_iter()
        .find(|h| h.approved.is_some())
    else {
        return Ok(None);
    };
    let Some(stored) = store.merit_list(job, head.version).await? else {
        return Ok(None);
    };
    let published = head.approved.map_or(head.prepared_at, |(_, at)| at);
    let valid_until = published + chrono::Duration::days(i64::from(days));
    let statuses: std::collections::HashMap<ApplicationId, Status> = store
        .merit_candidates(job)
        .await?
        .into_iter()
        .map(|c| (c.application, c.status))
        .collect();
    let gone = |e: &Entry| {
        statuses.get(&e.application).is_none_or(|s| {
            matches!(
                s,
                Status::Withdrawn
                    | Status::Rejected
                    | Status::OfferDeclined
                    | Status::OfferExpired
                    | Status::OfferWithdrawn
            )
        })
    };
    let proposals = if crate::now() <= valid_until {
        pvara_domain::merit::list::reserve_proposals(&stored.list, gone)
    } else {
        Vec::new()
    };
    Ok(Some(ReserveProposals {
        version: head.version,
        valid_until,
        proposals,
    }))
}
