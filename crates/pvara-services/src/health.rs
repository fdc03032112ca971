//! The health of an installation, read one way for `pvara status` and the admin's System page:
//! the database, the outbox, the event log, each consumer group's lag, rate and members, the
//! backpressure and the dead letters.
//!
//! The two used to be written apart and drifted: the page showed every group's member as "-",
//! left out the re-score group and the backpressure, while `pvara status` on the same data
//! reported one member each and healthy. Who is a member is the one thing only the binary knows
//! (on SQLite, whoever holds a role's lock file), so it passes that in as a [`MemberProbe`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use pvara_domain::event::{GROUPS, Group, SEMANTIC_GROUP};
use pvara_storage::model::GroupOffset;
use pvara_storage::{EventLog, Store};

/// Outbox rows older than this mean the relay or the log is not keeping up.
const OUTBOX_AGE_LIMIT: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Ok,
    Warn,
    Fail,
}

impl Level {
    /// The word `pvara status` prints.
    pub fn word(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Fail => "FAIL",
        }
    }

    /// The words the System page shows, in a tag.
    pub fn label(self) -> &'static str {
        match self {
            Level::Ok => "Healthy",
            Level::Warn => "Needs attention",
            Level::Fail => "Failing",
        }
    }

    /// The GOV.UK tag colour of [`Level::label`].
    pub fn tag_class(self) -> &'static str {
        match self {
            Level::Ok => "govuk-tag--green",
            Level::Warn => "govuk-tag--yellow",
            Level::Fail => "govuk-tag--red",
        }
    }
}

/// One part's health.
#[derive(Debug, Clone)]
pub struct Check {
    pub level: Level,
    pub what: String,
    pub detail: String,
}

pub fn check(level: Level, what: impl Into<String>, detail: impl Into<String>) -> Check {
    Check {
        level,
        what: what.into(),
        detail: detail.into(),
    }
}

/// How many processes consume for a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Members {
    None,
    Some(usize),
    Unknown,
}

impl Members {
    fn describe(self) -> String {
        match self {
            Members::None => "no member running".to_owned(),
            Members::Some(1) => "1 member".to_owned(),
            Members::Some(n) => format!("{n} members"),
            Members::Unknown => "members not listed by the broker".to_owned(),
        }
    }

    /// The members the offsets name as partition owners: PostgreSQL's embedded log and Kafka
    /// name them (some Kafka-protocol brokers list no groups: `on_kafka` says so).
    pub fn from_owners(offsets: &[GroupOffset], on_kafka: bool) -> Members {
        let mut owners: Vec<&str> = offsets.iter().filter_map(|g| g.owner.as_deref()).collect();
        owners.sort_unstable();
        owners.dedup();
        match (owners.len(), on_kafka) {
            (0, true) => Members::Unknown,
            (0, false) => Members::None,
            (n, _) => Members::Some(n),
        }
    }
}

/// Who consumes for a role, given its group's offsets.
pub type MemberProbe = Arc<dyn Fn(&str, &[GroupOffset]) -> Members + Send + Sync>;

/// What the checks need to know of the installation beyond its engines.
#[derive(Clone)]
pub struct Installation {
    /// The database, named for people (never a URL, which may hold a password).
    pub database: String,
    /// The event log, likewise.
    pub log: String,
    /// `--max-lag`: above it, new applications are refused.
    pub max_lag: Option<u64>,
    /// A semantic model is configured, so its group should be running.
    pub semantic_model: bool,
    pub members: MemberProbe,
}

impl Default for Installation {
    fn default() -> Self {
        Installation {
            database: "database".to_owned(),
            log: "event log".to_owned(),
            max_lag: None,
            semantic_model: false,
            members: Arc::new(|_, offsets| Members::from_owners(offsets, false)),
        }
    }
}

impl std::fmt::Debug for Installation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Installation")
            .field("database", &self.database)
            .field("log", &self.log)
            .field("max_lag", &self.max_lag)
            .finish_non_exhaustive()
    }
}

/// Every part's health, with the groups' offsets as last read (empty when they could not be),
/// so a page listing them per partition need not read them again.
#[derive(Debug, Clone)]
pub struct Health {
    pub checks: Vec<Check>,
    pub groups: Vec<GroupOffset>,
}

/// Every part's health. Two readings of the groups `sample` apart tell a group working through
/// its lag from a stuck one.
#[tracing::instrument(skip_all)]
pub async fn checks(
    store: &dyn Store,
    log: &dyn EventLog,
    installation: &Installation,
    sample: Duration,
) -> Health {
    let mut groups = Vec::new();
    let mut checks = vec![database(store, installation).await, outbox(store).await];
    let topics = match log.topics().await {
        Ok(topics) => topics,
        Err(error) => {
            checks.push(check(
                Level::Fail,
                "event log",
                format!("{}: {error}", installation.log),
            ));
            return Health { checks, groups };
        }
    };
    checks.push(check(
        Level::Ok,
        "event log",
        format!("{}: {} topics", installation.log, topics.len()),
    ));
    let first = log.groups().await;
    let started = Instant::now();
    tokio::time::sleep(sample).await;
    let second = log.groups().await;
    match (first, second) {
        (Ok(first), Ok(second)) => {
            let seconds = started.elapsed().as_secs_f64().max(0.001);
            // The semantic group is shown where a model is configured or it has run before.
            let shown = |g: &Group| {
                g.name != SEMANTIC_GROUP.name
                    || installation.semantic_model
                    || second
                        .iter()
                        .any(|o| o.group.ends_with(g.name) && o.committed > 0)
            };
            for group in GROUPS.iter().filter(|g| shown(g)) {
                checks.push(group_check(installation, group, (&first, &second), seconds));
            }
            checks.push(match crate::metrics::scoring_lag(log, &second).await {
                Ok(lag) => backpressure(installation.max_lag, lag),
                Err(error) => check(Level::Fail, "backpressure", error.to_string()),
            });
            groups = second;
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
    Health { checks, groups }
}

async fn database(store: &dyn Store, installation: &Installation) -> Check {
    let database = &installation.database;
    match store.counts().await {
        Ok(counts) => check(
            Level::Ok,
            "database",
            format!(
                "{database}: {} applications, {} jobs, {} users",
                counts.applications, counts.jobs, counts.users
            ),
        ),
        Err(error) => check(Level::Fail, "database", format!("{database}: {error}")),
    }
}

async fn outbox(store: &dyn Store) -> Check {
    match store.outbox_backlog().await {
        Ok(backlog) => {
            let age = backlog.oldest.map(|oldest| crate::now() - oldest);
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
    }
}

/// Whether API processes with this configuration refuse applications now (`--max-lag`).
fn backpressure(max_lag: Option<u64>, lag: u64) -> Check {
    match max_lag {
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

fn group_check(
    installation: &Installation,
    group: &Group,
    (first, second): (&[GroupOffset], &[GroupOffset]),
    seconds: f64,
) -> Check {
    let (name, topic) = (group.name, group.topic.name());
    let of = |offsets: &[GroupOffset]| -> Vec<GroupOffset> {
        offsets
            .iter()
            .filter(|g| g.group.ends_with(name) && g.topic.ends_with(topic))
            .cloned()
            .collect()
    };
    let (before, now) = (of(first), of(second));
    let lag: u64 = now.iter().map(GroupOffset::lag).sum();
    let committed = |offsets: &[GroupOffset]| offsets.iter().map(|g| g.committed).sum::<u64>();
    let rate = committed(&now).saturating_sub(committed(&before)) as f64 / seconds;
    let members = (installation.members)(group.role, &now);
    let detail = format!(
        "lag {lag} over {} partitions, committing {rate:.0}/s; {}",
        now.len(),
        members.describe()
    );
    let level = match members {
        Members::None => Level::Fail,
        // Lag that did not move between the readings: stuck, or a member only now starting.
        _ if lag > 0 && committed(&now) == committed(&before) => Level::Warn,
        _ => Level::Ok,
    };
    check(level, name, detail)
}
