//! National recruitment (see `pvara_domain::merit`): a job's rules, the eligibility they give
//! each applicant on the closing date, marks, merit lists published by two people, public
//! results by reference, and representations.
//!
//! # Layout
//! - this module: the rules and eligibility.
//! - [`marks`]: a testing agency's CSV of marks, all or nothing.
//! - [`lists`]: merit lists prepared, approved, shown, and the results page.
//! - [`representations`]: a candidate's one representation per list, and its decision.

pub mod lists;
pub mod marks;
pub mod representations;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use pvara_domain::ids::{ApplicationId, JobId};
use pvara_domain::job::Job;
use pvara_domain::merit::{Applicant, Declaration, Drive, Shortfall};
use pvara_storage::Store;
use pvara_storage::merit::MeritCandidate;

use super::{Actor, Error, audit};

/// The day eligibility is judged on: the last day the job took applications, in the
/// installation's zone (a job closing at midnight closed at the end of the day before). A job
/// without a closing date is judged on `today`.
pub fn closing_date(closes_at: Option<DateTime<Utc>>, zone: Tz, today: DateTime<Utc>) -> NaiveDate {
    let last_moment = closes_at.map_or(today, |at| at - chrono::Duration::seconds(1));
    last_moment.with_timezone(&zone).date_naive()
}

/// The job's rules, or a 404-like refusal when it has none.
pub fn drive_of(job: &Job) -> Result<&Drive, Error> {
    job.requirements.drive.as_ref().ok_or_else(|| {
        Error::unprocessable(
            "no_rules",
            "this job has no national-recruitment rules yet",
            "drive",
        )
    })
}

/// Sets a job's rules as a new version (staff). `rules.version` is the version the editor
/// read (0 for a job without rules): someone else's change meanwhile is a conflict.
pub async fn set_rules(store: &dyn Store, actor: Actor, job: JobId, rules: Drive) -> Result<Drive, Error> {
    actor.require_staff()?;
    let current = store.job(job).await?.ok_or(Error::NotFound("job"))?;
    let replaces = current.requirements.drive.as_ref().map_or(0, |d| d.version);
    if rules.version != replaces {
        return Err(Error::conflict(
            "stale",
            "the rules changed meanwhile; reload them and make your change again",
            Some("drive"),
        ));
    }
    let mut problems = Vec::new();
    let rules = rules.parse(replaces + 1).map_err(|all| problems = all);
    let ages = rules
        .as_ref()
        .is_ok_and(|r| r.eligibility.min_age.is_some() || r.eligibility.max_age.is_some());
    if ages && current.closes_at.is_none() {
        problems.push(pvara_domain::ValidationError::new(
            "eligibility.maxAge",
            "needs a closing date on the job: age is judged on it",
        ));
    }
    let rules = match rules {
        Ok(rules) if problems.is_empty() => rules,
        _ => return Err(Error::Problems(problems)),
    };
    store.set_drive(job, &rules, replaces).await?;
    audit::record(
        store,
        &actor.audit_name(),
        "job.rules",
        format!("job:{job}/rules/{}", rules.version),
    )
    .await;
    Ok(rules)
}

/// What the rules say of one application: eligible, or the rules it falls short of.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub application: ApplicationId,
    pub reference: pvara_domain::reference::Reference,
    pub shortfalls: Vec<Shortfall>,
}

/// The rules an applicant falls short of on the job's closing date: the apply page's warning
/// before they send, and what staff read on the application; empty for a job without rules.
pub fn shortfalls_on_closing_date(
    job: &Job,
    declaration: Option<&Declaration>,
    (education, years): (pvara_domain::scoring::education::Education, f64),
    zone: Tz,
) -> Vec<Shortfall> {
    let Some(drive) = &job.requirements.drive else {
        return Vec::new();
    };
    let on = closing_date(job.closes_at, zone, crate::now());
    drive.eligibility.check(declaration, (education, years), on)
}

/// Every application of the job judged by its rules (staff): "eligible" or the reasons not.
pub async fn eligibility(
    store: &dyn Store,
    actor: Actor,
    job: JobId,
    zone: Tz,
) -> Result<Vec<Verdict>, Error> {
    actor.require_staff()?;
    let (job, candidates) = job_and_candidates(store, job).await?;
    let drive = drive_of(&job)?;
    let on = closing_date(job.closes_at, zone, crate::now());
    Ok(candidates
        .iter()
        .map(|c| Verdict {
            application: c.application,
            reference: c.reference.clone(),
            shortfalls: drive.eligibility.check(
                c.declaration.as_ref(),
                (c.education, c.years_experience),
                on,
            ),
        })
        .collect())
}

/// The job and its applications still in the running (neither withdrawn nor rejected).
async fn job_and_candidates(store: &dyn Store, job: JobId) -> Result<(Job, Vec<MeritCandidate>), Error> {
    let job = store.job(job).await?.ok_or(Error::NotFound("job"))?;
    let mut candidates = store.merit_candidates(job.id).await?;
    candidates.retain(|c| in_the_running(c.status));
    Ok((job, candidates))
}

fn in_the_running(status: pvara_domain::status::Status) -> bool {
    use pvara_domain::status::Status;
    !matches!(status, Status::Withdrawn | Status::Rejected)
}

/// The allocation's view of one stored candidate.
fn applicant(c: &MeritCandidate) -> Applicant<'_> {
    Applicant {
        application: c.application,
        reference: c.reference.clone(),
        submitted_at: c.submitted_at,
        declaration: c.declaration.as_ref(),
        education: c.education,
        years_experience: c.years_experience,
        test: c.test,
        interview: c.interview,
    }
}

/// Rejects every application the rules find not eligible, each with its reasons in the
/// rejection (mailed to the candidate, kept in the history); eligible ones are untouched.
/// Nobody is rejected by the machine: a person presses this, having read the list.
pub async fn reject_not_eligible(
    store: &dyn Store,
    actor: Actor,
    job: JobId,
    zone: Tz,
    request_id: Option<&str>,
) -> Result<super::applications::BulkReport, Error> {
    use pvara_domain::pipeline::{Rejection, Step};
    let verdicts = eligibility(store, actor, job, zone).await?;
    let mut report = super::applications::BulkReport::default();
    for verdict in verdicts.iter().filter(|v| !v.shortfalls.is_empty()) {
        let reasons: Vec<String> = verdict.shortfalls.iter().map(Shortfall::sentence).collect();
        let reason = format!(
            "Not eligible on the closing date: the applicant {}.",
            reasons.join("; and ")
        );
        let step = Step::Reject(Rejection::parse(&reason)?);
        match super::applications::step(store, actor, verdict.application, &step, request_id).await {
            Ok(_) => report.done += 1,
            Err(error @ (Error::Conflict { .. } | Error::NotFound(_))) => {
                report.skipped.push((verdict.application, error.to_string()));
            }
            Err(other) => return Err(other),
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_job_closing_at_midnight_is_judged_on_the_day_before() {
        let zone = chrono_tz::Asia::Karachi;
        let midnight = zone
            .with_ymd_and_hms(2026, 3, 1, 0, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        let evening = zone
            .with_ymd_and_hms(2026, 3, 1, 17, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        let today = Utc::now();
        assert_eq!(
            closing_date(Some(midnight), zone, today),
            NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()
        );
        assert_eq!(
            closing_date(Some(evening), zone, today),
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
        );
    }
}
