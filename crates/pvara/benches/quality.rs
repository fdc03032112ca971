//! Prints the ranking quality of the rules score and the refined score on the labelled set
//! (`benches/quality/set.json`, see `pvara::bench::quality`) as JSON.
//! `PVARA_BENCH_MODEL_DIR=DIR cargo bench -p pvara --bench quality`; without the variable it
//! reads `~/.cache/pvara/model`, where scripts/test puts the model.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pvara_services::semantic::{Embedder, Refiner};

fn main() {
    let dir = std::env::var_os("PVARA_BENCH_MODEL_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/pvara/model")
        });
    let refiner = Refiner::new(Embedder::load(&dir).expect("the model (scripts/fetch-model DIR)"));
    let report = pvara::bench::quality::evaluate(&refiner).expect("the labelled set evaluates");
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
}
