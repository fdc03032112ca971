//! The mailed links on the pages: confirming an address and resetting a password.
//!
//! A link opens a page with a button, and only the button's POST spends the token: mail
//! scanners that fetch every link in a message must not use it up.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::forms::{CsrfForm, FormErrors};
use super::session::Viewer;
use super::{Layout, PageError, local_path, render};
use crate::state::AppState;
use crate::usecase;
use crate::usecase::verification;

#[derive(Template)]
#[template(path = "account_email.html")]
struct AccountEmailPage {
    layout: Layout,
    email: String,
    verified: bool,
    sent: bool,
    next: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct AccountEmailQuery {
    next: Option<String>,
    sent: Option<String>,
}

/// Where a new applicant lands after registering: whether their address is confirmed, and a
/// button for a new link.
pub async fn account_email(
    viewer: Viewer,
    Query(query): Query<AccountEmailQuery>,
) -> Result<Response, PageError> {
    viewer.require("/account/email")?;
    let user = viewer.user.as_ref().ok_or(PageError::Forbidden)?;
    Ok(render(&AccountEmailPage {
        layout: Layout::new(&viewer),
        email: user.email.clone(),
        verified: user.email_verified,
        sent: query.sent.is_some(),
        next: local_path(query.next.as_deref()).unwrap_or_else(|| "/jobs".to_owned()),
    }))
}

/// Sends a new verification link.
pub async fn resend(
    State(state): State<AppState>,
    viewer: Viewer,
    client: usecase::Client,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let actor = viewer.require("/account/email")?;
    viewer.check_csrf(&form.csrf)?;
    match verification::resend_verification(state.store.as_ref(), &state.throttle, client, actor).await {
        Ok(()) => Ok(super::see_other("/account/email?sent=1")),
        // Asked too often: the link already sent is still good.
        Err(usecase::Error::Throttled { .. }) => Ok(super::see_other("/account/email")),
        Err(error) => Err(error.into()),
    }
}

#[derive(Template)]
#[template(path = "verify_email.html")]
struct VerifyEmailPage {
    layout: Layout,
    errors: FormErrors,
    token: String,
    done: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    pub token: String,
}

/// The page a verification link opens.
pub async fn verify_form(viewer: Viewer, Query(query): Query<TokenQuery>) -> Response {
    render(&VerifyEmailPage {
        layout: Layout::new(&viewer),
        errors: FormErrors::default(),
        token: query.token,
        done: false,
    })
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

pub async fn verify(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let verified = verification::verify_email(
        state.store.as_ref(),
        (&state.links, &state.active_users),
        &form.token,
    )
    .await;
    let errors = match verified {
        Ok(_) => FormErrors::default(),
        Err(error) => FormErrors::from_use_case(error, &[("token", "new-link", "field-link")])?,
    };
    Ok(render(&VerifyEmailPage {
        layout: Layout::new(&viewer),
        done: errors.is_empty(),
        errors,
        token: form.token,
    }))
}

#[derive(Template)]
#[template(path = "password_reset_request.html")]
struct ResetRequestPage {
    layout: Layout,
    errors: FormErrors,
    email: String,
    sent: bool,
}

pub async fn reset_request_form(viewer: Viewer) -> Response {
    render(&ResetRequestPage {
        layout: Layout::new(&viewer),
        errors: FormErrors::default(),
        email: String::new(),
        sent: false,
    })
}

#[derive(Debug, Deserialize)]
pub struct ResetRequestForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

/// Asks for a reset link: the same page follows whether or not the address has an account.
pub async fn reset_request(
    State(state): State<AppState>,
    viewer: Viewer,
    client: usecase::Client,
    Form(form): Form<ResetRequestForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let asked =
        verification::request_password_reset(state.store.as_ref(), &state.throttle, client, &form.email)
            .await;
    let errors = match asked {
        Ok(()) => FormErrors::default(),
        Err(error) => FormErrors::from_use_case(error, &[("email", "email", "field-email")])?,
    };
    Ok(render(&ResetRequestPage {
        layout: Layout::new(&viewer),
        sent: errors.is_empty(),
        errors,
        email: form.email,
    }))
}

#[derive(Template)]
#[template(path = "reset_password.html")]
struct ResetPage {
    layout: Layout,
    errors: FormErrors,
    token: String,
    done: bool,
}

/// The page a reset link opens.
pub async fn reset_form(viewer: Viewer, Query(query): Query<TokenQuery>) -> Response {
    render(&ResetPage {
        layout: Layout::new(&viewer),
        errors: FormErrors::default(),
        token: query.token,
        done: false,
    })
}

pub async fn reset(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let outcome = verification::reset_password(
        state.store.as_ref(),
        (&state.links, &state.active_users),
        &form.token,
        &form.password,
    )
    .await;
    let errors = match outcome {
        Ok(_) => FormErrors::default(),
        Err(error) => FormErrors::from_use_case(
            error,
            &[
                ("password", "password", "field-new-password"),
                ("token", "password", "field-link"),
            ],
        )?,
    };
    Ok(render(&ResetPage {
        layout: Layout::new(&viewer),
        done: errors.is_empty(),
        errors,
        token: form.token,
    }))
}
