//! Interview panels on the pages: choosing the panel and the round when scheduling, the panel's
//! scorecards on the candidate page (side by side once every member has filed theirs), the
//! scorecard form, and an interviewer's own list of interviews.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use pvara_domain::ids::{ApplicationId, UserId};
use pvara_domain::pipeline::Step;
use pvara_domain::scorecard::{Criterion, Recommendation, ScorecardDraft};
use pvara_domain::stages::Stages;
use pvara_domain::status::Status;
use serde::Deserialize;

use super::forms::{FormErrors, parse_datetime_local};
use super::session::Viewer;
use super::{Layout, PageError, render};
use crate::mail::Locale;
use crate::state::AppState;
use crate::usecase::panel::{Access, InterviewRequest, RoundView};
use crate::usecase::{self, Actor};

/// A card as the page shows it.
#[derive(Debug)]
pub struct CardView {
    pub recommendation: &'static str,
    pub ratings: Vec<(&'static str, u8, String)>,
    pub submitted_at: String,
}

#[derive(Debug)]
pub struct SeatSection {
    pub name: String,
    pub submitted: bool,
    pub mine: bool,
    pub card: Option<CardView>,
}

#[derive(Debug)]
pub struct RoundSection {
    pub title: String,
    pub when: String,
    pub complete: bool,
    pub seats: Vec<SeatSection>,
}

/// The panel part of the candidate page.
#[derive(Debug, Default)]
pub struct PanelSection {
    /// The reader decides on the job: the pipeline's actions are theirs.
    pub decides: bool,
    pub rounds: Vec<RoundSection>,
    /// The people who may sit on a panel: (user id, "name, role", chosen now).
    pub people: Vec<(String, String, bool)>,
    /// Rounds the scheduling form offers: (value, label, chosen).
    pub round_options: Vec<(String, String, bool)>,
    /// The round whose card the reader still owes.
    pub owed_round: Option<u8>,
    pub criteria: Vec<(&'static str, &'static str)>,
    /// The rating scale: (value, what it means).
    pub levels: Vec<(u8, &'static str)>,
    pub recommendations: Vec<(&'static str, &'static str)>,
}

/// What each rating means, as the form says it.
const LEVELS: [(u8, &str); 4] = [
    (1, "1: no evidence"),
    (2, "2: some evidence"),
    (3, "3: good evidence"),
    (4, "4: strong evidence"),
];

fn title(round: u8, of: u8) -> String {
    if of > 1 {
        format!("Interview, round {round} of {of}")
    } else {
        "Interview".to_owned()
    }
}

fn round_section(view: RoundView, of: u8, locale: &Locale) -> RoundSection {
    RoundSection {
        title: title(view.round, of.max(view.round)),
        when: locale.date_time(view.scheduled_at),
        complete: view.complete,
        seats: view
            .seats
            .into_iter()
            .map(|seat| SeatSection {
                name: seat.name,
                submitted: seat.submitted,
                mine: seat.mine,
                card: seat.card.map(|card| CardView {
                    recommendation: card.recommendation.label(),
                    ratings: card
                        .ratings
                        .into_iter()
                        .map(|r| (r.criterion.label(), r.score, r.evidence))
                        .collect(),
                    submitted_at: locale.date_time(card.submitted_at),
                }),
            })
            .collect(),
    }
}

/// The panel section for `actor` reading application `id` (in `status`, on a job with
/// `stages`), with `access`.
pub(super) async fn section(
    state: &AppState,
    actor: Actor,
    (id, status, stages): (ApplicationId, Status, Stages),
    access: Option<Access>,
) -> Result<PanelSection, PageError> {
    let store = state.store.as_ref();
    let locale = &state.web.locale;
    let views = usecase::panel::panels(store, actor, id).await?;
    let latest = views.last().map(|v| v.round);
    let current: Vec<UserId> = views
        .last()
        .map(|v| v.seats.iter().map(|s| s.interviewer).collect())
        .unwrap_or_default();
    let owed_round = views
        .iter()
        .rev()
        .find(|v| v.seats.iter().any(|s| s.mine && !s.submitted))
        .map(|v| v.round)
        .filter(|_| status != Status::Withdrawn);
    let decides = access == Some(Access::Decide);
    let people = if decides {
        usecase::panel::interviewers(store, actor)
            .await?
            .into_iter()
            .map(|u| {
                let label = format!("{}, {}", u.full_name, u.role.label());
                (u.id.to_string(), label, current.contains(&u.id))
            })
            .collect()
    } else {
        Vec::new()
    };
    let of = stages.interview_rounds;
    let mut round_options = Vec::new();
    if let Some(now_in) = latest {
        round_options.push((now_in.to_string(), format!("Move round {now_in}"), true));
        if now_in < of {
            let next = now_in + 1;
            round_options.push((next.to_string(), format!("Schedule round {next}"), false));
        }
    }
    let criteria = usecase::panel::criteria(store, id)
        .await?
        .into_iter()
        .map(|c| (c.as_str(), c.label()))
        .collect();
    Ok(PanelSection {
        decides,
        rounds: views.into_iter().map(|v| round_section(v, of, locale)).collect(),
        people,
        round_options,
        owed_round,
        criteria,
        levels: LEVELS.to_vec(),
        recommendations: Recommendation::ALL
            .into_iter()
            .map(|r| (r.as_str(), r.label()))
            .collect(),
    })
}

/// The interview the scheduling form describes, with its panel and round looked up, or the
/// messages that say why it cannot be scheduled.
pub(super) async fn interview_step(
    state: &AppState,
    errors: &mut FormErrors,
    id: ApplicationId,
    (scheduled_at, location, panel, round): (&str, &str, &[String], &str),
) -> Result<Option<Step>, PageError> {
    let at = parse_datetime_local(
        errors,
        &state.web.locale,
        ("scheduled-at", "Date and time"),
        scheduled_at,
    );
    if location.trim().is_empty() {
        errors.add("location", "Enter where the interview takes place");
    }
    let members: Vec<UserId> = panel.iter().filter_map(|p| p.parse().ok()).collect();
    if members.is_empty() {
        errors.add("interviewers", "Choose at least one interviewer");
    }
    let (Some(at), true) = (at, errors.is_empty()) else {
        return Ok(None);
    };
    let request = InterviewRequest {
        scheduled_at: at,
        location,
        panel: &members,
        round: round.trim().parse().ok(),
    };
    match usecase::panel::interview_step(state.store.as_ref(), id, &request).await {
        Ok(step) => Ok(Some(step)),
        Err(error) => {
            let fields = [
                ("scheduledAt", "scheduled-at", "Date and time"),
                ("location", "location", "Location"),
                ("interviewers", "interviewers", "Interviewers"),
            ];
            *errors = FormErrors::from_use_case(error, &fields)?;
            Ok(None)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScorecardForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    round: String,
    #[serde(default)]
    recommendation: String,
    #[serde(flatten)]
    fields: std::collections::HashMap<String, String>,
}

impl ScorecardForm {
    fn draft(&self) -> ScorecardDraft {
        let ratings = Criterion::ALL
            .into_iter()
            .filter(|c| {
                self.fields.contains_key(&format!("score-{}", c.as_str()))
                    || self.fields.contains_key(&format!("evidence-{}", c.as_str()))
            })
            .map(|c| {
                let field = |prefix: &str| self.fields.get(&format!("{prefix}-{}", c.as_str()));
                let score = field("score").and_then(|s| s.trim().parse().ok());
                (c, score, field("evidence").cloned().unwrap_or_default())
            })
            .collect();
        ScorecardDraft {
            ratings,
            recommendation: Recommendation::parse(&self.recommendation),
        }
    }
}

/// The form field (HTML id) a scorecard problem is about: `ratings.experience.score` is
/// `score-experience`.
fn anchor(field: &str) -> String {
    match field
        .strip_prefix("ratings.")
        .and_then(|rest| rest.split_once('.'))
    {
        Some((criterion, part)) => format!("{part}-{criterion}"),
        None => field.to_owned(),
    }
}

/// Files the reader's scorecard; every problem of it at once.
pub async fn scorecard(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ScorecardForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let here = format!("/staff/applications/{id}");
    let actor = viewer.require_works_here(&here)?;
    let id: ApplicationId = id.parse().map_err(|_| PageError::NotFound)?;
    let round: u8 = form.round.trim().parse().unwrap_or(1);
    let outcome =
        usecase::panel::submit_scorecard(state.store.as_ref(), actor, id, round, &form.draft()).await;
    let mut errors = FormErrors::default();
    match outcome {
        Ok(()) => return Ok(super::see_other(&format!("{here}#panel"))),
        Err(usecase::Error::Problems(problems)) => {
            for problem in problems {
                errors.add(&anchor(problem.field), super::capitalise(&problem.message));
            }
        }
        Err(other) => errors = FormErrors::from_use_case(other, &[("round", "panel", "Scorecard")])?,
    }
    super::review::page(&state, (&viewer, actor), id, errors).await
}

#[derive(Debug)]
struct InterviewRow {
    application: ApplicationId,
    candidate: String,
    job: String,
    title: String,
    when: String,
    card: &'static str,
}

#[derive(Template)]
#[template(path = "staff_interviews.html")]
struct InterviewsPage {
    layout: Layout,
    rows: Vec<InterviewRow>,
}

/// "My interviews": the interviews the reader sits on, soonest first, and whether their card is
/// in.
pub async fn interviews(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let actor = viewer.require_works_here("/staff/interviews")?;
    let locale = &state.web.locale;
    let rows = usecase::panel::my_interviews(state.store.as_ref(), actor)
        .await?
        .into_iter()
        .map(|i| InterviewRow {
            application: i.application_id,
            candidate: i.full_name,
            job: i.job_title,
            title: if i.round > 1 {
                format!("Round {}", i.round)
            } else {
                "Interview".to_owned()
            },
            when: locale.date_time(i.scheduled_at),
            card: match (i.submitted, i.status) {
                (true, _) => "Filed",
                (false, Status::Withdrawn) => "Not needed: the candidate withdrew",
                (false, _) => "To file",
            },
        })
        .collect();
    Ok(render(&InterviewsPage {
        layout: Layout::new(&viewer),
        rows,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_names_its_field_on_the_form() {
        assert_eq!(anchor("ratings.requiredSkills.score"), "score-requiredSkills");
        assert_eq!(anchor("ratings.experience.evidence"), "evidence-experience");
        assert_eq!(anchor("recommendation"), "recommendation");
    }
}
