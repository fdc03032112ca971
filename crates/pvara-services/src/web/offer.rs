//! What a candidate acts on at each step, and the offer's answers: the current step's details
//! in words (for the candidate's page and the staff page alike), "what happens next", and the
//! accept and decline pages, each with a confirmation step that works without JavaScript.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use pvara_domain::ids::ApplicationId;
use pvara_domain::pipeline::{OfferAcceptance, OfferDecline, Step};
use pvara_domain::status::Status;
use pvara_storage::model::ApplicationRecord;
use serde::Deserialize;

use super::forms::FormErrors;
use super::session::Viewer;
use super::{Layout, PageError, render};
use crate::front::request::RequestId;
use crate::i18n;
use crate::mail::Locale;
use crate::state::AppState;
use crate::usecase;

/// The current step's details as a person reads them, in the installation's zone and currency;
/// empty when the status has none.
/// The current step's details; the interview panel by name when `named_panel` (staff, and
/// candidates where the installation chooses), by role otherwise.
pub(super) fn step_details(record: &ApplicationRecord, locale: &Locale, named_panel: bool) -> Vec<StepRow> {
    let row = |id: &str, value: String| StepRow {
        label: i18n::t(id),
        value,
        link: false,
    };
    let entry = record.history.iter().rev().find(|h| h.to == record.status);
    match entry.and_then(|e| e.step()) {
        Some(Step::InviteToTest(t)) => vec![
            StepRow {
                link: true,
                ..row("step-test", t.test_url)
            },
            row("step-test-by", locale.date_time(t.deadline)),
        ],
        Some(Step::ScheduleInterview(i)) => {
            let mut rows = vec![
                row("step-interview", locale.date_time(i.scheduled_at)),
                row("step-place", i.location.clone()),
                row("step-panel", crate::i18n::panel_words(&i, named_panel)),
            ];
            if i.round > 1 {
                let round = i18n::t_with("step-round-number", &[("round", u32::from(i.round).into())]);
                rows.insert(0, row("step-round", round));
            }
            rows
        }
        Some(Step::ExtendOffer(o)) => vec![
            row("step-salary", locale.pay(o.salary, o.salary_period)),
            row("step-start", locale.date(o.start_date)),
            row("step-answer-by", locale.date_time(o.expires_at)),
        ],
        Some(Step::Hire(h)) => vec![row("step-first-day", locale.date(h.start_date))],
        _ => match usecase::offers::current(record) {
            // After an answer, the offer's terms still matter to both sides.
            Some(o) if record.status == Status::OfferAccepted => vec![
                row("step-salary", locale.pay(o.salary, o.salary_period)),
                row("step-start", locale.date(o.start_date)),
            ],
            _ => Vec::new(),
        },
    }
}

/// One line of a step's details: what it is, its value, and whether the value is a link to
/// follow (the online test).
#[derive(Debug, Clone)]
pub struct StepRow {
    pub label: String,
    pub value: String,
    pub link: bool,
}

/// What happens next, as the candidate reads it.
pub(super) fn what_next(status: Status) -> String {
    i18n::t(&format!("next-{}", i18n::status_slug(status)))
}

#[derive(Template)]
#[template(path = "offer_answer.html")]
struct AnswerPage {
    layout: Layout,
    errors: FormErrors,
    id: ApplicationId,
    job_title: String,
    accept: bool,
    terms: Vec<StepRow>,
}

async fn answer_page(
    state: &AppState,
    viewer: &Viewer,
    record: &ApplicationRecord,
    (accept, errors): (bool, FormErrors),
) -> Result<Response, PageError> {
    let job_title = super::job_title(state, record.job_id).await?;
    Ok(render(&AnswerPage {
        layout: Layout::new(viewer),
        errors,
        id: record.id,
        job_title,
        accept,
        terms: step_details(record, &state.web.locale, state.web.name_panel),
    }))
}

/// "Are you sure?": the page before an answer is sent. An offer that cannot be answered (any
/// more) goes back to the application page, which says why.
pub async fn confirm(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, answer)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let record = super::candidate::own(&state, &viewer, &id).await?;
    let accept = match answer.as_str() {
        "accept" => true,
        "decline" => false,
        _ => return Err(PageError::NotFound),
    };
    if record.status != Status::OfferExtended {
        return Ok(super::see_other(&format!("/me/applications/{}", record.id)));
    }
    answer_page(&state, &viewer, &record, (accept, FormErrors::default())).await
}

#[derive(Debug, Default, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// Sends the answer; a refusal (expired, already answered) is shown on the same page.
pub async fn answer(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, answer)): Path<(String, String)>,
    RequestId(request_id): RequestId,
    Form(form): Form<AnswerForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let record = super::candidate::own(&state, &viewer, &id).await?;
    let actor = viewer.require("/me/applications")?;
    let (accept, step) = match answer.as_str() {
        "accept" => (true, Ok(Step::AcceptOffer(OfferAcceptance {}))),
        "decline" => (
            false,
            OfferDecline::parse(Some(&form.reason)).map(Step::DeclineOffer),
        ),
        _ => return Err(PageError::NotFound),
    };
    let done = match step {
        Ok(step) => {
            let store = state.store.as_ref();
            usecase::applications::step(store, actor, record.id, &step, request_id.as_deref()).await
        }
        Err(invalid) => Err(invalid.into()),
    };
    match done {
        Ok(_) => Ok(super::see_other(&format!("/me/applications/{}", record.id))),
        Err(error) => {
            // The decline page has a reason box to point at; the accept page has none.
            let fields: &[(&str, &str, &str)] = if accept {
                &[]
            } else {
                &[("reason", "reason", "field-reason")]
            };
            let errors = FormErrors::from_use_case(error, fields)?;
            answer_page(&state, &viewer, &record, (accept, errors)).await
        }
    }
}
