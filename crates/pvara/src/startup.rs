//! Wiring: engines from the configuration, services on top, one shutdown token for all.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use pvara_services::auth::Tokens;
use pvara_services::auth::links::Links;
use pvara_services::backpressure::Backpressure;
use pvara_services::http;
use pvara_services::mail::{FileMailer, MailTemplates, Mailer};
use pvara_services::scorer::{RuleScorer, Scorer};
use pvara_services::semantic::Refiner;
use pvara_services::state::{AppState, Services};
use pvara_services::throttle::{Counters, Limits, MemoryCounters, RedisCounters, Throttle};
use pvara_services::workers::notify::NotifyWorker;
use pvara_services::workers::rescore::Rescore;
use pvara_services::workers::score_versions::ScoreVersionWorker;
use pvara_services::workers::scoring::ScoringWorker;
use pvara_services::workers::semantic::Refine;
use pvara_services::{relay, workers};
use pvara_storage::{Engines, Location, OpenOptions};
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::config::{Config, ExposeSecret};

/// A pvara process, built and bound but not yet running.
pub struct Application {
    config: Config,
    engines: Engines,
    listener: Option<TcpListener>,
    metrics_listener: Option<TcpListener>,
    tokens: Tokens,
    links: Links,
    scorer: Arc<dyn Scorer>,
    throttle: Throttle,
    tls: Option<http::server::Tls>,
    /// The notify role's mailer and templates, made (and checked) at build time.
    mail: Option<(Arc<dyn Mailer>, Arc<MailTemplates>)>,
    /// The semantic role's model, loaded (and checked) at build time.
    refiner: Option<Arc<Refiner>>,
    /// Held for the life of the process; see [`lock_roles`].
    /// The equality questions, read at build so that a bad file stops the start.
    equality: Arc<pvara_domain::equality::Questionnaire>,
    /// Where CV files are read, checked at build (API role only).
    cv_sandbox: Option<pvara_services::cv::Sandbox>,
    _locks: Vec<std::fs::File>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Opens the engines the configuration names.
pub async fn open_engines(config: &Config) -> anyhow::Result<Engines> {
    let location = config.location()?;
    let options = OpenOptions {
        partitions: config.partitions,
        kafka: config.kafka.clone(),
        database_pool: config.database_pool,
    };
    pvara_storage::open(&location, &options)
        .await
        .with_context(|| format!("cannot open the database at {location:?}"))
}

/// On SQLite the relay and each consumer group have one member per data directory (the embedded
/// log does not share partitions between processes), so each of those roles takes a lock file and
/// a second copy fails with a clear message instead of doing the same work twice. API processes
/// need no lock; on PostgreSQL nothing is locked.
fn lock_roles(config: &Config) -> anyhow::Result<Vec<std::fs::File>> {
    let running = config.running();
    let roles = [
        ("relay", running.relay),
        ("scoring", running.scoring),
        ("notify", running.notify),
        ("semantic", running.semantic),
    ];
    let mut locks = Vec::new();
    for (role, _) in roles.into_iter().filter(|(_, on)| *on) {
        if let Some(lock) = lock_role(config, role)? {
            locks.push(lock);
        }
    }
    Ok(locks)
}

/// Takes the lock of `role` in the data directory (SQLite only; `None` on other engines), or
/// fails if another process holds it.
pub fn lock_role(config: &Config, role: &str) -> anyhow::Result<Option<std::fs::File>> {
    if !matches!(config.location()?, Location::Sqlite(_)) {
        return Ok(None);
    }
    std::fs::create_dir_all(&config.data_dir)?;
    let path = config.data_dir.join(format!("pvara-{role}.lock"));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    file.try_lock().map_err(|_| {
        anyhow::anyhow!(
            "another pvara already runs the {role} role on {}; with SQLite run one copy of it (PostgreSQL allows many)",
            config.data_dir.display()
        )
    })?;
    Ok(Some(file))
}

/// The rate limits the configuration asks for: off, in process, or shared through Redis.
async fn throttle(config: &Config) -> anyhow::Result<Throttle> {
    if !config.rate_limits {
        return Ok(Throttle::off());
    }
    let counters: Arc<dyn Counters> = match &config.redis_url {
        Some(url) => Arc::new(
            RedisCounters::connect(url.expose_secret())
                .await
                .map_err(|e| anyhow::anyhow!("--redis-url: {e}"))?,
        ),
        None => Arc::new(MemoryCounters::default()),
    };
    Ok(Throttle::new(Some(counters), Limits::default()))
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_with_scorer(config, Arc::new(RuleScorer)).await
    }

    /// As [`Application::build`], with another scorer (a remote model, or a test double).
    pub async fn build_with_scorer(config: Config, scorer: Arc<dyn Scorer>) -> anyhow::Result<Self> {
        // Installed before anything can record a metric (once per process).
        pvara_services::metrics::handle();
        pvara_storage::private_fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("cannot create the data directory {}", config.data_dir.display()))?;
        let tightened = pvara_storage::private_fs::tighten(&config.data_dir).with_context(|| {
            format!(
                "cannot make the data directory {} private (chmod -R go-rwx it, as the user pvara runs as)",
                config.data_dir.display()
            )
        })?;
        if tightened > 0 {
            tracing::warn!(
                entries = tightened,
                dir = %config.data_dir.display(),
                "the data directory was readable by other users; group and other permissions removed"
            );
        }
        let locks = lock_roles(&config)?;
        let secret = config.jwt_secret()?;
        let tokens = Tokens::new(secret.expose_secret().as_bytes(), config.token_ttl);
        let links = Links::new(secret.expose_secret().as_bytes(), &config.public_url());
        let engines = open_engines(&config).await?;
        let throttle = throttle(&config).await?;
        let tls = config.tls()?;
        let mail = if config.roles.notify {
            Some((config.mailer()?, config.mail_templates()?))
        } else {
            None
        };
        let refiner = config.semantic_refiner()?;
        let equality = Arc::new(config.questionnaire()?);
        let cv_sandbox = if config.roles.api {
            let sandbox = config.cv_sandbox()?;
            sandbox
                .check()
                .await
                .context("the CV sandbox does not work: uploaded CV files could not be read safely")?;
            Some(sandbox)
        } else {
            None
        };
        let listener = if config.roles.api {
            match http::server::raise_open_files_limit() {
                Ok(limit) => tracing::info!(limit, "open files limit raised to the hard limit"),
                Err(error) => tracing::warn!(%error, "cannot raise the open files limit"),
            }
            let listener = TcpListener::bind(config.listen)
                .await
                .with_context(|| format!("cannot listen on {}", config.listen))?;
            Some(listener)
        } else {
            None
        };
        let metrics_listener = match config.metrics_listen {
            Some(addr) => Some(
                TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot listen for metrics on {addr}"))?,
            ),
            None => None,
        };
        Ok(Self {
            config,
            engines,
            listener,
            metrics_listener,
            tokens,
            links,
            scorer,
            throttle,
            tls,
            mail,
            refiner,
            equality,
            cv_sandbox,
            _locks: locks,
        })
    }

    /// The address the API listens on; with port 0 in the configuration, the one the OS picked.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.listener.as_ref().and_then(|l| l.local_addr().ok())
    }

    /// Where the separate metrics listener (`--metrics-listen`) is bound, if any.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_listener.as_ref().and_then(|l| l.local_addr().ok())
    }

    pub fn engines(&self) -> &Engines {
        &self.engines
    }

    /// Runs until `shutdown` fires, then stops in order: the API finishes requests in flight, then
    /// the relay and the workers finish and commit their current batch.
    pub async fn run(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let Application {
            config,
            engines,
            listener,
            metrics_listener,
            tokens,
            links,
            scorer,
            throttle,
            tls,
            mail,
            refiner,
            equality,
            cv_sandbox,
            _locks,
        } = self;
        let background = CancellationToken::new();
        let mut tasks = JoinSet::new();
        let backpressure = Backpressure::new(config.max_lag);
        if listener.is_some() || metrics_listener.is_some() {
            tasks.spawn(pvara_services::metrics::refresh_lag(
                engines.log.clone(),
                backpressure.clone(),
                background.clone(),
            ));
        }
        if let Some(listener) = metrics_listener {
            if let Ok(addr) = listener.local_addr() {
                tracing::info!("metrics on http://{addr}/metrics");
            }
            let router = pvara_services::metrics::router(pvara_services::metrics::Sources {
                store: engines.store.clone(),
            });
            let stop = background.clone();
            tasks.spawn(async move {
                let served = axum::serve(listener, router)
                    .with_graceful_shutdown(stop.cancelled_owned())
                    .await;
                if let Err(error) = served {
                    tracing::error!(%error, "the metrics listener failed");
                }
            });
        }
        if config.roles.relay {
            tasks.spawn(relay::run(
                engines.relay.clone(),
                engines.store.outbox_signal(),
                background.clone(),
            ));
            tasks.spawn(pvara_services::offer_expiry::run(
                engines.store.clone(),
                config.offer_sweep,
                background.clone(),
            ));
            tasks.spawn(pvara_services::retention::sweep_drafts(
                engines.store.clone(),
                background.clone(),
            ));
            if let Some(days) = config.retention_days {
                tasks.spawn(pvara_services::retention::run(
                    engines.store.clone(),
                    days,
                    background.clone(),
                ));
            }
        }
        if config.roles.scoring {
            // Scores made by older rules (before an upgrade) are scored again, once each.
            let (store, stop) = (engines.store.clone(), background.clone());
            tasks.spawn(async move {
                let asked = pvara_services::usecase::jobs::rescore_after_rules_change(store.as_ref());
                if let Err(error) = asked.await {
                    tracing::warn!(error = %pvara_services::ErrorChain(&error),
                        "cannot ask for scores by older rules to be made again; the next start tries again");
                }
                // Done once; a task that ends would stop the process, so this one waits for the stop.
                stop.cancelled().await;
            });
            // The scoring role runs both groups that score by the rules: first scores, and
            // re-scores after a rubric change.
            let worker = ScoringWorker::new(engines.store.clone(), scorer.clone(), config.workers);
            tasks.spawn(workers::run(
                engines.log.clone(),
                Arc::new(worker),
                config.workers,
                background.clone(),
            ));
            let worker = ScoreVersionWorker::new(engines.store.clone(), Rescore::new(scorer, config.workers));
            tasks.spawn(workers::run(
                engines.log.clone(),
                Arc::new(worker),
                config.workers,
                background.clone(),
            ));
        }
        if let Some((mailer, templates)) = mail {
            let worker = NotifyWorker::new(
                engines.store.clone(),
                mailer,
                templates,
                links.clone(),
                config.workers,
            );
            tasks.spawn(workers::run(
                engines.log.clone(),
                Arc::new(worker),
                config.workers,
                background.clone(),
            ));
        }
        if let Some(refiner) = refiner {
            let worker_config = Refine::config(config.workers);
            tracing::info!(model = refiner.model(), "refining scores with the semantic model");
            tasks.spawn(workers::run(
                engines.log.clone(),
                Arc::new(ScoreVersionWorker::new(
                    engines.store.clone(),
                    Refine::new(refiner, worker_config),
                )),
                worker_config,
                background.clone(),
            ));
        }
        let http = async {
            match listener {
                Some(listener) => {
                    let mut services =
                        Services::new(engines.store.clone(), engines.log.clone(), tokens, links);
                    services.email_verification = config.email_verification;
                    services.backpressure = backpressure;
                    services.installation = crate::ops::installation(&config)?;
                    services.web.cookie_secure = config.cookie_secure();
                    services.web.https = config.https();
                    services.web.semantic = config.semantic_model.is_some();
                    services.web.locale = config.locale()?;
                    services.web.name_panel = config.mail.name_panel;
                    services.web.about = config.about();
                    services.throttle = throttle;
                    services.trusted_proxies = config.trusted_proxies.clone().into();
                    services.equality = equality;
                    if let Some(sandbox) = cv_sandbox {
                        services.cv_sandbox = sandbox;
                    }
                    services.mail_archive = Some(FileMailer::new(config.mail_dir(), config.mail_sender()?));
                    let router = http::router(AppState::from(services));
                    let limits = http::server::ConnectionLimits {
                        exempt: config.trusted_proxies.clone().into(),
                        ..config.connections.clone()
                    };
                    http::server::serve(listener, router, tls, limits, shutdown.clone())
                        .await
                        .context("the HTTP server failed")
                }
                None => {
                    shutdown.cancelled().await;
                    Ok(())
                }
            }
        };
        tokio::pin!(http);
        // A relay or worker that ends before shutdown (it panicked) takes the process down, so
        // that its supervisor restarts it, instead of leaving an API that looks healthy over
        // work nobody does.
        let served = tokio::select! {
            served = &mut http => served,
            Some(ended) = tasks.join_next(), if !tasks.is_empty() => {
                let why = match ended {
                    Ok(()) => "stopped".to_owned(),
                    Err(error) => format!("panicked: {error}"),
                };
                tracing::error!(%why, "a background task ended; stopping pvara");
                shutdown.cancel();
                let _ = http.await;
                Err(anyhow::anyhow!("a background task {why}; pvara stopped so that it can be restarted"))
            }
        };
        background.cancel();
        while let Some(joined) = tasks.join_next().await {
            if let Err(e) = joined {
                tracing::error!(error = %e, "a background task panicked");
            }
        }
        tracing::info!("pvara stopped");
        served
    }
}
