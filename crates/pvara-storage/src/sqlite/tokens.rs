//! [`AccountTokens`] on SQLite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pvara_domain::event::AccountMail;
use pvara_domain::ids::{TokenId, UserId};
use pvara_domain::language::Language;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::SqliteEngine;
use super::rows::{on_constraint, parse_id, parse_ts, ts};
use super::writes::emit;
use crate::error::StoreError;
use crate::model::{AccountMailContext, AccountTokenRecord, NewAccountToken, Redemption};
use crate::workspace::AccountTokens;

const TOKEN_COLUMNS: &str = "t.id, t.user_id, t.purpose, t.expires_at, t.used_at, t.mailed_at";

fn token_from_row(row: &Row<'_>) -> Result<AccountTokenRecord, StoreError> {
    let purpose: String = row.get(2)?;
    Ok(AccountTokenRecord {
        id: parse_id(&row.get::<_, String>(0)?)?,
        user_id: parse_id(&row.get::<_, String>(1)?)?,
        purpose: AccountMail::parse(&purpose)
            .ok_or_else(|| StoreError::Corrupt(format!("token purpose {purpose:?}")))?,
        expires_at: parse_ts(&row.get::<_, String>(3)?)?,
        used: row.get::<_, Option<String>>(4)?.is_some(),
        mailed: row.get::<_, Option<String>>(5)?.is_some(),
    })
}

/// Writes a token and its mail event inside the caller's transaction.
pub(super) fn insert_token(
    conn: &Connection,
    token: &NewAccountToken,
    in_place: bool,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO account_tokens (id, user_id, purpose, created_at, expires_at, new_email)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        token.id.to_string(),
        token.user_id.to_string(),
        token.purpose.as_str(),
        ts(token.created_at),
        ts(token.expires_at),
        token.new_email
    ])
    .map_err(|e| on_constraint(e, "token", "user"))?;
    emit(
        conn,
        std::slice::from_ref(&token.message),
        &ts(token.created_at),
        in_place,
    )
}

/// Marks tokens mailed, inside a worker's batch transaction.
pub(super) fn mark_mailed(conn: &Connection, ids: &[TokenId], at: DateTime<Utc>) -> Result<(), StoreError> {
    let mut update =
        conn.prepare_cached("UPDATE account_tokens SET mailed_at = coalesce(mailed_at, ?1) WHERE id = ?2")?;
    for id in ids {
        update.execute(params![ts(at), id.to_string()])?;
    }
    Ok(())
}

/// A new password: the sessions end, older tokens stop working, reset links are spent. The one
/// way both a reset and a change set it.
pub(super) fn set_password(
    conn: &Connection,
    user: &str,
    password_hash: &str,
    at: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE users SET password_hash = ?1, credentials_changed_at = ?2 WHERE id = ?3")?
        .execute(params![password_hash, at, user])?;
    conn.prepare_cached("DELETE FROM sessions WHERE user_id = ?1")?
        .execute([user])?;
    conn.prepare_cached(
        "UPDATE account_tokens SET used_at = ?1 WHERE user_id = ?2 AND purpose <> ?3 AND used_at IS NULL",
    )?
    .execute(params![at, user, AccountMail::VerifyEmail.as_str()])?;
    Ok(())
}

fn redeem(
    conn: &Connection,
    id: TokenId,
    at: DateTime<Utc>,
    redemption: &Redemption,
) -> Result<Option<UserId>, StoreError> {
    let at = ts(at);
    let spent: Option<(String, Option<String>)> = conn
        .prepare_cached(
            "UPDATE account_tokens SET used_at = ?1 WHERE id = ?2 AND used_at IS NULL AND expires_at > ?1
             RETURNING user_id, new_email",
        )?
        .query_row(params![at, id.to_string()], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let Some((user, new_email)) = spent else {
        return Ok(None);
    };
    if let (Redemption::ChangeEmail, Some(new_email)) = (redemption, new_email) {
        conn.prepare_cached("UPDATE users SET email = ?1, email_verified_at = ?2 WHERE id = ?3")?
            .execute(params![new_email, at, user])
            .map_err(|e| on_constraint(e, "email", "user"))?;
    }
    conn.prepare_cached(
        "UPDATE users SET email_verified_at = coalesce(email_verified_at, ?1) WHERE id = ?2",
    )?
    .execute(params![at, user])?;
    if let Redemption::ResetPassword { password_hash } = redemption {
        set_password(conn, &user, password_hash, &at)?;
    }
    Ok(Some(parse_id(&user)?))
}

#[async_trait]
impl AccountTokens for SqliteEngine {
    async fn issue_token(&self, token: NewAccountToken) -> Result<(), StoreError> {
        let in_place = self.events_in_place();
        let token = self
            .write(move |conn| insert_token(conn, &token, in_place).map(|()| token))
            .await?;
        self.events_committed(in_place, [&token.message]);
        Ok(())
    }

    async fn account_token(&self, id: TokenId) -> Result<Option<AccountTokenRecord>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {TOKEN_COLUMNS} FROM account_tokens t WHERE t.id = ?1"
            ))?;
            let mut rows = stmt.query([id.to_string()])?;
            rows.next()?.map(token_from_row).transpose()
        })
        .await
    }

    async fn redeem_token(
        &self,
        id: TokenId,
        at: DateTime<Utc>,
        redemption: Redemption,
    ) -> Result<Option<UserId>, StoreError> {
        self.write(move |conn| redeem(conn, id, at, &redemption)).await
    }

    async fn verify_email(&self, email: &str, at: DateTime<Utc>) -> Result<UserId, StoreError> {
        let email = email.to_owned();
        self.write(move |conn| {
            let user: Option<String> = conn
                .prepare_cached(
                    "UPDATE users SET email_verified_at = coalesce(email_verified_at, ?1) WHERE email = ?2
                     RETURNING id",
                )?
                .query_row(params![ts(at), email], |row| row.get(0))
                .optional()?;
            parse_id(&user.ok_or(StoreError::NotFound("user"))?)
        })
        .await
    }

    async fn account_mail_contexts(
        &self,
        ids: &[TokenId],
    ) -> Result<Vec<Option<AccountMailContext>>, StoreError> {
        let ids = ids.to_vec();
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {TOKEN_COLUMNS}, u.full_name, coalesce(t.new_email, u.email), u.language
                 FROM account_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?1"
            ))?;
            ids.iter()
                .map(|id| {
                    let mut rows = stmt.query([id.to_string()])?;
                    rows.next()?
                        .map(|row| {
                            Ok(AccountMailContext {
                                token: token_from_row(row)?,
                                full_name: row.get(6)?,
                                email: row.get(7)?,
                                language: Language::parse(&row.get::<_, String>(8)?).unwrap_or_default(),
                            })
                        })
                        .transpose()
                })
                .collect()
        })
        .await
    }
}
