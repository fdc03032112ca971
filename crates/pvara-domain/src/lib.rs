//! The pure core of pvara: what an application, a job and a user are, which status changes are
//! allowed, how an application is scored, and what the events on the log look like.
//!
//! Nothing here performs I/O, reads the clock or draws random numbers behind the caller's back:
//! callers pass `now` and fresh ids in, so every rule here is testable with plain values.
//!
//! # Layout
//! - [`ids`]: typed identifiers (UUIDv7), so a job id can never be passed where an application id is due.
//! - [`validation`]: the error every `parse` constructor returns, naming the offending field.
//! - [`user`]: e-mail addresses, passwords, names and roles.
//! - [`language`]: the languages of the pages and the mail (English, Urdu).
//! - [`job`]: job postings and their requirements.
//! - [`application`]: a candidate's application as submitted.
//! - [`status`]: the application lifecycle as a transition table.
//! - [`pipeline`]: the recruiter actions (test, interview, offer, rejection) and their details.
//! - [`scoring`]: the deterministic, explainable scorer.
//! - [`stages`]: the stages a job uses (the online test is optional, one to three interview
//!   rounds), read by every step.
//! - [`scorecard`]: an interviewer's ratings and recommendation, and who may read whose.
//! - [`equality`]: the voluntary equality questionnaire, kept apart from everything else.
//! - [`reference`]: the short reference a person reads to a helpdesk (`PVA-7K3Q-9MXD`).
//! - [`redaction`]: what identifies a person in free text (names, contact details, addresses),
//!   withheld under name-blind sifting.
//! - [`merit`]: national recruitment: eligibility on the closing date, quotas, merit lists,
//!   their fingerprints.
//! - [`report`]: the funnel, adverse-impact and scorer reports, from histories.
//! - [`event`]: topics, CloudEvents envelopes and payloads (ids, statuses and scores only).
//! - [`time`]: the timestamp precision all engines store.

#![forbid(unsafe_code)]

pub mod application;
pub mod equality;
pub mod event;
pub mod ids;
pub mod job;
pub mod language;
pub mod merit;
pub mod pipeline;
pub mod redaction;
pub mod reference;
pub mod report;
pub mod scorecard;
pub mod scoring;
pub mod stages;
pub mod status;
pub mod time;
pub mod user;
pub mod validation;

pub use validation::ValidationError;
