//! Runs the model over one application: the CV's passages against the job and its missing
//! skills, then the domain's [`refine`](pvara_domain::scoring::semantic::refine) for the card.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use pvara_domain::ids::JobId;
use pvara_domain::job::Job;
use pvara_domain::scoring::ScoreCard;
use pvara_domain::scoring::semantic::{self, Passages};
use pvara_storage::model::ScoringInput;

use super::{Embedder, ModelError, cosine};

/// Passages embedded together. Sorted by length first, so a chunk pads little; the chunks depend
/// on the CV alone, so the same CV gives the same vectors whatever else the worker holds.
const CHUNK: usize = 8;
/// Jobs whose vectors are kept; a burst is for a handful of jobs, and a job's are a few KB.
const JOBS_CACHED: usize = 256;

/// Applications refined at once: one per core when the model's matrix products run on one
/// thread each (`RAYON_NUM_THREADS=1`, read by candle), else one at a time over all cores. On the
/// benchmark machine (2 cores, AVX-512) that is 17.2 CVs/s against 10.1.
pub fn parallel_refinements() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let per_refinement = std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(cores);
    (cores / per_refinement).max(1)
}

/// A job's text and each of its skills, embedded once per job rather than once per CV.
#[derive(Debug)]
struct JobVectors {
    /// What the vectors were made from: a job edited since is embedded again.
    source: String,
    text: Vec<f32>,
    skills: HashMap<String, Vec<f32>>,
}

/// The model with what it has learnt of the jobs.
#[derive(Debug)]
pub struct Refiner {
    embedder: Embedder,
    jobs: Mutex<HashMap<JobId, Arc<JobVectors>>>,
}

impl Refiner {
    pub fn new(embedder: Embedder) -> Self {
        Self {
            embedder,
            jobs: Mutex::new(HashMap::new()),
        }
    }

    /// The model and a hash of its weights, as score versions name it.
    pub fn model(&self) -> &str {
        self.embedder.version()
    }

    fn job_vectors(&self, job: &Job) -> Result<Arc<JobVectors>, ModelError> {
        let text = semantic::job_text(job);
        let skills: Vec<&String> = job
            .requirements
            .required_skills
            .iter()
            .chain(&job.requirements.preferred_skills)
            .collect();
        let source = format!("{text}\n{skills:?}");
        if let Ok(jobs) = self.jobs.lock()
            && let Some(cached) = jobs.get(&job.id).filter(|v| v.source == source)
        {
            return Ok(cached.clone());
        }
        let queries: Vec<String> = skills.iter().map(|s| semantic::skill_query(s)).collect();
        let mut texts: Vec<&str> = vec![text.as_str()];
        texts.extend(queries.iter().map(String::as_str));
        let mut vectors = self.embedder.embed(&texts)?.into_iter();
        let text = vectors.next().unwrap_or_default();
        let vectors = Arc::new(JobVectors {
            source,
            text,
            skills: skills.into_iter().cloned().zip(vectors).collect(),
        });
        if let Ok(mut jobs) = self.jobs.lock() {
            if jobs.len() >= JOBS_CACHED {
                jobs.clear();
            }
            jobs.insert(job.id, vectors.clone());
        }
        Ok(vectors)
    }

    /// Refines each `(input, card)`, several at once when the model computes each on one core
    /// (see [`parallel_refinements`]); one result per item, in order. CPU-bound.
    pub fn refine_many(&self, work: &[(ScoringInput, ScoreCard)]) -> Vec<Result<ScoreCard, ModelError>> {
        let lanes = parallel_refinements().min(work.len()).max(1);
        if lanes == 1 {
            return work
                .iter()
                .map(|(input, card)| self.refine(input, card))
                .collect();
        }
        let mut results: Vec<Option<Result<ScoreCard, ModelError>>> = work.iter().map(|_| None).collect();
        std::thread::scope(|scope| {
            let lanes: Vec<_> = (0..lanes)
                .map(|lane| {
                    scope.spawn(move || {
                        (lane..work.len())
                            .step_by(lanes)
                            .map(|i| (i, self.refine(&work[i].0, &work[i].1)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for lane in lanes {
                let done = lane.join().unwrap_or_else(|_| vec![]);
                for (i, result) in done {
                    results[i] = Some(result);
                }
            }
        });
        results
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| Err(ModelError::Inference("a refinement thread panicked".to_owned())))
            })
            .collect()
    }

    /// The unit vectors of `passages`, in order.
    pub fn embed_passages(&self, passages: &[String]) -> Result<Vec<Vec<f32>>, ModelError> {
        let mut order: Vec<usize> = (0..passages.len()).collect();
        order.sort_by_key(|&i| (passages[i].len(), i));
        let mut vectors = vec![Vec::new(); passages.len()];
        for chunk in order.chunks(CHUNK) {
            let texts: Vec<&str> = chunk.iter().map(|&i| passages[i].as_str()).collect();
            for (&i, vector) in chunk.iter().zip(self.embedder.embed(&texts)?) {
                vectors[i] = vector;
            }
        }
        Ok(vectors)
    }

    /// The refined card of an application whose rules card is `card`. CPU-bound: call it off
    /// the async runtime.
    pub fn refine(&self, input: &ScoringInput, card: &ScoreCard) -> Result<ScoreCard, ModelError> {
        let passages: Passages = semantic::passages(&input.candidate, &input.job);
        let vectors = self.embed_passages(&passages.read)?;
        self.refine_embedded(&input.job, card, &passages, &vectors)
    }

    /// As [`Refiner::refine`], with the passages already embedded (`vectors[i]` is
    /// `passages.read[i]`'s): compares them with the job and its missing skills.
    pub fn refine_embedded(
        &self,
        job: &Job,
        card: &ScoreCard,
        passages: &Passages,
        vectors: &[Vec<f32>],
    ) -> Result<ScoreCard, ModelError> {
        let rules = job.requirements.rubric.knockouts;
        let job = self.job_vectors(job)?;
        let to_job: Vec<f32> = vectors.iter().map(|v| cosine(v, &job.text)).collect();
        let to_skills: Vec<Vec<f32>> = semantic::missing_skills(card)
            .into_iter()
            .map(|skill| match job.skills.get(skill) {
                Some(query) => vectors.iter().map(|v| cosine(v, query)).collect(),
                None => Vec::new(),
            })
            .collect();
        Ok(semantic::refine(
            card,
            rules,
            passages,
            self.model(),
            &to_job,
            &to_skills,
        ))
    }
}

#[cfg(test)]
#[path = "refiner_tests.rs"]
mod tests;
