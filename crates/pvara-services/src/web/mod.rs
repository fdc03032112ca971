//! The web portal: server-rendered pages for candidates (`/`, `/jobs`, `/me`) and staff
//! (`/staff`, `/admin`), on the same port as the JSON API and calling the same use cases.
//!
//! Templates are askama files under `templates/`, checked at compile time. Every core flow is a
//! plain HTML form that works without JavaScript; htmx only refreshes an application's status
//! while it is being scored. The look is GOV.UK Frontend (vendored, see `assets/vendor`), with
//! pvara's own name and the system font.
//!
//! # Layout
//! - [`session`]: session cookies, CSRF tokens and the [`session::Viewer`] extractor.
//! - [`assets`]: embedded CSS and JavaScript under content-hashed names.
//! - [`account`]: registration, sign-in and sign-out.
//! - [`email`]: the mailed links: confirming an address, resetting a password.
//! - `language`: the language switch on every page (English, Urdu).
//! - [`candidate`]: the job board and the candidate's own applications.
//! - [`apply`]: the application form, with the voluntary equality questions.
//! - [`change_email`]: moving an account to a new address, proven by a mailed link.
//! - [`check_answers`]: "Check your answers", then sending the application.
//! - `settings`: a person's own name and password.
//! - `my_data`: everything held about a person as a page to read, print or keep.
//! - [`about`]: the privacy notice applicants accept, the accessibility statement, help and
//!   contact, cookies: filled from the installation's configuration.
//! - [`staff`]: jobs with counts, and the ranked pipeline with bulk actions.
//! - [`review`]: the workspace's candidate page and the actions on it.
//! - `panel`: interview panels and rounds on that page, scorecards, and "My interviews".
//! - [`rubric`]: what the score weighs, on the job form and the job's own rubric page.
//! - [`reports`]: a job's funnel, adverse-impact and scorer reports.
//! - [`date_input`]: dates as day, month and year boxes (GOV.UK's date input).
//! - `confirm`: "Are you sure?" before what cannot be undone.
//! - `steps`: form fields to pipeline steps, shared by the candidate page and bulk actions.
//! - [`admin`]: staff accounts and the system's health.
//! - [`api_docs`]: the API reference page, rendered from the OpenAPI document.

pub mod about;
pub mod account;
pub mod admin;
pub mod api_docs;
pub mod apply;
pub mod assets;
pub mod candidate;
pub mod change_email;
pub mod check_answers;
mod confirm;
pub mod date_input;
mod declaration;
mod drive;
mod drive_rules;
pub mod email;
pub mod forms;
mod job_edit;
mod language;
mod merit_list;
mod my_data;
mod offer;
mod panel;
pub mod reports;
mod results;
pub mod review;
pub mod rubric;
pub mod score;
pub mod session;
mod settings;
pub mod staff;
mod steps;

use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use pvara_domain::user::Role;
use pvara_storage::StoreError;

use crate::i18n::{self, Language};
use crate::state::AppState;
use crate::usecase;
use session::Viewer;

/// What the shared page frame needs.
#[derive(Debug, Clone)]
pub struct Layout {
    pub css: String,
    pub app_css: String,
    pub htmx: String,
    pub app_js: String,
    /// GOV.UK Frontend's components, imported by `app.js`.
    pub govuk_js: String,
    pub icon: String,
    pub user_name: Option<String>,
    pub is_staff: bool,
    /// Signs in to the staff pages: staff, hiring managers, interviewers.
    pub works_here: bool,
    /// Sees the workspace's jobs: staff and hiring managers.
    pub sees_jobs: bool,
    pub is_admin: bool,
    pub csrf: String,
    /// The path and query of this page, for forms that come back to it.
    pub here: String,
    /// How many seconds the viewer's session has left: the timeout warning's clock. Seconds
    /// left, not an instant, so that a computer whose clock is wrong is still warned in time.
    pub session_left: Option<i64>,
    /// The language of the page, and the links to read it in the others.
    pub lang: Language,
    pub languages: Vec<LanguageLink>,
}

/// One entry of the language switch on every page.
#[derive(Debug, Clone)]
pub struct LanguageLink {
    pub code: &'static str,
    pub name: &'static str,
    pub href: String,
    pub current: bool,
}

fn language_links(here: &str) -> Vec<LanguageLink> {
    let current = i18n::current();
    Language::ALL
        .into_iter()
        .map(|language| LanguageLink {
            code: language.code(),
            name: language.native_name(),
            href: format!("/language/{}?back={}", language.code(), urlencode(here)),
            current: language == current,
        })
        .collect()
}

impl Layout {
    pub fn new(viewer: &Viewer) -> Self {
        let role = viewer.role();
        Layout {
            user_name: viewer.user.as_ref().map(|u| u.full_name.clone()),
            is_staff: role.is_some_and(Role::is_staff),
            works_here: role.is_some_and(Role::works_here),
            sees_jobs: role.is_some_and(|r| r.is_staff() || r == Role::HiringManager),
            is_admin: role == Some(Role::Admin),
            csrf: viewer.csrf.clone(),
            languages: language_links(&viewer.here),
            here: viewer.here.clone(),
            session_left: viewer
                .session_expires
                .map(|at| (at - crate::now()).num_seconds().max(0)),
            ..Layout::anonymous()
        }
    }

    /// The message `id` in the page's language.
    pub fn t(&self, id: &str) -> String {
        i18n::text(self.lang, id, &[])
    }

    /// The message `id` with one variable.
    pub fn t1(&self, id: &str, name: &str, value: impl std::fmt::Display) -> String {
        i18n::text(self.lang, id, &[(name, i18n::Arg::Text(value.to_string()))])
    }

    /// The message `id` with a count, which chooses its plural form.
    pub fn tn(&self, id: &str, name: &str, count: impl std::borrow::Borrow<usize>) -> String {
        i18n::text(self.lang, id, &[(name, i18n::Arg::from(*count.borrow()))])
    }

    /// An application's status, as the reader says it.
    pub fn status(&self, status: impl std::borrow::Borrow<pvara_domain::status::Status>) -> String {
        i18n::status(*status.borrow())
    }

    /// The frame of a page that shows no one as signed in (errors, the API reference).
    pub(crate) fn anonymous() -> Self {
        Layout {
            css: assets::url("govuk-frontend.min.css"),
            app_css: assets::url("app.css"),
            htmx: assets::url("htmx.min.js"),
            app_js: assets::url("app.js"),
            govuk_js: assets::url("govuk-frontend.min.js"),
            icon: assets::url("favicon.svg"),
            user_name: None,
            is_staff: false,
            works_here: false,
            sees_jobs: false,
            is_admin: false,
            csrf: String::new(),
            here: "/".to_owned(),
            session_left: None,
            lang: i18n::current(),
            languages: language_links("/"),
        }
    }
}

/// Renders a template; a template error is a bug, logged and answered 500.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => PageError::Internal(error.to_string()).into_response(),
    }
}

/// A page that cannot be shown as asked.
#[derive(Debug)]
pub enum PageError {
    NotFound,
    Forbidden,
    /// Not signed in: go to the sign-in page, then back here.
    SignIn(String),
    /// A form without this viewer's CSRF token.
    Csrf,
    /// A use case refused what was asked, for a reason the person can act on (a change by
    /// someone else meanwhile, too many attempts): the status, and the reason in words.
    Refused(StatusCode, String),
    Unavailable(String),
    Internal(String),
}

impl PageError {
    pub fn from_store(error: StoreError) -> Self {
        usecase::Error::from(error).into()
    }
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> Self {
        PageError::from_store(error)
    }
}

impl From<crate::auth::Forbidden> for PageError {
    fn from(_: crate::auth::Forbidden) -> Self {
        PageError::Forbidden
    }
}

impl From<usecase::Error> for PageError {
    /// By the error's one classification ([`usecase::Kind`]), as the API does.
    fn from(error: usecase::Error) -> Self {
        use usecase::Kind;
        match error.kind() {
            Kind::NotFound => PageError::NotFound,
            Kind::Forbidden => PageError::Forbidden,
            Kind::Conflict => PageError::Refused(StatusCode::CONFLICT, error.public_message()),
            Kind::Invalid | Kind::Unprocessable => {
                PageError::Refused(StatusCode::UNPROCESSABLE_ENTITY, error.public_message())
            }
            Kind::Unverified => PageError::Refused(StatusCode::FORBIDDEN, error.public_message()),
            Kind::Throttled => PageError::Refused(StatusCode::TOO_MANY_REQUESTS, error.public_message()),
            Kind::Unavailable if error.retry_after().is_some() => {
                PageError::Refused(StatusCode::SERVICE_UNAVAILABLE, error.public_message())
            }
            Kind::Unavailable => PageError::Unavailable(crate::ErrorChain(&error).to_string()),
            Kind::Internal => PageError::Internal(crate::ErrorChain(&error).to_string()),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: String,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, heading, message) = match self {
            PageError::SignIn(next) => {
                return see_other(&format!("/login?next={}", urlencode(&next)));
            }
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                "error-not-found",
                i18n::t("error-not-found-text"),
            ),
            PageError::Forbidden => (
                StatusCode::FORBIDDEN,
                "error-forbidden",
                i18n::t("error-forbidden-text"),
            ),
            PageError::Csrf => (StatusCode::FORBIDDEN, "error-csrf", i18n::t("error-csrf-text")),
            PageError::Refused(status, message) => {
                (status, "error-refused", capitalise(&i18n::rule(&message)))
            }
            PageError::Unavailable(detail) => {
                tracing::warn!(error = %detail, "page: database unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "error-unavailable",
                    i18n::t("error-unavailable-text"),
                )
            }
            PageError::Internal(detail) => {
                tracing::error!(error = %detail, "page: internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "error-internal",
                    i18n::t("error-internal-text"),
                )
            }
        };
        let heading = i18n::t(heading);
        let page = ErrorPage {
            layout: Layout::anonymous(),
            heading: heading.clone(),
            message,
        };
        let html = page.render().unwrap_or(heading);
        (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The job named in a path, or the not-found page.
pub(crate) async fn find_job(state: &AppState, id: &str) -> Result<pvara_domain::job::Job, PageError> {
    let id: pvara_domain::ids::JobId = id.parse().map_err(|_| PageError::NotFound)?;
    state.store.job(id).await?.ok_or(PageError::NotFound)
}

/// The colour of a status tag (GOV.UK Frontend's modifier), by where the application is going:
/// Withdrawn and Rejected are not the same blue as Under Review. The templates call it on a
/// status: `status.tag_class()`.
pub trait TagClass {
    fn tag_class(&self) -> &'static str;
}

impl TagClass for pvara_domain::status::Status {
    fn tag_class(&self) -> &'static str {
        use pvara_domain::status::Tone;
        match self.tone() {
            Tone::Moving => "govuk-tag--blue",
            Tone::Good => "govuk-tag--green",
            Tone::Ended => "govuk-tag--grey",
        }
    }
}

pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// A place to go back to after signing in: a path on this site only. Control characters are
/// removed first (browsers drop tabs and line breaks from a URL, so `/<tab>/host` would be
/// followed as `//host`, another site), and what is left must start with exactly one `/`.
pub fn local_path(next: Option<&str>) -> Option<String> {
    let cleaned: String = next?.chars().filter(|c| !c.is_control()).collect();
    let cleaned = cleaned.trim_matches(' ');
    let local = cleaned.starts_with('/') && !cleaned.starts_with("//") && !cleaned.contains('\\');
    local.then(|| cleaned.to_owned())
}

/// A 303 to `target`, a path on this site. Never panics: a target that is not a valid header
/// value (it cannot be, after [`local_path`] and [`urlencode`]) goes to the home page instead.
/// A job's title for a page about one of its applications; a job that is gone is said so.
pub(crate) async fn job_title(state: &AppState, job: pvara_domain::ids::JobId) -> Result<String, PageError> {
    Ok(state
        .store
        .job(job)
        .await?
        .map_or_else(|| i18n::t("job-gone"), |j| j.title))
}

pub fn see_other(target: &str) -> Response {
    let location = axum::http::HeaderValue::try_from(target)
        .unwrap_or_else(|_| axum::http::HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(candidate::jobs))
        .route("/jobs", get(candidate::jobs))
        .route("/jobs/{id}", get(candidate::job))
        .route(
            "/jobs/{id}/apply",
            get(apply::apply_form)
                .post(apply::apply)
                .layer(DefaultBodyLimit::max(crate::front::upload::LIMIT_BYTES)),
        )
        .route(
            "/jobs/{id}/apply/check",
            get(check_answers::page).post(check_answers::send),
        )
        .route("/language/{code}", get(language::switch))
        .route("/register", get(account::register_form).post(account::register))
        .route("/register/check-email", get(account::register_sent))
        .route("/login", get(account::login_form).post(account::login))
        .route("/logout", post(account::logout))
        .route("/session/renew", post(account::renew))
        .route("/account/email", get(email::account_email).post(email::resend))
        .route("/verify-email", get(email::verify_form).post(email::verify))
        .route(
            "/password-reset",
            get(email::reset_request_form).post(email::reset_request),
        )
        .route("/reset-password", get(email::reset_form).post(email::reset))
        .route("/privacy", get(about::privacy))
        .route("/accessibility", get(about::accessibility))
        .route("/contact", get(about::contact))
        .route("/cookies", get(about::cookies))
        .route("/me/applications", get(candidate::my_applications))
        .route("/me/export", get(candidate::export))
        .route("/me/data", get(my_data::page))
        .route("/me/account", get(settings::page))
        .route(
            "/me/account/name",
            get(settings::name_form).post(settings::rename),
        )
        .route(
            "/me/account/password",
            get(settings::password_form).post(settings::change_password),
        )
        .route(
            "/me/account/email",
            get(change_email::form).post(change_email::request),
        )
        .route(
            "/confirm-new-email",
            get(change_email::confirm_form).post(change_email::confirm),
        )
        .route("/me/erase", get(confirm::erase).post(candidate::erase))
        .route("/account-deleted", get(confirm::deleted))
        .route("/me/applications/{id}", get(candidate::my_application))
        .route("/me/applications/{id}/status", get(candidate::status_fragment))
        .route(
            "/me/applications/{id}/representation",
            get(results::representation_form).post(results::represent),
        )
        .route("/jobs/{id}/results", get(results::public))
        .route("/jobs/{id}/results.csv", get(results::canonical))
        .route("/me/applications/{id}/applied", get(apply::applied))
        .route(
            "/me/applications/{id}/withdraw",
            get(confirm::withdraw).post(candidate::withdraw),
        )
        .route(
            "/me/applications/{id}/offer/{answer}",
            get(offer::confirm).post(offer::answer),
        )
        .route("/staff/jobs", get(staff::jobs).post(staff::create_job))
        .route("/staff/find", get(staff::find))
        .route("/staff/jobs/new", get(staff::new_job))
        .route("/staff/jobs/{id}", get(staff::pipeline))
        .route(
            "/staff/jobs/{id}/close",
            get(confirm::close_job).post(staff::close_job),
        )
        .route("/staff/jobs/{id}/edit", get(job_edit::show).post(job_edit::save))
        .route("/staff/jobs/{id}/copy", post(job_edit::copy))
        .route("/staff/jobs/{id}/scoring", post(staff::scoring))
        .route("/staff/jobs/{id}/rubric", get(rubric::show).post(rubric::change))
        .route("/staff/jobs/{id}/drive", get(drive::show))
        .route(
            "/staff/jobs/{id}/drive/rules",
            get(drive_rules::show).post(drive_rules::save),
        )
        .route(
            "/staff/jobs/{id}/drive/marks",
            post(drive::import_marks).layer(DefaultBodyLimit::max(crate::usecase::merit::marks::LIMIT_BYTES)),
        )
        .route(
            "/staff/jobs/{id}/drive/reject-not-eligible",
            post(drive::reject_not_eligible),
        )
        .route(
            "/staff/jobs/{id}/drive/marks-from-scorecards",
            post(drive::marks_from_scorecards),
        )
        .route("/staff/jobs/{id}/drive/lists", post(drive::prepare))
        .route("/staff/jobs/{id}/drive/lists/{version}", get(merit_list::show))
        .route(
            "/staff/jobs/{id}/drive/lists/{version}/approval",
            post(merit_list::approve),
        )
        .route(
            "/staff/jobs/{id}/drive/lists/{version}/canonical.csv",
            get(merit_list::canonical),
        )
        .route("/staff/representations/{id}/decision", post(drive::decide))
        .route("/staff/jobs/{id}/reports", get(reports::show))
        .route("/staff/jobs/{id}/reports/impact.csv", get(reports::impact_csv))
        .route("/staff/jobs/{id}/bulk", post(staff::bulk))
        .route("/staff/applications/{id}", get(review::application))
        .route("/staff/applications/{id}/cv", get(review::cv))
        .route("/staff/applications/{id}/scorecard", post(panel::scorecard))
        .route("/staff/applications/{id}/{action}", post(review::act))
        .route("/staff/interviews", get(panel::interviews))
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route(
            "/admin/users/{id}/deactivate",
            get(confirm::deactivate).post(admin::deactivate),
        )
        .route("/admin/system", get(admin::system))
        .route("/admin/system/replay", post(admin::replay))
        .route("/assets/{file}", get(assets::serve))
        .route("/favicon.ico", get(assets::favicon))
        .layer(axum::middleware::from_fn_with_state(
            state,
            session::ensure_csrf_cookie,
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_path_of_this_site_is_a_place_to_go_back_to() {
        for fine in ["/jobs", "/jobs/1/apply?x=1", "/%2F%2Fhost"] {
            assert_eq!(local_path(Some(fine)).as_deref(), Some(fine), "{fine}");
        }
        for hostile in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            " //evil.example",
            "/\\evil.example",
            "https://evil.example",
            "evil.example",
            "",
        ] {
            assert_eq!(local_path(Some(hostile)), None, "{hostile:?}");
        }
        assert_eq!(
            local_path(Some("/jobs\r\nSet-Cookie: x=1")).as_deref(),
            Some("/jobsSet-Cookie: x=1")
        );
    }

    #[test]
    fn a_redirect_never_panics() {
        let answer = see_other("/a\r\nSet-Cookie: x=1");
        assert_eq!(answer.status(), StatusCode::SEE_OTHER);
        assert_eq!(answer.headers()[header::LOCATION], "/");
    }
}
