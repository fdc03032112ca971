//! The pages every public service has about itself: the privacy notice applicants accept when
//! they apply (its version is recorded with each application,
//! [`crate::usecase::privacy::NOTICE_VERSION`]), the accessibility statement, how to get help
//! and the cookies. Who runs the service and how to reach them come from the installation's
//! configuration ([`crate::state::About`]), so no deployment ships "example" contact details.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::session::{CSRF_COOKIE, SESSION_COOKIE, Viewer};
use super::{Layout, render};
use crate::state::{About, AppState};

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage<'a> {
    layout: Layout,
    version: &'static str,
    about: &'a About,
}

pub async fn privacy(State(state): State<AppState>, viewer: Viewer) -> Response {
    render(&PrivacyPage {
        layout: Layout::new(&viewer),
        version: crate::usecase::privacy::NOTICE_VERSION,
        about: &state.web.about,
    })
}

#[derive(Template)]
#[template(path = "accessibility.html")]
struct AccessibilityPage<'a> {
    layout: Layout,
    about: &'a About,
}

pub async fn accessibility(State(state): State<AppState>, viewer: Viewer) -> Response {
    render(&AccessibilityPage {
        layout: Layout::new(&viewer),
        about: &state.web.about,
    })
}

#[derive(Template)]
#[template(path = "contact.html")]
struct ContactPage<'a> {
    layout: Layout,
    about: &'a About,
}

pub async fn contact(State(state): State<AppState>, viewer: Viewer) -> Response {
    render(&ContactPage {
        layout: Layout::new(&viewer),
        about: &state.web.about,
    })
}

#[derive(Template)]
#[template(path = "cookies.html")]
struct CookiesPage {
    layout: Layout,
    session: &'static str,
    csrf: &'static str,
    language: &'static str,
    /// How long a sign-in lasts, in words.
    session_length: String,
}

pub async fn cookies(State(state): State<AppState>, viewer: Viewer) -> Response {
    let minutes = state.tokens.ttl().num_minutes();
    let count = |n: i64| [("count", crate::i18n::Arg::from(n.unsigned_abs()))];
    let session_length = match minutes {
        m if m % 60 == 0 => crate::i18n::t_with("mail-hours", &count(m / 60)),
        m => crate::i18n::t_with("mail-minutes", &count(m)),
    };
    render(&CookiesPage {
        layout: Layout::new(&viewer),
        session: SESSION_COOKIE,
        csrf: CSRF_COOKIE,
        language: crate::i18n::COOKIE,
        session_length,
    })
}
