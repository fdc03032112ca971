//! "Your data" as a page a person can read (and print or save as PDF from the browser): the
//! same records as the JSON download (`/me/export`), from the same use case
//! ([`usecase::privacy::own_data`]), in sentences rather than ids and codes.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use pvara_storage::model::{AuditEntry, ScoreRecord};

use super::candidate::{TimelineEntry, assessment, timeline};
use super::session::Viewer;
use super::{Layout, PageError, render};
use crate::i18n::{self, t};
use crate::state::AppState;
use crate::usecase;

/// One application as its candidate reads it.
struct ApplicationSection {
    job_title: String,
    details: Vec<(String, String)>,
    assessment: Vec<String>,
    resume_text: String,
    cover_letter: Option<String>,
    timeline: Vec<TimelineEntry>,
    notes: Vec<(String, String, String)>,
    equality: Vec<(String, String)>,
}

/// One line of who did what to the person's records.
struct AccessRow {
    at: String,
    who: String,
    what: String,
}

#[derive(Template)]
#[template(path = "my_data.html")]
struct MyDataPage {
    layout: Layout,
    organisation: String,
    account: Vec<(String, String)>,
    applications: Vec<ApplicationSection>,
    access: Vec<AccessRow>,
}

#[derive(Debug, serde::Deserialize)]
pub struct DataQuery {
    /// `html`: the same page as a file to keep.
    #[serde(default)]
    download: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<DataQuery>,
) -> Result<Response, PageError> {
    let actor = viewer.require("/me/data")?;
    let data = usecase::privacy::own_data(state.store.as_ref(), actor).await?;
    let locale = &state.web.locale;
    let yes_no = |b: bool| t(if b { "data-yes" } else { "data-not-yet" });
    let account = vec![
        (t("settings-name"), data.user.full_name.clone()),
        (t("settings-email"), data.user.email.clone()),
        (t("data-created"), locale.date_time(data.user.created_at)),
        (t("data-confirmed"), yes_no(data.user.email_verified)),
        (t("language-switch"), data.user.language.native_name().to_owned()),
    ];
    let mut applications = Vec::with_capacity(data.applications.len());
    for own in data.applications {
        let job_title = super::job_title(&state, own.record.job_id).await?;
        applications.push(section(&state, job_title, own));
    }
    let access = access_rows(&state, &data.audit_trail).await?;
    let page = render(&MyDataPage {
        layout: Layout::new(&viewer),
        organisation: state.web.about.organisation.clone(),
        account,
        applications,
        access,
    });
    if query.download.as_deref() != Some("html") {
        return Ok(page);
    }
    let (mut parts, body) = page.into_parts();
    parts.headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"my-data.html\""),
    );
    Ok(Response::from_parts(parts, body))
}

fn section(
    state: &AppState,
    job_title: String,
    own: usecase::privacy::OwnApplicationData,
) -> ApplicationSection {
    let locale = &state.web.locale;
    let record = &own.record;
    let c = &record.candidate;
    let mut details = vec![
        (t("data-reference"), record.reference.to_string()),
        (t("data-status"), i18n::status(record.status)),
        (t("data-submitted"), locale.date_time(record.submitted_at)),
        (t("field-full-name"), c.full_name.as_str().to_owned()),
        (t("settings-email"), c.email.as_str().to_owned()),
        (
            t("field-phone"),
            c.phone.clone().unwrap_or_else(|| t("check-not-given")),
        ),
        (t("field-skills"), c.skills.join(", ")),
        (t("data-experience"), i18n::years(c.years_experience)),
        (t("field-education"), i18n::education(c.education)),
    ];
    if let Some(file) = &record.cv_file_name {
        details.push((t("data-cv-file"), file.clone()));
    }
    if let Some(score) = &record.score {
        let total = [("score", i18n::Arg::from(u32::from(score.total)))];
        details.push((t("data-score"), i18n::t_with("data-score-out-of", &total)));
    }
    if let Some(version) = &record.consent_version {
        let version = [("version", i18n::Arg::Text(version.clone()))];
        details.push((t("data-consent"), i18n::t_with("privacy-version", &version)));
    }
    let questions = &state.equality;
    let equality = own
        .equality_answers
        .iter()
        .map(|(key, value)| {
            let dimension = questions.dimension(key);
            let question = dimension.map_or_else(|| key.clone(), |d| d.question.clone());
            let answer = dimension
                .and_then(|d| d.categories.iter().find(|c| &c.key == value))
                .map_or_else(|| value.replace('-', " "), |c| c.label.clone());
            (question, answer)
        })
        .collect();
    ApplicationSection {
        job_title,
        assessment: record
            .score
            .as_ref()
            .and_then(ScoreRecord::card)
            .map(|card| assessment(&card))
            .unwrap_or_default(),
        timeline: timeline(record, locale),
        resume_text: c.resume_text.clone(),
        cover_letter: c.cover_letter.clone(),
        notes: own
            .staff_notes
            .into_iter()
            .map(|n| (n.author_name, locale.date_time(n.at), n.body))
            .collect(),
        equality,
        details,
    }
}

/// Who opened or changed the person's records, by name and role rather than by id.
async fn access_rows(state: &AppState, trail: &[AuditEntry]) -> Result<Vec<AccessRow>, PageError> {
    let mut names: HashMap<&str, String> = HashMap::new();
    let mut rows = Vec::with_capacity(trail.len());
    for entry in trail {
        let actor = entry.actor.as_str();
        if !names.contains_key(actor) {
            let who = match actor.parse() {
                Ok(id) => match state.store.user(id).await? {
                    Some(user) => format!("{} ({})", user.full_name, user.role.label().to_lowercase()),
                    None => t("data-former-staff"),
                },
                Err(_) if actor == "operator" => t("data-operator"),
                Err(_) => t("data-service"),
            };
            names.insert(actor, who);
        }
        rows.push(AccessRow {
            at: state.web.locale.date_time(entry.at),
            who: names.get(actor).cloned().unwrap_or_default(),
            what: action_words(&entry.action),
        });
    }
    Ok(rows)
}

/// An audit action as the person it concerns reads it.
fn action_words(action: &str) -> String {
    let id = match action {
        "application.read" => "data-did-read",
        "application.cv.read" => "data-did-cv",
        "application.note" => "data-did-note",
        "application.score_override" => "data-did-score",
        "application.scorecard" => "data-did-scorecard",
        "user.export" => "data-did-export",
        "user.verify_email" => "data-did-verify",
        "user.reset_password" => "data-did-reset",
        "user.change_password" => "data-did-password",
        "user.request_email_change" => "data-did-ask-email",
        "user.change_email" => "data-did-email",
        "user.rename" => "data-did-rename",
        "user.create" => "data-did-create",
        "user.erase" => "data-did-erase",
        _ => "data-did-other",
    };
    t(id)
}
