//! The voluntary equality questionnaire: which questions an installation asks and what counts as
//! an answer.
//!
//! Answers are special-category data (GDPR art. 9), collected only to show whether the process
//! selects one group at a lower rate than another. So they are kept apart from everything else:
//! an [`Answers`] value has no place in an application, an event or a scorer's input, and the
//! only thing computed from it is the aggregate in [`crate::report::impact`].

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// The answer every question offers: counted with "not answered" as unknown.
pub const PREFER_NOT_TO_SAY: &str = "prefer-not-to-say";
/// What the report calls people whose answer it does not know: the key, and the row's label.
pub const UNKNOWN: &str = "unknown";
pub const UNKNOWN_LABEL: &str = "Unknown";

/// One answer a question offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Category {
    /// Stable identifier, stored with each answer: `female`, `25-34`.
    pub key: String,
    /// What the candidate and the report read: "Female", "25 to 34".
    pub label: String,
}

/// One question: a dimension along which the report compares selection rates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dimension {
    /// Stable identifier, the answer's field name in the API: `sex`, `ageBand`.
    pub key: String,
    /// The short name in reports: "Sex".
    pub name: String,
    /// The question as the candidate reads it.
    pub question: String,
    /// The answers, in the order shown; "Prefer not to say" is added after them.
    pub categories: Vec<Category>,
}

/// The questions of an installation (`--equality-questions FILE`, a JSON file of this shape).
/// An empty list turns the questionnaire off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Questionnaire {
    pub dimensions: Vec<Dimension>,
}

fn category(key: &str, label: &str) -> Category {
    Category {
        key: key.to_owned(),
        label: label.to_owned(),
    }
}

fn dimension(key: &str, name: &str, question: &str, categories: &[(&str, &str)]) -> Dimension {
    Dimension {
        key: key.to_owned(),
        name: name.to_owned(),
        question: question.to_owned(),
        categories: categories.iter().map(|(k, l)| category(k, l)).collect(),
    }
}

impl Default for Questionnaire {
    /// Sex, age band, disability and province of domicile, as a federal recruiter in Pakistan
    /// monitors them.
    fn default() -> Self {
        Questionnaire {
            dimensions: vec![
                dimension(
                    "sex",
                    "Sex",
                    "What is your sex?",
                    &[
                        ("female", "Female"),
                        ("male", "Male"),
                        ("transgender", "Transgender"),
                    ],
                ),
                dimension(
                    "ageBand",
                    "Age band",
                    "How old are you?",
                    &[
                        ("under-25", "Under 25"),
                        ("25-34", "25 to 34"),
                        ("35-44", "35 to 44"),
                        ("45-54", "45 to 54"),
                        ("55-plus", "55 or over"),
                    ],
                ),
                dimension(
                    "disability",
                    "Disability",
                    "Do you consider yourself to have a disability?",
                    &[
                        ("yes", "Yes, I have a disability"),
                        ("no", "No, I do not have a disability"),
                    ],
                ),
                dimension(
                    "province",
                    "Province of domicile",
                    "What is your province or territory of domicile?",
                    &[
                        ("punjab", "Punjab"),
                        ("sindh", "Sindh"),
                        ("khyber-pakhtunkhwa", "Khyber Pakhtunkhwa"),
                        ("balochistan", "Balochistan"),
                        ("islamabad", "Islamabad Capital Territory"),
                        ("gilgit-baltistan", "Gilgit-Baltistan"),
                        ("azad-kashmir", "Azad Jammu and Kashmir"),
                    ],
                ),
            ],
        }
    }
}

fn valid_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 40 && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

impl Questionnaire {
    /// Reads and checks an installation's questions: keys are short, unique and not reserved,
    /// every question has at least two answers.
    pub fn parse(json: &str) -> Result<Self, String> {
        let questionnaire: Questionnaire =
            serde_json::from_str(json).map_err(|e| format!("not a questionnaire: {e}"))?;
        let mut dimensions = HashSet::new();
        for d in &questionnaire.dimensions {
            if !valid_key(&d.key) || !dimensions.insert(d.key.as_str()) {
                return Err(format!(
                    "dimension key {:?} must be unique letters, digits or '-'",
                    d.key
                ));
            }
            if d.name.trim().is_empty() || d.question.trim().is_empty() {
                return Err(format!("dimension {:?} needs a name and a question", d.key));
            }
            if d.categories.len() < 2 {
                return Err(format!("dimension {:?} needs at least two answers", d.key));
            }
            let mut keys = HashSet::new();
            for c in &d.categories {
                let reserved = c.key == PREFER_NOT_TO_SAY || c.key == UNKNOWN;
                if !valid_key(&c.key) || reserved || !keys.insert(c.key.as_str()) || c.label.trim().is_empty()
                {
                    return Err(format!(
                        "answer {:?} of {:?} must have a unique key (letters, digits, '-'; not {PREFER_NOT_TO_SAY} or {UNKNOWN}) and a label",
                        c.key, d.key
                    ));
                }
            }
        }
        Ok(questionnaire)
    }

    pub fn is_off(&self) -> bool {
        self.dimensions.is_empty()
    }

    pub fn dimension(&self, key: &str) -> Option<&Dimension> {
        self.dimensions.iter().find(|d| d.key == key)
    }

    /// Checks a candidate's answers (dimension key to category key). Every question is optional;
    /// an empty answer is no answer. An unknown question or answer is refused with its field
    /// (`equality.sex`), so that a form cannot lose an answer silently.
    pub fn parse_answers(&self, given: &BTreeMap<String, String>) -> Result<Answers, ValidationError> {
        let mut answers = BTreeMap::new();
        for (key, value) in given {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let Some(dimension) = self.dimension(key) else {
                return Err(ValidationError::new(
                    "equality",
                    format!("there is no equality question {key:?}"),
                ));
            };
            let known = value == PREFER_NOT_TO_SAY || dimension.categories.iter().any(|c| c.key == value);
            if !known {
                let mut allowed: Vec<&str> = dimension.categories.iter().map(|c| c.key.as_str()).collect();
                allowed.push(PREFER_NOT_TO_SAY);
                return Err(ValidationError::new(
                    "equality",
                    format!("{key} must be one of {}", allowed.join(", ")),
                ));
            }
            answers.insert(dimension.key.clone(), value.to_owned());
        }
        Ok(Answers(answers))
    }
}

/// One candidate's checked answers: dimension key to category key (or prefer-not-to-say).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers(pub BTreeMap<String, String>);

impl Answers {
    /// The category the report counts for `dimension`: the answer, or [`UNKNOWN`] when there is
    /// none or the candidate preferred not to say.
    pub fn category(&self, dimension: &str) -> &str {
        match self.0.get(dimension).map(String::as_str) {
            None | Some(PREFER_NOT_TO_SAY) => UNKNOWN,
            Some(category) => category,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn given(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn answers_are_optional_and_checked_against_the_questions() {
        let q = Questionnaire::default();
        let answers = q
            .parse_answers(&given(&[
                ("sex", "female"),
                ("ageBand", ""),
                ("disability", PREFER_NOT_TO_SAY),
            ]))
            .unwrap();
        assert_eq!(answers.category("sex"), "female");
        assert_eq!(answers.category("ageBand"), UNKNOWN, "empty is no answer");
        assert_eq!(
            answers.category("disability"),
            UNKNOWN,
            "prefer not to say counts as unknown"
        );
        assert_eq!(answers.category("province"), UNKNOWN);
        let error = q.parse_answers(&given(&[("sex", "robot")])).unwrap_err();
        assert_eq!(error.field, "equality");
        assert!(error.message.contains("prefer-not-to-say"), "{}", error.message);
        assert!(q.parse_answers(&given(&[("religion", "none")])).is_err());
    }

    #[test]
    fn an_installation_file_is_checked() {
        let own = r#"{"dimensions":[{"key":"region","name":"Region","question":"Where?",
            "categories":[{"key":"north","label":"North"},{"key":"south","label":"South"}]}]}"#;
        assert_eq!(Questionnaire::parse(own).unwrap().dimensions.len(), 1);
        assert!(Questionnaire::parse(r#"{"dimensions":[]}"#).unwrap().is_off());
        let reserved = own.replace("\"north\"", "\"unknown\"");
        assert!(Questionnaire::parse(&reserved).is_err());
        let one_answer = r#"{"dimensions":[{"key":"r","name":"R","question":"?","categories":[{"key":"a","label":"A"}]}]}"#;
        assert!(Questionnaire::parse(one_answer).is_err());
        let default = serde_json::to_string(&Questionnaire::default()).unwrap();
        assert_eq!(Questionnaire::parse(&default).unwrap(), Questionnaire::default());
    }
}
