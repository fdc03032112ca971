//! The language switch on every page: `/language/ur?back=/jobs` keeps the choice in a cookie
//! (and on the account, for a person signed in, so that their mail follows it), then goes back
//! to the page it was chosen on. A plain link, as GOV.UK's language toggles are: it works
//! without JavaScript and changes nothing but the language.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::session::{self, Viewer};
use super::{PageError, local_path, see_other};
use crate::i18n::Language;
use crate::state::AppState;
use crate::usecase;

#[derive(Debug, Deserialize)]
pub struct Back {
    #[serde(default)]
    back: Option<String>,
}

pub async fn switch(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    Query(query): Query<Back>,
) -> Result<Response, PageError> {
    let language = Language::ALL
        .into_iter()
        .find(|l| l.code() == code)
        .ok_or(PageError::NotFound)?;
    if let Some(actor) = viewer.actor() {
        usecase::settings::set_language(state.store.as_ref(), actor, language).await?;
    }
    let cookie = session::language_cookie(&state, language)?;
    let back = local_path(query.back.as_deref()).unwrap_or_else(|| "/".to_owned());
    Ok(([(header::SET_COOKIE, cookie)], see_other(&back)).into_response())
}
