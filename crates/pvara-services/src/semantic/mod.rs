//! The semantic scorer's model: a local sentence-embedding model (all-MiniLM-L6-v2) that reads
//! CV text and job text alike, so that "built event-driven services on a distributed log" is near
//! "Kafka experience" although they share no word. No remote service and no key: the model's
//! files come from a PyPI package (scripts/fetch-model) and run in process on the CPU.
//!
//! # Layout
//! - `embedder`: loading the model and turning texts into unit vectors.

pub mod embedder;

pub use embedder::{Embedder, MAX_TOKENS, MODEL_NAME, ModelError, cosine};
