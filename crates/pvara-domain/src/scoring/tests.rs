use chrono::Utc;

use super::*;
use crate::application::{ApplicationDraft, Candidate};
use crate::ids::{JobId, UserId};
use crate::job::JobDraft;

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn job() -> Job {
    let required = strings(&["Rust", "PostgreSQL"]);
    let preferred = strings(&["Kafka", "Kubernetes"]);
    let draft = JobDraft {
        title: "Backend Engineer",
        description: "Build the payment ledger in Rust on PostgreSQL, with Kafka event streaming.",
        location: None,
        closes_at: None,
        required_skills: &required,
        preferred_skills: &preferred,
        min_years_experience: 3.0,
        education: "bachelor",
    };
    Job::parse(&draft, JobId::new(), UserId::new(), Utc::now()).unwrap()
}

fn candidate(skills: &[&str], years: f64, education: &str, resume: &str) -> Candidate {
    let skills = strings(skills);
    Candidate::parse(&ApplicationDraft {
        full_name: "Test Person",
        email: "t@example.org",
        phone: None,
        skills: &skills,
        years_experience: years,
        education,
        resume_text: resume,
        cover_letter: None,
    })
    .unwrap()
}

#[test]
fn a_perfect_fit_scores_near_the_top() {
    let card = score(
        &job(),
        &candidate(
            &["rust", "Postgres", "kafka", "k8s"],
            6.0,
            "master",
            "Built a payment ledger in Rust on PostgreSQL with Kafka event streaming.",
        ),
    );
    assert!(card.knockouts.is_empty());
    assert_eq!(card.required_skills.points, 40.0);
    assert_eq!(card.preferred_skills.points, 15.0);
    assert_eq!(card.experience.points, 20.0);
    assert_eq!(card.education.points, 10.0);
    assert!(card.total >= 90, "{card:?}");
    assert_eq!(card.scorer_version, "rules-3/rubric-1");
    assert_eq!(card.rubric_version, 1);
}

#[test]
fn the_jobs_rubric_sets_the_weights_and_the_knockouts() {
    let mut job = job();
    let candidate = candidate(&["Rust", "Kafka"], 1.0, "bachelor", "payment ledger in Rust");
    let default = score(&job, &candidate);
    assert_eq!(
        default.total,
        CAP_MISSING_REQUIRED_SKILL.min(CAP_BELOW_MIN_EXPERIENCE)
    );
    let weights = RubricWeights {
        required_skills: 20,
        preferred_skills: 20,
        experience: 20,
        education: 20,
        relevance: 20,
    };
    let knockouts = KnockoutRules {
        missing_required_skill: false,
        below_minimum_experience: false,
    };
    job.requirements.rubric = job.requirements.rubric.revise(weights, knockouts).unwrap();
    let card = score(&job, &candidate);
    assert_eq!(card.scorer_version, "rules-3/rubric-2");
    assert_eq!(card.rubric_version, 2);
    assert_eq!(card.required_skills.max_points, 20.0);
    assert_eq!(card.required_skills.points, 10.0, "one of two required skills");
    assert!(card.knockouts.is_empty(), "both knock-outs off");
    assert_eq!(card.total, card.uncapped_total);
}

#[test]
fn the_input_hash_covers_what_is_scored_and_never_who_is_scored() {
    let job = job();
    let base = candidate(&["Rust"], 4.0, "bachelor", "Rust services");
    let hash = score(&job, &base).input_hash;
    assert_eq!(hash.len(), 64);
    let renamed = Candidate {
        full_name: crate::user::FullName::parse("Someone Else").unwrap(),
        email: crate::user::Email::parse("email", "else@example.org").unwrap(),
        phone: Some("+92 300 0000000".to_owned()),
        ..base.clone()
    };
    assert_eq!(
        score(&job, &renamed).input_hash,
        hash,
        "identity is not scoring input"
    );
    let edited = Candidate {
        resume_text: "Rust services and more".to_owned(),
        ..base
    };
    assert_ne!(score(&job, &edited).input_hash, hash);
    // The same input hashes as it always has, whatever the order of serde_json's maps.
    assert_eq!(
        hash,
        "c74afd6200b22aa393a4662fd3a44b59a5b061faffada6955465a5acae7d086a"
    );
}

#[test]
fn a_missing_required_skill_is_a_named_knockout() {
    let card = score(
        &job(),
        &candidate(
            &["Rust", "Kafka", "Kubernetes"],
            10.0,
            "doctorate",
            "payment ledger Rust",
        ),
    );
    assert_eq!(card.required_skills.missing, vec!["PostgreSQL"]);
    assert_eq!(card.knockouts[0].code, "missingRequiredSkill");
    assert!(card.uncapped_total > CAP_MISSING_REQUIRED_SKILL);
    assert_eq!(card.total, CAP_MISSING_REQUIRED_SKILL);
}

#[test]
fn experience_below_minimum_caps_and_scales() {
    let card = score(
        &job(),
        &candidate(&["Rust", "PostgreSQL"], 1.5, "bachelor", "Rust"),
    );
    assert_eq!(card.experience.points, 10.0);
    assert!(card.knockouts.iter().any(|k| k.code == "belowMinimumExperience"));
    assert!(card.total <= CAP_BELOW_MIN_EXPERIENCE);
}

#[test]
fn education_one_level_short_earns_half() {
    let card = score(
        &job(),
        &candidate(&["Rust", "PostgreSQL"], 3.0, "diploma", "Rust"),
    );
    assert_eq!(card.education.points, 5.0);
    let card = score(&job(), &candidate(&["Rust", "PostgreSQL"], 3.0, "none", "Rust"));
    assert_eq!(card.education.points, 0.0);
}

#[test]
fn scoring_is_deterministic_and_ranks_fit() {
    let strong = candidate(
        &["Rust", "PostgreSQL", "Kafka"],
        5.0,
        "bachelor",
        "Rust PostgreSQL Kafka ledger payments",
    );
    let medium = candidate(&["Rust", "PostgreSQL"], 3.0, "bachelor", "Worked on web shops");
    let weak = candidate(&["Excel"], 1.0, "highSchool", "Retail assistant");
    let job = job();
    assert_eq!(score(&job, &strong), score(&job, &strong));
    let (s, m, w) = (
        score(&job, &strong).total,
        score(&job, &medium).total,
        score(&job, &weak).total,
    );
    assert!(s > m && m > w, "{s} {m} {w}");
}

#[test]
fn a_job_without_requirements_does_not_penalise() {
    let mut job = job();
    job.requirements.required_skills.clear();
    job.requirements.preferred_skills.clear();
    job.requirements.min_years_experience = 0.0;
    let card = score(&job, &candidate(&["Filing"], 0.0, "bachelor", "anything"));
    assert_eq!(
        card.required_skills.points + card.preferred_skills.points + card.experience.points,
        75.0
    );
    assert!(card.knockouts.is_empty());
}

#[test]
fn an_overridden_card_keeps_the_machine_total_where_storage_reads_it() {
    let mut card = score(&job(), &candidate(&["Rust"], 3.0, "bachelor", "Rust services"));
    card.overridden = Some(Override {
        total: 90,
        machine_total: card.total,
        reason: "Panel".to_owned(),
        by: "someone".to_owned(),
        at: Utc::now(),
    });
    let json = serde_json::to_value(&card).unwrap();
    let pointer = format!("/{}", MACHINE_TOTAL_PATH.join("/"));
    assert_eq!(json.pointer(&pointer), Some(&serde_json::json!(card.total)));
}
