//! Verified addresses and password reset, by single-use links in mail.
//!
//! Each link names a token stored with its expiry and state, and carries a MAC only the
//! installation's key makes ([`Links`]). Issuing a token writes its mail event in the same
//! transaction; the notify worker mails it like any other mail. Redeeming spends the token and
//! does its work in one transaction, so a link works once.

use pvara_domain::event::{AccountMail, AccountMailRequested, Event};
use pvara_domain::ids::{TokenId, UserId};
use pvara_domain::user::{Email, Password};
use pvara_storage::model::{NewAccountToken, Redemption};
use pvara_storage::{Store, StoreError};

use super::{Actor, Client, Error, audit};
use crate::auth::links::Links;
use crate::auth::{ActiveUsers, hash_password};
use crate::throttle::Throttle;
use pvara_storage::outbox::{SOURCE_API, to_messages};

pub use crate::state::EmailVerification;

/// A fresh token for `user` with the event that asks for its mail.
pub fn new_token(
    user_id: UserId,
    purpose: AccountMail,
    request_id: Option<&str>,
) -> Result<NewAccountToken, Error> {
    let id = TokenId::new();
    let now = pvara_domain::time::to_stored_precision(crate::now());
    let ttl = purpose.link_ttl();
    let event = Event::AccountMailRequested(AccountMailRequested {
        user_id,
        token_id: id,
        purpose,
    });
    let mut messages = to_messages(&[event], SOURCE_API, request_id, now)?;
    let message = messages
        .pop()
        .ok_or_else(|| Error::Internal("no message for an account mail".to_owned()))?;
    Ok(NewAccountToken {
        id,
        user_id,
        purpose,
        created_at: now,
        expires_at: now + ttl,
        message,
        new_email: None,
    })
}

/// Mails a new verification link to the signed-in user, unless their address is verified
/// already. Limited per client address and per account.
pub async fn resend_verification(
    store: &dyn Store,
    throttle: &Throttle,
    client: Client,
    actor: Actor,
) -> Result<(), Error> {
    let user = store.user(actor.id).await?.ok_or(Error::NotFound("user"))?;
    if user.email_verified {
        return Ok(());
    }
    throttle.account_mail(client.address, &user.email).await?;
    store
        .issue_token(new_token(actor.id, AccountMail::VerifyEmail, None)?)
        .await?;
    Ok(())
}

/// The stored token a link's text names, if the link is genuine, for `purpose`, and still good.
async fn genuine(
    store: &dyn Store,
    links: &Links,
    text: &str,
    purpose: AccountMail,
) -> Result<Option<TokenId>, Error> {
    let Some(id) = Links::token_id(text) else {
        return Ok(None);
    };
    let Some(token) = store.account_token(id).await? else {
        return Ok(None);
    };
    let fits = token.purpose == purpose || (purpose.resets_password() && token.purpose.resets_password());
    let good = fits && links.verify(text, &token) && !token.used;
    Ok(good.then_some(id))
}

fn bad_link() -> Error {
    Error::unprocessable(
        "invalid_token",
        "this link is not valid: it may have expired or been used already",
        "token",
    )
}

/// Proves the address of the link's account.
pub async fn verify_email(
    store: &dyn Store,
    (links, active): (&Links, &ActiveUsers),
    text: &str,
) -> Result<UserId, Error> {
    let id = genuine(store, links, text, AccountMail::VerifyEmail)
        .await?
        .ok_or_else(bad_link)?;
    let user = store
        .redeem_token(id, crate::now(), Redemption::VerifyEmail)
        .await?
        .ok_or_else(bad_link)?;
    active.forget(user);
    audit::record(
        store,
        &user.to_string(),
        "user.verify_email",
        format!("user:{user}"),
    )
    .await;
    Ok(user)
}

/// Moves the link's account to the new address the link was mailed to; refused if another
/// account has taken that address since (the link stays unspent, and says so).
pub async fn confirm_new_email(
    store: &dyn Store,
    (links, active): (&Links, &ActiveUsers),
    text: &str,
) -> Result<UserId, Error> {
    let id = genuine(store, links, text, AccountMail::ChangeEmail)
        .await?
        .ok_or_else(bad_link)?;
    let user = match store
        .redeem_token(id, crate::now(), Redemption::ChangeEmail)
        .await
    {
        Ok(user) => user.ok_or_else(bad_link)?,
        Err(StoreError::Conflict(_)) => {
            return Err(Error::conflict(
                "email_taken",
                "this address belongs to another account now, so yours cannot move to it",
                Some("token"),
            ));
        }
        Err(other) => return Err(other.into()),
    };
    active.forget(user);
    audit::record(
        store,
        &user.to_string(),
        "user.change_email",
        format!("user:{user}"),
    )
    .await;
    Ok(user)
}

/// Mails a reset link if `email` belongs to an active account. The answer is the same whether or
/// not it does, and so are the limits.
pub async fn request_password_reset(
    store: &dyn Store,
    throttle: &Throttle,
    client: Client,
    email: &str,
) -> Result<(), Error> {
    let email = Email::parse("email", email)?;
    throttle.account_mail(client.address, email.as_str()).await?;
    let Some(user) = store.user_by_email(email.as_str()).await? else {
        return Ok(());
    };
    if user.active {
        store
            .issue_token(new_token(user.id, AccountMail::PasswordReset, None)?)
            .await?;
    }
    Ok(())
}

/// Sets a new password through a reset link: every session of the account ends, and the
/// address counts as verified (the link reached it).
pub async fn reset_password(
    store: &dyn Store,
    (links, active): (&Links, &ActiveUsers),
    text: &str,
    password: &str,
) -> Result<UserId, Error> {
    let id = genuine(store, links, text, AccountMail::PasswordReset)
        .await?
        .ok_or_else(bad_link)?;
    let password = Password::parse(password)?;
    let password_hash = hash_password(password.expose().to_owned(), None).await?;
    let user = store
        .redeem_token(id, crate::now(), Redemption::ResetPassword { password_hash })
        .await?
        .ok_or_else(bad_link)?;
    active.forget(user);
    audit::record(
        store,
        &user.to_string(),
        "user.reset_password",
        format!("user:{user}"),
    )
    .await;
    Ok(user)
}

/// An operator vouches for an address (`pvara users verify --email`).
pub async fn verify_by_operator(store: &dyn Store, email: &str) -> Result<UserId, Error> {
    let email = Email::parse("email", email)?;
    let user = store
        .verify_email(email.as_str(), crate::now())
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => Error::NotFound("user"),
            other => other.into(),
        })?;
    audit::record(store, "operator", "user.verify_email", format!("user:{user}")).await;
    Ok(user)
}
