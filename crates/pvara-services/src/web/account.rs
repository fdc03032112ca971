//! Accounts on the pages: registration, sign-in and sign-out.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use pvara_domain::user::Role;
use serde::Deserialize;

use super::forms::{CsrfForm, FormErrors};
use super::session::{self, Viewer};
use super::{Layout, PageError, local_path, render, urlencode};
use crate::state::AppState;
use crate::usecase;
use crate::usecase::verification::EmailVerification;

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    layout: Layout,
    errors: FormErrors,
    next: String,
    next_encoded: String,
    full_name: String,
    email: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn register_form(viewer: Viewer, Query(query): Query<NextQuery>) -> Response {
    let next = local_path(query.next.as_deref()).unwrap_or_default();
    render(&RegisterPage {
        layout: Layout::new(&viewer),
        errors: FormErrors::default(),
        next_encoded: urlencode(&next),
        next,
        full_name: String::new(),
        email: String::new(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// Registers the address, then says to check the mail: the same page whether the address was
/// new or already had an account (the mail tells which), so nobody learns who is registered
/// here. Nobody is signed in by registering.
pub async fn register(
    State(state): State<AppState>,
    viewer: Viewer,
    client: usecase::Client,
    Form(form): Form<RegisterForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let registered = usecase::accounts::register(
        state.store.as_ref(),
        (&state.throttle, client),
        state.email_verification,
        &form.email,
        &form.password,
        &form.full_name,
    )
    .await;
    let next = local_path(Some(&form.next)).unwrap_or_default();
    if let Err(error) = registered {
        let fields = [
            ("fullName", "full-name", "field-full-name"),
            ("email", "email", "field-email"),
            ("password", "password", "field-password"),
        ];
        return Ok(render(&RegisterPage {
            layout: Layout::new(&viewer),
            errors: FormErrors::from_use_case(error, &fields)?,
            next_encoded: urlencode(&next),
            next,
            full_name: form.full_name,
            email: form.email,
        }));
    }
    let target = if next.is_empty() {
        "/register/check-email".to_owned()
    } else {
        format!("/register/check-email?next={}", urlencode(&next))
    };
    Ok(super::see_other(&target))
}

#[derive(Template)]
#[template(path = "register_sent.html")]
struct RegisterSentPage {
    layout: Layout,
    next_encoded: String,
    verification: bool,
}

/// After registering: check your mail, then sign in.
pub async fn register_sent(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<NextQuery>,
) -> Response {
    let next = local_path(query.next.as_deref()).unwrap_or_default();
    render(&RegisterSentPage {
        layout: Layout::new(&viewer),
        next_encoded: urlencode(&next),
        verification: state.email_verification == EmailVerification::Required,
    })
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    errors: FormErrors,
    next: String,
    next_encoded: String,
    email: String,
}

pub async fn login_form(viewer: Viewer, Query(query): Query<NextQuery>) -> Response {
    let next = local_path(query.next.as_deref()).unwrap_or_default();
    render(&LoginPage {
        layout: Layout::new(&viewer),
        errors: FormErrors::default(),
        next_encoded: urlencode(&next),
        next,
        email: String::new(),
    })
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub async fn login(
    State(state): State<AppState>,
    viewer: Viewer,
    client: usecase::Client,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let next = local_path(Some(&form.next));
    let signed_in = usecase::accounts::sign_in(
        state.store.as_ref(),
        &state.throttle,
        client,
        &form.email,
        &form.password,
    )
    .await;
    let refused = match signed_in {
        Ok(Some(user)) => Ok(user),
        Ok(None) => {
            let mut errors = FormErrors::default();
            errors.add("email", crate::i18n::t("problem-sign-in"));
            Err(errors)
        }
        Err(error) => Err(FormErrors::from_use_case(
            error,
            &[("email", "email", "field-email")],
        )?),
    };
    let user = match refused {
        Ok(user) => user,
        Err(errors) => {
            let next = next.unwrap_or_default();
            return Ok(render(&LoginPage {
                layout: Layout::new(&viewer),
                errors,
                next_encoded: urlencode(&next),
                next,
                email: form.email,
            }));
        }
    };
    let cookie = session::start(&state, user.id).await?;
    let language = follow_language(&state, &jar, &user).await?;
    let home = match user.role {
        Role::Interviewer => "/staff/interviews",
        role if role.works_here() => "/staff/jobs",
        _ => "/me/applications",
    };
    let target = next.unwrap_or_else(|| home.to_owned());
    let mut response = ([(header::SET_COOKIE, cookie)], super::see_other(&target)).into_response();
    if let Some(language) = language {
        response.headers_mut().append(header::SET_COOKIE, language);
    }
    Ok(response)
}

/// At sign-in, a language chosen on this device before signing in becomes the account's; with
/// none chosen here, the account's language becomes this device's (the cookie to set).
async fn follow_language(
    state: &AppState,
    jar: &CookieJar,
    user: &pvara_storage::model::UserRecord,
) -> Result<Option<axum::http::HeaderValue>, PageError> {
    let chosen = jar
        .get(crate::i18n::COOKIE)
        .and_then(|c| crate::i18n::Language::parse(c.value()));
    match chosen {
        Some(language) if language != user.language => {
            let actor = usecase::Actor {
                id: user.id,
                role: user.role,
            };
            usecase::settings::set_language(state.store.as_ref(), actor, language).await?;
            Ok(None)
        }
        Some(_) => Ok(None),
        None => session::language_cookie(state, user.language).map(Some),
    }
}

#[derive(Debug, Deserialize)]
pub struct RenewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    back: String,
}

/// "Stay signed in" from the timeout warning: a fresh session, answered as JSON (the seconds it
/// has left) to the page's script, or by going back to the page without one.
pub async fn renew(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: axum::http::HeaderMap,
    Form(form): Form<RenewForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let (cookie, expires_at) = session::renew(&state, &viewer).await?;
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    if wants_json {
        let left = (expires_at - crate::now()).num_seconds().max(0);
        let body = axum::Json(serde_json::json!({ "secondsLeft": left }));
        return Ok(([(header::SET_COOKIE, cookie)], body).into_response());
    }
    let back = local_path(Some(&form.back)).unwrap_or_else(|| "/".to_owned());
    Ok(([(header::SET_COOKIE, cookie)], super::see_other(&back)).into_response())
}

pub async fn logout(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let cookie = session::end(&state, &viewer).await?;
    Ok(([(header::SET_COOKIE, cookie)], super::see_other("/")).into_response())
}
