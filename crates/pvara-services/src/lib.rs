//! pvara's services, written against the storage and event-log traits only: the HTTP API, the
//! outbox relay, and the workers that consume the log.
//!
//! Every long-running task takes a [`CancellationToken`](tokio_util::sync::CancellationToken):
//! when it fires, the API stops accepting connections and finishes requests in flight, workers
//! finish and commit the batch in hand, and the relay stops after its current batch.
//!
//! # Layout
//! - [`api`]: the axum router, one module per resource, with [`api::error::ApiError`] as the one
//!   error shape (`{"error":{"code","message","field"}}`).
//! - [`auth`]: argon2id password hashing and signed, expiring JWTs carrying the role.
//! - [`events`]: turns domain events into outbox messages (CloudEvents binary mode).
//! - [`relay`]: the loop that moves outbox rows onto the log.
//! - [`workers`]: the batch-consuming loop shared by all workers, the scoring worker and the
//!   notification worker.
//! - [`metrics`]: Prometheus names, the recorder, `GET /metrics` and the HTTP middleware.
//! - [`mail`]: templates and the [`mail::Mailer`] trait with the mbox file mailer.
//! - [`scorer`]: the [`scorer::Scorer`] trait, so an external (paid, remote) scorer can replace
//!   the built-in rules without touching the worker.

#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod events;
pub mod mail;
pub mod metrics;
pub mod relay;
pub mod scorer;
pub mod workers;

/// The current time at stored precision; every timestamp pvara writes comes from here.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    pvara_domain::time::to_stored_precision(chrono::Utc::now())
}
