//! The candidate page of the workspace: details, score breakdown, CV, history and notes, with
//! only the actions the lifecycle allows now.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use pvara_domain::event::MailTemplate;
use pvara_domain::ids::{ApplicationId, JobId};
use pvara_domain::pipeline::Step;
use pvara_domain::status::{Action, Status};
use pvara_storage::model::ApplicationRecord;
use serde::Deserialize;

use super::TagClass as _;
use super::forms::FormErrors;
use super::score::ScoreView;
use super::session::Viewer;
use super::steps::{hire, invitation, offer, offer_withdrawal, rejection};
use super::{Layout, PageError, render};
use crate::front::request::RequestId;
use crate::mail::Locale;
use crate::state::AppState;
use crate::usecase::{self, Actor};

#[derive(Debug)]
pub struct HistoryRow {
    pub status: Status,
    pub at: String,
    pub actor: String,
    pub reason: String,
}

#[derive(Debug)]
pub struct NoteRow {
    pub author: String,
    pub at: String,
    pub body: String,
}

#[derive(Template)]
#[template(path = "staff_application.html")]
struct ApplicationPage {
    layout: Layout,
    errors: FormErrors,
    id: ApplicationId,
    reference: String,
    job_id: JobId,
    job_title: String,
    name: String,
    status: Status,
    score: ScoreView,
    /// Submitted to a job whose automatic scoring is paused.
    awaiting_manual: bool,
    /// Name-blind sifting withholds who the candidate is.
    identity_hidden: bool,
    panel: super::panel::PanelSection,
    details: Vec<(&'static str, String)>,
    has_file: bool,
    resume_text: String,
    cover_letter: String,
    actions: Allowed,
    /// The current step's details in words (the interview's time and place, the offer's terms).
    current_step: Vec<super::offer::StepRow>,
    /// What the forms say their times are in.
    zone: String,
    salary_periods: Vec<(&'static str, &'static str)>,
    /// The interview form's values: the current interview's, to move it (time, place, panel).
    interview_form: (String, String, String),
    history: Vec<HistoryRow>,
    mail: Vec<MailRow>,
    notes: Vec<NoteRow>,
}

/// For a job with national-recruitment rules: "Eligible", or why not, on the closing date.
async fn eligibility(
    state: &AppState,
    job: Option<&pvara_domain::job::Job>,
    record: &pvara_storage::model::ApplicationRecord,
) -> Result<Option<String>, PageError> {
    let Some(job) = job.filter(|j| j.requirements.drive.is_some()) else {
        return Ok(None);
    };
    let declaration = state.store.declaration(record.id).await?;
    let c = &record.candidate;
    let facts = (c.education, c.years_experience);
    let short =
        usecase::merit::shortfalls_on_closing_date(job, declaration.as_ref(), facts, state.web.locale.zone());
    Ok(Some(if short.is_empty() {
        "Eligible".to_owned()
    } else {
        format!(
            "Not eligible. {}",
            pvara_domain::merit::eligibility::in_words(&short)
        )
    }))
}

/// A mail sent about the application, as the page lists it.
#[derive(Debug)]
pub struct MailRow {
    pub template: String,
    pub at: String,
    /// "Delivered", or why the relay refused it.
    pub outcome: String,
    pub failed: bool,
}

/// The current interview's time, place and panel as the form takes them, so that moving an
/// interview starts from what was set; empty before the first.
fn current_interview(record: &ApplicationRecord, locale: &Locale) -> (String, String, String) {
    let current = record
        .history
        .iter()
        .rev()
        .find(|h| h.to == Status::InterviewScheduled && record.status == Status::InterviewScheduled);
    match current.and_then(|h| h.step()) {
        Some(Step::ScheduleInterview(i)) => (
            locale.to_local_input(i.scheduled_at),
            i.location,
            i.interviewers.join(", "),
        ),
        _ => Default::default(),
    }
}

/// A history entry's reason as a person reads it: the scorer's "scored 77 by rules-3/rubric-1"
/// becomes the score and its provenance in words; "submitted" needs no reason beside its status.
fn history_reason(reason: &str) -> String {
    if reason == "submitted" {
        return String::new();
    }
    match reason
        .strip_prefix("scored ")
        .and_then(|rest| rest.split_once(" by "))
    {
        Some((total, version)) => format!("scored {total} out of 100. {}", super::score::provenance(version)),
        None => reason.to_owned(),
    }
}

/// A mail's name as a person reads it, not its template's code name.
fn mail_title(template: &str) -> String {
    let title = match MailTemplate::ALL.into_iter().find(|t| t.as_str() == template) {
        Some(MailTemplate::ApplicationReceived) => "Application received",
        Some(MailTemplate::UnderReview) => "Application under review",
        Some(MailTemplate::TestInvitation) => "Invitation to the online test",
        Some(MailTemplate::Interview) => "Interview invitation",
        Some(MailTemplate::Offer) => "Offer of employment",
        Some(MailTemplate::Rejection) => "Application not successful",
        Some(MailTemplate::Withdrawal) => "Withdrawal confirmed",
        Some(MailTemplate::OfferAccepted) => "Offer acceptance confirmed",
        Some(MailTemplate::OfferDeclined) => "Offer decline confirmed",
        Some(MailTemplate::OfferWithdrawn) => "Offer withdrawn",
        Some(MailTemplate::OfferExpired) => "Offer expired",
        Some(MailTemplate::Hired) => "Appointment confirmed",
        Some(MailTemplate::PanelInvitation) => "Invitation to a member of the interview panel",
        Some(MailTemplate::MeritPublished) => "Results published",
        Some(MailTemplate::RepresentationDecided) => "Decision on a representation",
        None => "Other mail",
    };
    title.to_owned()
}

impl MailRow {
    fn new(d: pvara_storage::model::Delivery, locale: &Locale) -> Self {
        Self {
            template: mail_title(&d.template),
            at: locale.date_time(d.delivered_at),
            failed: d.failure.is_some(),
            outcome: d.failure.map_or_else(
                || "Delivered".to_owned(),
                |reply| format!("Not delivered: {reply}"),
            ),
        }
    }
}

/// The forms shown: only the steps the lifecycle allows now (none for a reader who does not
/// decide on the job).
#[derive(Debug, Default)]
pub struct Allowed {
    pub invite: bool,
    pub interview: bool,
    pub offer: bool,
    pub reject: bool,
    pub withdraw_offer: bool,
    pub hire: bool,
}

impl Allowed {
    fn from(status: Status, stages: pvara_domain::stages::Stages) -> Self {
        let can = |action| stages.apply(status, action).is_some();
        Allowed {
            invite: can(Action::InviteToTest),
            interview: can(Action::ScheduleInterview),
            offer: can(Action::ExtendOffer),
            reject: can(Action::Reject),
            withdraw_offer: can(Action::WithdrawOffer),
            hire: can(Action::Hire),
        }
    }

    pub fn is_empty(&self) -> bool {
        !(self.invite || self.interview || self.offer || self.reject || self.withdraw_offer || self.hire)
    }
}

async fn actor_names(
    state: &AppState,
    record: &ApplicationRecord,
) -> Result<HashMap<String, String>, PageError> {
    let mut names = HashMap::new();
    for entry in &record.history {
        if names.contains_key(&entry.actor) {
            continue;
        }
        let name = match entry.actor.parse() {
            Ok(id) => match state.store.user(id).await? {
                Some(user) if user.id == record.applicant_id => "the candidate".to_owned(),
                Some(user) => user.full_name,
                None => "a deleted user".to_owned(),
            },
            Err(_) => entry.actor.trim_start_matches("system:").to_owned() + " (automatic)",
        };
        names.insert(entry.actor.clone(), name);
    }
    Ok(names)
}

/// The page for `actor`, whom the handler has already checked is staff.
pub(super) async fn page(
    state: &AppState,
    (viewer, actor): (&Viewer, Actor),
    id: ApplicationId,
    errors: FormErrors,
) -> Result<Response, PageError> {
    let usecase::applications::ApplicationDetail {
        record,
        mail,
        identity_hidden,
        job,
        access,
    } = usecase::applications::view(state.store.as_ref(), actor, id).await?;
    let locale = &state.web.locale;
    let mail = mail.into_iter().map(|d| MailRow::new(d, locale)).collect();
    let awaiting_manual =
        record.status == Status::Submitted && job.as_ref().is_some_and(|j| j.requirements.scoring_paused);
    let stages = job.as_ref().map(|j| j.requirements.stages).unwrap_or_default();
    let eligibility = eligibility(state, job.as_ref(), &record).await?;
    let job_title = job.map(|j| j.title).unwrap_or_default();
    let panel = super::panel::section(state, actor, (id, record.status, stages), access).await?;
    // Notes are recruiters' and admins' own: an interviewer's judgement stays their own.
    let notes = if actor.role.is_staff() {
        state.store.notes(id).await?
    } else {
        Vec::new()
    };
    let names = actor_names(state, &record).await?;
    let c = &record.candidate;
    let details = vec![
        (
            "Email",
            if identity_hidden {
                "Withheld until an interview is scheduled".to_owned()
            } else if c.email.as_str() == pvara_storage::model::ERASED_EMAIL {
                "Erased at the candidate's request".to_owned()
            } else {
                c.email.as_str().to_owned()
            },
        ),
        ("Phone", c.phone.clone().unwrap_or_else(|| "Not given".to_owned())),
        ("Skills", c.skills.join(", ")),
        ("Experience", pvara_domain::scoring::years(c.years_experience)),
        ("Education", c.education.label().to_owned()),
        ("Submitted", locale.date_time(record.submitted_at)),
    ];
    let details = details
        .into_iter()
        .chain(eligibility.map(|e| ("Eligibility", e)))
        .collect();
    let history = record
        .history
        .iter()
        .map(|h| HistoryRow {
            status: h.to,
            at: locale.date_time(h.at),
            actor: names.get(&h.actor).cloned().unwrap_or_default(),
            reason: history_reason(&h.reason),
        })
        .collect();
    Ok(render(&ApplicationPage {
        layout: Layout::new(viewer),
        errors,
        id,
        reference: record.reference.to_string(),
        job_id: record.job_id,
        job_title,
        name: c.full_name.as_str().to_owned(),
        status: record.status,
        score: ScoreView::new(&record, &state.web),
        current_step: super::offer::step_details(&record, locale, true),
        zone: format!("In {}", locale.zone_label()),
        salary_periods: vec![("monthly", "Monthly"), ("yearly", "Yearly")],
        interview_form: current_interview(&record, locale),
        awaiting_manual,
        identity_hidden,
        details,
        has_file: record.cv_file_name.is_some(),
        resume_text: c.resume_text.clone(),
        cover_letter: c.cover_letter.clone().unwrap_or_else(|| "None".to_owned()),
        actions: if panel.decides {
            Allowed::from(record.status, stages)
        } else {
            Allowed::default()
        },
        panel,
        history,
        mail,
        notes: notes
            .into_iter()
            .map(|n| NoteRow {
                author: n.author_name,
                at: locale.date_time(n.at),
                body: n.body,
            })
            .collect(),
    }))
}

pub async fn application(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let actor = viewer.require_works_here(&format!("/staff/applications/{id}"))?;
    let id: ApplicationId = id.parse().map_err(|_| PageError::NotFound)?;
    page(&state, (&viewer, actor), id, FormErrors::default()).await
}

pub async fn cv(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let actor = viewer.require_works_here(&format!("/staff/applications/{id}"))?;
    let id: ApplicationId = id.parse().map_err(|_| PageError::NotFound)?;
    let file = usecase::applications::cv_file(state.store.as_ref(), actor, id).await?;
    Ok(crate::front::download::attachment(file))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    test_url: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    scheduled_at: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    interviewers: Vec<String>,
    #[serde(default)]
    round: String,
    #[serde(default)]
    salary: String,
    #[serde(default)]
    start_date: String,
    #[serde(default)]
    salary_period: String,
    #[serde(default)]
    expires_at: String,
    #[serde(default)]
    hire_start_date: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    score: String,
    #[serde(default)]
    override_reason: String,
}

async fn take_step(
    state: &AppState,
    actor: Actor,
    id: ApplicationId,
    step: &Step,
    request_id: Option<&str>,
) -> Result<FormErrors, PageError> {
    match usecase::applications::step(state.store.as_ref(), actor, id, step, request_id).await {
        Ok(_) => Ok(FormErrors::default()),
        Err(error) => {
            // A refusal points at the form's reason box where the step's form has one.
            let fields: &[(&str, &str, &str)] = match step {
                Step::Reject(_) => &[("reason", "reason", "Reason")],
                Step::WithdrawOffer(_) => &[("reason", "offer-reason", "Reason")],
                _ => &[],
            };
            FormErrors::from_use_case(error, fields)
        }
    }
}

/// The score override form: the page's own check of the number, then the use case's rules.
async fn override_score(
    state: &AppState,
    actor: Actor,
    id: ApplicationId,
    (score, reason): (&str, &str),
) -> Result<FormErrors, PageError> {
    let fields = [
        ("score", "override-score", "New score"),
        ("reason", "override-reason", "Reason for the override"),
    ];
    let Ok(score) = score.trim().parse::<i64>() else {
        let mut errors = FormErrors::default();
        errors.add("override-score", "New score must be a whole number from 0 to 100");
        return Ok(errors);
    };
    match usecase::scores::override_score(state.store.as_ref(), actor, id, score, reason).await {
        Ok(_) => Ok(FormErrors::default()),
        Err(error) => FormErrors::from_use_case(error, &fields),
    }
}

pub async fn act(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, action)): Path<(String, String)>,
    RequestId(request_id): RequestId,
    super::date_input::DateForm(form): super::date_input::DateForm<ActionForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let here = format!("/staff/applications/{id}");
    let actor = viewer.require_works_here(&here)?;
    let id: ApplicationId = id.parse().map_err(|_| PageError::NotFound)?;
    let mut errors = FormErrors::default();
    if action == "note" {
        if let Err(error) = usecase::applications::add_note(state.store.as_ref(), actor, id, &form.note).await
        {
            errors = FormErrors::from_use_case(error, &[("note", "note", "Note")])?;
        }
    } else if action == "score-override" {
        errors = override_score(&state, actor, id, (&form.score, &form.override_reason)).await?;
    } else {
        let locale = &state.web.locale;
        let step = match action.as_str() {
            "invite" => invitation(
                &mut errors,
                locale,
                ("test-url", "deadline"),
                (&form.test_url, &form.deadline),
            ),
            "interview" => {
                let fields = (
                    form.scheduled_at.as_str(),
                    form.location.as_str(),
                    form.interviewers.as_slice(),
                    form.round.as_str(),
                );
                super::panel::interview_step(&state, &mut errors, id, fields).await?
            }
            "offer" => offer(
                &mut errors,
                locale,
                (
                    &form.salary,
                    &form.salary_period,
                    &form.start_date,
                    &form.expires_at,
                ),
            ),
            "reject" => rejection(&mut errors, "reason", &form.reason),
            "withdraw-offer" => offer_withdrawal(&mut errors, &form.reason),
            "hire" => hire(&mut errors, &form.hire_start_date),
            _ => return Err(PageError::NotFound),
        };
        if let Some(step) = step {
            errors = take_step(&state, actor, id, &step, request_id.as_deref()).await?;
        }
    }
    if errors.is_empty() {
        return Ok(super::see_other(&here));
    }
    page(&state, (&viewer, actor), id, errors).await
}
