//! The semantic model on the benchmark's CV corpus (3-5 KB CVs): `cv_batch_N`, whole CVs cut at
//! 256 tokens, alone and in batches (the limit on the benchmark machine is about 20/s
//! over both cores, about 6 GFLOP per CV); `refine`, what the semantic worker does per
//! application (passages of the CV's first 300 words against the job and its missing skills).
//! `PVARA_BENCH_MODEL_DIR=DIR cargo bench -p pvara --bench semantic` (scripts/fetch-model DIR);
//! without the variable it reads `~/.cache/pvara/model`, where scripts/test puts the model.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_debug_implementations)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// The allocator the `pvara` binary runs with (its main.rs), so the figures are the worker's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use pvara::bench::corpus::Corpus;
use pvara_domain::application::{ApplicationDraft, Candidate};
use pvara_domain::ids::{JobId, UserId};
use pvara_domain::job::{Job, JobDraft};
use pvara_services::semantic::{Embedder, Refiner};
use pvara_storage::model::ScoringInput;
use serde_json::Value;

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

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// Scoring inputs as the worker reads them, from the benchmark's corpus.
fn inputs(n: usize) -> Vec<ScoringInput> {
    let mut corpus = Corpus::new(7);
    (0..n)
        .map(|i| {
            let job = corpus.job(i % 4);
            let req = &job["requirements"];
            let (required, preferred) = (strings(&req["requiredSkills"]), strings(&req["preferredSkills"]));
            let job = Job::parse(
                &JobDraft {
                    title: job["title"].as_str().unwrap(),
                    description: job["description"].as_str().unwrap(),
                    location: None,
                    closes_at: None,
                    required_skills: &required,
                    preferred_skills: &preferred,
                    min_years_experience: 2.0,
                    education: "bachelor",
                },
                JobId::new(),
                UserId::new(),
                chrono::Utc::now(),
            )
            .unwrap();
            let app = corpus.application("job", &format!("Person {i}"), "p@example.org");
            let skills = strings(&app["skills"]);
            let candidate = Candidate::parse(&ApplicationDraft {
                full_name: "Person",
                email: "p@example.org",
                phone: None,
                skills: &skills,
                years_experience: 4.0,
                education: "bachelor",
                resume_text: app["resumeText"].as_str().unwrap(),
                cover_letter: app["coverLetter"].as_str(),
            })
            .unwrap();
            ScoringInput {
                application_id: pvara_domain::ids::ApplicationId::new(),
                status: pvara_domain::status::Status::UnderReview,
                score: None,
                job: std::sync::Arc::new(job),
                candidate,
                erased: false,
            }
        })
        .collect()
}

fn refine(c: &mut Criterion) {
    let refiner = Refiner::new(Embedder::load(&model_dir()).expect("the model"));
    let inputs = inputs(32);
    let cards: Vec<_> = inputs
        .iter()
        .map(|i| pvara_domain::scoring::score(&i.job, &i.candidate))
        .collect();
    let mut group = c.benchmark_group("semantic");
    group.sample_size(10);
    group.throughput(Throughput::Elements(1));
    group.bench_function("refine", |b| {
        let mut next = 0;
        b.iter(|| {
            let i = next % inputs.len();
            next += 1;
            refiner.refine(&inputs[i], &cards[i]).unwrap()
        });
    });
    // Two applications at once, as the worker refines a batch with `RAYON_NUM_THREADS=1`.
    group.throughput(Throughput::Elements(2));
    group.bench_function("refine_2_in_parallel", |b| {
        let mut next = 0;
        b.iter(|| {
            let (i, j) = (next % inputs.len(), (next + 1) % inputs.len());
            next += 2;
            std::thread::scope(|scope| {
                let other = scope.spawn(|| refiner.refine(&inputs[j], &cards[j]).unwrap());
                let first = refiner.refine(&inputs[i], &cards[i]).unwrap();
                (first, other.join().unwrap())
            })
        });
    });
    group.finish();
}

criterion_group!(benches, semantic, refine);
criterion_main!(benches);
