//! The test story every engine passes. An engine's test file opens a fresh instance (a new file,
//! database or schema per test) and calls these functions; they panic on the first deviation.
//!
//! The checks are about behaviour visible through the traits only, so a second engine (PostgreSQL,
//! Kafka) is done when it passes them unchanged.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod database;
mod draft_story;
mod fixtures;
mod import_story;
mod log_story;
mod merit_story;
mod panel_story;
mod report_story;
mod rubric_story;
mod store_story;
mod token_story;
mod workspace_story;

pub use database::{TestDatabase, test_kafka, test_kafka_sasl};
pub use draft_story::*;
pub use fixtures::*;
pub use import_story::*;
pub use log_story::*;
pub use merit_story::*;
pub use panel_story::*;
pub use report_story::*;
pub use rubric_story::*;
pub use store_story::*;
pub use token_story::*;
pub use workspace_story::*;
