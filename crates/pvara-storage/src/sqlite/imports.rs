//! [`Imports`] on SQLite: each record and its map row in one write, so that the writer's group
//! commit batches an import as it batches submissions, and one bad record fails alone.

use std::collections::HashMap;

use async_trait::async_trait;
use pvara_domain::job::Job;
use pvara_domain::status::Status;
use rusqlite::{Connection, params};
use uuid::Uuid;

use super::SqliteEngine;
use super::inserts::{insert_job, insert_submission, insert_user};
use super::rows::{parse_id, ts};
use super::writes::{count_move, insert_history};
use crate::error::StoreError;
use crate::imports::{IMPORT_ACTOR, ImportKind, ImportedApplication, Imports};
use crate::model::{HistoryRow, NewUser, OutboxMessage};

fn map_id(
    conn: &Connection,
    source: &str,
    kind: ImportKind,
    old_id: &str,
    id: Uuid,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO import_ids (source, kind, old_id, pvara_id, imported_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        source,
        kind.as_str(),
        old_id,
        id.to_string(),
        ts(crate::clock::now())
    ])?;
    Ok(())
}

/// The application as the old system left it: its status (counted), and the entry marked
/// imported that says what the old system said.
fn insert_imported(
    conn: &Connection,
    source: &str,
    imported: ImportedApplication,
    in_place: bool,
) -> Result<Vec<OutboxMessage>, StoreError> {
    let ImportedApplication {
        old_id,
        submission,
        status,
        note,
        details,
    } = imported;
    let (id, job) = (submission.application.id, submission.application.job_id);
    let messages = insert_submission(conn, submission, in_place)?;
    let now = crate::clock::now();
    if status != Status::Submitted {
        conn.prepare_cached("UPDATE applications SET status = ?2, updated_at = ?3 WHERE id = ?1")?
            .execute(params![id.to_string(), status.as_str(), ts(now)])?;
        count_move(conn, &job.to_string(), id, Some(Status::Submitted), status)?;
    }
    insert_history(
        conn,
        HistoryRow {
            application_id: id,
            from: Some(Status::Submitted),
            to: status,
            actor: IMPORT_ACTOR,
            reason: &note,
            details: Some(&details),
            at: now,
        },
    )?;
    map_id(conn, source, ImportKind::Application, &old_id, id.0)?;
    Ok(messages)
}

#[async_trait]
impl Imports for SqliteEngine {
    async fn imported(&self, source: &str, kind: ImportKind) -> Result<HashMap<String, Uuid>, StoreError> {
        let source = source.to_owned();
        self.read(move |conn| {
            let mut stmt = conn
                .prepare_cached("SELECT old_id, pvara_id FROM import_ids WHERE source = ?1 AND kind = ?2")?;
            let rows = stmt.query_map(params![source, kind.as_str()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
            let mut ids = HashMap::new();
            for row in rows {
                let (old, id) = row?;
                ids.insert(old, parse_id(&id)?);
            }
            Ok(ids)
        })
        .await
    }

    async fn import_user(&self, source: &str, old_id: &str, user: NewUser) -> Result<(), StoreError> {
        let (source, old_id) = (source.to_owned(), old_id.to_owned());
        let in_place = self.events_in_place();
        self.write(move |conn| {
            insert_user(conn, &user, in_place)?;
            map_id(conn, &source, ImportKind::User, &old_id, user.id.0)
        })
        .await
    }

    async fn import_job(&self, source: &str, old_id: &str, job: Job) -> Result<(), StoreError> {
        let (source, old_id) = (source.to_owned(), old_id.to_owned());
        self.write(move |conn| {
            insert_job(conn, &job)?;
            map_id(conn, &source, ImportKind::Job, &old_id, job.id.0)
        })
        .await
    }

    #[tracing::instrument(skip_all, fields(applications = applications.len()))]
    async fn import_applications(
        &self,
        source: &str,
        applications: Vec<ImportedApplication>,
    ) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        let in_place = self.events_in_place();
        // One write each: the writer commits the concurrent ones together, each in a savepoint
        // of its own, so one record's conflict leaves the others written.
        let writes = applications.into_iter().map(|imported| {
            let source = source.to_owned();
            self.write(move |conn| insert_imported(conn, &source, imported, in_place))
        });
        let mut outcomes = Vec::new();
        for written in futures_util::future::join_all(writes).await {
            outcomes.push(written.map(|messages| self.events_committed(in_place, &messages)));
        }
        Ok(outcomes)
    }
}
