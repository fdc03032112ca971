//! The semantic scorer's model: a local sentence-embedding model (all-MiniLM-L6-v2) that reads
//! CV text and job text alike, so that "built event-driven services on a distributed log" is near
//! "Kafka experience" although they share no word. No remote service and no key: the model's
//! files come from a PyPI package (scripts/fetch-model) and run in process on the CPU.
//!
//! # Layout
//! - `embedder`: loading the model and turning texts into unit vectors.
//! - `refiner`: one application's passages against its job, into a refined card (the rules of
//!   the refinement are the domain's, `pvara_domain::scoring::semantic`).
//!
//! The consumer group that runs it is `workers::semantic`.

pub mod embedder;
pub mod refiner;

pub use embedder::{Embedder, MAX_TOKENS, MODEL_NAME, ModelError, cosine};
pub use refiner::Refiner;
