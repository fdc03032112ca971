//! The `pvara` binary's library half: configuration, wiring of engines to services, and the CLI
//! commands. `main.rs` only parses arguments and calls in here, so tests build the very same
//! [`startup::Application`] the binary runs.
//!
//! # Layout
//! - [`config`]: everything `serve` needs, with defaults for the embedded deployment.
//! - [`startup`]: [`startup::Application`]: opens the engines, binds the listener (port 0 in
//!   tests), and runs the API, relay and workers until a shutdown token fires.
//! - [`cli`]: the command-line interface.
//! - [`ops`]: the operator commands `status`, `topics` and `groups`.
//! - [`admin`]: `users create|deactivate|verify`, `audit` and `dlq list|replay`.
//! - [`report`]: `report impact|scorer`, a job's reports at the terminal.
//! - [`merit`]: `merit import-marks|run|show`, national recruitment at the terminal.
//! - [`import`]: `import mongodb`, the Node.js system's data brought across.
//! - [`backup`]: `backup` and `restore` of the embedded engine's data directory.
//! - [`mail`]: mail settings (mbox or SMTP, templates, locale) and `pvara mail preview`.
//! - [`telemetry`]: log output setup.
//! - [`bench`]: `pvara bench`, the load generator.
//! - `src/bin/pvara-cv-reader.rs`: the second binary, the CV sandbox's child on its own (the
//!   server starts one per uploaded file; `pvara sandbox-extract` is the same child).

#![forbid(unsafe_code)]

pub mod admin;
pub mod backup;
pub mod bench;
pub mod cli;
pub mod config;
pub mod import;
pub mod mail;
pub mod merit;
pub mod ops;
pub mod report;
pub mod startup;
pub mod telemetry;
