//! Browser sessions and CSRF protection.
//!
//! A session is a row in the database (every API process sees it, and signing out ends it
//! everywhere) named by the SHA-256 of a random token that only the browser holds, in an
//! HttpOnly, SameSite=Lax cookie (Secure with `--cookie-secure`). Every state-changing form
//! carries a CSRF token: the session's own once signed in, and before that the value of a
//! `pvara_csrf` cookie (double submit), which [`ensure_csrf_cookie`] hands out.

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use pvara_domain::ids::UserId;
use pvara_domain::user::Role;
use pvara_storage::model::{NewSession, UserRecord};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::PageError;
use crate::state::AppState;
use crate::usecase::Actor;

pub const SESSION_COOKIE: &str = "pvara_session";
pub const CSRF_COOKIE: &str = "pvara_csrf";

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The anonymous CSRF token of this request, from its cookie or freshly made.
#[derive(Debug, Clone)]
struct AnonymousCsrf(String);

fn cookie<'c>(name: &'c str, value: String, secure: bool) -> Cookie<'c> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build()
}

/// Gives every page visitor a CSRF cookie, so that even the sign-in and registration forms are
/// protected.
pub async fn ensure_csrf_cookie(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let jar = CookieJar::from_headers(request.headers());
    let existing = jar
        .get(CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| well_formed(v));
    let (token, fresh) = match existing {
        Some(token) => (token, false),
        None => (random_token(), true),
    };
    request.extensions_mut().insert(AnonymousCsrf(token.clone()));
    let mut response = next.run(request).await;
    if fresh {
        let set = cookie(CSRF_COOKIE, token, state.web.cookie_secure).to_string();
        if let Ok(value) = HeaderValue::from_str(&set) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Who is looking at a page: a signed-in, active user or nobody, and the CSRF token their forms
/// must carry.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: Option<UserRecord>,
    pub csrf: String,
    /// The path and query of the page asked for: the language switch comes back to it.
    pub here: String,
    /// When the session ends unless renewed: the pages warn before it does.
    pub session_expires: Option<chrono::DateTime<chrono::Utc>>,
    session: Option<String>,
}

impl Viewer {
    pub fn actor(&self) -> Option<Actor> {
        self.user.as_ref().map(|u| Actor {
            id: u.id,
            role: u.role,
        })
    }

    pub fn role(&self) -> Option<Role> {
        self.user.as_ref().map(|u| u.role)
    }

    /// The signed-in actor, or a redirect to sign in that comes back to `here`.
    pub fn require(&self, here: &str) -> Result<Actor, PageError> {
        self.actor().ok_or_else(|| PageError::SignIn(here.to_owned()))
    }

    pub fn require_staff(&self, here: &str) -> Result<Actor, PageError> {
        let actor = self.require(here)?;
        if actor.role.is_staff() {
            Ok(actor)
        } else {
            Err(PageError::Forbidden)
        }
    }

    /// Anyone who works here (the pages then check the job or the panel).
    pub fn require_works_here(&self, here: &str) -> Result<Actor, PageError> {
        let actor = self.require(here)?;
        if actor.role.works_here() {
            Ok(actor)
        } else {
            Err(PageError::Forbidden)
        }
    }

    pub fn require_admin(&self, here: &str) -> Result<Actor, PageError> {
        let actor = self.require(here)?;
        if actor.role == Role::Admin {
            Ok(actor)
        } else {
            Err(PageError::Forbidden)
        }
    }

    /// Refuses a form whose token is not this viewer's.
    pub fn check_csrf(&self, sent: &str) -> Result<(), PageError> {
        let same = sent.len() == self.csrf.len()
            && sent
                .bytes()
                .zip(self.csrf.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if same { Ok(()) } else { Err(PageError::Csrf) }
    }

    pub fn session_hash(&self) -> Option<&str> {
        self.session.as_deref()
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let anonymous = parts
            .extensions
            .get::<AnonymousCsrf>()
            .map(|t| t.0.clone())
            .unwrap_or_else(random_token);
        let here = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(token) = jar
            .get(SESSION_COOKIE)
            .map(|c| c.value().to_owned())
            .filter(|v| well_formed(v))
        else {
            return Ok(Viewer {
                user: None,
                csrf: anonymous,
                here,
                session_expires: None,
                session: None,
            });
        };
        let id_hash = hash(&token);
        let session = state
            .store
            .session(&id_hash, crate::now())
            .await
            .map_err(PageError::from_store)?;
        Ok(match session.filter(|s| s.user.active) {
            Some(session) => Viewer {
                user: Some(session.user),
                csrf: session.csrf,
                here,
                session_expires: Some(session.expires_at),
                session: Some(id_hash),
            },
            None => Viewer {
                user: None,
                csrf: anonymous,
                here,
                session_expires: None,
                session: None,
            },
        })
    }
}

/// The cookie that keeps a visitor's language for a year, signed in or not.
pub fn language_cookie(state: &AppState, language: crate::i18n::Language) -> Result<HeaderValue, PageError> {
    let kept = cookie(
        crate::i18n::COOKIE,
        language.code().to_owned(),
        state.web.cookie_secure,
    );
    HeaderValue::from_str(&format!("{kept}; Max-Age=31536000"))
        .map_err(|e| PageError::Internal(e.to_string()))
}

/// Starts a session for `user`; returns the cookie to set.
pub async fn start(state: &AppState, user: UserId) -> Result<HeaderValue, PageError> {
    Ok(open(state, user, random_token()).await?.0)
}

/// A session for `user` with `csrf` as its form token: the cookie to set, and when it ends.
async fn open(
    state: &AppState,
    user: UserId,
    csrf: String,
) -> Result<(HeaderValue, chrono::DateTime<chrono::Utc>), PageError> {
    let token = random_token();
    let now = crate::now();
    let expires_at = now + state.tokens.ttl();
    state
        .store
        .create_session(NewSession {
            id_hash: hash(&token),
            user_id: user,
            csrf,
            created_at: now,
            expires_at,
        })
        .await
        .map_err(PageError::from_store)?;
    let cookie = HeaderValue::from_str(&cookie(SESSION_COOKIE, token, state.web.cookie_secure).to_string())
        .map_err(|e| PageError::Internal(e.to_string()))?;
    Ok((cookie, expires_at))
}

/// "Stay signed in": the viewer's session replaced by a fresh one with the same form token, so
/// that the forms already on their screen still post; returns the cookie and the new end.
pub async fn renew(
    state: &AppState,
    viewer: &Viewer,
) -> Result<(HeaderValue, chrono::DateTime<chrono::Utc>), PageError> {
    let (Some(user), Some(old)) = (viewer.user.as_ref(), viewer.session_hash()) else {
        return Err(PageError::SignIn(viewer.here.clone()));
    };
    let renewed = open(state, user.id, viewer.csrf.clone()).await?;
    state
        .store
        .delete_session(old)
        .await
        .map_err(PageError::from_store)?;
    Ok(renewed)
}

/// Ends the viewer's session; returns the cookie that clears it in the browser.
pub async fn end(state: &AppState, viewer: &Viewer) -> Result<HeaderValue, PageError> {
    if let Some(id_hash) = viewer.session_hash() {
        state
            .store
            .delete_session(id_hash)
            .await
            .map_err(PageError::from_store)?;
    }
    let mut gone = cookie(SESSION_COOKIE, String::new(), state.web.cookie_secure);
    gone.make_removal();
    HeaderValue::from_str(&gone.to_string()).map_err(|e| PageError::Internal(e.to_string()))
}
