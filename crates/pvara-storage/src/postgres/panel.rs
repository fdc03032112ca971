//! [`Panels`] on PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pvara_domain::ids::{ApplicationId, JobId, UserId};
use pvara_domain::scorecard::{Rating, Recommendation};
use sqlx::types::Json;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use super::PgEngine;
use super::rows;
use crate::error::StoreError;
use crate::model::Transition;
use crate::panel::{NewScorecard, PanelInterview, Panels, Seat, SubmittedCard};

/// The seats of the interviews `applied` schedules, in their transaction: a member who has not
/// submitted a card and is no longer on the panel loses the seat; the others' move to the new
/// time. Few transitions schedule interviews, so one pair of statements each.
pub(super) async fn write_seats(conn: &mut PgConnection, applied: &[&Transition]) -> Result<(), StoreError> {
    for (transition, interview) in applied
        .iter()
        .filter_map(|t| t.panel_interview().map(|interview| (t, interview)))
    {
        let members: Vec<Uuid> = interview.panel.iter().map(|id| id.0).collect();
        let (id, round) = (transition.application_id.0, i16::from(interview.round));
        sqlx::query(
            "DELETE FROM interview_panel WHERE application_id = $1 AND round = $2 AND submitted_at IS NULL
               AND NOT (interviewer_id = ANY($3))",
        )
        .bind(id)
        .bind(round)
        .bind(&members)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "INSERT INTO interview_panel (application_id, round, interviewer_id, scheduled_at)
             SELECT $1, $2, m, $4 FROM UNNEST($3::uuid[]) AS m
             ON CONFLICT (application_id, round, interviewer_id) DO UPDATE SET scheduled_at = excluded.scheduled_at",
        )
        .bind(id)
        .bind(round)
        .bind(&members)
        .bind(interview.scheduled_at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

fn round(row: &sqlx::postgres::PgRow) -> Result<u8, StoreError> {
    u8::try_from(row.try_get::<i16, _>("round")?).map_err(|e| StoreError::Corrupt(e.to_string()))
}

#[async_trait]
impl Panels for PgEngine {
    async fn panel(&self, application: ApplicationId) -> Result<Vec<Seat>, StoreError> {
        let found = sqlx::query(
            "SELECT p.round, p.interviewer_id, u.full_name, p.scheduled_at, p.ratings, p.recommendation, p.submitted_at
             FROM interview_panel p JOIN users u ON u.id = p.interviewer_id
             WHERE p.application_id = $1 ORDER BY p.round, u.full_name, p.interviewer_id",
        )
        .bind(application.0)
        .fetch_all(self.pool())
        .await?;
        found
            .iter()
            .map(|row| {
                let recommendation: Option<String> = row.try_get("recommendation")?;
                let submitted_at: Option<DateTime<Utc>> = row.try_get("submitted_at")?;
                let card = match (recommendation, submitted_at) {
                    (Some(recommendation), Some(submitted_at)) => Some(SubmittedCard {
                        ratings: row
                            .try_get::<Option<Json<Vec<Rating>>>, _>("ratings")?
                            .map(|j| j.0)
                            .unwrap_or_default(),
                        recommendation: Recommendation::parse(&recommendation).ok_or_else(|| {
                            StoreError::Corrupt(format!("recommendation {recommendation:?}"))
                        })?,
                        submitted_at,
                    }),
                    _ => None,
                };
                Ok(Seat {
                    application_id: application,
                    round: round(row)?,
                    interviewer: UserId(row.try_get("interviewer_id")?),
                    interviewer_name: row.try_get("full_name")?,
                    scheduled_at: row.try_get("scheduled_at")?,
                    card,
                })
            })
            .collect()
    }

    async fn submit_scorecard(&self, new: NewScorecard) -> Result<(), StoreError> {
        let changed = sqlx::query(
            "UPDATE interview_panel SET ratings = $4, recommendation = $5, submitted_at = $6
             WHERE application_id = $1 AND round = $2 AND interviewer_id = $3 AND submitted_at IS NULL",
        )
        .bind(new.application_id.0)
        .bind(i16::from(new.round))
        .bind(new.interviewer.0)
        .bind(Json(&new.card.ratings))
        .bind(new.card.recommendation.as_str())
        .bind(new.at)
        .execute(self.pool())
        .await?
        .rows_affected();
        if changed == 1 {
            return Ok(());
        }
        let seat = sqlx::query(
            "SELECT 1 FROM interview_panel WHERE application_id = $1 AND round = $2 AND interviewer_id = $3",
        )
        .bind(new.application_id.0)
        .bind(i16::from(new.round))
        .bind(new.interviewer.0)
        .fetch_optional(self.pool())
        .await?;
        Err(match seat {
            Some(_) => StoreError::Conflict("scorecard"),
            None => StoreError::NotFound("interview"),
        })
    }

    async fn interviews_of(&self, user: UserId, limit: u32) -> Result<Vec<PanelInterview>, StoreError> {
        let found = sqlx::query(
            "SELECT p.application_id, a.job_id, j.title, a.full_name, a.status, p.round, p.scheduled_at,
                    p.submitted_at IS NOT NULL AS submitted
             FROM interview_panel p JOIN applications a ON a.id = p.application_id JOIN jobs j ON j.id = a.job_id
             WHERE p.interviewer_id = $1 ORDER BY p.scheduled_at, p.application_id LIMIT $2",
        )
        .bind(user.0)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        found
            .iter()
            .map(|row| {
                Ok(PanelInterview {
                    application_id: ApplicationId(row.try_get("application_id")?),
                    job_id: JobId(row.try_get("job_id")?),
                    job_title: row.try_get("title")?,
                    full_name: row.try_get("full_name")?,
                    status: rows::status(row.try_get("status")?)?,
                    round: round(row)?,
                    scheduled_at: row.try_get("scheduled_at")?,
                    submitted: row.try_get("submitted")?,
                })
            })
            .collect()
    }
}
