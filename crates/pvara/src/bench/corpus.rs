//! Realistic, varied applications for the benchmark: 3-5 KB CVs drawn from a seeded generator, so
//! runs are repeatable and the scorer sees text of the size real CVs have.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

const SKILLS: &[&str] = &[
    "Rust",
    "Go",
    "Java",
    "Python",
    "JavaScript",
    "TypeScript",
    "PostgreSQL",
    "MySQL",
    "Kafka",
    "Redis",
    "Kubernetes",
    "Docker",
    "AWS",
    "Azure",
    "Terraform",
    "Linux",
    "React",
    "Node.js",
    "Spark",
    "Airflow",
    "Excel",
    "Power BI",
    "Tableau",
    "SQL",
    "C++",
    "C#",
    "Machine Learning",
    "Data Analysis",
    "Accounting",
    "Auditing",
    "Risk Management",
    "Compliance",
    "Blockchain",
    "Cryptography",
    "Networking",
    "Security",
];

const PHRASES: &[&str] = &[
    "designed and operated",
    "led a team that built",
    "maintained",
    "migrated",
    "automated",
    "reduced the cost of",
    "improved the reliability of",
    "wrote the runbooks for",
    "audited",
    "reported on",
    "modelled",
    "secured",
    "scaled",
    "monitored",
    "documented",
    "tested",
];

const THINGS: &[&str] = &[
    "payment systems",
    "a settlement ledger",
    "regulatory reporting pipelines",
    "customer onboarding",
    "fraud detection",
    "the data warehouse",
    "public sector portals",
    "internal audit tooling",
    "exchange integrations",
    "identity verification",
    "event streaming platforms",
    "dashboards",
    "risk models",
    "compliance checks",
    "wallet infrastructure",
    "batch jobs",
];

const EDUCATION: &[&str] = &[
    "highSchool",
    "diploma",
    "bachelor",
    "bachelor",
    "master",
    "doctorate",
];

#[derive(Debug)]
pub struct Corpus {
    rng: StdRng,
    /// The questions applicants answer, built once rather than per application.
    questions: pvara_domain::equality::Questionnaire,
}

impl Corpus {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: StdRng::seed_from_u64(seed),
            questions: Default::default(),
        }
    }

    fn skills(&mut self, n: usize) -> Vec<&'static str> {
        SKILLS.choose_multiple(&mut self.rng, n).copied().collect()
    }

    pub fn job(&mut self, index: usize) -> Value {
        let required = self.skills(3);
        let preferred = self.skills(3);
        let description = format!(
            "The authority is hiring for role {index}. You will work on {} and {} using {} and {}. {}",
            THINGS.choose(&mut self.rng).unwrap_or(&""),
            THINGS.choose(&mut self.rng).unwrap_or(&""),
            required.join(", "),
            preferred.join(", "),
            "We value careful engineering, clear writing and public service."
        );
        json!({
            "title": format!("Role {index}"),
            "description": description,
            "location": "Islamabad",
            "requirements": {
                "requiredSkills": required,
                "preferredSkills": preferred,
                "minYearsExperience": self.rng.gen_range(0..8),
                "education": *EDUCATION.choose(&mut self.rng).unwrap_or(&"bachelor"),
            }
        })
    }

    /// A CV of 3-5 KB.
    fn resume(&mut self, skills: &[&str]) -> String {
        let target = self.rng.gen_range(3_000..5_000);
        let mut text = String::with_capacity(target + 200);
        while text.len() < target {
            let phrase = PHRASES.choose(&mut self.rng).unwrap_or(&"");
            let thing = THINGS.choose(&mut self.rng).unwrap_or(&"");
            let skill = skills.choose(&mut self.rng).unwrap_or(&"SQL");
            let years = self.rng.gen_range(1..9);
            text.push_str(&format!("For {years} years I {phrase} {thing} with {skill}, working closely with auditors and operators. "));
        }
        text
    }

    pub fn application(&mut self, job_id: &str, name: &str, email: &str) -> Value {
        let n = self.rng.gen_range(2..7);
        let skills = self.skills(n);
        json!({
            "jobId": job_id,
            "fullName": name,
            "email": email,
            "phone": "+92 51 0000000",
            "skills": skills,
            "yearsExperience": self.rng.gen_range(0..15),
            "education": *EDUCATION.choose(&mut self.rng).unwrap_or(&"bachelor"),
            "resumeText": self.resume(&skills),
            "coverLetter": "I would be glad to serve the authority in this role.",
            "acceptPrivacyNotice": true,
            "equality": self.equality(),
        })
    }

    /// Equality answers as a drive gets them: four candidates in five answer, each question
    /// left blank now and then.
    fn equality(&mut self) -> Value {
        let mut answers = serde_json::Map::new();
        if self.rng.gen_bool(0.8) {
            for d in &self.questions.dimensions {
                if self.rng.gen_bool(0.9)
                    && let Some(c) = d.categories.choose(&mut self.rng)
                {
                    answers.insert(d.key.clone(), Value::from(c.key.clone()));
                }
            }
        }
        Value::Object(answers)
    }
}
