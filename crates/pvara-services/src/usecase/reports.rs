//! Reports on a job for its recruiters and auditors, computed from the applications' histories
//! (and, for the impact report, the equality answers, which nothing else reads).

use std::collections::HashMap;

use pvara_domain::equality::{Answers, Questionnaire};
use pvara_domain::ids::{ApplicationId, JobId};
use pvara_domain::job::Job;
use pvara_domain::report::impact::{ImpactReport, impact as impact_of};
use pvara_domain::report::scorer::{ScorerReport, scorer as scorer_of};
use pvara_domain::report::{Funnel, History, funnel as funnel_of};
use pvara_storage::Store;
use pvara_storage::workspace::AnswersOf;

use super::{Actor, Error, audit};

async fn histories(store: &dyn Store, actor: Actor, job: JobId) -> Result<(Job, Vec<History>), Error> {
    actor.require_staff()?;
    let found = store.job(job).await?.ok_or(Error::NotFound("job"))?;
    Ok((found, store.job_histories(job).await?))
}

/// The job's equality answers, for the impact report only; the read leaves a line in the audit
/// trail first.
async fn answers(
    store: &dyn Store,
    actor: Actor,
    job: JobId,
) -> Result<HashMap<ApplicationId, Answers>, Error> {
    audit::record_read(store, actor, "report.impact", format!("job:{job}")).await?;
    Ok(store
        .equality_answers(AnswersOf::Job(job))
        .await?
        .into_iter()
        .collect())
}

/// The job's funnel: how many applications reached each stage, the conversion between stages,
/// and the median time spent in each, exactly as the histories say.
pub async fn funnel(store: &dyn Store, actor: Actor, job: JobId) -> Result<(Job, Funnel), Error> {
    let (found, histories) = histories(store, actor, job).await?;
    let stages = found.requirements.stages;
    Ok((found, funnel_of(&histories, stages)))
}

/// The job's adverse-impact report. Reading equality answers, even in aggregate, is audited.
#[tracing::instrument(skip(store, questionnaire))]
pub async fn impact(
    store: &dyn Store,
    actor: Actor,
    job: JobId,
    questionnaire: &Questionnaire,
) -> Result<(Job, ImpactReport), Error> {
    let (found, histories) = histories(store, actor, job).await?;
    let answers = answers(store, actor, job).await?;
    let stages = found.requirements.stages;
    Ok((found, impact_of(questionnaire, &histories, &answers, stages)))
}

/// Every report of a job, from one read of its histories: the workspace's reports page.
#[derive(Debug)]
pub struct Reports {
    pub job: Job,
    pub funnel: Funnel,
    pub impact: ImpactReport,
    pub scorer: ScorerReport,
}

/// One read of the histories for every report (the reports page).
#[tracing::instrument(skip(store, questionnaire))]
pub async fn all(
    store: &dyn Store,
    actor: Actor,
    job: JobId,
    questionnaire: &Questionnaire,
) -> Result<Reports, Error> {
    let (found, histories) = histories(store, actor, job).await?;
    let answers = answers(store, actor, job).await?;
    let stages = found.requirements.stages;
    Ok(Reports {
        job: found,
        funnel: funnel_of(&histories, stages),
        impact: impact_of(questionnaire, &histories, &answers, stages),
        scorer: scorer_of(&histories),
    })
}

/// How well the machine's score ranked the applications recruiters advanced or rejected.
pub async fn scorer(store: &dyn Store, actor: Actor, job: JobId) -> Result<(Job, ScorerReport), Error> {
    let (found, histories) = histories(store, actor, job).await?;
    Ok((found, scorer_of(&histories)))
}

/// The impact report as CSV, one line per row of every table (too-small rows with empty counts),
/// for a spreadsheet or an auditor.
pub fn impact_csv(job: &Job, report: &ImpactReport) -> Result<String, Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| Error::Internal(format!("cannot write CSV: {e}"));
    out.write_record([
        "job_id",
        "stage",
        "table",
        "category",
        "unknown",
        "too_small",
        "assessed",
        "selected",
        "selection_rate",
        "impact_ratio",
        "flagged",
    ])
    .map_err(failed)?;
    let number = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
    let ratio = |r: Option<f64>| r.map(|r| format!("{r:.4}")).unwrap_or_default();
    for stage in &report.stages {
        for table in &stage.tables {
            for row in &table.rows {
                out.write_record([
                    job.id.to_string(),
                    stage.label.clone(),
                    table.name.clone(),
                    row.category.clone(),
                    row.unknown.to_string(),
                    row.too_small.to_string(),
                    number(row.assessed),
                    number(row.selected),
                    ratio(row.selection_rate),
                    ratio(row.impact_ratio),
                    row.flagged.to_string(),
                ])
                .map_err(failed)?;
            }
        }
    }
    let bytes = out
        .into_inner()
        .map_err(|e| Error::Internal(format!("cannot write CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Internal(format!("CSV is not UTF-8: {e}")))
}
