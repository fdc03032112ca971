//! Accounts: registration, sign-in, staff accounts and their deactivation.

use pvara_domain::event::AccountMail;
use pvara_domain::ids::UserId;
use pvara_domain::language::Language;
use pvara_domain::user::{Email, FullName, Password, Role};
use pvara_storage::model::{NewAccountToken, NewUser, UserRecord};
use pvara_storage::{Store, StoreError};

use super::verification::{EmailVerification, new_token};
use super::{Actor, Client, Error};
use crate::auth::{ActiveUsers, hash_password, verify_password};
use crate::throttle::Throttle;

/// What a registration answers: the same for a new address and a known one, so that nobody
/// learns from it who has an account here. What happened is told by mail, to the address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// The address as it will be written to.
    pub email: String,
}

/// Self-service registration: always an applicant, limited per client address. With
/// verification required, the account's first mail is the link that proves its address. An
/// address that already has an account gets a mail saying so (with a link to choose a new
/// password), and the caller gets the same answer as for a new one, after as long.
pub async fn register(
    store: &dyn Store,
    (throttle, client): (&Throttle, Client),
    verification: EmailVerification,
    email: &str,
    password: &str,
    full_name: &str,
) -> Result<Registration, Error> {
    throttle.register(client.address).await?;
    // Every problem at once, in the form's order.
    let (full_name, email, password) = match (
        FullName::parse(full_name),
        Email::parse("email", email),
        Password::parse(password),
    ) {
        (Ok(name), Ok(email), Ok(password)) => (name, email, password),
        (name, email, password) => {
            let problems = [name.err(), email.err(), password.err()];
            return Err(Error::Problems(problems.into_iter().flatten().collect()));
        }
    };
    let answer = Registration {
        email: email.as_str().to_owned(),
    };
    let existing = store.user_by_email(email.as_str()).await?;
    if let Some(user) = existing {
        // As long as a new account's hash takes, so that the time does not tell either.
        hash_password(password.expose().to_owned(), Some(client.address)).await?;
        tell_already_registered(store, throttle, client, &user).await?;
        return Ok(answer);
    }
    let id = UserId::new();
    let token = match verification {
        EmailVerification::Required => Some(new_token(id, AccountMail::VerifyEmail, None)?),
        EmailVerification::Off => None,
    };
    let created = insert_user(
        store,
        id,
        (email.clone(), full_name, password, Role::Applicant),
        (None, Some(client.address)),
        (token, client.language),
    )
    .await;
    match created {
        Ok(_) => Ok(answer),
        // Registered by someone else between the look-up and the insert: a known address now.
        Err(Error::Conflict { .. }) => {
            if let Some(user) = store.user_by_email(email.as_str()).await? {
                tell_already_registered(store, throttle, client, &user).await?;
            }
            Ok(answer)
        }
        Err(other) => Err(other),
    }
}

/// Mails the owner of a known address that someone tried to register it, with a link to choose
/// a new password, within the account-mail limits; past them nothing is sent (and nothing is
/// said to the caller, who must not learn the address is known).
async fn tell_already_registered(
    store: &dyn Store,
    throttle: &Throttle,
    client: Client,
    user: &UserRecord,
) -> Result<(), Error> {
    if !user.active || throttle.account_mail(client.address, &user.email).await.is_err() {
        return Ok(());
    }
    store
        .issue_token(new_token(user.id, AccountMail::AlreadyRegistered, None)?)
        .await?;
    Ok(())
}

/// Creates a user of any role as an operator or admin does: the address counts as verified,
/// since the person creating the account vouches for it.
pub async fn create_user(
    store: &dyn Store,
    email: Email,
    full_name: FullName,
    password: Password,
    role: Role,
) -> Result<NewUser, Error> {
    let verified = Some(crate::now());
    insert_user(
        store,
        UserId::new(),
        (email, full_name, password, role),
        (verified, None),
        (None, Language::En),
    )
    .await
}

async fn insert_user(
    store: &dyn Store,
    id: UserId,
    (email, full_name, password, role): (Email, FullName, Password, Role),
    (email_verified_at, asker): (Option<chrono::DateTime<chrono::Utc>>, Option<std::net::IpAddr>),
    (verification, language): (Option<NewAccountToken>, Language),
) -> Result<NewUser, Error> {
    let password_hash = hash_password(password.expose().to_owned(), asker).await?;
    let user = NewUser {
        id,
        email,
        full_name,
        role,
        password_hash,
        created_at: crate::now(),
        email_verified_at,
        verification,
        language,
    };
    store.create_user(user.clone()).await.map_err(|e| match e {
        StoreError::Conflict(_) => Error::conflict(
            "email_taken",
            "an account with this e-mail already exists",
            Some("email"),
        ),
        other => other.into(),
    })?;
    Ok(user)
}

/// An admin creates an account for someone who works here: a recruiter, hiring manager,
/// interviewer or admin.
pub async fn create_staff(
    store: &dyn Store,
    actor: Actor,
    email: &str,
    full_name: &str,
    password: &str,
    role: Role,
) -> Result<NewUser, Error> {
    actor.require_admin()?;
    if !role.works_here() {
        return Err(pvara_domain::ValidationError::new(
            "role",
            "must be recruiter, hiring_manager, interviewer or admin",
        )
        .into());
    }
    let email = Email::parse("email", email)?;
    let full_name = FullName::parse(full_name)?;
    let password = Password::parse(password)?;
    let user = create_user(store, email, full_name, password, role).await?;
    super::audit::record(
        store,
        &actor.audit_name(),
        "user.create",
        format!("user:{}", user.id),
    )
    .await;
    Ok(user)
}

/// The user these credentials belong to, if they are right and the account is active. Unknown
/// e-mail, wrong password and deactivated account look alike and take as long. Attempts are
/// limited per client address, and an account that keeps failing is locked for a while
/// ([`Throttle`]), before any password is hashed.
pub async fn sign_in(
    store: &dyn Store,
    throttle: &Throttle,
    client: Client,
    email: &str,
    password: &str,
) -> Result<Option<UserRecord>, Error> {
    let account = email.trim().to_lowercase();
    throttle.sign_in(client.address, &account).await?;
    let user = match Email::parse("email", email) {
        Ok(email) => store.user_by_email(email.as_str()).await?,
        Err(_) => None,
    };
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let ok = verify_password(password.to_owned(), hash, Some(client.address)).await?;
    match user.filter(|u| ok && u.active) {
        Some(mut user) => {
            throttle.sign_in_succeeded(client.address, &account).await;
            if crate::auth::is_imported_hash(&user.password_hash) {
                // The password is proven: from now on it is kept as pvara keeps every other.
                let hash = hash_password(password.to_owned(), Some(client.address)).await?;
                store.change_password(user.id, &hash, crate::now()).await?;
                user.password_hash = hash;
            }
            Ok(Some(user))
        }
        None => {
            throttle.sign_in_failed(client.address, &account).await;
            Ok(None)
        }
    }
}

/// Deactivates a staff account: its sessions end in the same transaction, and its tokens stop
/// working in this process at once and in every other within [`ActiveUsers`]' few seconds.
pub async fn deactivate(
    store: &dyn Store,
    active: &ActiveUsers,
    actor: Actor,
    id: UserId,
) -> Result<(), Error> {
    actor.require_admin()?;
    if actor.id == id {
        return Err(Error::conflict(
            "self_deactivation",
            "you cannot deactivate your own account",
            None,
        ));
    }
    store
        .deactivate_user(id, crate::now())
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => Error::NotFound("user"),
            other => other.into(),
        })?;
    active.forget(id);
    super::audit::record(
        store,
        &actor.audit_name(),
        "user.deactivate",
        format!("user:{id}"),
    )
    .await;
    Ok(())
}

/// The active accounts of people who work here whose role `keep` accepts, by name: the choices
/// a form offers (a job's hiring manager, an interview's panel).
pub(super) async fn active_with(
    store: &dyn Store,
    keep: impl Fn(Role) -> bool,
) -> Result<Vec<UserRecord>, Error> {
    let mut people: Vec<_> = store
        .staff_users()
        .await?
        .into_iter()
        .filter(|u| u.active && keep(u.role))
        .collect();
    people.sort_by(|a, b| a.full_name.cmp(&b.full_name));
    Ok(people)
}
