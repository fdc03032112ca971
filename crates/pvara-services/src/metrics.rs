//! Prometheus metrics: every name in one place, one recorder per process, and the figures that
//! live in the database or the log (outbox backlog and commits at scrape time, consumer lag every
//! few seconds in the background), so every process reports the same truth without keeping its
//! own count.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, State};
use axum::http::{Request, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use pvara_storage::{EventLog, LogError, Store};

pub use pvara_storage::metrics::RECORDS_PRODUCED;

pub const HTTP_REQUESTS: &str = "pvara_http_requests_total";
pub const HTTP_DURATION: &str = "pvara_http_request_duration_seconds";
pub const APPLICATIONS_SUBMITTED: &str = "pvara_applications_submitted_total";
pub const RECORDS_CONSUMED: &str = "pvara_records_consumed_total";
pub const CONSUMER_LAG: &str = "pvara_consumer_lag_records";
pub const OUTBOX_ROWS: &str = "pvara_outbox_backlog_rows";
pub const OUTBOX_AGE: &str = "pvara_outbox_oldest_age_seconds";
pub const SCORING_DURATION: &str = "pvara_scoring_duration_seconds";
pub const SUBMIT_TO_SCORED: &str = "pvara_submit_to_scored_seconds";
pub const SCORED: &str = "pvara_applications_scored_total";
pub const SCORING_FAILURES: &str = "pvara_scoring_failures_total";
pub const REFINED: &str = "pvara_scores_refined_total";
pub const REFINE_FAILURES: &str = "pvara_refine_failures_total";
pub const REFINE_DURATION: &str = "pvara_refine_duration_seconds";
pub const RETRIES: &str = "pvara_retries_total";
pub const DEAD_LETTERS: &str = "pvara_dead_letters_total";
pub const MAILS_DELIVERED: &str = "pvara_mails_delivered_total";
pub const MAILS_FAILED: &str = "pvara_mails_failed_total";
pub const WORKER_RUNNING: &str = "pvara_worker_running";
pub const DB_COMMITS: &str = "pvara_db_commits_total";
pub const DB_ROWS: &str = "pvara_db_rows_written_total";
pub const COLLECT_ERRORS: &str = "pvara_metrics_collect_errors_total";
pub const APPLICATIONS_RETIRED: &str = "pvara_applications_retired_total";
pub const SHEDDING: &str = "pvara_backpressure_shedding";
pub const SHED: &str = "pvara_applications_shed_total";
pub const CV_REFUSED: &str = "pvara_cv_reader_failures_total";
pub const CONNECTIONS_REFUSED: &str = "pvara_http_connections_refused_total";

/// Every name above, for checks that dashboards and alert rules name real metrics.
pub const ALL: &[&str] = &[
    HTTP_REQUESTS,
    HTTP_DURATION,
    APPLICATIONS_SUBMITTED,
    RECORDS_PRODUCED,
    RECORDS_CONSUMED,
    CONSUMER_LAG,
    OUTBOX_ROWS,
    OUTBOX_AGE,
    SCORING_DURATION,
    SUBMIT_TO_SCORED,
    SCORED,
    SCORING_FAILURES,
    REFINED,
    REFINE_FAILURES,
    REFINE_DURATION,
    RETRIES,
    DEAD_LETTERS,
    MAILS_DELIVERED,
    MAILS_FAILED,
    WORKER_RUNNING,
    DB_COMMITS,
    DB_ROWS,
    COLLECT_ERRORS,
    APPLICATIONS_RETIRED,
    SHEDDING,
    SHED,
    CV_REFUSED,
    CONNECTIONS_REFUSED,
];

/// From half a millisecond (an HTTP answer) to two minutes (a backlog drained after an outage).
const SECONDS_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0,
];
/// Longest a scrape waits for the database before reporting without it; under Prometheus's
/// default scrape timeout (10 s).
const COLLECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Consumer lag is refreshed in the background, not per scrape: reading it from Kafka asks the
/// broker for each partition's watermark and the group's offsets, too slow for every scrape.
/// Often enough for backpressure to react within a few seconds.
const LAG_REFRESH: Duration = Duration::from_secs(2);
const LAG_TIMEOUT: Duration = Duration::from_secs(60);

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder, installed on first use. Metrics recorded before are lost, so the
/// binary calls this at start.
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        // Fails only for an empty bucket list, which SECONDS_BUCKETS is not.
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), SECONDS_BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if let Err(error) = metrics::set_global_recorder(recorder) {
            tracing::warn!(%error, "another metrics recorder is installed; /metrics will be empty");
        }
        describe();
        handle
    })
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests answered, by route template and status"
    );
    describe_histogram!(HTTP_DURATION, Unit::Seconds, "Time to answer an HTTP request");
    describe_counter!(
        APPLICATIONS_SUBMITTED,
        "Applications accepted (201) by this process"
    );
    describe_counter!(
        RECORDS_PRODUCED,
        "Records put on the log (relayed, or appended in place on the embedded log), by topic"
    );
    describe_counter!(RECORDS_CONSUMED, "Records handed to a worker, by group and topic");
    describe_gauge!(
        CONSUMER_LAG,
        "Records not yet committed by a consumer group, per partition"
    );
    describe_gauge!(OUTBOX_ROWS, "Outbox rows waiting for the relay");
    describe_gauge!(
        SHEDDING,
        "1 while new applications are refused because the scorers are over --max-lag behind"
    );
    describe_counter!(SHED, "Applications refused with 503 by backpressure");
    describe_counter!(
        CV_REFUSED,
        "CV files whose reader crashed, was killed at its deadline or exceeded its limits"
    );
    describe_counter!(
        CONNECTIONS_REFUSED,
        "Connections closed at once or cut off, by reason (per_address, first_bytes, idle)"
    );
    describe_gauge!(
        OUTBOX_AGE,
        Unit::Seconds,
        "Age of the oldest outbox row (0 when empty)"
    );
    describe_histogram!(SCORING_DURATION, Unit::Seconds, "Scorer time per application");
    describe_histogram!(
        SUBMIT_TO_SCORED,
        Unit::Seconds,
        "From the 201 to the committed score"
    );
    describe_counter!(SCORED, "Applications scored");
    describe_counter!(
        SCORING_FAILURES,
        "Applications set to Scoring Failed after every attempt"
    );
    describe_counter!(REFINED, "Scores refined by the semantic model");
    describe_counter!(
        REFINE_FAILURES,
        "Scores the semantic model failed to refine after every attempt (the rules score stands)"
    );
    describe_histogram!(
        REFINE_DURATION,
        Unit::Seconds,
        "Semantic model time per application"
    );
    describe_counter!(RETRIES, "Attempts repeated after a failure, by operation");
    describe_counter!(
        DEAD_LETTERS,
        "Records set aside on a dead-letter topic, by original topic"
    );
    describe_counter!(MAILS_DELIVERED, "Mails handed to the mailer, by template");
    describe_counter!(
        MAILS_FAILED,
        "Mails the relay refused for good (a 5xx reply), by template; recorded and not retried"
    );
    describe_gauge!(WORKER_RUNNING, "1 while this process runs a member of the group");
    describe_counter!(
        DB_COMMITS,
        "Database commits (SQLite: this process; PostgreSQL: the database)"
    );
    describe_counter!(
        DB_ROWS,
        "Rows written by committed transactions (same scope as commits)"
    );
    describe_counter!(
        COLLECT_ERRORS,
        "Failed reads of a figure (database at scrape time, log in the background), by source"
    );
}

/// What a scrape reads besides the process's own counters (the log is read by [`refresh_lag`]).
#[derive(Clone)]
pub struct Sources {
    pub store: Arc<dyn Store>,
}

impl std::fmt::Debug for Sources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sources").finish_non_exhaustive()
    }
}

/// `GET /metrics`, for processes that serve nothing else (relay and worker roles).
pub fn router(sources: Sources) -> Router {
    Router::new().route("/metrics", get(scrape)).with_state(sources)
}

pub async fn scrape(State(sources): State<Sources>) -> Response {
    collect(&sources).await;
    let handle = handle();
    handle.run_upkeep();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle.render(),
    )
        .into_response()
}

async fn collect(sources: &Sources) {
    match tokio::time::timeout(COLLECT_TIMEOUT, sources.store.outbox_backlog()).await {
        Ok(Ok(backlog)) => {
            gauge!(OUTBOX_ROWS).set(backlog.rows as f64);
            let age = backlog.oldest.map_or(0.0, |oldest| {
                (chrono::Utc::now() - oldest).num_milliseconds().max(0) as f64 / 1000.0
            });
            gauge!(OUTBOX_AGE).set(age);
        }
        Ok(Err(error)) => collect_failed("outbox", &error),
        Err(elapsed) => collect_failed("outbox", &elapsed),
    }
    match tokio::time::timeout(COLLECT_TIMEOUT, sources.store.write_stats()).await {
        Ok(Ok(stats)) => {
            counter!(DB_COMMITS).absolute(stats.commits);
            counter!(DB_ROWS).absolute(stats.rows);
        }
        Ok(Err(error)) => collect_failed("database", &error),
        Err(elapsed) => collect_failed("database", &elapsed),
    }
}

/// Keeps [`CONSUMER_LAG`] and the backpressure's view of the scoring lag current until
/// `shutdown`, reading every group's offsets now and then.
pub async fn refresh_lag(
    log: Arc<dyn EventLog>,
    pressure: crate::backpressure::Backpressure,
    shutdown: tokio_util::sync::CancellationToken,
) {
    loop {
        match tokio::time::timeout(LAG_TIMEOUT, log.groups()).await {
            Ok(Ok(offsets)) => {
                match scoring_lag(log.as_ref(), &offsets).await {
                    Ok(lag) => pressure.observe(lag),
                    Err(error) => collect_failed("log", &error),
                }
                for offset in offsets {
                    gauge!(CONSUMER_LAG, "group" => offset.group.clone(), "topic" => offset.topic.clone(),
                        "partition" => offset.partition.to_string())
                    .set(offset.lag() as f64);
                }
            }
            Ok(Err(error)) => collect_failed("log", &error),
            Err(elapsed) => collect_failed("log", &elapsed),
        }
        tokio::select! {
            _ = tokio::time::sleep(LAG_REFRESH) => {}
            _ = shutdown.cancelled() => return,
        }
    }
}

/// The scoring group's lag: from its committed offsets, or, before it ever committed (no scoring
/// worker has run yet), everything on its topic.
pub async fn scoring_lag(
    log: &dyn EventLog,
    offsets: &[pvara_storage::model::GroupOffset],
) -> Result<u64, LogError> {
    let scoring = pvara_domain::event::SCORING_GROUP;
    let (group, topic) = (scoring.name, scoring.topic.name());
    let mine: Vec<_> = offsets
        .iter()
        .filter(|o| o.group.ends_with(group) && o.topic.ends_with(topic))
        .collect();
    if !mine.is_empty() {
        return Ok(mine.iter().map(|o| o.lag()).sum());
    }
    let topics = log.topics().await?;
    Ok(topics
        .iter()
        .filter(|t| t.name.ends_with(topic))
        .flat_map(|t| &t.partitions)
        .map(|p| p.end_offset)
        .sum())
}

fn collect_failed(source: &'static str, error: &dyn std::fmt::Display) {
    tracing::warn!(source, %error, "metrics: cannot read a figure");
    counter!(COLLECT_ERRORS, "source" => source).increment(1);
}

/// The `method` label: one of the methods HTTP defines, else `other`, so that a client inventing
/// methods cannot add series without bound.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    const KNOWN: [(Method, &str); 9] = [
        (Method::GET, "GET"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::PATCH, "PATCH"),
        (Method::DELETE, "DELETE"),
        (Method::HEAD, "HEAD"),
        (Method::OPTIONS, "OPTIONS"),
        (Method::CONNECT, "CONNECT"),
        (Method::TRACE, "TRACE"),
    ];
    KNOWN
        .iter()
        .find(|(known, _)| known == method)
        .map_or("other", |(_, name)| name)
}

/// Counts every routed request by its route template (never the raw path, whose ids would make
/// one series per application).
pub async fn track_http(request: Request<axum::body::Body>, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    histogram!(HTTP_DURATION, "method" => method, "route" => route.clone())
        .record(started.elapsed().as_secs_f64());
    counter!(HTTP_REQUESTS, "method" => method, "route" => route, "status" => status).increment(1);
    response
}

/// Sets [`WORKER_RUNNING`] for `group` while alive.
#[derive(Debug)]
pub struct RunningWorker(&'static str);

impl RunningWorker {
    pub fn start(group: &'static str) -> Self {
        gauge!(WORKER_RUNNING, "group" => group).increment(1.0);
        RunningWorker(group)
    }
}

impl Drop for RunningWorker {
    fn drop(&mut self) {
        gauge!(WORKER_RUNNING, "group" => self.0).decrement(1.0);
    }
}
