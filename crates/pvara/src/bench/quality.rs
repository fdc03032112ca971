//! Ranking quality of the rules score and the refined score on the labelled set checked in at
//! `benches/quality/set.json`: 12 jobs, each with 3 CVs in the job's own words and 3 paraphrases
//! that share no skill word with it, every CV relevant to its own job only.
//!
//! Each job ranks all 72 CVs by the rank that orders the pipeline (the total, then how near the
//! CV is); the report gives ROC AUC (ties count half) and NDCG@10, averaged over the jobs, for all
//! of a job's CVs and for its paraphrases alone (against every other job's CVs), and per kind of
//! hard case (aspirations, negations, the cover letter, the advert pasted, stuffing, paraphrases
//! sharing no word, Urdu, mixed Urdu and English) the AUC and the share of pairs ranked right.
//! `cargo bench -p pvara --bench quality` prints it.

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
    #[serde(default)]
    hard: Vec<HardCase>,
}

/// A CV a keyword count ranks wrongly, labelled relevant or not to one job.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct HardCase {
    job: usize,
    kind: String,
    relevant: bool,
    skills: Vec<String>,
    /// `__ADVERT__` stands for the job's own description (the advert pasted as a CV).
    text: String,
    #[serde(default)]
    cover_letter: Option<String>,
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

/// How the rules and the refined score rank one kind of hard case.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HardReport {
    pub kind: String,
    pub cases: usize,
    /// ROC AUC of each case's job's ranking (its own CVs, every other job's, and the cases).
    pub rules_auc: f64,
    pub refined_auc: f64,
    /// Pairs ranked right (ties half): a relevant case above every other job's CV; an
    /// irrelevant one below every CV of its job that is relevant.
    pub rules_pairwise: f64,
    pub refined_pairwise: f64,
    /// The cases the refined score still ranks wrongly in some pair, listed rather than hidden:
    /// the job, the start of the CV and the share of its pairs ranked right.
    pub still_wrong: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QualityReport {
    pub jobs: usize,
    pub cvs: usize,
    pub rules: Quality,
    pub refined: Quality,
    /// Each job's paraphrases against every other job's CVs.
    pub rules_paraphrases: Quality,
    pub refined_paraphrases: Quality,
    /// Per kind of hard case.
    pub hard: Vec<HardReport>,
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

/// A candidate with `skills` (a neutral one when the CV lists none: every application lists at
/// least one), `text` and an optional cover letter.
fn candidate(skills: &[String], text: &str, cover_letter: Option<&str>) -> anyhow::Result<Candidate> {
    let neutral = vec!["Teamwork".to_owned()];
    Candidate::parse(&ApplicationDraft {
        full_name: "Labelled Candidate",
        email: "candidate@example.org",
        phone: None,
        skills: if skills.is_empty() { &neutral } else { skills },
        years_experience: 5.0,
        education: "bachelor",
        resume_text: text,
        cover_letter,
    })
    .map_err(|e| anyhow::anyhow!("{e}"))
}

/// Scores a candidate against a job by the rules and refined, as the ranks that order the
/// pipeline; each distinct passage is embedded once, whichever job reads it.
struct Rater<'a> {
    refiner: &'a Refiner,
    vectors: HashMap<String, Vec<f32>>,
}

impl Rater<'_> {
    fn rate(&mut self, job: &Job, candidate: &Candidate) -> anyhow::Result<(f64, f64)> {
        let rules = score(job, candidate);
        let passages = semantic::passages(candidate, job);
        let missing: Vec<String> = passages
            .read
            .iter()
            .filter(|p| !self.vectors.contains_key(*p))
            .cloned()
            .collect();
        for (text, vector) in missing.iter().zip(self.refiner.embed_passages(&missing)?) {
            self.vectors.insert(text.clone(), vector);
        }
        let read: Vec<Vec<f32>> = passages.read.iter().map(|p| self.vectors[p].clone()).collect();
        let card = self.refiner.refine_embedded(job, &rules, &passages, &read)?;
        Ok((rules.rank() as f64, card.rank() as f64))
    }
}

/// Share of (higher, lower) pairs ranked right, ties counting half.
fn pairwise(pairs: &[(f64, f64)]) -> f64 {
    if pairs.is_empty() {
        return 0.0;
    }
    let right: f64 = pairs
        .iter()
        .map(|(above, below)| {
            if above > below {
                1.0
            } else if above == below {
                0.5
            } else {
                0.0
            }
        })
        .sum();
    (right / pairs.len() as f64 * 1000.0).round() / 1000.0
}

/// Scores every CV against every job with the rules and with the refinement, then the hard
/// cases against theirs.
pub fn evaluate(refiner: &Refiner) -> anyhow::Result<QualityReport> {
    let set: LabelledSet = serde_json::from_str(SET).context("benches/quality/set.json")?;
    let jobs: Vec<Job> = set.jobs.iter().map(job).collect::<anyhow::Result<_>>()?;
    // (owning job, kind, candidate) for every CV.
    let mut cvs = Vec::new();
    for (owner, labelled) in set.jobs.iter().enumerate() {
        for cv in &labelled.cvs {
            cvs.push((owner, cv.kind.as_str(), candidate(&cv.skills, &cv.text, None)?));
        }
    }
    let mut rater = Rater {
        refiner,
        vectors: HashMap::new(),
    };
    // (rules, refined) rank of every CV against every job.
    let mut rated: Vec<Vec<(f64, f64)>> = Vec::new();
    for job in &jobs {
        rated.push(
            cvs.iter()
                .map(|(_, _, c)| rater.rate(job, c))
                .collect::<anyhow::Result<_>>()?,
        );
    }
    let (mut all, mut para) = (Vec::new(), Vec::new());
    let (mut refined_all, mut refined_para) = (Vec::new(), Vec::new());
    for (j, ranks) in rated.iter().enumerate() {
        let (mut scores, mut refined) = (Vec::new(), Vec::new());
        let (mut para_scores, mut para_refined) = (Vec::new(), Vec::new());
        for ((owner, kind, _), (rules, card)) in cvs.iter().zip(ranks) {
            let relevant = *owner == j;
            scores.push((*rules, relevant));
            refined.push((*card, relevant));
            if *owner != j || *kind == "paraphrase" {
                para_scores.push((*rules, relevant));
                para_refined.push((*card, relevant));
            }
        }
        all.push(scores);
        refined_all.push(refined);
        para.push(para_scores);
        refined_para.push(para_refined);
    }
    let hard = hard_cases(&set, &jobs, &cvs, &rated, &mut rater)?;
    Ok(QualityReport {
        jobs: jobs.len(),
        cvs: cvs.len(),
        rules: mean(&all),
        refined: mean(&refined_all),
        rules_paraphrases: mean(&para),
        refined_paraphrases: mean(&refined_para),
        hard,
    })
}

/// Each kind of hard case: AUC of its jobs' rankings with the cases in them, and pairwise
/// accuracy against the CVs it must rank above or below.
fn hard_cases(
    set: &LabelledSet,
    jobs: &[Job],
    cvs: &[(usize, &str, Candidate)],
    rated: &[Vec<(f64, f64)>],
    rater: &mut Rater<'_>,
) -> anyhow::Result<Vec<HardReport>> {
    let mut kinds: Vec<&str> = set.hard.iter().map(|h| h.kind.as_str()).collect();
    kinds.dedup();
    let mut reports = Vec::new();
    for kind in kinds {
        let cases: Vec<&HardCase> = set.hard.iter().filter(|h| h.kind == kind).collect();
        let (mut rules_pairs, mut refined_pairs) = (Vec::new(), Vec::new());
        let (mut rules_aucs, mut refined_aucs) = (Vec::new(), Vec::new());
        let mut still_wrong = Vec::new();
        for case in &cases {
            let first_pair = refined_pairs.len();
            let job = &jobs[case.job];
            let text = case.text.replace("__ADVERT__", &job.description);
            let (rules, refined) = rater.rate(
                job,
                &candidate(&case.skills, &text, case.cover_letter.as_deref())?,
            )?;
            let base = &rated[case.job];
            let mut rules_ranking: Vec<(f64, bool)> = Vec::new();
            let mut refined_ranking: Vec<(f64, bool)> = Vec::new();
            for ((owner, _, _), (r, f)) in cvs.iter().zip(base) {
                let relevant = *owner == case.job;
                rules_ranking.push((*r, relevant));
                refined_ranking.push((*f, relevant));
                match (case.relevant, relevant) {
                    // A relevant case above every other job's CV.
                    (true, false) => {
                        rules_pairs.push((rules, *r));
                        refined_pairs.push((refined, *f));
                    }
                    // An irrelevant case below every relevant CV of its job.
                    (false, true) => {
                        rules_pairs.push((*r, rules));
                        refined_pairs.push((*f, refined));
                    }
                    _ => {}
                }
            }
            let right = pairwise(&refined_pairs[first_pair..]);
            if right < 1.0 {
                let start: String = text.chars().take(60).collect();
                still_wrong.push(format!("{}: \"{start}…\" ({right:.2} of pairs right)", job.title));
            }
            rules_ranking.push((rules, case.relevant));
            refined_ranking.push((refined, case.relevant));
            rules_aucs.push(auc(&rules_ranking));
            refined_aucs.push(auc(&refined_ranking));
        }
        let mean = |values: &[f64]| {
            (values.iter().sum::<f64>() / values.len().max(1) as f64 * 1000.0).round() / 1000.0
        };
        reports.push(HardReport {
            kind: kind.to_owned(),
            cases: cases.len(),
            rules_auc: mean(&rules_aucs),
            refined_auc: mean(&refined_aucs),
            rules_pairwise: pairwise(&rules_pairs),
            refined_pairwise: pairwise(&refined_pairs),
            still_wrong,
        });
    }
    Ok(reports)
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
