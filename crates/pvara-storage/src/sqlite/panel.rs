//! [`Panels`] on SQLite.

use async_trait::async_trait;
use pvara_domain::ids::{ApplicationId, UserId};
use pvara_domain::pipeline::Interview;
use pvara_domain::scorecard::Recommendation;
use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteEngine;
use super::rows::{parse_id, parse_json, parse_status, parse_ts, to_json, ts};
use crate::error::StoreError;
use crate::panel::{NewScorecard, PanelInterview, Panels, Seat, SubmittedCard};

/// The seats of `interview` on `application`, in the scheduling's transaction: a member who
/// has not submitted a card and is no longer on the panel loses the seat; the others' move to
/// the new time.
pub(super) fn write_seats(
    conn: &Connection,
    application: ApplicationId,
    interview: &Interview,
) -> Result<(), StoreError> {
    let (id, round, at) = (
        application.to_string(),
        interview.round,
        ts(interview.scheduled_at),
    );
    let members = to_json(
        &interview
            .panel
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
    )?;
    conn.prepare_cached(
        "DELETE FROM interview_panel WHERE application_id = ?1 AND round = ?2 AND submitted_at IS NULL
           AND interviewer_id NOT IN (SELECT value FROM json_each(?3))",
    )?
    .execute(params![id, round, members])?;
    conn.prepare_cached(
        "INSERT INTO interview_panel (application_id, round, interviewer_id, scheduled_at)
         SELECT ?1, ?2, value, ?4 FROM json_each(?3) WHERE true
         ON CONFLICT (application_id, round, interviewer_id) DO UPDATE SET scheduled_at = excluded.scheduled_at",
    )?
    .execute(params![id, round, members, at])?;
    Ok(())
}

fn card(
    ratings: Option<String>,
    recommendation: Option<String>,
    submitted_at: Option<String>,
) -> Result<Option<SubmittedCard>, StoreError> {
    let (Some(recommendation), Some(submitted_at)) = (recommendation, submitted_at) else {
        return Ok(None);
    };
    Ok(Some(SubmittedCard {
        ratings: ratings
            .as_deref()
            .map(parse_json)
            .transpose()?
            .unwrap_or_default(),
        recommendation: Recommendation::parse(&recommendation)
            .ok_or_else(|| StoreError::Corrupt(format!("recommendation {recommendation:?}")))?,
        submitted_at: parse_ts(&submitted_at)?,
    }))
}

#[async_trait]
impl Panels for SqliteEngine {
    async fn panel(&self, application: ApplicationId) -> Result<Vec<Seat>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT p.round, p.interviewer_id, u.full_name, p.scheduled_at, p.ratings, p.recommendation, p.submitted_at
                 FROM interview_panel p JOIN users u ON u.id = p.interviewer_id
                 WHERE p.application_id = ?1 ORDER BY p.round, u.full_name, p.interviewer_id",
            )?;
            let mut rows = stmt.query([application.to_string()])?;
            let mut seats = Vec::new();
            while let Some(row) = rows.next()? {
                seats.push(Seat {
                    application_id: application,
                    round: row.get(0)?,
                    interviewer: parse_id(&row.get::<_, String>(1)?)?,
                    interviewer_name: row.get(2)?,
                    scheduled_at: parse_ts(&row.get::<_, String>(3)?)?,
                    card: card(row.get(4)?, row.get(5)?, row.get(6)?)?,
                });
            }
            Ok(seats)
        })
        .await
    }

    async fn submit_scorecard(&self, new: NewScorecard) -> Result<(), StoreError> {
        self.write(move |conn| {
            let key = params![new.application_id.to_string(), new.round, new.interviewer.to_string()];
            let changed = conn
                .prepare_cached(
                    "UPDATE interview_panel SET ratings = ?4, recommendation = ?5, submitted_at = ?6
                     WHERE application_id = ?1 AND round = ?2 AND interviewer_id = ?3 AND submitted_at IS NULL",
                )?
                .execute(params![
                    new.application_id.to_string(),
                    new.round,
                    new.interviewer.to_string(),
                    to_json(&new.card.ratings)?,
                    new.card.recommendation.as_str(),
                    ts(new.at)
                ])?;
            if changed == 1 {
                return Ok(());
            }
            let seat = conn
                .prepare_cached(
                    "SELECT 1 FROM interview_panel WHERE application_id = ?1 AND round = ?2 AND interviewer_id = ?3",
                )?
                .query_row(key, |_| Ok(()))
                .optional()?;
            Err(match seat {
                Some(()) => StoreError::Conflict("scorecard"),
                None => StoreError::NotFound("interview"),
            })
        })
        .await
    }

    async fn interviews_of(&self, user: UserId, limit: u32) -> Result<Vec<PanelInterview>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT p.application_id, a.job_id, j.title, a.full_name, a.status, p.round, p.scheduled_at,
                        p.submitted_at IS NOT NULL
                 FROM interview_panel p JOIN applications a ON a.id = p.application_id JOIN jobs j ON j.id = a.job_id
                 WHERE p.interviewer_id = ?1 ORDER BY p.scheduled_at, p.application_id LIMIT ?2",
            )?;
            let mut rows = stmt.query(params![user.to_string(), limit])?;
            let mut found = Vec::new();
            while let Some(row) = rows.next()? {
                found.push(PanelInterview {
                    application_id: parse_id(&row.get::<_, String>(0)?)?,
                    job_id: parse_id(&row.get::<_, String>(1)?)?,
                    job_title: row.get(2)?,
                    full_name: row.get(3)?,
                    status: parse_status(&row.get::<_, String>(4)?)?,
                    round: row.get(5)?,
                    scheduled_at: parse_ts(&row.get::<_, String>(6)?)?,
                    submitted: row.get(7)?,
                });
            }
            Ok(found)
        })
        .await
    }
}
