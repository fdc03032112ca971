//! pvara's services, written against the storage and event-log traits only: the HTTP API, the
//! outbox relay, and the workers that consume the log.
//!
//! Every long-running task takes a [`CancellationToken`](tokio_util::sync::CancellationToken):
//! when it fires, the API stops accepting connections and finishes requests in flight, workers
//! finish and commit the batch in hand, and the relay stops after its current batch.
//!
//! # Layout
//! - [`usecase`]: every use case as one function (register, submit, act, withdraw, bulk, note,
//!   post and close a job), called by the JSON API and the web pages alike.
//! - [`state`]: the process's engines and services, built once at start ([`state::Services`]),
//!   which use cases take.
//! - [`front`]: what both front ends share above the use cases: request parts, the multipart
//!   application form, applications as JSON, downloads, cursors.
//! - [`api`]: the axum router, one module per resource, with [`api::error::ApiError`] as the one
//!   error shape (`{"error":{"code","message","field"}}`).
//! - [`http`]: both front ends under one router, the layers every answer goes through, and the
//!   listener with its connection limits.
//! - [`web`]: the server-rendered portal (candidates) and workspace (staff), on the same port.
//! - [`health`]: every part's health, read one way by `pvara status` and the System page.
//! - [`backpressure`]: refusing new applications while the scorers are over `--max-lag` behind.
//! - [`throttle`]: sign-in, registration and applying limited per account and address, in
//!   process or shared through Redis.
//! - [`cv`]: CV files: size and type checks and text extraction under a time limit.
//! - [`auth`]: argon2id password hashing and signed, expiring JWTs carrying the role.
//! - [`relay`]: the loop that moves outbox rows onto the log.
//! - [`retention`]: anonymising applications past `--retention-days`.
//! - [`offer_expiry`]: offers nobody answered in time, marked expired.
//! - [`workers`]: the batch-consuming loop shared by all workers, the scoring worker and the
//!   notification worker.
//! - [`metrics`]: Prometheus names, the recorder, `GET /metrics` and the HTTP middleware.
//! - [`i18n`]: the message catalogues (English, Urdu) and the language of the request.
//! - [`mail`]: templates, MIME, calendar entries and the [`mail::Mailer`]s (mbox files, SMTP).
//! - [`retry`]: the back-off of the loops that outlive a failing dependency.
//! - [`semantic`]: the local sentence-embedding model (all-MiniLM-L6-v2 on candle).
//! - [`scorer`]: the [`scorer::Scorer`] trait, so an external (paid, remote) scorer can replace
//!   the built-in rules without touching the worker.

#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod backpressure;
pub mod cv;
pub mod front;
pub mod health;
pub mod http;
pub mod i18n;
pub mod mail;
pub mod metrics;
pub mod offer_expiry;
pub mod relay;
pub mod retention;
pub mod retry;
pub mod scorer;
pub mod semantic;
pub mod state;
pub mod throttle;
pub mod usecase;
pub mod web;
pub mod workers;

/// An error with its causes, for logs: `event log error: broker transport failure`. The storage
/// errors keep the cause as their `source`, so `%error` in a log line printed only "event log
/// error", and the operator learned nothing about why the relay or a worker was failing.
#[derive(Debug)]
pub struct ErrorChain<'a>(pub &'a (dyn std::error::Error + 'static));

impl std::fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(error) = cause {
            write!(f, ": {error}")?;
            cause = error.source();
        }
        Ok(())
    }
}

/// The current time at stored precision; every timestamp pvara writes comes from here (the
/// storage crate's one clock).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    pvara_storage::clock::now()
}

#[cfg(test)]
mod tests {
    use super::ErrorChain;

    #[test]
    fn an_error_chain_names_every_cause() {
        let cause = std::io::Error::other("broker transport failure");
        let error = pvara_storage::LogError::Backend(Box::new(cause));
        assert_eq!(
            ErrorChain(&error).to_string(),
            format!("{error}: broker transport failure")
        );
    }
}
