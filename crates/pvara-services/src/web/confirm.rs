//! "Are you sure?" before what cannot be undone: withdrawing an application, deleting an
//! account, closing a job, deactivating a user. Each button that did it at once is now a link to
//! a page that says what will happen and asks again, with the same POST behind its "Yes" (no
//! JavaScript needed); the POST routes are unchanged, so the API and older pages still work.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use pvara_domain::ids::{JobId, UserId};
use pvara_domain::status::{Action, Status};

use super::session::Viewer;
use super::{Layout, PageError, find_job, render};
use crate::i18n;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage {
    layout: Layout,
    heading: String,
    lines: Vec<String>,
    warning: Option<String>,
    /// Where the "Yes" posts.
    action: String,
    yes: String,
    /// Where "No" and "Back" go.
    back: String,
    no: String,
}

#[derive(Template)]
#[template(path = "account_deleted.html")]
struct DeletedPage {
    layout: Layout,
}

/// "Withdraw your application?"
pub async fn withdraw(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let record = super::candidate::own(&state, &viewer, &id).await?;
    let here = format!("/me/applications/{}", record.id);
    if record.status.apply(Action::Withdraw).is_none() {
        return Ok(super::see_other(&here));
    }
    let job = state
        .store
        .job(record.job_id)
        .await?
        .map(|j| j.title)
        .unwrap_or_default();
    let interview = record.status == Status::InterviewScheduled;
    Ok(render(&ConfirmPage {
        layout: Layout::new(&viewer),
        heading: i18n::t_with("withdraw-heading", &[("job", job.into())]),
        lines: vec![i18n::t("withdraw-text")],
        warning: interview.then(|| i18n::t("withdraw-interview")),
        action: format!("{here}/withdraw"),
        yes: i18n::t("withdraw-yes"),
        back: here,
        no: i18n::t("withdraw-no"),
    }))
}

/// "Delete your account?", saying what is pending.
pub async fn erase(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let actor = viewer.require("/me/erase")?;
    actor.require_applicant()?;
    let own = state.store.applications_of(actor.id).await?;
    let offer = own
        .iter()
        .find(|a| matches!(a.status, Status::OfferExtended | Status::OfferAccepted));
    let moving = own.iter().filter(|a| a.status.is_sifting()).count();
    let mut lines = vec![i18n::t("erase-text")];
    if moving > 0 {
        lines.push(i18n::t_with("erase-open", &[("count", moving.into())]));
    }
    Ok(render(&ConfirmPage {
        layout: Layout::new(&viewer),
        heading: i18n::t("erase-heading"),
        lines,
        warning: offer.map(|a| i18n::t_with("erase-offer", &[("job", a.job_title.as_str().into())])),
        action: "/me/erase".to_owned(),
        yes: i18n::t("erase-yes"),
        back: "/me/applications".to_owned(),
        no: i18n::t("erase-no"),
    }))
}

/// Where a person lands after deleting their account: said in words, not the bare job board.
pub async fn deleted(viewer: Viewer) -> Response {
    render(&DeletedPage {
        layout: Layout::new(&viewer),
    })
}

/// "Close this job?"
pub async fn close_job(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    viewer.require_staff(&format!("/staff/jobs/{id}/close"))?;
    let job = find_job(&state, &id).await?;
    let id: JobId = job.id;
    Ok(render(&ConfirmPage {
        layout: Layout::new(&viewer),
        heading: format!("Close {}?", job.title),
        lines: vec![
            "It stops taking applications now. The candidates who applied stay in the pipeline.".to_owned(),
            "You can reopen it later by editing its closing date.".to_owned(),
        ],
        warning: None,
        action: format!("/staff/jobs/{id}/close"),
        yes: "Yes, close the job".to_owned(),
        back: "/staff/jobs".to_owned(),
        no: "No, keep it open".to_owned(),
    }))
}

/// "Deactivate this account?"
pub async fn deactivate(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let actor = viewer.require_admin("/admin/users")?;
    let id: UserId = id.parse().map_err(|_| PageError::NotFound)?;
    let user = state.store.user(id).await?.ok_or(PageError::NotFound)?;
    if !user.active || user.id == actor.id || !user.role.works_here() {
        return Ok(super::see_other("/admin/users"));
    }
    Ok(render(&ConfirmPage {
        layout: Layout::new(&viewer),
        heading: format!("Deactivate {}?", user.full_name),
        lines: vec![format!(
            "{} ({}) will be signed out at once and can no longer sign in. Their name stays in the history of what they did.",
            user.full_name, user.email
        )],
        warning: None,
        action: format!("/admin/users/{id}/deactivate"),
        yes: "Yes, deactivate the account".to_owned(),
        back: "/admin/users".to_owned(),
        no: "No, keep it active".to_owned(),
    }))
}
