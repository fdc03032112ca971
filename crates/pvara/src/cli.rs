//! The command line. Every flag has a `PVARA_*` environment fallback; secrets are hidden from
//! `--help` output and never echoed.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::bail;
use clap::{Args, Parser, Subcommand};
use pvara_services::usecase::verification::EmailVerification;
use tokio_util::sync::CancellationToken;

use pvara_storage::kafka::KafkaOptions;

use crate::config::{
    Config, DEFAULT_DATA_DIR, DEFAULT_KAFKA_REPLICATION, DEFAULT_LISTEN, DEFAULT_MAIL_FROM,
    DEFAULT_TOKEN_TTL_MINUTES, Roles, Secret,
};
use crate::ops;
use crate::startup::Application;
use crate::telemetry::LogFormat;

#[derive(Debug, Parser)]
#[command(
    name = "pvara",
    version,
    about = "Recruitment pipeline: applications in, scored candidates out."
)]
pub struct Cli {
    /// Directory holding the embedded database, the generated JWT secret and delivered mail.
    #[arg(long, env = "PVARA_DATA_DIR", default_value = DEFAULT_DATA_DIR, global = true)]
    pub data_dir: PathBuf,
    /// Database URL (sqlite://PATH); defaults to pvara.db in the data directory.
    #[arg(long, env = "PVARA_DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Most database connections this process opens (PostgreSQL); keep the sum over all processes
    /// under the server's max_connections.
    #[arg(long, env = "PVARA_DATABASE_POOL", default_value_t = pvara_storage::DEFAULT_DATABASE_POOL, global = true, value_parser = clap::value_parser!(u32).range(2..=1000))]
    pub database_pool: u32,
    /// Kafka bootstrap servers (host:port,...); without it the event log lives in the database.
    #[arg(long, env = "PVARA_KAFKA_BROKERS", global = true)]
    pub kafka_brokers: Option<String>,
    /// A librdkafka property passed through as given, e.g. security.protocol=SASL_SSL (repeatable).
    #[arg(long = "kafka-property", env = "PVARA_KAFKA_PROPERTIES", value_delimiter = ',', value_parser = parse_property, global = true, hide_env_values = true)]
    pub kafka_properties: Vec<(String, String)>,
    /// Replication factor of topics pvara creates on Kafka (use 3 in production).
    #[arg(long, env = "PVARA_KAFKA_REPLICATION", default_value_t = DEFAULT_KAFKA_REPLICATION, global = true)]
    pub kafka_replication: i32,
    /// Prefix of every topic and consumer group name on Kafka, to share a cluster.
    #[arg(long, env = "PVARA_KAFKA_TOPIC_PREFIX", default_value = "", global = true)]
    pub kafka_topic_prefix: String,
    /// Directory of the all-MiniLM-L6-v2 model (scripts/fetch-model DIR): scores are then
    /// refined by it in the background (the semantic worker; `serve` runs one).
    #[arg(long, env = "PVARA_SEMANTIC_MODEL", global = true)]
    pub semantic_model: Option<PathBuf>,
    /// A JSON file of the voluntary equality questions applicants are offered (the book, "Fair
    /// and accountable scoring"); sex, age band, disability and province without it.
    #[arg(long, env = "PVARA_EQUALITY_QUESTIONS", global = true)]
    pub equality_questions: Option<PathBuf>,
    /// Log output format.
    #[arg(
        long,
        env = "PVARA_LOG_FORMAT",
        value_enum,
        default_value = "human",
        global = true
    )]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the API, the outbox relay and all workers in one process.
    Serve(ServeArgs),
    /// Run only the HTTP API (scale out: run as many as you like behind a load balancer).
    Api(ServeArgs),
    /// Run only the outbox relay.
    Relay(ServeArgs),
    /// Run only one worker.
    Worker {
        #[arg(value_enum)]
        kind: WorkerKind,
        #[command(flatten)]
        args: ServeArgs,
    },
    /// Manage staff accounts.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// List topics with their partitions and end offsets.
    Topics,
    /// List consumer groups with committed offsets, lag and owner per partition.
    Groups {
        #[command(subcommand)]
        command: Option<GroupsCommand>,
    },
    /// One screen: API, database, outbox, event log and each worker group, healthy or not
    /// (exit status 1 when anything is unhealthy).
    Status {
        /// Base URL of the API to check.
        #[arg(long, env = "PVARA_API_URL", default_value = "http://127.0.0.1:5000")]
        api: String,
    },
    /// Load-test a pvara (started in a temporary directory unless --target is given).
    Bench(crate::bench::BenchArgs),
    /// The audit trail: who did what to which record, oldest first.
    Audit {
        /// Only this record, e.g. application:01935c2e-...
        #[arg(long)]
        subject: Option<String>,
        /// Only this actor (a user id, or operator).
        #[arg(long)]
        actor: Option<String>,
        /// Only entries at or after this time (RFC 3339).
        #[arg(long)]
        since: Option<chrono::DateTime<chrono::Utc>>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// Candidate mail: preview a template as it will be sent.
    Mail {
        #[command(subcommand)]
        command: crate::mail::MailCommand,
    },
    /// List or replay the records the workers set aside on dead-letter topics.
    Dlq {
        #[command(subcommand)]
        command: DlqCommand,
    },
    /// A job's reports: adverse impact, how well the score predicts, the funnel.
    Report {
        #[command(subcommand)]
        command: crate::report::ReportCommand,
    },
    /// National recruitment: import marks, run and show merit lists.
    Merit {
        #[command(subcommand)]
        command: crate::merit::MeritCommand,
    },
    /// Copy the embedded engine's whole data directory while pvara serves, and verify the copy.
    Backup {
        /// A new (or empty) directory for the copy.
        dest: std::path::PathBuf,
    },
    /// Restore a backup into a new, empty data directory (--data-dir).
    Restore {
        /// The backup's directory.
        source: std::path::PathBuf,
        /// A newer copy whose erasure ledger is replayed (the old data directory, or a newer
        /// backup), so that nobody erased since the backup comes back.
        #[arg(long)]
        erasures_from: Option<std::path::PathBuf>,
    },
    /// Bring another system's data across: `pvara import mongodb` for the Node.js system's.
    Import {
        #[command(subcommand)]
        command: crate::import::ImportCommand,
    },
    /// Print the API's OpenAPI document (JSON), or with --markdown the book's API reference.
    Openapi {
        #[arg(long)]
        markdown: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum DlqCommand {
    /// Dead letters with where they came from and why they were set aside.
    List {
        /// Only this dead-letter topic (e.g. application-submitted.dlq).
        #[arg(long)]
        topic: Option<String>,
    },
    /// Put one dead letter back on its original topic.
    Replay {
        #[arg(long)]
        topic: String,
        #[arg(long)]
        partition: u32,
        #[arg(long)]
        offset: u64,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address the HTTP API listens on.
    #[arg(long, env = "PVARA_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    /// Serve `GET /metrics` on this address too (the API serves it on --listen; relay and
    /// worker processes need this to be scraped).
    #[arg(long, env = "PVARA_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// Partitions per topic when topics are created.
    #[arg(long, env = "PVARA_PARTITIONS", default_value_t = pvara_storage::DEFAULT_PARTITIONS, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub partitions: u32,
    /// HS256 key for access tokens (at least 32 characters); generated into the data directory if unset.
    #[arg(long, env = "PVARA_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Lifetime of access tokens, in minutes.
    #[arg(long, env = "PVARA_TOKEN_TTL_MINUTES", default_value_t = DEFAULT_TOKEN_TTL_MINUTES, value_parser = clap::value_parser!(i64).range(1..=10_080))]
    pub token_ttl_minutes: i64,
    /// Directory for delivered mail (one mbox file per batch); defaults to mail/ in the data directory.
    #[arg(long, env = "PVARA_MAIL_DIR")]
    pub mail_dir: Option<PathBuf>,
    /// Sender address of candidate mail.
    #[arg(long, env = "PVARA_MAIL_FROM", default_value = DEFAULT_MAIL_FROM)]
    pub mail_from: String,
    /// Records each worker takes per batch (and per transaction).
    #[arg(long, env = "PVARA_WORKER_BATCH", default_value_t = pvara_services::workers::DEFAULT_BATCH, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub worker_batch: u32,
    /// Send session cookies over HTTPS only; on by default when --listen is not a loopback address.
    #[arg(long, env = "PVARA_COOKIE_SECURE")]
    pub cookie_secure: Option<bool>,
    /// Throttle sign-in, registration and applying ("off" for load tests and pvara bench).
    #[arg(long, env = "PVARA_RATE_LIMITS", value_enum, default_value = "on")]
    pub rate_limits: Switch,
    /// Redis (redis://host:6379/0) holding the rate limits, shared by every API process;
    /// without it each process counts on its own.
    #[arg(long, env = "PVARA_REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<String>,
    /// A reverse proxy whose X-Forwarded-For header names the client (repeatable).
    #[arg(long = "trusted-proxy", env = "PVARA_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Anonymise applications this many days after their job closed (run by the relay role).
    #[arg(long, env = "PVARA_RETENTION_DAYS", value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub retention_days: Option<u32>,
    /// How often, in seconds, offers nobody answered before their expiry are marked expired
    /// (run by the relay role).
    #[arg(long, env = "PVARA_OFFER_SWEEP_SECS", default_value_t = pvara_services::offer_expiry::PERIOD.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub offer_sweep_secs: u64,
    /// Applicants confirm their e-mail address before applying ("off" for closed deployments
    /// and load tests).
    #[arg(
        long,
        env = "PVARA_EMAIL_VERIFICATION",
        value_enum,
        default_value = "required"
    )]
    pub email_verification: Requirement,
    /// Refuse new applications (503, Retry-After) while the scorers are more than this many
    /// records behind; 0 never refuses.
    #[arg(long, env = "PVARA_MAX_LAG", default_value_t = crate::config::DEFAULT_MAX_LAG)]
    pub max_lag: u64,
    /// The portal's address as people reach it (https://jobs.example.gov), for links in mail;
    /// defaults to the --listen address.
    #[arg(long, env = "PVARA_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// PEM certificate chain to serve HTTPS with (and --tls-key).
    #[arg(long, env = "PVARA_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert; never logged.
    #[arg(long, env = "PVARA_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    #[command(flatten)]
    pub mail: crate::mail::MailArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Switch {
    On,
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Requirement {
    Required,
    Off,
}

#[derive(Debug, Subcommand)]
pub enum GroupsCommand {
    /// Move a stopped group's committed offsets (to replay, or to skip a backlog).
    ResetOffsets(ResetArgs),
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["to_earliest", "to_latest", "to_offset"])))]
pub struct ResetArgs {
    #[arg(long)]
    pub group: String,
    /// Defaults to the topic the group consumes (pvara-scoring: application-submitted,
    /// pvara-notify: email-notification).
    #[arg(long)]
    pub topic: Option<String>,
    #[arg(long)]
    pub to_earliest: bool,
    #[arg(long)]
    pub to_latest: bool,
    #[arg(long)]
    pub to_offset: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WorkerKind {
    /// Group pvara-scoring: scores submitted applications.
    Scoring,
    /// Group pvara-notify: delivers candidate mail.
    Notify,
    /// Group pvara-semantic: refines scores with the sentence-embedding model (--semantic-model).
    Semantic,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create a staff account. The password is read from standard input (prompted on a terminal).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = ["admin", "recruiter", "hiring_manager", "interviewer"])]
        role: String,
        /// Name shown in the pipeline history; defaults to the e-mail address.
        #[arg(long)]
        full_name: Option<String>,
        /// Read the password from standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Deactivate an account: it can no longer sign in, and its sessions and tokens stop working.
    Deactivate {
        #[arg(long)]
        email: String,
    },
    /// Mark an account's e-mail address as verified, as an operator vouching for it.
    Verify {
        #[arg(long)]
        email: String,
    },
}

impl ServeArgs {
    fn apply(self, mut config: Config, roles: Roles) -> Config {
        config.listen = self.listen;
        config.metrics_listen = self.metrics_listen;
        config.partitions = self.partitions;
        config.jwt_secret = self.jwt_secret.map(Secret::from);
        config.token_ttl = chrono::Duration::minutes(self.token_ttl_minutes);
        config.mail_dir = self.mail_dir;
        config.mail_from = self.mail_from;
        config.mail = self.mail.into();
        config.workers.batch_size = self.worker_batch as usize;
        config.cookie_secure = self.cookie_secure;
        config.rate_limits = self.rate_limits == Switch::On;
        config.redis_url = self.redis_url.map(Secret::from);
        config.trusted_proxies = self.trusted_proxies;
        config.retention_days = self.retention_days;
        config.offer_sweep = std::time::Duration::from_secs(self.offer_sweep_secs);
        config.tls_cert = self.tls_cert;
        config.tls_key = self.tls_key;
        config.email_verification = match self.email_verification {
            Requirement::Required => EmailVerification::Required,
            Requirement::Off => EmailVerification::Off,
        };
        config.public_url = self.public_url;
        config.max_lag = (self.max_lag > 0).then_some(self.max_lag);
        config.roles = roles;
        config
    }
}

fn parse_property(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => Ok((key.trim().to_owned(), value.to_owned())),
        _ => Err(format!("expected key=value, got {text:?}")),
    }
}

impl Cli {
    fn config(&self) -> Config {
        let mut config = Config::new(&self.data_dir);
        config.database_url = self.database_url.clone();
        config.database_pool = self.database_pool;
        config.semantic_model = self.semantic_model.clone();
        config.equality_questions = self.equality_questions.clone();
        config.kafka = self.kafka_brokers.as_ref().map(|brokers| KafkaOptions {
            brokers: brokers.clone(),
            properties: self.kafka_properties.clone(),
            replication: self.kafka_replication,
            prefix: self.kafka_topic_prefix.clone(),
            client_id: client_id(&self.command),
        });
        config
    }
}

/// How this process names itself to Kafka: its command and host (`pvara-worker-scoring@db1`).
fn client_id(command: &Command) -> String {
    let role = match command {
        Command::Serve(_) => "serve".to_owned(),
        Command::Api(_) => "api".to_owned(),
        Command::Relay(_) => "relay".to_owned(),
        Command::Worker { kind, .. } => format!("worker-{}", format!("{kind:?}").to_lowercase()),
        _ => "cli".to_owned(),
    };
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "unknown".to_owned());
    format!("pvara-{role}@{host}")
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config();
    match cli.command {
        Command::Serve(args) => serve(args.apply(config, Roles::ALL)).await,
        Command::Api(args) => {
            serve(args.apply(
                config,
                Roles {
                    api: true,
                    ..Roles::NONE
                },
            ))
            .await
        }
        Command::Relay(args) => {
            serve(args.apply(
                config,
                Roles {
                    relay: true,
                    ..Roles::NONE
                },
            ))
            .await
        }
        Command::Worker { kind, args } => {
            let roles = match kind {
                WorkerKind::Scoring => Roles {
                    scoring: true,
                    ..Roles::NONE
                },
                WorkerKind::Notify => Roles {
                    notify: true,
                    ..Roles::NONE
                },
                WorkerKind::Semantic => {
                    if config.semantic_model.is_none() {
                        bail!(
                            "pvara worker semantic needs the model: --semantic-model DIR (scripts/fetch-model DIR unpacks it)"
                        );
                    }
                    Roles {
                        semantic: true,
                        ..Roles::NONE
                    }
                }
            };
            serve(args.apply(config, roles)).await
        }
        Command::Users {
            command:
                UsersCommand::Create {
                    email,
                    role,
                    full_name,
                    password_stdin,
                },
        } => crate::admin::create_user(&config, &email, &role, full_name.as_deref(), password_stdin).await,
        Command::Users {
            command: UsersCommand::Deactivate { email },
        } => crate::admin::deactivate(&config, &email).await,
        Command::Users {
            command: UsersCommand::Verify { email },
        } => crate::admin::verify(&config, &email).await,
        Command::Audit {
            subject,
            actor,
            since,
            limit,
        } => {
            let query = pvara_storage::model::AuditQuery {
                subject,
                actor,
                since,
                limit,
            };
            crate::admin::audit(&config, query).await
        }
        Command::Dlq {
            command: DlqCommand::List { topic },
        } => crate::admin::list_dead_letters(&config, topic.as_deref()).await,
        Command::Dlq {
            command:
                DlqCommand::Replay {
                    topic,
                    partition,
                    offset,
                },
        } => crate::admin::replay(&config, &topic, partition, offset).await,
        Command::Mail { command } => crate::mail::run(config, command),
        Command::Report { command } => crate::report::run(&config, command).await,
        Command::Merit { command } => crate::merit::run(&config, command).await,
        Command::Import { command } => crate::import::run(&config, command).await,
        Command::Backup { dest } => crate::backup::backup(&config, &dest).await,
        Command::Restore {
            source,
            erasures_from,
        } => crate::backup::restore(&config, &source, erasures_from.as_deref()).await,
        Command::Openapi { markdown } => {
            let (_, document) = pvara_services::api::routes();
            if markdown {
                print!("{}", pvara_services::web::api_docs::markdown(&document));
            } else {
                println!("{}", serde_json::to_string_pretty(&document)?);
            }
            Ok(())
        }
        Command::Topics => ops::print_topics(&config).await,
        Command::Groups { command: None } => ops::print_groups(&config).await,
        Command::Groups {
            command: Some(GroupsCommand::ResetOffsets(args)),
        } => ops::reset_offsets(&config, args).await,
        Command::Status { api } => ops::status(&config, &api).await,
        Command::Bench(args) => {
            let (pages, drive) = (args.pages, args.drive);
            let options = crate::bench::BenchOptions {
                target: args.target,
                applications: args.applications,
                connections: args.connections,
                rate: args.rate,
                report_dir: args.report,
                server_pid: args.server_pid,
                server_exe: None,
                staff_email: args.staff_email,
                staff_password: args.staff_password,
                database_url: config.database_url.clone(),
                kafka: config.kafka.clone(),
                semantic_model: config.semantic_model.clone(),
                await_semantic: args.await_semantic || config.semantic_model.is_some(),
                cv: args.cv,
            };
            let report = if drive {
                crate::bench::drive::run(&options).await?
            } else if pages {
                crate::bench::pages::run(&options).await?
            } else {
                crate::bench::run(options).await?
            };
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(())
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let data_dir = config.data_dir.clone();
    let roles = config.running();
    let app = Application::build(config).await?;
    match app.local_addr() {
        Some(addr) => println!(
            "pvara listening on http://{addr} (data in {})",
            data_dir.display()
        ),
        None => println!(
            "pvara running {} (data in {})",
            roles.describe(),
            data_dir.display()
        ),
    }
    let shutdown = CancellationToken::new();
    let trigger = shutdown.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down: finishing requests and batches in flight");
        trigger.cancel();
    });
    app.run(shutdown).await
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
