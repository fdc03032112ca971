//! Changing the account's e-mail address: a form that asks for the new address and the
//! password, then a link mailed to the new address whose page moves the account
//! ([`usecase::verification::confirm_new_email`]). As with every mailed link, opening it
//! changes nothing: only its button does.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::email::TokenQuery;
use super::forms::FormErrors;
use super::session::Viewer;
use super::{Layout, PageError, render};
use crate::state::AppState;
use crate::usecase;

const HERE: &str = "/me/account/email";

#[derive(Template)]
#[template(path = "account_change_email.html")]
struct ChangePage {
    layout: Layout,
    errors: FormErrors,
    current: String,
    new_email: String,
}

pub async fn form(viewer: Viewer) -> Result<Response, PageError> {
    viewer.require(HERE)?;
    let current = viewer.user.as_ref().map(|u| u.email.clone()).unwrap_or_default();
    Ok(render(&ChangePage {
        layout: Layout::new(&viewer),
        errors: FormErrors::default(),
        current,
        new_email: String::new(),
    }))
}

#[derive(Debug, Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default, rename = "newEmail")]
    new_email: String,
    #[serde(default, rename = "currentPassword")]
    password: String,
}

const FIELDS: [(&str, &str, &str); 2] = [
    ("newEmail", "new-email", "field-new-email"),
    ("currentPassword", "current-password", "field-current-password"),
];

pub async fn request(
    State(state): State<AppState>,
    viewer: Viewer,
    client: usecase::Client,
    Form(form): Form<ChangeForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let actor = viewer.require(HERE)?;
    let asked = usecase::settings::request_email_change(
        state.store.as_ref(),
        &state.throttle,
        (client, actor),
        (&form.new_email, &form.password),
    )
    .await;
    match asked {
        Ok(()) => Ok(super::see_other("/me/account?changed=email-link")),
        Err(error) => Ok(render(&ChangePage {
            layout: Layout::new(&viewer),
            errors: FormErrors::from_use_case(error, &FIELDS)?,
            current: viewer.user.as_ref().map(|u| u.email.clone()).unwrap_or_default(),
            new_email: form.new_email,
        })),
    }
}

#[derive(Template)]
#[template(path = "confirm_new_email.html")]
struct ConfirmPage {
    layout: Layout,
    errors: FormErrors,
    token: String,
    done: bool,
}

pub async fn confirm_form(viewer: Viewer, Query(query): Query<TokenQuery>) -> Response {
    render(&ConfirmPage {
        layout: Layout::new(&viewer),
        errors: FormErrors::default(),
        token: query.token,
        done: false,
    })
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token: String,
}

pub async fn confirm(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let moved = usecase::verification::confirm_new_email(
        state.store.as_ref(),
        (&state.links, &state.active_users),
        &form.token,
    )
    .await;
    let errors = match moved {
        Ok(_) => FormErrors::default(),
        Err(error) => FormErrors::from_use_case(error, &[("token", "main-content", "field-link")])?,
    };
    Ok(render(&ConfirmPage {
        layout: Layout::new(&viewer),
        done: errors.is_empty(),
        errors,
        token: form.token,
    }))
}
