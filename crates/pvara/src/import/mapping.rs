//! The mapping from the old system's field names and words to pvara's: the defaults
//! (`default-mapping.toml`, also the documented example) with an operator's file laid over them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Context;
use pvara_domain::status::Status;
use pvara_domain::user::Role;
use serde::Deserialize;

/// The defaults, in one place: the file the README shows.
pub const DEFAULT_MAPPING: &str = include_str!("default-mapping.toml");

/// One old field, or several of which the first present is read.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Names {
    One(String),
    Many(Vec<String>),
}

impl Names {
    pub fn all(&self) -> &[String] {
        match self {
            Names::One(name) => std::slice::from_ref(name),
            Names::Many(names) => names,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Collections {
    pub users: String,
    pub jobs: String,
    pub applications: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserFields {
    pub email: Names,
    pub password: Names,
    pub name: Names,
    pub role: Names,
    pub created_at: Names,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobFields {
    pub title: Names,
    pub description: Names,
    pub location: Names,
    pub deadline: Names,
    pub skills: Names,
    pub min_years: Names,
    pub education: Names,
    pub status: Names,
    pub created_by: Names,
    pub created_at: Names,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationFields {
    pub job: Names,
    pub user: Names,
    pub full_name: Names,
    pub email: Names,
    pub phone: Names,
    pub resume: Names,
    pub cover_letter: Names,
    pub skills: Names,
    pub experience: Names,
    pub education: Names,
    pub status: Names,
    pub score: Names,
    pub created_at: Names,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobStatuses {
    pub closed: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ignore {
    pub users: Vec<String>,
    pub jobs: Vec<String>,
    pub applications: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    pub collections: Collections,
    pub users: UserFields,
    pub jobs: JobFields,
    pub applications: ApplicationFields,
    pub roles: BTreeMap<String, String>,
    pub statuses: BTreeMap<String, String>,
    pub job_statuses: JobStatuses,
    pub ignore: Ignore,
}

/// Lays `over` on `base`, table by table; any other value of `over` replaces `base`'s.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(value)) => merge(inner, value),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Spaces, case and punctuation do not count in a word of the old system.
pub fn key(word: &str) -> String {
    word.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl Mapping {
    /// The defaults, with the file at `path` laid over them.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Mapping> {
        let mut table: toml::Table = DEFAULT_MAPPING.parse().context("the default mapping is broken")?;
        if let Some(path) = path {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            let over: toml::Table = text
                .parse()
                .with_context(|| format!("{} is not a valid TOML file", path.display()))?;
            merge(&mut table, over);
        }
        let mapping: Mapping = table.try_into().with_context(|| {
            format!(
                "the mapping {} has an unknown or misspelt entry",
                path.map_or("".into(), |p| p.display().to_string())
            )
        })?;
        mapping.check()?;
        Ok(mapping)
    }

    /// Every word the mapping turns into a role or a status must be one pvara knows.
    fn check(&self) -> anyhow::Result<()> {
        for (old, role) in &self.roles {
            anyhow::ensure!(
                Role::parse(role).is_ok(),
                "[roles] {old} = {role:?}: pvara has no role {role:?}"
            );
        }
        for (old, status) in &self.statuses {
            anyhow::ensure!(
                Status::parse(status).is_some(),
                "[statuses] {old} = {status:?}: pvara has no status {status:?}"
            );
        }
        Ok(())
    }

    /// pvara's role for an old role word; a missing word is an applicant.
    pub fn role(&self, word: Option<&str>) -> Option<Role> {
        let Some(word) = word.filter(|w| !w.trim().is_empty()) else {
            return Some(Role::Applicant);
        };
        let wanted = key(word);
        self.roles
            .iter()
            .find(|(old, _)| key(old) == wanted)
            .and_then(|(_, role)| Role::parse(role).ok())
            .or_else(|| Role::ALL.into_iter().find(|r| key(r.as_str()) == wanted))
    }

    /// pvara's status for an old status word: the mapping's, or pvara's own of that name.
    pub fn status(&self, word: &str) -> Option<Status> {
        let wanted = key(word);
        self.statuses
            .iter()
            .find(|(old, _)| key(old) == wanted)
            .and_then(|(_, status)| Status::parse(status))
            .or_else(|| Status::ALL.into_iter().find(|s| key(s.as_str()) == wanted))
    }

    pub fn job_closed(&self, word: &str) -> bool {
        let wanted = key(word);
        self.job_statuses.closed.iter().any(|w| key(w) == wanted)
    }

    /// Every old field a collection's mapping reads or ignores: the others are reported.
    pub fn placed(&self, collection: Collection) -> BTreeSet<&str> {
        let mut names: BTreeSet<&str> = ["_id"].into_iter().collect();
        let (fields, ignored): (Vec<&Names>, &Vec<String>) = match collection {
            Collection::Users => {
                let u = &self.users;
                (
                    vec![&u.email, &u.password, &u.name, &u.role, &u.created_at],
                    &self.ignore.users,
                )
            }
            Collection::Jobs => {
                let j = &self.jobs;
                (
                    vec![
                        &j.title,
                        &j.description,
                        &j.location,
                        &j.deadline,
                        &j.skills,
                        &j.min_years,
                        &j.education,
                        &j.status,
                        &j.created_by,
                        &j.created_at,
                    ],
                    &self.ignore.jobs,
                )
            }
            Collection::Applications => {
                let a = &self.applications;
                (
                    vec![
                        &a.job,
                        &a.user,
                        &a.full_name,
                        &a.email,
                        &a.phone,
                        &a.resume,
                        &a.cover_letter,
                        &a.skills,
                        &a.experience,
                        &a.education,
                        &a.status,
                        &a.score,
                        &a.created_at,
                    ],
                    &self.ignore.applications,
                )
            }
        };
        names.extend(
            fields
                .into_iter()
                .flat_map(|n| n.all().iter().map(String::as_str)),
        );
        names.extend(ignored.iter().map(String::as_str));
        names
    }
}

/// The three collections, in the order they are imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Collection {
    Users,
    Jobs,
    Applications,
}

impl Collection {
    pub fn name(self) -> &'static str {
        match self {
            Collection::Users => "users",
            Collection::Jobs => "jobs",
            Collection::Applications => "applications",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_sets_only_what_differs_and_misspelt_entries_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("mapping.toml");
        std::fs::write(
            &file,
            "[applications]\nresume = \"cv\"\n[statuses]\n\"In Process\" = \"Under Review\"\n",
        )
        .unwrap();
        let mapping = Mapping::load(Some(&file)).unwrap();
        assert_eq!(mapping.applications.resume.all(), ["cv"]);
        assert_eq!(
            mapping.applications.job.all(),
            ["jobId"],
            "the rest stays as the defaults"
        );
        assert_eq!(mapping.status("in-process"), Some(Status::UnderReview));
        assert_eq!(
            mapping.status("UNDER_REVIEW"),
            Some(Status::UnderReview),
            "pvara's own words"
        );
        assert_eq!(mapping.status("Promoted"), None);
        assert_eq!(mapping.role(Some("HR")), Some(Role::Recruiter));
        assert_eq!(mapping.role(None), Some(Role::Applicant));
        assert!(mapping.placed(Collection::Applications).contains("cv"));

        std::fs::write(&file, "[applications]\nresum = \"cv\"\n").unwrap();
        assert!(Mapping::load(Some(&file)).is_err(), "a misspelt field");
        std::fs::write(&file, "[statuses]\nx = \"Promoted\"\n").unwrap();
        let error = Mapping::load(Some(&file)).unwrap_err().to_string();
        assert!(error.contains("no status"), "{error}");
    }
}
