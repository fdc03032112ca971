//! `pvara users create|deactivate`, `pvara audit` and `pvara dlq list|replay`: the same use cases as
//! the admin pages and API.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use pvara_domain::user::{Email, FullName, Password, Role};
use pvara_services::auth::ActiveUsers;
use pvara_services::usecase::{self, Actor};

use crate::config::Config;
use crate::startup::open_engines;

/// The operator at the terminal acts as an admin; what they do is logged as `operator`.
pub(crate) fn operator() -> Actor {
    Actor {
        id: pvara_domain::ids::UserId(uuid::Uuid::nil()),
        role: Role::Admin,
    }
}

pub async fn deactivate(config: &Config, email: &str) -> anyhow::Result<()> {
    let email = Email::parse("email", email)?;
    let engines = open_engines(config).await?;
    let user = engines
        .store
        .user_by_email(email.as_str())
        .await?
        .with_context(|| format!("no account with the e-mail {}", email.as_str()))?;
    usecase::accounts::deactivate(
        engines.store.as_ref(),
        &ActiveUsers::default(),
        operator(),
        user.id,
    )
    .await
    .context("cannot deactivate the account")?;
    println!(
        "deactivated {} ({}); its sessions and tokens no longer work",
        email.as_str(),
        user.id
    );
    Ok(())
}

pub async fn verify(config: &Config, email: &str) -> anyhow::Result<()> {
    let engines = open_engines(config).await?;
    let user = usecase::verification::verify_by_operator(engines.store.as_ref(), email)
        .await
        .with_context(|| format!("cannot verify {email}"))?;
    println!("verified the e-mail address of {email} ({user})");
    Ok(())
}

pub async fn list_dead_letters(config: &Config, topic: Option<&str>) -> anyhow::Result<()> {
    let engines = open_engines(config).await?;
    let records = usecase::dead_letters::list(engines.log.as_ref(), topic).await?;
    if records.is_empty() {
        println!("no dead letters");
    }
    for record in records {
        println!(
            "{} partition {} offset {}: from {} ({})",
            record.topic,
            record.partition,
            record.offset,
            record.header("dlq_original_topic").unwrap_or("?"),
            record.header("dlq_error").unwrap_or("no reason recorded"),
        );
    }
    Ok(())
}

pub async fn replay(config: &Config, topic: &str, partition: u32, offset: u64) -> anyhow::Result<()> {
    let engines = open_engines(config).await?;
    let to = usecase::dead_letters::replay(
        engines.store.as_ref(),
        engines.log.as_ref(),
        (topic, partition, offset),
        "operator",
    )
    .await
    .context("cannot replay the dead letter")?;
    println!("replayed {topic} partition {partition} offset {offset} onto {to}");
    Ok(())
}

pub async fn audit(config: &Config, query: pvara_storage::model::AuditQuery) -> anyhow::Result<()> {
    let engines = open_engines(config).await?;
    for entry in usecase::audit::entries(engines.store.as_ref(), operator(), query).await? {
        println!(
            "{}  {:<38}  {:<28}  {}",
            entry.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            entry.actor,
            entry.action,
            entry.subject
        );
    }
    Ok(())
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() && !from_stdin {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Repeat password: ")?;
        if first != again {
            bail!("the passwords do not match");
        }
        return Ok(first);
    }
    if !from_stdin {
        bail!("standard input is not a terminal: pass --password-stdin to read the password from it");
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

pub async fn create_user(
    config: &Config,
    email: &str,
    role: &str,
    full_name: Option<&str>,
    password_stdin: bool,
) -> anyhow::Result<()> {
    let role = Role::parse(role)?;
    let email = Email::parse("email", email)?;
    let full_name = FullName::parse(full_name.unwrap_or(email.as_str()))?;
    let password = Password::parse(&read_password(password_stdin)?)?;
    let engines = open_engines(config).await?;
    let user = pvara_services::usecase::accounts::create_user(
        engines.store.as_ref(),
        email,
        full_name,
        password,
        role,
    )
    .await
    .context("cannot create the user")?;
    println!(
        "created {} {} ({})",
        user.role.as_str(),
        user.email.as_str(),
        user.id
    );
    Ok(())
}
