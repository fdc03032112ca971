//! The admin pages: staff accounts and the health of the system.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use pvara_domain::ids::UserId;
use pvara_domain::user::Role;
use pvara_storage::model::GroupOffset;
use serde::Deserialize;

use super::forms::{CsrfForm, FormErrors};
use super::session::Viewer;
use super::{Layout, PageError, render};
use crate::state::AppState;
use crate::usecase;

#[derive(Debug)]
pub struct UserRow {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub active: bool,
    pub is_me: bool,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    layout: Layout,
    errors: FormErrors,
    users: Vec<UserRow>,
    form_name: String,
    form_email: String,
}

async fn users_page(
    state: &AppState,
    viewer: &Viewer,
    errors: FormErrors,
    name: String,
    email: String,
) -> Result<Response, PageError> {
    let me = viewer.actor().map(|a| a.id);
    let users = state
        .store
        .staff_users()
        .await?
        .into_iter()
        .map(|u| UserRow {
            is_me: Some(u.id) == me,
            id: u.id,
            name: u.full_name,
            email: u.email,
            role: u.role.label(),
            active: u.active,
        })
        .collect();
    Ok(render(&UsersPage {
        layout: Layout::new(viewer),
        errors,
        users,
        form_name: name,
        form_email: email,
    }))
}

pub async fn users(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    viewer.require_admin("/admin/users")?;
    users_page(
        &state,
        &viewer,
        FormErrors::default(),
        String::new(),
        String::new(),
    )
    .await
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
}

pub async fn create_user(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<StaffForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let actor = viewer.require_admin("/admin/users")?;
    let role = Role::parse(form.role.trim())
        .ok()
        .filter(|r| r.works_here())
        .unwrap_or(Role::Recruiter);
    match usecase::accounts::create_staff(
        state.store.as_ref(),
        actor,
        &form.email,
        &form.full_name,
        &form.password,
        role,
    )
    .await
    {
        Ok(_) => Ok(super::see_other("/admin/users")),
        Err(error) => {
            let fields = [
                ("fullName", "full-name", "Full name"),
                ("email", "email", "Email"),
                ("password", "password", "Password"),
            ];
            let errors = FormErrors::from_use_case(error, &fields)?;
            users_page(&state, &viewer, errors, form.full_name, form.email).await
        }
    }
}

pub async fn deactivate(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let actor = viewer.require_admin("/admin/users")?;
    let id: UserId = id.parse().map_err(|_| PageError::NotFound)?;
    match usecase::accounts::deactivate(state.store.as_ref(), &state.active_users, actor, id).await {
        Ok(()) | Err(usecase::Error::Conflict { .. }) => Ok(super::see_other("/admin/users")),
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug)]
pub struct DeadLetterRow {
    pub topic: String,
    pub partition: u32,
    pub offset: u64,
    pub error: String,
}

#[derive(Template)]
#[template(path = "admin_system.html")]
struct SystemPage {
    layout: Layout,
    notice: Option<String>,
    checks: Vec<crate::health::Check>,
    groups: Vec<GroupOffset>,
    dead_letters: Vec<DeadLetterRow>,
}

async fn system_page(
    state: &AppState,
    viewer: &Viewer,
    notice: Option<String>,
) -> Result<Response, PageError> {
    // A short second reading: enough to tell a moving group from a stuck one without keeping
    // the admin waiting the second `pvara status` takes.
    let crate::health::Health { checks, groups } = crate::health::checks(
        state.store.as_ref(),
        state.log.as_ref(),
        &state.installation,
        std::time::Duration::from_millis(300),
    )
    .await;
    let dead_letters = usecase::dead_letters::list(state.log.as_ref(), None)
        .await?
        .into_iter()
        .map(|r| DeadLetterRow {
            error: r.header("dlq_error").unwrap_or("unknown").to_owned(),
            topic: r.topic,
            partition: r.partition,
            offset: r.offset,
        })
        .collect();
    Ok(render(&SystemPage {
        layout: Layout::new(viewer),
        notice,
        checks,
        groups,
        dead_letters,
    }))
}

pub async fn system(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    viewer.require_admin("/admin/system")?;
    system_page(&state, &viewer, None).await
}

#[derive(Debug, Deserialize)]
pub struct ReplayForm {
    #[serde(default)]
    csrf: String,
    topic: String,
    partition: u32,
    offset: u64,
}

pub async fn replay(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<ReplayForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let actor = viewer.require_admin("/admin/system")?;
    let to = usecase::dead_letters::replay(
        state.store.as_ref(),
        state.log.as_ref(),
        (&form.topic, form.partition, form.offset),
        &actor.audit_name(),
    )
    .await?;
    system_page(
        &state,
        &viewer,
        Some(format!("Replayed offset {} onto {to}.", form.offset)),
    )
    .await
}
