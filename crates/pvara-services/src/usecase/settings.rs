//! A person's own account settings: their name, their password, their language and their e-mail
//! address (which moves only once a link mailed to the new address is followed:
//! [`super::verification::confirm_new_email`]).

use pvara_domain::ValidationError;
use pvara_domain::event::AccountMail;
use pvara_domain::user::{Email, FullName, Password};

use super::{Actor, Client, Error, audit};
use crate::auth::{ActiveUsers, hash_password, verify_password};
use crate::throttle::Throttle;

/// The account's new name. Applications already made keep the name they were made with: a
/// recruiter's records do not change under them.
pub async fn rename(store: &dyn pvara_storage::Store, actor: Actor, full_name: &str) -> Result<(), Error> {
    let name = FullName::parse(full_name)?;
    store.rename_user(actor.id, name.as_str()).await?;
    audit::record(
        store,
        &actor.audit_name(),
        "user.rename",
        format!("user:{}", actor.id),
    )
    .await;
    Ok(())
}

/// The language of the account's pages and mail: the pages' language switch and the API both
/// keep it here, so that mail written later by a worker follows it.
pub async fn set_language(
    store: &dyn pvara_storage::Store,
    actor: Actor,
    language: pvara_domain::language::Language,
) -> Result<(), Error> {
    store.set_language(actor.id, language).await?;
    Ok(())
}

/// A new password, given the current one: every problem at once (a wrong current password, a
/// weak new one). Every session of the account ends, as after a reset; the caller starts a new
/// one for the person who asked. Wrong guesses count as failed sign-ins, so a stolen session
/// cannot be used to try passwords at leisure.
pub async fn change_password(
    store: &dyn pvara_storage::Store,
    (throttle, active): (&Throttle, &ActiveUsers),
    (client, actor): (Client, Actor),
    (current, new): (&str, &str),
) -> Result<(), Error> {
    let user = store.user(actor.id).await?.ok_or(Error::NotFound("user"))?;
    let account = user.email.to_lowercase();
    throttle.sign_in(client.address, &account).await?;
    let right = verify_password(current.to_owned(), Some(user.password_hash), Some(client.address)).await?;
    let mut problems = Vec::new();
    if !right {
        throttle.sign_in_failed(client.address, &account).await;
        problems.push(ValidationError::new("currentPassword", "is not right"));
    }
    let password = match Password::parse(new) {
        Ok(password) => Some(password),
        Err(mut invalid) => {
            invalid.field = "newPassword";
            problems.push(invalid);
            None
        }
    };
    let Some(password) = password.filter(|_| problems.is_empty()) else {
        return Err(Error::Problems(problems));
    };
    throttle.sign_in_succeeded(client.address, &account).await;
    let password_hash = hash_password(password.expose().to_owned(), Some(client.address)).await?;
    store
        .change_password(actor.id, &password_hash, crate::now())
        .await?;
    active.forget(actor.id);
    audit::record(
        store,
        &actor.audit_name(),
        "user.change_password",
        format!("user:{}", actor.id),
    )
    .await;
    Ok(())
}

/// Asks to move the account to `new_email`, given the current password: every problem at once
/// (a wrong password, an address that is not one or is the account's own). Mails a link to
/// the new address; nothing changes until it is followed. Whether another account has the
/// address is not said here (that would tell anyone signed in who has an account): the link
/// says so when followed. Limited as sign-ins (the password) and as account mail (per address).
pub async fn request_email_change(
    store: &dyn pvara_storage::Store,
    throttle: &Throttle,
    (client, actor): (Client, Actor),
    (new_email, password): (&str, &str),
) -> Result<(), Error> {
    let user = store.user(actor.id).await?.ok_or(Error::NotFound("user"))?;
    let account = user.email.to_lowercase();
    throttle.sign_in(client.address, &account).await?;
    let right = verify_password(
        password.to_owned(),
        Some(user.password_hash),
        Some(client.address),
    )
    .await?;
    let mut problems = Vec::new();
    let email = match Email::parse("newEmail", new_email) {
        Ok(email) if email.as_str().eq_ignore_ascii_case(&user.email) => {
            problems.push(ValidationError::new(
                "newEmail",
                "is already your account's address",
            ));
            None
        }
        Ok(email) => Some(email),
        Err(invalid) => {
            problems.push(invalid);
            None
        }
    };
    if !right {
        throttle.sign_in_failed(client.address, &account).await;
        problems.push(ValidationError::new("currentPassword", "is not right"));
    }
    let Some(email) = email.filter(|_| problems.is_empty()) else {
        return Err(Error::Problems(problems));
    };
    throttle.sign_in_succeeded(client.address, &account).await;
    throttle.account_mail(client.address, email.as_str()).await?;
    let token = super::verification::new_token(actor.id, AccountMail::ChangeEmail, None)?;
    store
        .issue_token(pvara_storage::model::NewAccountToken {
            new_email: Some(email.as_str().to_owned()),
            ..token
        })
        .await?;
    audit::record(
        store,
        &actor.audit_name(),
        "user.request_email_change",
        format!("user:{}", actor.id),
    )
    .await;
    Ok(())
}
