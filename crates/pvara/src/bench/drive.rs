//! `pvara bench --drive`: how long a national drive's merit list takes. One job of 500 posts
//! shared by 8 quota categories gets `--applications` applicants, each with a declaration and
//! both marks, written straight into the store (as `--pages` does); then the dry run (reading
//! every candidate, judging eligibility, ordering and allocating) is timed several times, and
//! one preparation that stores every line.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::{Duration, NaiveDate};
use pvara_domain::application::{ApplicationDraft, Candidate, NewApplication};
use pvara_domain::ids::{ApplicationId, JobId, UserId};
use pvara_domain::job::{Job, JobDraft};
use pvara_domain::merit::{Declaration, Drive, Eligibility, Mark, Quota, Relaxation, Share, Unfilled};
use pvara_domain::user::{Email, FullName, Password, Role};
use pvara_services::usecase::merit::lists;
use pvara_storage::Store;
use pvara_storage::merit::{MarkKind, MarksUpload};
use pvara_storage::model::{NewUser, Submission};
use serde_json::{Value, json};
use tokio::task::JoinSet;

use super::{BenchOptions, PASSWORD, percentile, round2};

/// Seconds to the millisecond.
fn ms(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

const POSTS: u32 = 500;
const IN_FLIGHT: usize = 512;
/// Dry runs timed.
const RUNS: usize = 5;
const DOMICILES: [&str; 6] = [
    "Punjab",
    "Sindh",
    "Khyber Pakhtunkhwa",
    "Balochistan",
    "Islamabad",
    "Gilgit-Baltistan",
];

/// A drive's rules with eight quota categories (provinces and regions, women, minorities,
/// persons with disabilities) and an age limit with relaxations.
fn rules() -> anyhow::Result<Drive> {
    let quota = |category: &str, percent: f64| -> anyhow::Result<Quota> {
        Ok(Quota {
            category: category.to_owned(),
            percent: Share::try_from(percent).map_err(anyhow::Error::msg)?,
        })
    };
    let drive = Drive {
        eligibility: Eligibility {
            min_age: Some(21),
            max_age: Some(30),
            relaxations: vec![
                Relaxation {
                    category: "Government employee".into(),
                    years: 5,
                },
                Relaxation {
                    category: "Person with a disability".into(),
                    years: 10,
                },
            ],
            ..Eligibility::default()
        },
        quotas: vec![
            quota("Punjab", 40.0)?,
            quota("Sindh", 15.0)?,
            quota("Khyber Pakhtunkhwa", 10.0)?,
            quota("Balochistan", 5.0)?,
            quota("Gilgit-Baltistan", 3.0)?,
            quota("Women", 10.0)?,
            quota("Minorities", 5.0)?,
            quota("Person with a disability", 2.0)?,
        ],
        unfilled: Unfilled::OpenMerit,
        ..Drive::default()
    };
    drive
        .parse(1)
        .map_err(|problems| anyhow::anyhow!("the bench's rules are invalid: {problems:?}"))
}

/// A small deterministic generator, so every run seeds the same drive.
struct Dice(u64);

impl Dice {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

fn declaration(dice: &mut Dice, closing: NaiveDate) -> Declaration {
    let age_days = i64::try_from(20 * 365 + dice.next(16 * 365)).unwrap_or(0);
    let mut claims = Vec::new();
    for (claim, one_in) in [
        ("Women", 3),
        ("Minorities", 20),
        ("Person with a disability", 50),
        ("Government employee", 10),
    ] {
        if dice.next(one_in) == 0 {
            claims.push(claim.to_owned());
        }
    }
    Declaration {
        date_of_birth: closing - Duration::days(age_days),
        domicile: DOMICILES[dice.next(DOMICILES.len() as u64) as usize].to_owned(),
        claims,
        subject: None,
    }
}

async fn seed_one(
    store: Arc<dyn Store>,
    hash: String,
    job: JobId,
    n: usize,
    declaration: Declaration,
) -> anyhow::Result<()> {
    let now = pvara_services::now();
    let skills = ["Administration".to_owned()];
    let candidate = Candidate::parse(&ApplicationDraft {
        full_name: &format!("Applicant {n}"),
        email: &format!("drive{n}@bench.invalid"),
        phone: None,
        skills: &skills,
        years_experience: 2.0,
        education: "bachelor",
        resume_text: "Graduate",
        cover_letter: None,
    })?;
    let user = NewUser {
        id: UserId::new(),
        email: candidate.email.clone(),
        full_name: candidate.full_name.clone(),
        role: Role::Applicant,
        password_hash: hash,
        created_at: now,
        email_verified_at: Some(now),
        verification: None,
        language: pvara_domain::language::Language::En,
    };
    let applicant = user.id;
    store.create_user(user).await?;
    let application = NewApplication {
        reference: pvara_domain::reference::Reference::from_bits(rand::random()),
        id: ApplicationId::new(),
        job_id: job,
        applicant_id: applicant,
        candidate,
        submitted_at: now,
        consent_version: pvara_services::usecase::privacy::NOTICE_VERSION.to_owned(),
    };
    // No events: the drive's timing is the merit list's, not the scorer's.
    store
        .submit(Submission {
            application,
            cv: None,
            messages: Vec::new(),
            equality: Default::default(),
            declaration: Some(declaration),
        })
        .await?;
    Ok(())
}

/// The job, its applicants with declarations, and both marks for everyone.
async fn seed(store: &Arc<dyn Store>, applicants: usize) -> anyhow::Result<(UserId, JobId)> {
    let staff = pvara_services::usecase::accounts::create_user(
        store.as_ref(),
        Email::parse("email", "drive-bench@bench.invalid")?,
        FullName::parse("Bench Admin")?,
        Password::parse(PASSWORD)?,
        Role::Admin,
    )
    .await
    .context("cannot create the benchmark's admin")?;
    let now = pvara_services::now();
    let skills = ["Administration".to_owned()];
    let draft = JobDraft {
        title: "Assistant Director (BS-17)",
        description: "Federal posts across the country",
        location: Some("Islamabad"),
        closes_at: Some(now + Duration::days(30)),
        required_skills: &skills,
        preferred_skills: &[],
        min_years_experience: 0.0,
        education: "bachelor",
    };
    let mut job = Job::parse(&draft, JobId::new(), staff.id, now)?;
    job.vacancies = POSTS;
    let closing = (now + Duration::days(30)).date_naive();
    let job_id = job.id;
    store.create_job(job).await?;
    store.set_drive(job_id, &rules()?, 0).await?;
    let hash = pvara_services::auth::hash_password(PASSWORD.to_owned(), None).await?;
    let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
    let mut writes = JoinSet::new();
    for n in 0..applicants {
        if writes.len() >= IN_FLIGHT
            && let Some(done) = writes.join_next().await
        {
            done??;
        }
        let (store, hash, declared) = (store.clone(), hash.clone(), declaration(&mut dice, closing));
        writes.spawn(async move { seed_one(store, hash, job_id, n, declared).await });
    }
    while let Some(done) = writes.join_next().await {
        done??;
    }
    let candidates = store.merit_candidates(job_id).await?;
    for chunk in candidates.chunks(20_000) {
        let mut marks = Vec::with_capacity(chunk.len() * 2);
        for c in chunk {
            for kind in [MarkKind::Test, MarkKind::Interview] {
                let mark =
                    Mark::from_hundredths(u32::try_from(dice.next(10_001)).unwrap_or(0)).context("a mark")?;
                marks.push((c.application, kind, mark));
            }
        }
        store
            .record_marks(MarksUpload {
                job: job_id,
                marks,
                by: staff.id,
                at: now,
            })
            .await?;
    }
    Ok((staff.id, job_id))
}

/// Seeds the drive and times its merit list; returns the report.
pub async fn run(options: &BenchOptions) -> anyhow::Result<Value> {
    let temp = tempfile::tempdir()?;
    let mut config = crate::config::Config::new(temp.path());
    config.database_url = options.database_url.clone();
    let engines = crate::startup::open_engines(&config).await?;
    let store = engines.store.clone();
    let started = Instant::now();
    let (staff, job) = seed(&store, options.applications).await?;
    let seeded = started.elapsed().as_secs_f64();
    eprintln!("seeded {} applicants in {seeded:.1} s", options.applications);
    let actor = pvara_services::usecase::Actor {
        id: staff,
        role: Role::Admin,
    };
    let zone = config.locale()?.zone();
    let mut runs = Vec::with_capacity(RUNS);
    let mut selected = 0;
    for _ in 0..RUNS {
        let at = Instant::now();
        let list = lists::run(store.as_ref(), actor, job, zone).await?;
        runs.push(at.elapsed().as_secs_f64());
        selected = list
            .allocation
            .entries
            .iter()
            .filter(|e| {
                matches!(
                    e.outcome,
                    pvara_domain::merit::allocation::Outcome::Selected { .. }
                )
            })
            .count();
    }
    runs.sort_by(f64::total_cmp);
    let at = Instant::now();
    lists::prepare(store.as_ref(), actor, job, zone).await?;
    let prepared = at.elapsed().as_secs_f64();
    Ok(json!({
        "engine": if options.database_url.is_some() { "postgres" } else { "sqlite" },
        "applicants": options.applications,
        "posts": POSTS,
        "categories": 8,
        "selected": selected,
        "seedSeconds": round2(seeded),
        "dryRunSeconds": {
            "median": ms(percentile(&runs, 50.0)),
            "min": ms(runs[0]),
            "max": ms(runs[runs.len() - 1]),
        },
        "prepareSeconds": ms(prepared),
    }))
}
