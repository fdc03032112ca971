//! "Your account": a person's name and password, changed by themselves (the address, which needs
//! proof, is [`super::change_email`]). Each change is a plain
//! form that reports every problem at once and redirects after it succeeds, to the settings page
//! with a banner saying what changed.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::forms::FormErrors;
use super::session::{self, Viewer};
use super::{Layout, PageError, render};
use crate::state::AppState;
use crate::usecase;

#[derive(Template)]
#[template(path = "account_settings.html")]
struct SettingsPage {
    layout: Layout,
    name: String,
    email: String,
    /// What was just changed, for the banner.
    changed: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SettingsQuery {
    #[serde(default)]
    changed: Option<String>,
}

pub async fn page(viewer: Viewer, Query(query): Query<SettingsQuery>) -> Result<Response, PageError> {
    viewer.require("/me/account")?;
    let Some(user) = viewer.user.as_ref() else {
        return Err(PageError::SignIn("/me/account".to_owned()));
    };
    let changed = match query.changed.as_deref() {
        Some("name") => Some(crate::i18n::t("settings-name-changed")),
        Some("password") => Some(crate::i18n::t("settings-password-changed")),
        Some("email-link") => Some(crate::i18n::t("settings-email-sent")),
        _ => None,
    };
    Ok(render(&SettingsPage {
        layout: Layout::new(&viewer),
        name: user.full_name.clone(),
        email: user.email.clone(),
        changed,
    }))
}

#[derive(Template)]
#[template(path = "account_name.html")]
struct NamePage {
    layout: Layout,
    errors: FormErrors,
    full_name: String,
}

pub async fn name_form(viewer: Viewer) -> Result<Response, PageError> {
    viewer.require("/me/account/name")?;
    let full_name = viewer
        .user
        .as_ref()
        .map(|u| u.full_name.clone())
        .unwrap_or_default();
    Ok(render(&NamePage {
        layout: Layout::new(&viewer),
        errors: FormErrors::default(),
        full_name,
    }))
}

#[derive(Debug, Deserialize)]
pub struct NameForm {
    #[serde(default)]
    csrf: String,
    #[serde(default, rename = "fullName")]
    full_name: String,
}

pub async fn rename(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<NameForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let actor = viewer.require("/me/account/name")?;
    match usecase::settings::rename(state.store.as_ref(), actor, &form.full_name).await {
        Ok(()) => Ok(super::see_other("/me/account?changed=name")),
        Err(error) => Ok(render(&NamePage {
            layout: Layout::new(&viewer),
            errors: FormErrors::from_use_case(error, &[("fullName", "full-name", "field-full-name")])?,
            full_name: form.full_name,
        })),
    }
}

#[derive(Template)]
#[template(path = "account_password.html")]
struct PasswordPage {
    layout: Layout,
    errors: FormErrors,
}

pub async fn password_form(viewer: Viewer) -> Result<Response, PageError> {
    viewer.require("/me/account/password")?;
    Ok(render(&PasswordPage {
        layout: Layout::new(&viewer),
        errors: FormErrors::default(),
    }))
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default, rename = "currentPassword")]
    current: String,
    #[serde(default, rename = "newPassword")]
    new: String,
}

const PASSWORD_FIELDS: [(&str, &str, &str); 2] = [
    ("currentPassword", "current-password", "field-current-password"),
    ("newPassword", "new-password", "field-new-password"),
];

/// Every session of the account ends with the change; the person who made it is signed in
/// again at once, so only the others are signed out.
pub async fn change_password(
    State(state): State<AppState>,
    viewer: Viewer,
    client: usecase::Client,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let actor = viewer.require("/me/account/password")?;
    let changed = usecase::settings::change_password(
        state.store.as_ref(),
        (&state.throttle, &state.active_users),
        (client, actor),
        (&form.current, &form.new),
    )
    .await;
    match changed {
        Ok(()) => {
            let cookie = session::start(&state, actor.id).await?;
            Ok((
                [(header::SET_COOKIE, cookie)],
                super::see_other("/me/account?changed=password"),
            )
                .into_response())
        }
        Err(error) => Ok(render(&PasswordPage {
            layout: Layout::new(&viewer),
            errors: FormErrors::from_use_case(error, &PASSWORD_FIELDS)?,
        })),
    }
}
