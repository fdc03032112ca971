//! pvara over real HTTP: `Application::build` on port 0 for most stories, the real binary for the
//! crash test. One test binary, so the helpers compile once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit;
mod authz;
mod backpressure;
mod backup;
mod bad_input;
mod bench;
mod broker_down;
mod crash;
mod equality;
mod failures;
mod forms;
mod hardening;
mod helpers;
mod hostile_files;
mod import;
mod imported_passwords;
mod jobs;
mod kafka_cluster;
mod kafka_nodes;
mod kafka_records;
mod languages;
mod mail;
mod national;
mod national_pages;
mod observability;
mod offers;
mod oversight;
mod panels;
mod portal;
mod postgres_restart;
mod privacy;
mod processes;
mod reading;
mod references;
mod rubric;
mod scale_out;
mod security;
mod semantic;
mod settings;
mod story;
mod throttling;
mod verification;
