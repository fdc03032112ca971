//! The importer: turns batches of old records into the import use cases' inputs, resolving old
//! ids through the map (this run's and earlier runs'), and writes them unless it is a dry run.

use std::collections::{BTreeSet, HashMap, HashSet};

use anyhow::Context;
use futures_util::future::join_all;
use mongodb::bson::Document;
use pvara_domain::ids::{JobId, UserId};
use pvara_domain::scoring::education::Education;
use pvara_domain::user::Role;
use pvara_services::usecase::import::{
    self as usecase, OldApplication, OldJob, OldUser, check_application, check_job, check_user,
};
use pvara_storage::Store;
use pvara_storage::imports::ImportKind;

use super::document::Record;
use super::mapping::{Collection, Mapping};
use super::report::Tally;

/// An account of this run or an earlier one, as applications and jobs need it.
#[derive(Debug, Clone)]
struct Account {
    id: UserId,
    staff: bool,
    /// Its address and name, for applications that do not repeat them (this run's only).
    contact: Option<(String, String)>,
}

pub struct Importer<'a> {
    store: &'a dyn Store,
    mapping: &'a Mapping,
    source: &'a str,
    dry_run: bool,
    users: HashMap<String, Account>,
    jobs: HashMap<String, JobId>,
    applications: HashSet<String>,
    /// Addresses of this run's accounts, for duplicates within the old data.
    emails: HashMap<String, String>,
    /// (applicant, job) pairs of this run, for second applications within the old data.
    pairs: HashSet<(UserId, JobId)>,
    owner: Option<UserId>,
    placed: HashMap<Collection, BTreeSet<String>>,
    now: chrono::DateTime<chrono::Utc>,
    tally: Tally,
}

/// An education level as the old system wrote it: the word, or failing that its first word
/// ("BS Computer Science"); an unknown one stays as it was, and the checks say why.
fn education(text: Option<String>) -> String {
    let text = text.unwrap_or_default();
    if Education::parse("education", &text).is_ok() {
        return text;
    }
    let first = text.split_whitespace().next().unwrap_or_default();
    if Education::parse("education", first).is_ok() {
        first.to_owned()
    } else {
        text
    }
}

impl<'a> Importer<'a> {
    pub async fn new(
        store: &'a dyn Store,
        mapping: &'a Mapping,
        source: &'a str,
        dry_run: bool,
    ) -> anyhow::Result<Self> {
        let mut users = HashMap::new();
        for (old, id) in usecase::imported(store, source, ImportKind::User).await? {
            users.insert(
                old,
                Account {
                    id: UserId(id),
                    staff: false,
                    contact: None,
                },
            );
        }
        let jobs = usecase::imported(store, source, ImportKind::Job)
            .await?
            .into_iter()
            .map(|(old, id)| (old, JobId(id)))
            .collect();
        let applications = usecase::imported(store, source, ImportKind::Application)
            .await?
            .into_keys()
            .collect();
        let placed = [Collection::Users, Collection::Jobs, Collection::Applications]
            .into_iter()
            .map(|c| (c, mapping.placed(c).into_iter().map(str::to_owned).collect()))
            .collect();
        Ok(Importer {
            store,
            mapping,
            source,
            dry_run,
            users,
            jobs,
            applications,
            emails: HashMap::new(),
            pairs: HashSet::new(),
            owner: None,
            placed,
            now: pvara_domain::time::to_stored_precision(chrono::Utc::now()),
            tally: Tally::default(),
        })
    }

    /// The staff account that posts jobs whose creator was not imported as staff.
    pub async fn set_owner(&mut self, email: &str) -> anyhow::Result<()> {
        let user = self
            .store
            .user_by_email(&email.trim().to_lowercase())
            .await?
            .with_context(|| format!("--owner: pvara has no account {email}"))?;
        anyhow::ensure!(
            user.role != Role::Applicant,
            "--owner: {email} is not a member of staff"
        );
        self.owner = Some(user.id);
        Ok(())
    }

    /// How long a collection took, for the summary.
    pub fn took(&mut self, collection: Collection, took: std::time::Duration) {
        self.tally.counts(collection).took = took;
    }

    pub fn finish(self) -> Tally {
        self.tally
    }

    pub async fn batch(&mut self, collection: Collection, docs: Vec<Document>) -> anyhow::Result<()> {
        for doc in &docs {
            self.note_unplaced(collection, doc);
        }
        self.tally.counts(collection).read += docs.len() as u64;
        match collection {
            Collection::Users => self.users(&docs).await,
            Collection::Jobs => self.jobs(&docs).await,
            Collection::Applications => self.applications(&docs).await,
        }
    }

    fn note_unplaced(&mut self, collection: Collection, doc: &Document) {
        let placed = &self.placed[&collection];
        for field in doc.keys().filter(|k| !placed.contains(k.as_str())) {
            *self
                .tally
                .unplaced
                .entry((collection, field.clone()))
                .or_default() += 1;
        }
    }

    /// Old records already imported are counted and skipped; the others go on with their id.
    fn fresh<'d>(&mut self, collection: Collection, doc: &'d Document) -> Option<(String, Record<'d>)> {
        let mut record = Record::new(doc);
        let Some(id) = record.id() else {
            self.tally.refuse(collection, "?", record.problems);
            return None;
        };
        let known = match collection {
            Collection::Users => self.users.contains_key(&id),
            Collection::Jobs => self.jobs.contains_key(&id),
            Collection::Applications => self.applications.contains(&id),
        };
        if known {
            self.tally.counts(collection).already += 1;
            return None;
        }
        Some((id, record))
    }

    async fn users(&mut self, docs: &[Document]) -> anyhow::Result<()> {
        let f = &self.mapping.users;
        let mut ready = Vec::new();
        for doc in docs {
            let Some((old_id, mut r)) = self.fresh(Collection::Users, doc) else {
                continue;
            };
            let email = r.required_text(&f.email);
            let password = r.required_text(&f.password);
            let name = r.required_text(&f.name);
            let word = r.text(&f.role);
            let role = self.mapping.role(word.as_deref());
            if role.is_none() {
                r.problems.push(format!(
                    "role {:?} is not one pvara knows: add it to [roles] in the mapping",
                    word.unwrap_or_default()
                ));
            }
            let created_at = r.created_at(&f.created_at);
            let mut problems = r.problems;
            if let Some(first) = email
                .as_ref()
                .and_then(|e| self.emails.get(&e.trim().to_lowercase()))
            {
                problems.push(format!("its e-mail address is also user {first}'s"));
            }
            let (Some(email), Some(password_hash), Some(full_name), Some(role), Some(created_at), true) =
                (email, password, name, role, created_at, problems.is_empty())
            else {
                self.tally.refuse(Collection::Users, &old_id, problems);
                continue;
            };
            self.emails.insert(email.trim().to_lowercase(), old_id.clone());
            let old = OldUser {
                old_id,
                email,
                full_name,
                role,
                password_hash,
                created_at,
            };
            match check_user(&old) {
                Ok(user) => ready.push((old, user)),
                Err(problems) => self.tally.refuse(Collection::Users, &old.old_id, problems),
            }
        }
        if self.dry_run {
            for (old, user) in &ready {
                if self.store.user_by_email(user.email.as_str()).await?.is_some() {
                    let problem = format!("pvara already has an account for {}", user.email.as_str());
                    self.tally.refuse(Collection::Users, &old.old_id, vec![problem]);
                } else {
                    self.accept_user(old, user.id);
                }
            }
            return Ok(());
        }
        let (store, source) = (self.store, self.source);
        let writes = ready
            .iter()
            .map(|(old, user)| usecase::import_user(store, source, &old.old_id, user.clone()));
        for ((old, user), written) in ready.iter().zip(join_all(writes).await) {
            match written {
                Ok(()) => self.accept_user(old, user.id),
                Err(problem) => self.tally.refuse(Collection::Users, &old.old_id, vec![problem]),
            }
        }
        Ok(())
    }

    fn accept_user(&mut self, old: &OldUser, id: UserId) {
        self.tally.counts(Collection::Users).imported += 1;
        let account = Account {
            id,
            staff: old.role != Role::Applicant,
            contact: Some((old.email.clone(), old.full_name.clone())),
        };
        self.users.insert(old.old_id.clone(), account);
    }

    /// Who posts a job: its creator if imported as staff, else --owner, else the first account
    /// imported as an administrator or recruiter.
    async fn job_owner(&self, creator: Option<&str>) -> anyhow::Result<Option<UserId>> {
        if let Some(account) = creator.and_then(|c| self.users.get(c)) {
            let staff = account.staff
                || (account.contact.is_none()
                    && self
                        .store
                        .user(account.id)
                        .await?
                        .is_some_and(|u| u.role != Role::Applicant));
            if staff {
                return Ok(Some(account.id));
            }
        }
        Ok(self.owner.or_else(|| {
            let mut staff: Vec<(&String, &Account)> = self.users.iter().filter(|(_, a)| a.staff).collect();
            staff.sort_by(|a, b| a.0.cmp(b.0));
            staff.first().map(|(_, a)| a.id)
        }))
    }

    async fn jobs(&mut self, docs: &[Document]) -> anyhow::Result<()> {
        let f = &self.mapping.jobs;
        for doc in docs {
            let Some((old_id, mut r)) = self.fresh(Collection::Jobs, doc) else {
                continue;
            };
            let title = r.required_text(&f.title);
            let description = r.required_text(&f.description);
            let location = r.text(&f.location);
            let deadline = r.date(&f.deadline);
            let required_skills = r.list(&f.skills);
            let min_years_experience = r.number(&f.min_years).unwrap_or(0.0);
            let education = education(r.text(&f.education));
            let closed = r.text(&f.status).is_some_and(|s| self.mapping.job_closed(&s));
            let creator = r.id_of(&f.created_by);
            let created_at = r.created_at(&f.created_at);
            let mut problems = r.problems;
            let owner = self.job_owner(creator.as_deref()).await?;
            if owner.is_none() {
                problems.push(
                    "no member of staff to post it: pass --owner with a staff account's e-mail".to_owned(),
                );
            }
            let (Some(title), Some(description), Some(created_at), Some(owner), true) =
                (title, description, created_at, owner, problems.is_empty())
            else {
                self.tally.refuse(Collection::Jobs, &old_id, problems);
                continue;
            };
            let old = OldJob {
                old_id,
                title,
                description,
                location,
                deadline,
                required_skills,
                min_years_experience,
                education,
                closed,
                created_at,
                owner,
            };
            let job = match check_job(&old, self.now) {
                Ok(job) => job,
                Err(problems) => {
                    self.tally.refuse(Collection::Jobs, &old.old_id, problems);
                    continue;
                }
            };
            let id = job.id;
            if !self.dry_run
                && let Err(problem) = usecase::import_job(self.store, self.source, &old.old_id, job).await
            {
                self.tally.refuse(Collection::Jobs, &old.old_id, vec![problem]);
                continue;
            }
            self.tally.counts(Collection::Jobs).imported += 1;
            self.jobs.insert(old.old_id, id);
        }
        Ok(())
    }

    /// The application's fields, its job and applicant resolved; `None` with its problems
    /// counted when it cannot be imported.
    fn old_application(&mut self, old_id: String, mut r: Record<'_>) -> Option<OldApplication> {
        let f = &self.mapping.applications;
        let job_old = r.id_of(&f.job);
        let user_old = r.id_of(&f.user);
        let job = job_old.as_ref().and_then(|j| self.jobs.get(j)).copied();
        let account = user_old.as_ref().and_then(|u| self.users.get(u)).cloned();
        match (&job_old, job) {
            (None, _) => r
                .problems
                .push(format!("{} is missing", f.job.all().join(" or "))),
            (Some(old), None) => r
                .problems
                .push(format!("its job {old} is not among the imported jobs")),
            _ => {}
        }
        match (&user_old, &account) {
            (None, _) => r
                .problems
                .push(format!("{} is missing", f.user.all().join(" or "))),
            (Some(old), None) => r
                .problems
                .push(format!("its user {old} is not among the imported accounts")),
            _ => {}
        }
        let contact = account.as_ref().and_then(|a| a.contact.clone());
        let full_name = r
            .text(&f.full_name)
            .or_else(|| contact.as_ref().map(|c| c.1.clone()));
        let email = r.text(&f.email).or_else(|| contact.as_ref().map(|c| c.0.clone()));
        let resume_text = r.required_text(&f.resume);
        let word = r.required_text(&f.status);
        let status = word.as_deref().and_then(|w| self.mapping.status(w));
        if let (Some(word), None) = (&word, status) {
            r.problems.push(format!(
                "status {word:?} is not one pvara knows: add it to [statuses] in the mapping"
            ));
        }
        let old = OldApplication {
            old_id,
            job: job.unwrap_or_else(JobId::new),
            applicant: account.as_ref().map_or_else(UserId::new, |a| a.id),
            full_name: full_name.unwrap_or_default(),
            email: email.unwrap_or_default(),
            phone: r.text(&f.phone),
            skills: r.list(&f.skills),
            years_experience: r.number(&f.experience).unwrap_or(0.0),
            education: education(r.text(&f.education)),
            resume_text: resume_text.unwrap_or_default(),
            cover_letter: r.text(&f.cover_letter),
            status: status.unwrap_or(pvara_domain::status::Status::Submitted),
            old_status: word.unwrap_or_default(),
            old_score: r.number(&f.score),
            created_at: r.created_at(&f.created_at).unwrap_or(self.now),
        };
        if job.is_some() && account.is_some() && !self.pairs.insert((old.applicant, old.job)) {
            r.problems
                .push("the same person applied to this job before, in another record".to_owned());
        }
        if r.problems.is_empty() {
            Some(old)
        } else {
            self.tally
                .refuse(Collection::Applications, &old.old_id, r.problems);
            None
        }
    }

    async fn applications(&mut self, docs: &[Document]) -> anyhow::Result<()> {
        let mut ready = Vec::new();
        for doc in docs {
            let Some((old_id, record)) = self.fresh(Collection::Applications, doc) else {
                continue;
            };
            let Some(old) = self.old_application(old_id, record) else {
                continue;
            };
            match check_application(&old, self.now) {
                Ok(imported) => ready.push(imported),
                Err(problems) => self.tally.refuse(Collection::Applications, &old.old_id, problems),
            }
        }
        let waiting = |a: &pvara_storage::imports::ImportedApplication| {
            a.status == pvara_domain::status::Status::Submitted
        };
        let outcomes = if self.dry_run {
            ready.iter().map(|_| Ok(())).collect()
        } else {
            usecase::import_applications(self.store, self.source, ready.clone()).await?
        };
        for (application, outcome) in ready.iter().zip(outcomes) {
            match outcome {
                Ok(()) => {
                    self.tally.counts(Collection::Applications).imported += 1;
                    self.tally.to_score += u64::from(waiting(application));
                    self.applications.insert(application.old_id.clone());
                }
                Err(problem) => {
                    self.tally
                        .refuse(Collection::Applications, &application.old_id, vec![problem])
                }
            }
        }
        Ok(())
    }
}
