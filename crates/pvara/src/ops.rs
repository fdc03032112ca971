//! Operator commands: `topics`, `groups`, `groups reset-offsets` and `status`, the one screen that
//! replaces `ps aux | grep` and `tail -f` on the system this replaces.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use pvara_domain::event::{GROUPS, Group, SEMANTIC_GROUP};
use pvara_storage::model::{GroupOffset, OffsetReset};
use pvara_storage::{Engines, Location};

use crate::cli::ResetArgs;
use crate::config::Config;
use crate::startup::{lock_role, open_engines};

/// Outbox rows older than this mean the relay or the log is not keeping up.
const OUTBOX_AGE_LIMIT: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

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

/// One line of `pvara status`.
struct Check {
    level: Level,
    what: String,
    detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Ok,
    Warn,
    Fail,
}

impl Level {
    fn word(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Fail => "FAIL",
        }
    }
}

fn check(level: Level, what: impl Into<String>, detail: impl Into<String>) -> Check {
    Check {
        level,
        what: what.into(),
        detail: detail.into(),
    }
}

/// Prints the health of every part and fails (exit status 1) if any part is unhealthy.
pub async fn status(config: &Config, api: &str) -> anyhow::Result<()> {
    let mut checks = vec![check_api(api).await];
    match open_existing(config).await {
        Ok(engines) => checks.extend(check_engines(config, &engines).await?),
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

fn describe_engines(config: &Config) -> anyhow::Result<(String, String)> {
    let database = match config.location()? {
        Location::Sqlite(path) => format!("SQLite {}", path.display()),
        // The URL may hold a password: name the engine only.
        Location::Postgres(_) => "PostgreSQL".to_owned(),
    };
    let log = match &config.kafka {
        Some(kafka) => format!("Kafka {}", kafka.brokers),
        None => "embedded in the database".to_owned(),
    };
    Ok((database, log))
}

async fn check_engines(config: &Config, engines: &Engines) -> anyhow::Result<Vec<Check>> {
    let (database, log) = describe_engines(config)?;
    let mut checks = Vec::new();
    checks.push(match engines.store.counts().await {
        Ok(counts) => check(
            Level::Ok,
            "database",
            format!(
                "{database}: {} applications, {} jobs, {} users",
                counts.applications, counts.jobs, counts.users
            ),
        ),
        Err(error) => check(Level::Fail, "database", format!("{database}: {error}")),
    });
    checks.push(match engines.store.outbox_backlog().await {
        Ok(backlog) => {
            let age = backlog.oldest.map(|oldest| chrono::Utc::now() - oldest);
            let level = if age.is_some_and(|age| age > OUTBOX_AGE_LIMIT) {
                Level::Fail
            } else {
                Level::Ok
            };
            let age = age.map_or_else(String::new, |age| format!(", oldest {}s", age.num_seconds()));
            check(
                level,
                "outbox",
                format!("{} rows waiting for the relay{age}", backlog.rows),
            )
        }
        Err(error) => check(Level::Fail, "outbox", error.to_string()),
    });
    let topics = match engines.log.topics().await {
        Ok(topics) => topics,
        Err(error) => {
            checks.push(check(Level::Fail, "event log", format!("{log}: {error}")));
            return Ok(checks);
        }
    };
    checks.push(check(
        Level::Ok,
        "event log",
        format!("{log}: {} topics", topics.len()),
    ));
    // Two readings a second apart tell a group that is working through its lag from a stuck one.
    let first = engines.log.groups().await;
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let second = engines.log.groups().await;
    match (first, second) {
        (Ok(first), Ok(second)) => {
            let seconds = started.elapsed().as_secs_f64();
            // The semantic group is shown where a model is configured or it has run before.
            let shown = |g: &Group| {
                g.name != SEMANTIC_GROUP.name
                    || config.semantic_model.is_some()
                    || second
                        .iter()
                        .any(|o| o.group.ends_with(g.name) && o.committed > 0)
            };
            for group in GROUPS.iter().filter(|g| shown(g)) {
                let (name, topic) = (group.name, group.topic.name());
                checks.push(check_group(
                    config, name, topic, group.role, &first, &second, seconds,
                ));
            }
            checks.push(
                match pvara_services::metrics::scoring_lag(engines.log.as_ref(), &second).await {
                    Ok(lag) => check_backpressure(config, lag),
                    Err(error) => check(Level::Fail, "backpressure", error.to_string()),
                },
            );
        }
        (Err(error), _) | (_, Err(error)) => checks.push(check(Level::Fail, "groups", error.to_string())),
    }
    let dead: Vec<String> = topics
        .iter()
        .filter(|t| t.name.ends_with(".dlq"))
        .filter_map(|t| {
            let n: u64 = t.partitions.iter().map(|p| p.end_offset).sum();
            (n > 0).then(|| format!("{}: {n}", t.name))
        })
        .collect();
    checks.push(if dead.is_empty() {
        check(Level::Ok, "dead letters", "none")
    } else {
        check(Level::Warn, "dead letters", dead.join(", "))
    });
    Ok(checks)
}

/// Whether API processes with this configuration refuse applications now (`--max-lag`).
fn check_backpressure(config: &Config, lag: u64) -> Check {
    match config.max_lag {
        None => check(Level::Ok, "backpressure", "off (--max-lag 0)"),
        Some(max) if lag > max => check(
            Level::Warn,
            "backpressure",
            format!("shedding: scoring lag {lag} is over --max-lag {max}; new applications get 503"),
        ),
        Some(max) => check(
            Level::Ok,
            "backpressure",
            format!("taking applications: scoring lag {lag} of at most {max}"),
        ),
    }
}

fn check_group(
    config: &Config,
    group: &str,
    topic: &str,
    role: &str,
    first: &[GroupOffset],
    second: &[GroupOffset],
    seconds: f64,
) -> Check {
    let of = |offsets: &[GroupOffset]| -> Vec<GroupOffset> {
        offsets
            .iter()
            .filter(|g| g.group.ends_with(group) && g.topic.ends_with(topic))
            .cloned()
            .collect()
    };
    let (before, now) = (of(first), of(second));
    let lag: u64 = now.iter().map(GroupOffset::lag).sum();
    let committed = |offsets: &[GroupOffset]| offsets.iter().map(|g| g.committed).sum::<u64>();
    let rate = committed(&now).saturating_sub(committed(&before)) as f64 / seconds;
    let members = members(config, role, &now);
    let detail = format!(
        "lag {lag} over {} partitions, committing {rate:.0}/s; {}",
        now.len(),
        members.describe()
    );
    let level = match members {
        Members::None => Level::Fail,
        // Lag that did not move in a second: stuck, or a member that is only now starting.
        _ if lag > 0 && committed(&now) == committed(&before) => Level::Warn,
        _ => Level::Ok,
    };
    check(level, group, detail)
}

enum Members {
    None,
    Some(usize),
    Unknown,
}

impl Members {
    fn describe(&self) -> String {
        match self {
            Members::None => "no member running".to_owned(),
            Members::Some(1) => "1 member".to_owned(),
            Members::Some(n) => format!("{n} members"),
            Members::Unknown => "members not listed by the broker".to_owned(),
        }
    }
}

/// Who consumes: on SQLite the role lock is held by the one member; PostgreSQL's embedded log and
/// Kafka name each partition's owner (some Kafka-protocol brokers do not list groups).
fn members(config: &Config, role: &str, offsets: &[GroupOffset]) -> Members {
    if config.kafka.is_none() && matches!(config.location(), Ok(Location::Sqlite(_))) {
        // Taking the lock means nobody holds it; it is released at once.
        return match lock_role(config, role) {
            Ok(Some(_free)) => Members::None,
            Ok(None) => Members::Unknown,
            Err(_) => Members::Some(1),
        };
    }
    let mut owners: Vec<&str> = offsets.iter().filter_map(|g| g.owner.as_deref()).collect();
    owners.sort_unstable();
    owners.dedup();
    match (owners.len(), config.kafka.is_some()) {
        (0, true) => Members::Unknown,
        (0, false) => Members::None,
        (n, _) => Members::Some(n),
    }
}
