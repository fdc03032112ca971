//! The privacy notice applicants accept when they apply; its version is recorded with each
//! application ([`crate::usecase::privacy::NOTICE_VERSION`]).

use askama::Template;
use axum::response::Response;

use super::session::Viewer;
use super::{Layout, render};

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    layout: Layout,
    version: &'static str,
}

pub async fn notice(viewer: Viewer) -> Response {
    render(&PrivacyPage {
        layout: Layout::new(&viewer),
        version: crate::usecase::privacy::NOTICE_VERSION,
    })
}
