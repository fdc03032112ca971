//! The scorer alone, on the benchmark's CV corpus (3-5 KB CVs, 100 jobs): issue target is 20,000
//! applications/s per core. `cargo bench -p pvara --bench scoring`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_debug_implementations)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pvara::bench::corpus::Corpus;
use pvara_domain::application::{ApplicationDraft, Candidate};
use pvara_domain::ids::{JobId, UserId};
use pvara_domain::job::{Job, JobDraft};
use pvara_domain::scoring;
use serde_json::Value;

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

fn job(value: &Value) -> Job {
    let req = &value["requirements"];
    let (required, preferred) = (strings(&req["requiredSkills"]), strings(&req["preferredSkills"]));
    let draft = JobDraft {
        title: value["title"].as_str().unwrap(),
        description: value["description"].as_str().unwrap(),
        location: value["location"].as_str(),
        closes_at: None,
        required_skills: &required,
        preferred_skills: &preferred,
        min_years_experience: req["minYearsExperience"].as_f64().unwrap(),
        education: req["education"].as_str().unwrap(),
    };
    Job::parse(&draft, JobId::new(), UserId::new(), chrono::Utc::now()).unwrap()
}

fn candidate(value: &Value) -> Candidate {
    let skills = strings(&value["skills"]);
    Candidate::parse(&ApplicationDraft {
        full_name: value["fullName"].as_str().unwrap(),
        email: value["email"].as_str().unwrap(),
        phone: value["phone"].as_str(),
        skills: &skills,
        years_experience: value["yearsExperience"].as_f64().unwrap(),
        education: value["education"].as_str().unwrap(),
        resume_text: value["resumeText"].as_str().unwrap(),
        cover_letter: value["coverLetter"].as_str(),
    })
    .unwrap()
}

fn scorer(c: &mut Criterion) {
    let mut corpus = Corpus::new(7);
    let jobs: Vec<Job> = (0..100).map(|i| job(&corpus.job(i))).collect();
    let pairs: Vec<(usize, Candidate)> = (0..1_000)
        .map(|i| {
            let body = corpus.application("job", &format!("Candidate {i}"), &format!("c{i}@example.org"));
            (i % jobs.len(), candidate(&body))
        })
        .collect();
    let mut group = c.benchmark_group("scorer");
    group.throughput(Throughput::Elements(pairs.len() as u64));
    group.bench_function("rules x 1000 applications", |b| {
        b.iter(|| {
            pairs
                .iter()
                .map(|(j, candidate)| u64::from(scoring::score(&jobs[*j], candidate).total))
                .sum::<u64>()
        })
    });
    group.finish();
}

criterion_group!(benches, scorer);
criterion_main!(benches);
