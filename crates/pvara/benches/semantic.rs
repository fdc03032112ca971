//! The semantic model alone on the benchmark's CV corpus (3-5 KB CVs, each cut at 256 tokens as
//! the model reads them): CVs per second on one thread, alone and in batches. The limit
//! on the benchmark machine is about 20/s over both cores (about 6 GFLOP per CV).
//! `PVARA_BENCH_MODEL_DIR=DIR cargo bench -p pvara --bench semantic` (scripts/fetch-model DIR);
//! without the variable it reads `~/.cache/pvara/model`, where scripts/test puts the model.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_debug_implementations)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// The allocator the `pvara` binary runs with (its main.rs), so the figures are the worker's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use pvara::bench::corpus::Corpus;
use pvara_services::semantic::Embedder;

fn model_dir() -> std::path::PathBuf {
    std::env::var_os("PVARA_BENCH_MODEL_DIR")
        .map(Into::into)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/pvara/model")
        })
}

fn cvs(n: usize) -> Vec<String> {
    let mut corpus = Corpus::new(7);
    (0..n)
        .map(|i| {
            corpus.application("job", &format!("Person {i}"), "p@example.org")["resumeText"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

fn semantic(c: &mut Criterion) {
    let model = Embedder::load(&model_dir()).expect("the model (scripts/fetch-model DIR)");
    let texts = cvs(32);
    let mut group = c.benchmark_group("semantic");
    group.sample_size(10);
    for batch in [1usize, 4, 16] {
        group.throughput(Throughput::Elements(batch as u64));
        group.bench_function(format!("cv_batch_{batch}"), |b| {
            let mut next = 0;
            b.iter(|| {
                let slice: Vec<&str> = (0..batch)
                    .map(|i| texts[(next + i) % texts.len()].as_str())
                    .collect();
                next += batch;
                model.embed(&slice).unwrap()
            });
        });
    }
    group.finish();
}

criterion_group!(benches, semantic);
criterion_main!(benches);
