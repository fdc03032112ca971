//! [`AccountTokens`] on PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pvara_domain::event::AccountMail;
use pvara_domain::ids::{TokenId, UserId};
use pvara_domain::language::Language;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use super::store::insert_outbox;
use super::{PgEngine, on_constraint};
use crate::error::StoreError;
use crate::model::{AccountMailContext, AccountTokenRecord, NewAccountToken, Redemption};
use crate::workspace::AccountTokens;

const TOKEN_COLUMNS: &str = "t.id, t.user_id, t.purpose, t.expires_at, t.used_at IS NOT NULL AS used, \
                             t.mailed_at IS NOT NULL AS mailed";

fn token(row: &PgRow) -> Result<AccountTokenRecord, StoreError> {
    let purpose: &str = row.try_get("purpose")?;
    Ok(AccountTokenRecord {
        id: TokenId(row.try_get("id")?),
        user_id: UserId(row.try_get("user_id")?),
        purpose: AccountMail::parse(purpose)
            .ok_or_else(|| StoreError::Corrupt(format!("token purpose {purpose:?}")))?,
        expires_at: row.try_get("expires_at")?,
        used: row.try_get("used")?,
        mailed: row.try_get("mailed")?,
    })
}

/// Writes a token and its mail event inside the caller's transaction.
pub(super) async fn insert_token(conn: &mut PgConnection, token: &NewAccountToken) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO account_tokens (id, user_id, purpose, created_at, expires_at, new_email)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token.id.0)
    .bind(token.user_id.0)
    .bind(token.purpose.as_str())
    .bind(token.created_at)
    .bind(token.expires_at)
    .bind(&token.new_email)
    .execute(&mut *conn)
    .await
    .map_err(|e| on_constraint(e, "token", "user"))?;
    insert_outbox(conn, std::slice::from_ref(&token.message), token.created_at).await
}

/// Marks tokens mailed, inside a worker's batch transaction.
pub(super) async fn mark_mailed(
    conn: &mut PgConnection,
    ids: &[TokenId],
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = ids.iter().map(|id| id.0).collect();
    sqlx::query("UPDATE account_tokens SET mailed_at = coalesce(mailed_at, $1) WHERE id = ANY($2)")
        .bind(at)
        .bind(&ids)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A new password: the sessions end, older tokens stop working, reset links are spent. The one
/// way both a reset and a change set it.
pub(super) async fn set_password(
    conn: &mut PgConnection,
    user: Uuid,
    password_hash: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET password_hash = $1, credentials_changed_at = $2 WHERE id = $3")
        .bind(password_hash)
        .bind(at)
        .bind(user)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE account_tokens SET used_at = $1 WHERE user_id = $2 AND purpose <> $3 AND used_at IS NULL",
    )
    .bind(at)
    .bind(user)
    .bind(AccountMail::VerifyEmail.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn redeem(
    conn: &mut PgConnection,
    id: TokenId,
    at: DateTime<Utc>,
    redemption: &Redemption,
) -> Result<Option<UserId>, StoreError> {
    let spent: Option<(Uuid, Option<String>)> = sqlx::query_as(
        "UPDATE account_tokens SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1
         RETURNING user_id, new_email",
    )
    .bind(at)
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((user, new_email)) = spent else {
        return Ok(None);
    };
    if let (Redemption::ChangeEmail, Some(new_email)) = (redemption, new_email) {
        sqlx::query("UPDATE users SET email = $1, email_verified_at = $2 WHERE id = $3")
            .bind(new_email)
            .bind(at)
            .bind(user)
            .execute(&mut *conn)
            .await
            .map_err(|e| on_constraint(e, "email", "user"))?;
    }
    sqlx::query("UPDATE users SET email_verified_at = coalesce(email_verified_at, $1) WHERE id = $2")
        .bind(at)
        .bind(user)
        .execute(&mut *conn)
        .await?;
    if let Redemption::ResetPassword { password_hash } = redemption {
        set_password(conn, user, password_hash, at).await?;
    }
    Ok(Some(UserId(user)))
}

#[async_trait]
impl AccountTokens for PgEngine {
    async fn issue_token(&self, token: NewAccountToken) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        insert_token(&mut tx, &token).await?;
        tx.commit().await?;
        self.outbox_written();
        Ok(())
    }

    async fn account_token(&self, id: TokenId) -> Result<Option<AccountTokenRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {TOKEN_COLUMNS} FROM account_tokens t WHERE t.id = $1"
        ))
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(token).transpose()
    }

    async fn redeem_token(
        &self,
        id: TokenId,
        at: DateTime<Utc>,
        redemption: Redemption,
    ) -> Result<Option<UserId>, StoreError> {
        let mut tx = self.pool().begin().await?;
        let user = redeem(&mut tx, id, at, &redemption).await?;
        tx.commit().await?;
        Ok(user)
    }

    async fn verify_email(&self, email: &str, at: DateTime<Utc>) -> Result<UserId, StoreError> {
        let user: Option<Uuid> = sqlx::query_scalar(
            "UPDATE users SET email_verified_at = coalesce(email_verified_at, $1) WHERE email = $2 RETURNING id",
        )
        .bind(at)
        .bind(email)
        .fetch_optional(self.pool())
        .await?;
        user.map(UserId).ok_or(StoreError::NotFound("user"))
    }

    async fn account_mail_contexts(
        &self,
        ids: &[TokenId],
    ) -> Result<Vec<Option<AccountMailContext>>, StoreError> {
        let wanted: Vec<Uuid> = ids.iter().map(|id| id.0).collect();
        let rows = sqlx::query(&format!(
            "SELECT {TOKEN_COLUMNS}, u.full_name, coalesce(t.new_email, u.email) AS email, u.language
             FROM account_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ANY($1)"
        ))
        .bind(&wanted)
        .fetch_all(self.pool())
        .await?;
        let mut found = rows
            .iter()
            .map(|row| {
                Ok(AccountMailContext {
                    token: token(row)?,
                    full_name: row.try_get("full_name")?,
                    email: row.try_get("email")?,
                    language: Language::parse(row.try_get("language")?).unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(ids
            .iter()
            .map(|id| {
                found
                    .iter()
                    .position(|c| c.token.id == *id)
                    .map(|i| found.swap_remove(i))
            })
            .collect())
    }
}
