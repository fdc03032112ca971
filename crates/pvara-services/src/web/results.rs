//! Published results: a candidate's own (marks, position, outcome and their one
//! representation, on their application's page), and the public results page by reference,
//! with the fingerprint anyone can check.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use pvara_domain::ids::{ApplicationId, JobId};
use pvara_domain::reference::Reference;
use serde::Deserialize;

use super::forms::FormErrors;
use super::session::Viewer;
use super::{Layout, PageError, render};
use crate::i18n::{self, Arg};
use crate::state::AppState;
use crate::usecase::{self, Actor};

/// Lines of the public results per page.
const PER_PAGE: usize = 500;

/// A candidate's result as their application's page shows it.
#[derive(Debug)]
pub struct OwnResult {
    pub job_id: JobId,
    pub published: String,
    pub rows: Vec<(String, String)>,
    /// Open for a representation, until when.
    pub can_represent: Option<String>,
    pub representations: Vec<String>,
}

/// The applicant's result, once a list with them is published.
pub async fn own_result(
    state: &AppState,
    actor: Actor,
    application: ApplicationId,
) -> Result<Option<OwnResult>, PageError> {
    let store = state.store.as_ref();
    let Some(result) = usecase::merit::lists::own_result(store, actor, application).await? else {
        return Ok(None);
    };
    let locale = &state.web.locale;
    let published_at = result.head.approved.map_or(result.head.prepared_at, |(_, at)| at);
    let published = i18n::t_with(
        "result-published",
        &[
            ("date", Arg::Text(locale.date_time(published_at))),
            ("version", Arg::Number(f64::from(result.head.version))),
        ],
    );
    let e = &result.entry;
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "–".to_owned());
    let rows = vec![
        (i18n::t("result-test"), or_dash(e.test.map(|m| m.to_string()))),
        (
            i18n::t("result-interview"),
            or_dash(e.interview.map(|m| m.to_string())),
        ),
        (
            i18n::t("result-total"),
            or_dash(e.total.map(|t| format!("{:.2}", f64::from(t)))),
        ),
        (
            i18n::t("result-position"),
            or_dash(e.position.map(|p| p.to_string())),
        ),
        (i18n::t("result-outcome"), i18n::merit_outcome(&e.outcome)),
    ];
    let filed = usecase::merit::representations::of_application(store, actor, application).await?;
    let open = crate::now() <= result.representations_until
        && !filed.iter().any(|r| r.list_version == result.head.version);
    let representations = filed
        .iter()
        .flat_map(|r| {
            let when = Arg::Text(locale.date_time(r.filed_at));
            let said = i18n::t_with(
                "representation-filed",
                &[("date", when), ("text", Arg::Text(r.text.clone()))],
            );
            let decided = match &r.decision {
                None => i18n::t("representation-waiting"),
                Some(d) => {
                    let id = if d.upheld {
                        "representation-upheld"
                    } else {
                        "representation-not-upheld"
                    };
                    let args = [
                        ("date", Arg::Text(locale.date_time(d.at))),
                        ("reason", Arg::Text(d.reason.clone())),
                    ];
                    i18n::t_with(id, &args)
                }
            };
            [said, decided]
        })
        .collect();
    Ok(Some(OwnResult {
        job_id: result.head.job,
        published,
        rows,
        can_represent: open.then(|| locale.date_time(result.representations_until)),
        representations,
    }))
}

#[derive(Template)]
#[template(path = "representation.html")]
struct RepresentationPage {
    layout: Layout,
    errors: FormErrors,
    id: ApplicationId,
    job_title: String,
    text: String,
}

pub async fn representation_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let record = super::candidate::own(&state, &viewer, &id).await?;
    let job_title = super::job_title(&state, record.job_id).await?;
    Ok(render(&RepresentationPage {
        layout: Layout::new(&viewer),
        errors: FormErrors::default(),
        id: record.id,
        job_title,
        text: String::new(),
    }))
}

#[derive(Debug, Default, Deserialize)]
pub struct RepresentationForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
}

pub async fn represent(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<RepresentationForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let record = super::candidate::own(&state, &viewer, &id).await?;
    let actor = viewer.require(&format!("/me/applications/{id}/representation"))?;
    match usecase::merit::representations::file(state.store.as_ref(), actor, record.id, &form.text).await {
        Ok(_) => Ok(super::see_other(&format!(
            "/me/applications/{}#result",
            record.id
        ))),
        Err(error) => {
            let errors = FormErrors::from_use_case(error, &[("text", "text", "field-representation")])?;
            Ok(render(&RepresentationPage {
                layout: Layout::new(&viewer),
                errors,
                id: record.id,
                job_title: super::job_title(&state, record.job_id).await?,
                text: form.text,
            }))
        }
    }
}

/// One line of the public results.
#[derive(Debug)]
pub struct PublicRow {
    pub reference: String,
    pub position: String,
    pub outcome: String,
}

#[derive(Template)]
#[template(path = "results.html")]
struct ResultsPage {
    layout: Layout,
    job_id: JobId,
    job_title: String,
    intro: String,
    fingerprint: String,
    searched: String,
    rows: Vec<PublicRow>,
    page: usize,
    pages: usize,
}

#[derive(Debug, Default, Deserialize)]
pub struct ResultsQuery {
    #[serde(default)]
    reference: String,
    page: Option<usize>,
}

/// The public results of a job, by reference only, a page at a time or one reference found.
pub async fn public(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(query): Query<ResultsQuery>,
) -> Result<Response, PageError> {
    let job = super::find_job(&state, &id).await?;
    let results =
        usecase::merit::lists::public_results(state.store.as_ref(), &state.published, job.id).await?;
    let Some(results) = results else {
        let intro = i18n::t("results-none");
        let page = ResultsPage {
            layout: Layout::new(&viewer),
            job_id: job.id,
            job_title: job.title,
            intro,
            fingerprint: String::new(),
            searched: query.reference,
            rows: Vec::new(),
            page: 1,
            pages: 0,
        };
        return Ok(render(&page));
    };
    let wanted = Reference::parse(&query.reference).ok();
    let lines: Vec<&usecase::merit::lists::PublicLine> = results
        .lines
        .iter()
        .filter(|l| wanted.as_ref().is_none_or(|w| *w == l.reference))
        .collect();
    let pages = lines.len().div_ceil(PER_PAGE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let rows = lines
        .iter()
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(|l| PublicRow {
            reference: l.reference.to_string(),
            position: l.position.map_or_else(|| "–".to_owned(), |p| p.to_string()),
            outcome: i18n::merit_outcome(&l.outcome),
        })
        .collect();
    let intro = i18n::t_with(
        "results-intro",
        &[
            ("version", Arg::Number(f64::from(results.version))),
            (
                "date",
                Arg::Text(state.web.locale.date_time(results.published_at)),
            ),
        ],
    );
    Ok(render(&ResultsPage {
        layout: Layout::new(&viewer),
        job_id: job.id,
        job_title: results.job_title.clone(),
        intro,
        fingerprint: results.fingerprint.clone(),
        searched: query.reference,
        rows,
        page,
        pages,
    }))
}

/// The canonical text of the published list, whose SHA-256 is the fingerprint.
pub async fn canonical(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, PageError> {
    let job = super::find_job(&state, &id).await?;
    let results = usecase::merit::lists::public_results(state.store.as_ref(), &state.published, job.id)
        .await?
        .ok_or(PageError::NotFound)?;
    let name = format!(
        "attachment; filename=\"results-{}-v{}.csv\"",
        job.id, results.version
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        results.canonical.clone(),
    )
        .into_response())
}
