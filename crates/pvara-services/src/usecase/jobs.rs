//! Posting, closing and finding jobs.

use chrono::{DateTime, Utc};
use pvara_domain::ids::{JobId, UserId};
use pvara_domain::job::{Job, JobDraft, JobEdit};
use pvara_domain::scoring::{KnockoutRules, Rubric, RubricWeights};
use pvara_domain::stages::Stages;
use pvara_domain::status::Status;
use pvara_domain::user::Role;
use pvara_storage::model::{RescoreProgress, ScoringChange, ScoringEffect, UserRecord, open_statuses};
use pvara_storage::{Store, StoreError};

use super::{Actor, Error};

/// A rubric as a recruiter sets it: the version is pvara's to count.
#[derive(Debug, Clone, Copy)]
pub struct RubricDraft {
    pub weights: RubricWeights,
    pub knockouts: KnockoutRules,
    /// The rubric version the editor started from, when known: another's change since then
    /// refuses this one (`stale`) rather than overwrite it unseen.
    pub based_on: Option<u32>,
}

/// How a new job's applications are sifted, beyond its requirements.
#[derive(Debug, Clone, Copy, Default)]
pub struct JobOptions {
    /// Its own rubric; the default one without it.
    pub rubric: Option<RubricDraft>,
    /// Name-blind sifting.
    pub name_blind: bool,
    /// How many posts it fills; one when not given.
    pub vacancies: Option<u32>,
    /// Whether candidates take an online test, and how many interview rounds (from
    /// [`Stages::parse`]).
    pub stages: Stages,
    /// The hiring manager who decides on the job's candidates beside the recruiters.
    pub hiring_manager: Option<UserId>,
}

/// The active hiring managers, by name: whom a job can be given to.
pub async fn hiring_managers(store: &dyn Store, actor: Actor) -> Result<Vec<UserRecord>, Error> {
    actor.require_staff()?;
    super::accounts::active_with(store, |role| role == Role::HiringManager).await
}

/// `id`, checked to be an active hiring manager's account (a field error otherwise).
async fn hiring_manager(store: &dyn Store, id: Option<UserId>) -> Result<Option<UserId>, Error> {
    let Some(id) = id else { return Ok(None) };
    match store.user(id).await? {
        Some(user) if user.active && user.role == Role::HiringManager => Ok(Some(id)),
        _ => Err(pvara_domain::ValidationError::new(
            "hiringManagerId",
            "must be the account of an active hiring manager",
        )
        .into()),
    }
}

/// Posts a job.
pub async fn create(
    store: &dyn Store,
    actor: Actor,
    draft: &JobDraft<'_>,
    options: JobOptions,
) -> Result<Job, Error> {
    actor.require_staff()?;
    let mut job = Job::parse_all(draft, JobId::new(), actor.id, crate::now()).map_err(Error::Problems)?;
    if let Some(rubric) = options.rubric {
        job.requirements.rubric = Rubric::parse(1, rubric.weights, rubric.knockouts)?;
    }
    job.requirements.name_blind = options.name_blind;
    job.requirements.stages = options.stages;
    job.hiring_manager = hiring_manager(store, options.hiring_manager).await?;
    if let Some(vacancies) = options.vacancies {
        job.vacancies = pvara_domain::job::parse_vacancies(vacancies)?;
    }
    store.create_job(job.clone()).await?;
    super::audit::record(
        store,
        &actor.audit_name(),
        "job.create",
        format!("job:{}", job.id),
    )
    .await;
    Ok(job)
}

/// Gives a job a new rubric version and asks for each of its open applications to be scored
/// again under it (one `rescore-requested` event each, in the rubric's transaction). Returns the
/// new rubric and how many applications will be re-scored.
pub async fn change_rubric(
    store: &dyn Store,
    actor: Actor,
    id: JobId,
    draft: RubricDraft,
    request_id: Option<String>,
) -> Result<(Rubric, u64), Error> {
    actor.require_staff()?;
    let job = store.job(id).await?.ok_or(Error::NotFound("job"))?;
    let current = job.requirements.rubric.version;
    if draft.based_on.is_some_and(|v| v != current) {
        return Err(Error::conflict(
            "stale",
            format!(
                "the rubric has changed since you opened it (it is now version {current}); look at it again"
            ),
            None,
        ));
    }
    let rubric = job.requirements.rubric.revise(draft.weights, draft.knockouts)?;
    let mut requirements = job.requirements.clone();
    requirements.rubric = rubric;
    let change = ScoringChange {
        job_id: id,
        replaces: job.requirements.rubric.version,
        requirements,
        applications_in: open_statuses(),
        at: crate::now(),
        request_id,
        effect: ScoringEffect::Rescore,
    };
    let n = store.change_scoring(change).await?;
    super::audit::record(store, &actor.audit_name(), "job.rubric", format!("job:{id}")).await;
    Ok((rubric, n))
}

/// Pauses or resumes the job's automatic scoring. Paused, its new applications wait in
/// Submitted for a person ("awaiting manual assessment": a recruiter sets their score, or rejects
/// them); resumed, each application still waiting gets an `application-submitted` event again,
/// in the same transaction, so the scorer takes it. Returns how many go to the scorer.
pub async fn set_scoring_paused(
    store: &dyn Store,
    actor: Actor,
    id: JobId,
    paused: bool,
    request_id: Option<String>,
) -> Result<u64, Error> {
    actor.require_staff()?;
    let job = store.job(id).await?.ok_or(Error::NotFound("job"))?;
    let mut requirements = job.requirements.clone();
    requirements.scoring_paused = paused;
    let change = ScoringChange {
        job_id: id,
        replaces: job.requirements.rubric.version,
        requirements,
        applications_in: if paused {
            Vec::new()
        } else {
            vec![Status::Submitted]
        },
        at: crate::now(),
        request_id,
        effect: ScoringEffect::Resubmit,
    };
    let n = store.change_scoring(change).await?;
    let action = if paused {
        "job.scoring_pause"
    } else {
        "job.scoring_resume"
    };
    super::audit::record(store, &actor.audit_name(), action, format!("job:{id}")).await;
    Ok(n)
}

/// After an upgrade changed the scoring rules: every job with open applications scored by older
/// rules gets them scored again through the re-score path (a `rescore-requested` event per open
/// application, written with the job in one transaction; the worker leaves alone those already
/// by these rules, and anything no worker may replace). Returns how many events were written.
pub async fn rescore_after_rules_change(store: &dyn Store) -> Result<u64, Error> {
    let rules = pvara_domain::scoring::version::RULES;
    let mut requested = 0;
    for id in store.jobs_scored_by_other_rules(rules).await? {
        let Some(job) = store.job(id).await? else { continue };
        let change = ScoringChange {
            job_id: id,
            replaces: job.requirements.rubric.version,
            requirements: job.requirements.clone(),
            applications_in: open_statuses(),
            at: crate::now(),
            request_id: None,
            effect: ScoringEffect::Rescore,
        };
        match store.change_scoring(change).await {
            Ok(n) => requested += n,
            // Its rubric changed meanwhile: that change re-scores the same applications.
            Err(StoreError::Changed(_)) => {}
            Err(other) => return Err(other.into()),
        }
    }
    if requested > 0 {
        tracing::info!(
            requested,
            rules,
            "re-scoring open applications scored by older rules"
        );
    }
    Ok(requested)
}

/// How far the job's re-scoring under its current rubric has come.
pub async fn rescore_progress(
    store: &dyn Store,
    actor: Actor,
    id: JobId,
) -> Result<(Rubric, RescoreProgress), Error> {
    actor.require_staff()?;
    let job = store.job(id).await?.ok_or(Error::NotFound("job"))?;
    let rubric = job.requirements.rubric;
    Ok((rubric, store.rescore_progress(id, rubric.version).await?))
}

/// Closes a job at once: it takes no more applications, in every API process (the store checks
/// the closing date in the submission's own transaction).
pub async fn close(store: &dyn Store, actor: Actor, id: JobId) -> Result<(), Error> {
    actor.require_staff()?;
    store.close_job(id, crate::now()).await.map_err(|e| match e {
        StoreError::NotFound(_) => Error::NotFound("job"),
        other => other.into(),
    })?;
    super::audit::record(store, &actor.audit_name(), "job.close", format!("job:{id}")).await;
    Ok(())
}

/// Changes a job's wording, place, closing date and vacancies; a closing date in the future
/// reopens a closed job (applications made meanwhile were refused, and stay so).
/// Changes a job's advert, hiring manager and (while no application has reached the stages
/// that change) its stages.
pub async fn edit(store: &dyn Store, actor: Actor, id: JobId, mut edit: JobEdit) -> Result<Job, Error> {
    actor.require_staff()?;
    let job = store.job(id).await?.ok_or(Error::NotFound("job"))?;
    edit.hiring_manager = hiring_manager(store, edit.hiring_manager).await?;
    if edit.stages.is_some_and(|s| s != job.requirements.stages) {
        // Once a candidate is on the path (invited to the test or to an interview), changing
        // it would move the ground under them.
        let reached = store
            .job_histories(id)
            .await?
            .iter()
            .any(|h| h.reached(Status::TestInvited) || h.reached(Status::InterviewScheduled));
        if reached {
            return Err(Error::conflict(
                "stages_in_use",
                "applications have already reached the stages you changed; post a new job for a new path",
                Some("stages"),
            ));
        }
    }
    store.edit_job(id, edit).await.map_err(|e| match e {
        StoreError::NotFound(_) => Error::NotFound("job"),
        other => other.into(),
    })?;
    super::audit::record(store, &actor.audit_name(), "job.edit", format!("job:{id}")).await;
    store.job(id).await?.ok_or(Error::NotFound("job"))
}

/// Posts a copy of a job (its wording, requirements, rubric and vacancies), open until filled:
/// advertising a post again starts from the last advert.
pub async fn copy(store: &dyn Store, actor: Actor, id: JobId) -> Result<Job, Error> {
    actor.require_staff()?;
    let original = store.job(id).await?.ok_or(Error::NotFound("job"))?;
    let job = original.copy(JobId::new(), actor.id, crate::now());
    store.create_job(job.clone()).await?;
    super::audit::record(
        store,
        &actor.audit_name(),
        "job.copy",
        format!("job:{} from job:{id}", job.id),
    )
    .await;
    Ok(job)
}

/// Open jobs matching a keyword search and a location, newest first. The board holds hundreds of
/// jobs, not millions, so filtering the open ones in memory is simpler than a query per engine.
pub async fn search(
    store: &dyn Store,
    text: &str,
    location: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Job>, Error> {
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    let location = location.trim().to_lowercase();
    let jobs = store.open_jobs(now, 5_000).await?;
    Ok(jobs
        .into_iter()
        .filter(|job| {
            let haystack = format!(
                "{} {} {}",
                job.title,
                job.description,
                job.requirements.required_skills.join(" ")
            )
            .to_lowercase();
            let place = job.location.as_deref().unwrap_or_default().to_lowercase();
            words.iter().all(|w| haystack.contains(w.as_str())) && place.contains(location.as_str())
        })
        .collect())
}
