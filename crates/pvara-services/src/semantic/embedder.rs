//! The sentence-embedding model all-MiniLM-L6-v2, run in process on the CPU with candle: text in,
//! a unit vector of 384 numbers out, so that the cosine of two texts is their dot product.
//!
//! It reproduces sentence-transformers: the tokenizer truncates at 256 tokens without padding
//! (the packaged `tokenizer.json` pads and truncates at 128, which the library overrides), the
//! BERT encoder's last hidden states are averaged over the real tokens (mean pooling), and the
//! mean is L2-normalised. Loading reads and checks every file, so a missing or corrupt model
//! directory stops the start, not the first application.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config, DTYPE};
use sha2::{Digest, Sha256};
use tokenizers::{Tokenizer, TruncationParams};

/// The model this module runs, as score versions name it.
pub const MODEL_NAME: &str = "all-MiniLM-L6-v2";
/// Tokens of a text the model reads; the rest is cut, as sentence-transformers does.
pub const MAX_TOKENS: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("cannot read {path} of the semantic model (scripts/fetch-model DIR puts it there)")]
    Missing {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{file} of the semantic model is not usable: {reason}")]
    Corrupt { file: &'static str, reason: String },
    #[error("the semantic model failed on a text: {0}")]
    Inference(String),
}

/// The loaded model and tokenizer. Inference is synchronous and CPU-bound: call it from a
/// blocking thread.
pub struct Embedder {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    /// `all-MiniLM-L6-v2@<first 12 hex digits of the weights' SHA-256>`: which model made a score.
    version: String,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder")
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

fn read(dir: &Path, file: &str) -> Result<Vec<u8>, ModelError> {
    let path = dir.join(file);
    std::fs::read(&path).map_err(|source| ModelError::Missing { path, source })
}

impl Embedder {
    /// Loads `config.json`, `tokenizer.json` and `model.safetensors` from `dir`.
    pub fn load(dir: &Path) -> Result<Self, ModelError> {
        let corrupt = |file: &'static str| {
            move |e: &dyn std::fmt::Display| ModelError::Corrupt {
                file,
                reason: e.to_string(),
            }
        };
        let config: Config =
            serde_json::from_slice(&read(dir, "config.json")?).map_err(|e| corrupt("config.json")(&e))?;
        let mut tokenizer =
            Tokenizer::from_bytes(read(dir, "tokenizer.json")?).map_err(|e| corrupt("tokenizer.json")(&e))?;
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..TruncationParams::default()
            }))
            .map_err(|e| corrupt("tokenizer.json")(&e))?;
        tokenizer.with_padding(None);
        let weights = read(dir, "model.safetensors")?;
        let digest = Sha256::digest(&weights);
        let version = format!("{MODEL_NAME}@{}", &hex(&digest)[..12]);
        let device = Device::Cpu;
        let vb = VarBuilder::from_buffered_safetensors(weights, DTYPE, &device)
            .map_err(|e| corrupt("model.safetensors")(&e))?;
        let model = BertModel::load(vb, &config).map_err(|e| corrupt("model.safetensors")(&e))?;
        Ok(Self {
            model,
            tokenizer,
            device,
            version,
        })
    }

    /// The model's name and a hash of its weights, for score versions.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The unit embedding of each text, in order. Texts go through the encoder together,
    /// padded to the longest, with the padding masked out of attention and pooling.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, ModelError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let failed = |e: &dyn std::fmt::Display| ModelError::Inference(e.to_string());
        let encodings = texts
            .iter()
            .map(|t| self.tokenizer.encode(*t, true))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| failed(&e))?;
        let longest = encodings.iter().map(|e| e.get_ids().len()).max().unwrap_or(0);
        let padded = |row: &[u32]| -> Vec<u32> {
            let mut row = row.to_vec();
            row.resize(longest, 0);
            row
        };
        let tensor = |rows: Vec<Vec<u32>>| Tensor::new(rows, &self.device).map_err(|e| failed(&e));
        let ids = tensor(encodings.iter().map(|e| padded(e.get_ids())).collect())?;
        let types = tensor(encodings.iter().map(|e| padded(e.get_type_ids())).collect())?;
        let mask = tensor(encodings.iter().map(|e| padded(e.get_attention_mask())).collect())?;
        let hidden = self
            .model
            .forward(&ids, &types, Some(&mask))
            .map_err(|e| failed(&e))?;
        mean_pool_normalised(&hidden, &mask).map_err(|e| failed(&e))
    }
}

/// Averages each row's hidden states over its real tokens (`mask` 1), then scales it to unit
/// length.
fn mean_pool_normalised(hidden: &Tensor, mask: &Tensor) -> candle_core::Result<Vec<Vec<f32>>> {
    let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
    let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
    let counts = mask.sum(1)?.clamp(1e-9, f64::MAX)?;
    let mean = summed.broadcast_div(&counts)?;
    let norms = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12, f64::MAX)?;
    mean.broadcast_div(&norms)?.to_vec2::<f32>()
}

/// Cosine similarity of two unit vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The model directory `scripts/test` prepares (scripts/fetch-model); without it these tests
    /// say so and pass, so that a checkout without the model still builds and tests.
    fn model_dir() -> Option<PathBuf> {
        let dir = std::env::var_os("PVARA_TEST_MODEL_DIR").map(PathBuf::from);
        if dir.is_none() {
            eprintln!("PVARA_TEST_MODEL_DIR is not set: skipping (scripts/test sets it)");
        }
        dir
    }

    #[test]
    fn it_reproduces_sentence_transformers_on_a_known_pair() {
        let Some(dir) = model_dir() else { return };
        let model = Embedder::load(&dir).expect("the model loads");
        let texts = ["A man is eating food.", "A man is eating a piece of bread."];
        let vectors = model.embed(&texts).expect("embeds");
        assert_eq!(vectors[0].len(), 384);
        let similarity = cosine(&vectors[0], &vectors[1]);
        assert!((similarity - 0.755).abs() < 0.01, "cosine {similarity}");
        let norm: f32 = vectors[0].iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4);
        assert!(model.version().starts_with("all-MiniLM-L6-v2@"));
    }

    #[test]
    fn the_same_text_gives_the_same_vector_alone_or_in_a_padded_batch() {
        let Some(dir) = model_dir() else { return };
        let model = Embedder::load(&dir).expect("the model loads");
        let short = "Built event-driven services on a distributed log.";
        let long = "Ten years of payments systems in Rust and PostgreSQL, on call for a national bank.";
        let alone = model.embed(&[short]).expect("embeds");
        let batched = model.embed(&[long, short]).expect("embeds");
        assert_eq!(alone, model.embed(&[short]).expect("embeds"), "deterministic");
        assert!(cosine(&alone[0], &batched[1]) > 0.9999, "padding changes nothing");
    }

    #[test]
    fn a_paraphrase_is_nearer_the_skill_than_an_unrelated_line() {
        let Some(dir) = model_dir() else { return };
        let model = Embedder::load(&dir).expect("the model loads");
        let v = model
            .embed(&[
                "Kafka experience",
                "Built event-driven services on a distributed log.",
                "Managed the accounts payable team of a regional bank.",
            ])
            .expect("embeds");
        let (paraphrase, unrelated) = (cosine(&v[0], &v[1]), cosine(&v[0], &v[2]));
        assert!(
            paraphrase > unrelated + 0.1,
            "paraphrase {paraphrase}, unrelated {unrelated}"
        );
    }

    #[test]
    fn a_missing_or_corrupt_model_is_a_clear_error() {
        let empty = tempfile::tempdir().expect("tempdir");
        let error = Embedder::load(empty.path()).expect_err("nothing there");
        assert!(error.to_string().contains("scripts/fetch-model"), "{error}");
        std::fs::write(empty.path().join("config.json"), "{not json").expect("write");
        let error = Embedder::load(empty.path()).expect_err("corrupt");
        assert!(
            matches!(
                error,
                ModelError::Corrupt {
                    file: "config.json",
                    ..
                }
            ),
            "{error}"
        );
    }
}
