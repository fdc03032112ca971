//! The job reports on a national drive's biggest job: 100,000 applications with histories,
//! machine scores and equality answers (four questions, about four in five candidates
//! answering). `cargo bench -p pvara --bench reports`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_debug_implementations)]

use std::collections::{BTreeMap, HashMap};

use chrono::{TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pvara_domain::equality::{Answers, Questionnaire};
use pvara_domain::ids::ApplicationId;
use pvara_domain::report::{History, Step, funnel, impact::impact, scorer::scorer};
use pvara_domain::stages::Stages;
use pvara_domain::status::Status::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const APPLICATIONS: usize = 100_000;

fn job() -> (Vec<History>, HashMap<ApplicationId, Answers>) {
    let questionnaire = Questionnaire::default();
    let mut rng = StdRng::seed_from_u64(14);
    let at = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).single().unwrap();
    let mut histories = Vec::with_capacity(APPLICATIONS);
    let mut answers = HashMap::with_capacity(APPLICATIONS);
    for _ in 0..APPLICATIONS {
        let score: u8 = rng.gen_range(0..=100);
        let mut path = vec![Submitted, UnderReview];
        let advance = |rng: &mut StdRng, bar: u8| score >= bar && rng.gen_bool(0.5);
        if advance(&mut rng, 60) {
            path.push(TestInvited);
            if advance(&mut rng, 70) {
                path.push(InterviewScheduled);
                path.push(if rng.gen_bool(0.3) {
                    OfferExtended
                } else {
                    Rejected
                });
            } else {
                path.push(Rejected);
            }
        } else if rng.gen_bool(0.8) {
            path.push(Rejected);
        }
        let application = ApplicationId::new();
        histories.push(History {
            application,
            machine_score: Some(score),
            steps: path.into_iter().map(|status| Step { status, at }).collect(),
        });
        if rng.gen_bool(0.8) {
            let mut given = BTreeMap::new();
            for d in &questionnaire.dimensions {
                if rng.gen_bool(0.9) {
                    let pick = rng.gen_range(0..d.categories.len());
                    given.insert(d.key.clone(), d.categories[pick].key.clone());
                }
            }
            answers.insert(application, Answers(given));
        }
    }
    (histories, answers)
}

fn reports(c: &mut Criterion) {
    let (histories, answers) = job();
    let questionnaire = Questionnaire::default();
    let mut group = c.benchmark_group("reports");
    group.throughput(Throughput::Elements(APPLICATIONS as u64));
    group.sample_size(10);
    group.bench_function("impact", |b| {
        b.iter(|| impact(&questionnaire, &histories, &answers, Stages::default()))
    });
    group.bench_function("scorer", |b| b.iter(|| scorer(&histories)));
    group.bench_function("funnel", |b| b.iter(|| funnel(&histories, Stages::default())));
    group.finish();
}

criterion_group!(benches, reports);
criterion_main!(benches);
