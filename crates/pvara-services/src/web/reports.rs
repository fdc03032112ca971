//! A job's reports page: the funnel, the adverse-impact report (with its CSV) and how well the
//! score predicted recruiters' decisions. The same use cases as `/api/reports/*`.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use pvara_domain::ids::JobId;
use pvara_domain::report::impact::{ImpactReport, Row};

use super::session::Viewer;
use super::{Layout, PageError, render};
use crate::state::AppState;
use crate::usecase;

#[derive(Debug)]
pub struct FunnelRow {
    pub stage: String,
    pub reached: u64,
    pub conversion: String,
    pub median: String,
}

#[derive(Debug)]
pub struct ImpactRow {
    pub category: String,
    pub assessed: String,
    pub selected: String,
    pub rate: String,
    pub ratio: String,
    pub flagged: bool,
}

#[derive(Debug)]
pub struct ImpactTable {
    pub id: String,
    pub name: String,
    /// An intersection of two questions (shown folded: there are many).
    pub pair: bool,
    pub rows: Vec<ImpactRow>,
}

#[derive(Debug)]
pub struct ImpactStage {
    pub label: String,
    pub summary: String,
    pub tables: Vec<ImpactTable>,
}

#[derive(Debug)]
pub struct BandRow {
    pub band: String,
    pub decided: u64,
    pub advanced: u64,
    pub rate: String,
}

#[derive(Template)]
#[template(path = "staff_reports.html")]
struct ReportsPage {
    layout: Layout,
    job_id: JobId,
    job_title: String,
    /// "1 of 12 vacancies filled".
    filled: String,
    funnel: Vec<FunnelRow>,
    /// How long candidates wait after interviewing, in a sentence.
    decision_wait: String,
    questionnaire_off: bool,
    answered: String,
    flagged: Vec<String>,
    stages: Vec<ImpactStage>,
    auc: String,
    decisions: String,
    bands: Vec<BandRow>,
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{:.1}%", v * 100.0))
}

fn duration(seconds: Option<f64>) -> String {
    match seconds {
        None => "–".to_owned(),
        Some(s) if s < 3600.0 => format!("{:.0} minutes", s / 60.0),
        Some(s) if s < 172_800.0 => format!("{:.1} hours", s / 3600.0),
        Some(s) => format!("{:.1} days", s / 86_400.0),
    }
}

fn impact_row(row: &Row) -> ImpactRow {
    let count = |n: Option<u64>| n.map_or_else(|| "Fewer than 5".to_owned(), |n| n.to_string());
    ImpactRow {
        category: row.category.clone(),
        assessed: count(row.assessed),
        selected: if row.too_small {
            "–".to_owned()
        } else {
            count(row.selected)
        },
        rate: percent(row.selection_rate),
        ratio: match (row.unknown, row.impact_ratio) {
            (true, _) => "Not compared".to_owned(),
            (false, Some(r)) => format!("{r:.2}"),
            (false, None) => "–".to_owned(),
        },
        flagged: row.flagged,
    }
}

fn impact_stages(report: &ImpactReport) -> Vec<ImpactStage> {
    report
        .stages
        .iter()
        .enumerate()
        .map(|(i, stage)| ImpactStage {
            label: stage.label.clone(),
            summary: match stage.median_score {
                Some(median) => format!(
                    "{} of {} scored applications scored above the median score of {median}.",
                    stage.selected, stage.assessed
                ),
                None => format!(
                    "{} of {} applications decided at this stage were selected.",
                    stage.selected, stage.assessed
                ),
            },
            tables: stage
                .tables
                .iter()
                .enumerate()
                .map(|(j, table)| ImpactTable {
                    id: format!("impact-{i}-{j}"),
                    name: table.name.clone(),
                    pair: table.dimensions.len() > 1,
                    rows: table.rows.iter().map(impact_row).collect(),
                })
                .collect(),
        })
        .collect()
}

/// Staff only (others are sent to sign in, back to the reports page), on a job id that parses.
fn staff_on_job(viewer: &Viewer, id: &str) -> Result<(usecase::Actor, JobId), PageError> {
    let actor = viewer.require_staff(&format!("/staff/jobs/{id}/reports"))?;
    Ok((actor, id.parse().map_err(|_| PageError::NotFound)?))
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (actor, id) = staff_on_job(&viewer, &id)?;
    let usecase::reports::Reports {
        job,
        funnel,
        impact,
        scorer,
    } = usecase::reports::all(state.store.as_ref(), actor, id, &state.equality).await?;
    let flagged = impact
        .flagged()
        .map(|(stage, table, row)| {
            let ratio = row.impact_ratio.unwrap_or_default();
            format!(
                "{}: {} ({}) has an impact ratio of {ratio:.2}",
                stage.label, row.category, table.name
            )
        })
        .collect();
    Ok(render(&ReportsPage {
        layout: Layout::new(&viewer),
        job_id: job.id,
        filled: format!(
            "{} of {} {} filled.",
            funnel
                .stages
                .iter()
                .find(|s| s.status == pvara_domain::status::Status::Hired)
                .map_or(0, |s| s.reached),
            job.vacancies,
            if job.vacancies == 1 {
                "vacancy"
            } else {
                "vacancies"
            }
        ),
        job_title: job.title,
        decision_wait: match funnel.interview_to_decision.decided {
            0 => "No candidate has been decided on after an interview yet.".to_owned(),
            n => format!(
                "From the first interview to the decision (an offer or a rejection): {} at the median, over {n} {}.",
                duration(funnel.interview_to_decision.median_seconds),
                if n == 1 { "candidate" } else { "candidates" }
            ),
        },
        funnel: funnel
            .stages
            .iter()
            .map(|s| FunnelRow {
                stage: s.status.to_string(),
                reached: s.reached,
                conversion: percent(s.conversion),
                median: duration(s.median_seconds),
            })
            .collect(),
        questionnaire_off: state.equality.is_off(),
        answered: format!(
            "{} of {} candidates answered at least one equality question.",
            impact.answered, impact.applications
        ),
        flagged,
        stages: impact_stages(&impact),
        auc: scorer.roc_auc.map_or_else(
            || "Not yet: it needs at least one advanced and one rejected scored application.".to_owned(),
            |auc| format!("{auc:.2}"),
        ),
        decisions: format!(
            "{} advanced and {} rejected at the sift; {} not decided yet.",
            scorer.advanced, scorer.rejected, scorer.undecided
        ),
        bands: scorer
            .bands
            .iter()
            .map(|b| BandRow {
                band: format!("{} to {}", b.lowest, b.highest),
                decided: b.decided,
                advanced: b.advanced,
                rate: percent(b.advance_rate),
            })
            .collect(),
    }))
}

/// The impact report as a CSV download.
pub async fn impact_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (actor, id) = staff_on_job(&viewer, &id)?;
    let (job, report) = usecase::reports::impact(state.store.as_ref(), actor, id, &state.equality).await?;
    let body = crate::usecase::reports::impact_csv(&job, &report)?;
    Ok(crate::front::download::csv(
        &format!("impact-{}.csv", job.id),
        body,
    ))
}
