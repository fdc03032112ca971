//! Operator commands: `topics`, `groups`, `groups reset-offsets` and `status`, the one screen that
//! replaces `ps aux | grep` and `tail -f` on the system this replaces.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use pvara_domain::event::Group;
use pvara_services::health::{self, Check, Installation, Level, MemberProbe, Members, check};
use pvara_storage::model::OffsetReset;
use pvara_storage::{Engines, Location};

use crate::cli::ResetArgs;
use crate::config::Config;
use crate::startup::{lock_role, open_engines};

/// Opens the engines of an installation that exists. Opening a SQLite path that is not there
/// would create an empty database, and an operator with a mistyped `--data-dir` would be told
/// about an empty, healthy installation.
async fn open_existing(config: &Config) -> anyhow::Result<Engines> {
    if let Location::Sqlite(path) = config.location()?
        && !path.exists()
    {
        bail!("no database at {}; is --data-dir right?", path.display());
    }
    open_engines(config).await
}

pub async fn print_topics(config: &Config) -> anyhow::Result<()> {
    let engines = open_existing(config).await?;
    println!("{:<28} {:>9} {:>12}", "TOPIC", "PARTITION", "END-OFFSET");
    for topic in engines.log.topics().await? {
        for p in &topic.partitions {
            println!("{:<28} {:>9} {:>12}", topic.name, p.partition, p.end_offset);
        }
    }
    Ok(())
}

pub async fn reset_offsets(config: &Config, args: ResetArgs) -> anyhow::Result<()> {
    let known = Group::named(&args.group);
    let (role, default_topic) = (known.map(|g| g.role), known.map(|g| g.topic.name()));
    let topic = args
        .topic
        .as_deref()
        .or(default_topic)
        .context("--topic is needed for this group")?;
    let to = match (args.to_earliest, args.to_latest, args.to_offset) {
        (true, _, _) => OffsetReset::Earliest,
        (_, true, _) => OffsetReset::Latest,
        (_, _, Some(n)) => OffsetReset::Offset(n),
        _ => bail!("give --to-earliest, --to-latest or --to-offset N"),
    };
    // The embedded SQLite group lives in the process holding the worker's role lock.
    let _lock = match (role, config.kafka.is_none()) {
        (Some(role), true) => lock_role(config, role).map_err(|_| {
            anyhow::anyhow!(
                "consumer group {} has an active member; stop it first",
                args.group
            )
        })?,
        _ => None,
    };
    let engines = open_existing(config).await?;
    for g in engines.log.reset_offsets(&args.group, topic, to).await? {
        println!(
            "{} {} partition {}: committed {} (end {})",
            g.group, g.topic, g.partition, g.committed, g.end_offset
        );
    }
    Ok(())
}

pub async fn print_groups(config: &Config) -> anyhow::Result<()> {
    let engines = open_existing(config).await?;
    println!(
        "{:<16} {:<24} {:>9} {:>10} {:>11} {:>8}  OWNER",
        "GROUP", "TOPIC", "PARTITION", "COMMITTED", "END-OFFSET", "LAG"
    );
    for g in engines.log.groups().await? {
        println!(
            "{:<16} {:<24} {:>9} {:>10} {:>11} {:>8}  {}",
            g.group,
            g.topic,
            g.partition,
            g.committed,
            g.end_offset,
            g.lag(),
            g.owner.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}

/// Prints the health of every part and fails (exit status 1) if any part is unhealthy.
pub async fn status(config: &Config, api: &str) -> anyhow::Result<()> {
    let mut checks = vec![check_api(api).await];
    match open_existing(config).await {
        Ok(engines) => checks.extend(
            health::checks(
                engines.store.as_ref(),
                engines.log.as_ref(),
                &installation(config)?,
                Duration::from_secs(1),
            )
            .await
            .checks,
        ),
        Err(error) => checks.push(check(Level::Fail, "database", format!("{error:#}"))),
    }
    println!(
        "pvara status at {}",
        chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC")
    );
    for c in &checks {
        println!("  {:<5} {:<14} {}", c.level.word(), c.what, c.detail);
    }
    let failing: Vec<&str> = checks
        .iter()
        .filter(|c| c.level == Level::Fail)
        .map(|c| c.what.as_str())
        .collect();
    if failing.is_empty() {
        println!("healthy");
        Ok(())
    } else {
        bail!("unhealthy: {}", failing.join(", "))
    }
}

async fn check_api(api: &str) -> Check {
    let url = format!("{}/api/ready", api.trim_end_matches('/'));
    let client = reqwest::Client::builder().timeout(Duration::from_secs(3)).build();
    let answer = match client {
        Ok(client) => client.get(&url).send().await,
        Err(error) => return check(Level::Fail, "api", error.to_string()),
    };
    match answer {
        Ok(response) if response.status().is_success() => check(Level::Ok, "api", format!("{api} ready")),
        Ok(response) => {
            let body = response.text().await.unwrap_or_default();
            check(Level::Fail, "api", format!("{api} not ready: {body}"))
        }
        Err(error) => check(Level::Fail, "api", format!("{api} unreachable: {error}")),
    }
}

/// The installation as the health checks see it; on SQLite, a role's member is whoever holds its
/// lock file (taking the lock means nobody does; it is released at once).
pub fn installation(config: &Config) -> anyhow::Result<Installation> {
    let database = match config.location()? {
        Location::Sqlite(path) => format!("SQLite {}", path.display()),
        // The URL may hold a password: name the engine only.
        Location::Postgres(_) => "PostgreSQL".to_owned(),
    };
    let log = match &config.kafka {
        Some(kafka) => format!("Kafka {}", kafka.brokers),
        None => "embedded in the database".to_owned(),
    };
    let on_kafka = config.kafka.is_some();
    let locks = (!on_kafka && matches!(config.location()?, Location::Sqlite(_))).then(|| config.clone());
    let members: MemberProbe = Arc::new(move |role, offsets| match &locks {
        Some(config) => match lock_role(config, role) {
            Ok(Some(_free)) => Members::None,
            Ok(None) => Members::Unknown,
            Err(_) => Members::Some(1),
        },
        None => Members::from_owners(offsets, on_kafka),
    });
    Ok(Installation {
        database,
        log,
        max_lag: config.max_lag,
        semantic_model: config.semantic_model.is_some(),
        members,
    })
}
