//! Ranking quality of the rules score and the refined score on the labelled set checked in at
//! `benches/quality/set.json`: 12 jobs, each with 3 CVs in the job's own words and 3 paraphrases
//! that share no skill word with it, every CV relevant to its own job only.
//!
//! Each job ranks all 72 CVs; the report gives ROC AUC (ties count half) and NDCG@10, averaged
//! over the jobs, for all of a job's CVs and for its paraphrases alone (against every other
//! job's CVs). `cargo bench -p pvara --bench quality` prints it.

use std::collections::HashMap;

use anyhow::Context;
use chrono::Utc;
use pvara_domain::application::{ApplicationDraft, Candidate};
use pvara_domain::ids::{JobId, UserId};
use pvara_domain::job::{Job, JobDraft};
use pvara_domain::scoring::{score, semantic};
use pvara_services::semantic::Refiner;
use serde::{Deserialize, Serialize};

/// The set, compiled in so that the figures always come from the checked-in file.
const SET: &str = include_str!("../../benches/quality/set.json");

#[derive(Debug, Deserialize)]
struct LabelledSet {
    jobs: Vec<LabelledJob>,
}

#[derive(Debug, Deserialize)]
struct LabelledJob {
    title: String,
    description: String,
    required: Vec<String>,
    preferred: Vec<String>,
    cvs: Vec<LabelledCv>,
}

#[derive(Debug, Deserialize)]
struct LabelledCv {
    kind: String,
    skills: Vec<String>,
    text: String,
}

/// Mean ROC AUC and NDCG@10 of one score over the jobs.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Quality {
    pub auc: f64,
    pub ndcg_at_10: f64,
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QualityReport {
    pub jobs: usize,
    pub cvs: usize,
    pub rules: Quality,
    pub refined: Quality,
    /// Each job's paraphrases against every other job's CVs.
    pub rules_paraphrases: Quality,
    pub refined_paraphrases: Quality,
}

/// ROC AUC of `scores` against `relevant`: the chance that a relevant CV outranks an irrelevant
/// one, ties counting half.
fn auc(scores: &[(f64, bool)]) -> f64 {
    let (mut wins, mut pairs) = (0.0, 0.0);
    for (p, _) in scores.iter().filter(|(_, r)| *r) {
        for (n, _) in scores.iter().filter(|(_, r)| !*r) {
            pairs += 1.0;
            wins += if p > n {
                1.0
            } else if p == n {
                0.5
            } else {
                0.0
            };
        }
    }
    if pairs == 0.0 { 0.0 } else { wins / pairs }
}

/// NDCG@10 with binary relevance; ties are ranked irrelevant first, so a score that cannot tell
/// CVs apart gains nothing from the set's order.
fn ndcg_at_10(scores: &[(f64, bool)]) -> f64 {
    let mut ranked = scores.to_vec();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let gain = |i: usize| 1.0 / ((i + 2) as f64).log2();
    let dcg: f64 = ranked
        .iter()
        .take(10)
        .enumerate()
        .filter(|(_, (_, r))| *r)
        .map(|(i, _)| gain(i))
        .sum();
    let relevant = scores.iter().filter(|(_, r)| *r).count().min(10);
    let ideal: f64 = (0..relevant).map(gain).sum();
    if ideal == 0.0 { 0.0 } else { dcg / ideal }
}

fn mean(per_job: &[Vec<(f64, bool)>]) -> Quality {
    let n = per_job.len().max(1) as f64;
    Quality {
        auc: (per_job.iter().map(|s| auc(s)).sum::<f64>() / n * 1000.0).round() / 1000.0,
        ndcg_at_10: (per_job.iter().map(|s| ndcg_at_10(s)).sum::<f64>() / n * 1000.0).round() / 1000.0,
    }
}

fn job(labelled: &LabelledJob) -> anyhow::Result<Job> {
    let draft = JobDraft {
        title: &labelled.title,
        description: &labelled.description,
        location: None,
        closes_at: None,
        required_skills: &labelled.required,
        preferred_skills: &labelled.preferred,
        min_years_experience: 2.0,
        education: "bachelor",
    };
    Job::parse(&draft, JobId::new(), UserId::new(), Utc::now()).map_err(|e| anyhow::anyhow!("{e}"))
}

fn candidate(cv: &LabelledCv) -> anyhow::Result<Candidate> {
    Candidate::parse(&ApplicationDraft {
        full_name: "Labelled Candidate",
        email: "candidate@example.org",
        phone: None,
        skills: &cv.skills,
        years_experience: 5.0,
        education: "bachelor",
        resume_text: &cv.text,
        cover_letter: None,
    })
    .map_err(|e| anyhow::anyhow!("{e}"))
}

/// Scores every CV against every job with the rules and with the refinement.
pub fn evaluate(refiner: &Refiner) -> anyhow::Result<QualityReport> {
    let set: LabelledSet = serde_json::from_str(SET).context("benches/quality/set.json")?;
    let jobs: Vec<Job> = set.jobs.iter().map(job).collect::<anyhow::Result<_>>()?;
    // (owning job, kind, candidate) for every CV.
    let mut cvs = Vec::new();
    for (owner, labelled) in set.jobs.iter().enumerate() {
        for cv in &labelled.cvs {
            cvs.push((owner, cv.kind.as_str(), candidate(cv)?));
        }
    }
    // Each distinct passage is embedded once, whichever job reads it.
    let mut vectors: HashMap<String, Vec<f32>> = HashMap::new();
    let (mut all, mut para) = (Vec::new(), Vec::new());
    let (mut refined_all, mut refined_para) = (Vec::new(), Vec::new());
    for (j, job) in jobs.iter().enumerate() {
        let (mut scores, mut refined) = (Vec::new(), Vec::new());
        let (mut para_scores, mut para_refined) = (Vec::new(), Vec::new());
        for (owner, kind, candidate) in &cvs {
            let rules = score(job, candidate);
            let passages = semantic::passages(candidate, job);
            let missing: Vec<String> = passages
                .read
                .iter()
                .filter(|p| !vectors.contains_key(*p))
                .cloned()
                .collect();
            for (text, vector) in missing.iter().zip(refiner.embed_passages(&missing)?) {
                vectors.insert(text.clone(), vector);
            }
            let read: Vec<Vec<f32>> = passages.read.iter().map(|p| vectors[p].clone()).collect();
            let card = refiner.refine_embedded(job, &rules, &passages, &read)?;
            let relevant = *owner == j;
            scores.push((f64::from(rules.total), relevant));
            refined.push((f64::from(card.total), relevant));
            if *owner != j || *kind == "paraphrase" {
                para_scores.push((f64::from(rules.total), relevant));
                para_refined.push((f64::from(card.total), relevant));
            }
        }
        all.push(scores);
        refined_all.push(refined);
        para.push(para_scores);
        refined_para.push(para_refined);
    }
    Ok(QualityReport {
        jobs: jobs.len(),
        cvs: cvs.len(),
        rules: mean(&all),
        refined: mean(&refined_all),
        rules_paraphrases: mean(&para),
        refined_paraphrases: mean(&refined_para),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_and_ndcg_on_small_rankings() {
        let perfect = [(3.0, true), (2.0, false), (1.0, false)];
        assert_eq!(auc(&perfect), 1.0);
        assert_eq!(ndcg_at_10(&perfect), 1.0);
        let tied = [(1.0, true), (1.0, false)];
        assert_eq!(auc(&tied), 0.5);
        assert!(ndcg_at_10(&tied) < 1.0, "a tie earns no credit for order");
        assert_eq!(auc(&[(0.0, true), (1.0, false)]), 0.0);
    }
}
