//! The data-protection rights: a person's export of everything pvara holds about them
//! (GDPR Art. 15 and 20) and their erasure (Art. 17), by themselves or by an admin.

use pvara_domain::ids::UserId;
use pvara_storage::model::{ApplicationRecord, AuditEntry, AuditQuery, Note};
use pvara_storage::workspace::AnswersOf;
use pvara_storage::{Store, StoreError};
use serde::Serialize;

use super::{Actor, Error, audit};
use crate::auth::ActiveUsers;
use crate::mail::FileMailer;

/// The version of the privacy notice applicants accept (the page `/privacy`), recorded with
/// each application. Change it whenever the notice's text changes.
pub const NOTICE_VERSION: &str = "2026-11-28";

/// Everything about one person, as JSON.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Export {
    pub account: ExportAccount,
    pub applications: Vec<ExportApplication>,
    /// Who did what to the person's records: ids and times.
    pub audit_trail: Vec<AuditEntry>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExportAccount {
    pub id: UserId,
    pub email: String,
    pub full_name: String,
    pub role: &'static str,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub email_verified: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExportApplication {
    /// The application as `GET /api/applications/{id}` shows it.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub application: serde_json::Value,
    pub staff_notes: Vec<ExportNote>,
    /// The candidate's own answers to the equality questions, by question key (shown to no one
    /// else but in aggregate).
    pub equality_answers: std::collections::BTreeMap<String, String>,
    /// What the candidate declared for a national drive's rules, if the job had any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declaration: Option<pvara_domain::merit::Declaration>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExportNote {
    pub author: String,
    pub body: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

impl From<Note> for ExportNote {
    fn from(note: Note) -> Self {
        ExportNote {
            author: note.author_name,
            body: note.body,
            at: note.at,
        }
    }
}

/// Everything pvara holds about one person, typed: the readable page and the JSON export are
/// two views of it.
#[derive(Debug)]
pub struct OwnData {
    pub user: pvara_storage::model::UserRecord,
    pub applications: Vec<OwnApplicationData>,
    /// Who did what to the person's records, oldest first.
    pub audit_trail: Vec<AuditEntry>,
}

#[derive(Debug)]
pub struct OwnApplicationData {
    pub record: ApplicationRecord,
    pub staff_notes: Vec<Note>,
    /// The candidate's own answers to the equality questions, by question key.
    pub equality_answers: std::collections::BTreeMap<String, String>,
    /// What they declared for a national drive's rules.
    pub declaration: Option<pvara_domain::merit::Declaration>,
}

/// The caller's own data; the read is audited as an export.
pub async fn own_data(store: &dyn Store, actor: Actor) -> Result<OwnData, Error> {
    let user = store.user(actor.id).await?.ok_or(Error::NotFound("user"))?;
    let mut applications = Vec::new();
    let mut audit_trail = store
        .audit_entries(&AuditQuery {
            subject: Some(format!("user:{}", user.id)),
            limit: audit::MAX_ENTRIES,
            ..AuditQuery::default()
        })
        .await?;
    for own in store.applications_of(actor.id).await? {
        let Some(record) = store.application(own.id).await? else {
            continue;
        };
        let staff_notes = store.notes(own.id).await?;
        audit_trail.extend(
            store
                .audit_entries(&AuditQuery {
                    subject: Some(format!("application:{}", own.id)),
                    limit: audit::MAX_ENTRIES,
                    ..AuditQuery::default()
                })
                .await?,
        );
        let equality_answers = store
            .equality_answers(AnswersOf::Application(own.id))
            .await?
            .into_iter()
            .flat_map(|(_, answers)| answers.0)
            .collect();
        let declaration = store.declaration(own.id).await?;
        applications.push(OwnApplicationData {
            record,
            staff_notes,
            equality_answers,
            declaration,
        });
    }
    audit_trail.sort_by_key(|e| e.at);
    audit::record(
        store,
        &actor.audit_name(),
        "user.export",
        format!("user:{}", user.id),
    )
    .await;
    Ok(OwnData {
        user,
        applications,
        audit_trail,
    })
}

/// The caller's own data as JSON. `view` turns an application record into its API shape.
pub async fn export(
    store: &dyn Store,
    actor: Actor,
    view: impl Fn(ApplicationRecord) -> serde_json::Value,
) -> Result<Export, Error> {
    let OwnData {
        user,
        applications,
        audit_trail,
    } = own_data(store, actor).await?;
    Ok(Export {
        account: ExportAccount {
            id: user.id,
            email: user.email,
            full_name: user.full_name,
            role: user.role.as_str(),
            created_at: user.created_at,
            email_verified: user.email_verified,
        },
        applications: applications
            .into_iter()
            .map(|a| ExportApplication {
                application: view(a.record),
                staff_notes: a.staff_notes.into_iter().map(ExportNote::from).collect(),
                equality_answers: a.equality_answers,
                declaration: a.declaration,
            })
            .collect(),
        audit_trail,
    })
}

/// Erases an applicant: themselves, or an admin. Their account and applications keep only ids,
/// statuses, scores and times (so counts and the event log, which never held personal data,
/// stay whole); the mail delivered to them is removed from the mail folder. Staff accounts are
/// deactivated, not erased, so that the audit trail keeps naming who acted.
pub async fn erase(
    store: &dyn Store,
    (active, mail): (&ActiveUsers, Option<&FileMailer>),
    actor: Actor,
    target: UserId,
) -> Result<(), Error> {
    if actor.id != target {
        actor.require_admin()?;
    }
    let user = store.user(target).await?.ok_or(Error::NotFound("user"))?;
    if user.role.works_here() {
        return Err(Error::conflict(
            "staff_account",
            "staff accounts are deactivated, not erased",
            None,
        ));
    }
    let mut addresses = vec![user.email.clone()];
    for own in store.applications_of(target).await? {
        if let Some(record) = store.application(own.id).await? {
            addresses.push(record.candidate.email.as_str().to_owned());
        }
    }
    let erased = store
        .erase_user(target, crate::now())
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => Error::NotFound("user"),
            other => other.into(),
        })?;
    active.forget(target);
    if let Some(mailer) = mail.cloned() {
        addresses.sort();
        addresses.dedup();
        let removed = tokio::task::spawn_blocking(move || mailer.erase_recipients(&addresses))
            .await
            .map_err(|e| Error::Internal(format!("mail erasure panicked: {e}")))?
            .map_err(|e| Error::Internal(format!("cannot erase delivered mail: {e}")))?;
        tracing::info!(user = %target, applications = erased.len(), mails = removed, "erased a person");
    }
    audit::record(store, &actor.audit_name(), "user.erase", format!("user:{target}")).await;
    Ok(())
}
