//! What forms share: the error summary, turning a use case's refusal into messages beside the
//! fields, and how dates are written and read.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::PageError;
use crate::usecase;

/// A form with nothing but its CSRF token: a button that does one thing.
#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

/// One message in the error summary, linked to its field.
#[derive(Debug, Clone)]
pub struct FieldError {
    /// The HTML id of the field, which the summary links to.
    pub anchor: String,
    pub message: String,
}

/// The errors of a submitted form: shown in the summary at the top and beside each field.
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    items: Vec<FieldError>,
}

impl FormErrors {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn all(&self) -> &[FieldError] {
        &self.items
    }

    /// The message beside the field whose HTML id is `anchor`.
    pub fn for_field(&self, anchor: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|e| e.anchor == anchor)
            .map(|e| e.message.as_str())
    }

    /// Adds `other`'s messages after these.
    /// These errors but those on the anchors `dropped` names.
    pub fn without(mut self, dropped: impl Fn(&str) -> bool) -> Self {
        self.items.retain(|e| !dropped(&e.anchor));
        self
    }

    pub fn extend(&mut self, other: FormErrors) {
        self.items.extend(other.items);
    }

    /// A form that came back with problems after a file was chosen: browsers never keep a
    /// chosen file, and pvara does not keep one from a refused form, so the page says plainly
    /// that it must be chosen again (beside the file field, unless a message is there already).
    pub fn file_not_kept(&mut self, chose_file: bool) {
        if chose_file && !self.is_empty() && self.for_field("cv").is_none() {
            self.add("cv", i18n::t("problem-cv-again"));
        }
    }

    pub fn add(&mut self, anchor: &str, message: impl Into<String>) {
        self.items.push(FieldError {
            anchor: anchor.to_owned(),
            message: message.into(),
        });
    }

    /// A use case's refusal as a form error: `fields` maps the API's field names to the form's
    /// (HTML id, visible label). Errors that are no one field's go on the first field; failures
    /// of the service are page errors.
    pub fn from_use_case(error: usecase::Error, fields: &[(&str, &str, &str)]) -> Result<Self, PageError> {
        let mut errors = FormErrors::default();
        let problems = match &error {
            usecase::Error::Problems(problems) => Some(problems.as_slice()),
            usecase::Error::ReadLittle {
                others, words, pages, ..
            } => {
                let cv = fields.iter().find(|(api, _, _)| *api == "cv");
                let read = [
                    ("words", i18n::Arg::from(*words)),
                    ("pages", i18n::Arg::from(*pages)),
                ];
                errors.add(
                    cv.map_or("main-content", |f| f.1),
                    i18n::t_with("problem-read-little", &read),
                );
                Some(others.as_slice())
            }
            _ => None,
        };
        if let Some(problems) = problems {
            for problem in problems {
                let (anchor, label) = fields
                    .iter()
                    .find(|(api, _, _)| *api == problem.field)
                    .or(fields.first())
                    .map_or(("main-content", ""), |(_, anchor, label)| (*anchor, *label));
                let sentence = format!("{} {}", i18n::label(label), i18n::rule(&problem.message));
                errors.add(anchor, sentence.trim().to_owned());
            }
            return Ok(errors);
        }
        let field = error.field();
        let message = match &error {
            usecase::Error::Invalid(e) => e.message.clone(),
            usecase::Error::Conflict { message, .. } | usecase::Error::Unprocessable { message, .. } => {
                message.clone()
            }
            usecase::Error::Throttled { .. }
            | usecase::Error::Unverified
            | usecase::Error::Overloaded { .. } => error.to_string(),
            _ => return Err(error.into()),
        };
        let target = field
            .and_then(|f| fields.iter().find(|(api, _, _)| *api == f))
            .or(fields.first());
        match target {
            Some((_, anchor, label)) if field.is_some() && matches!(error, usecase::Error::Invalid(_)) => {
                errors.add(anchor, format!("{} {}", i18n::label(label), i18n::rule(&message)));
            }
            Some((_, anchor, _)) => errors.add(anchor, capitalise(&i18n::rule(&message))),
            None => errors.add("main-content", capitalise(&i18n::rule(&message))),
        }
        Ok(errors)
    }
}

use super::capitalise;
use crate::i18n;
use crate::mail::Locale;

/// A `datetime-local` field's value: a wall-clock time in the installation's zone, as the form
/// says beside the field ([`Locale::zone_label`]).
pub fn parse_datetime_local(
    errors: &mut FormErrors,
    locale: &Locale,
    (anchor, label): (&str, &str),
    value: &str,
) -> Option<DateTime<Utc>> {
    let parsed = NaiveDateTime::parse_from_str(value.trim(), "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(value.trim(), "%Y-%m-%dT%H:%M:%S"));
    let Ok(wall) = parsed else {
        errors.add(
            anchor,
            format!("{label} must be a date and time, like 14 February 2030 10:00"),
        );
        return None;
    };
    let at = locale.from_local(wall);
    if at.is_none() {
        errors.add(
            anchor,
            format!("{label} falls in the hour the clocks skip that night; choose another time"),
        );
    }
    at
}

/// A `date` field's value.
pub fn parse_date(errors: &mut FormErrors, anchor: &str, label: &str, value: &str) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d") {
        Ok(date) => Some(date),
        Err(_) => {
            errors.add(anchor, format!("{label} must be a date, like 1 March 2030"));
            None
        }
    }
}

/// A whole-number field's value ("1,200" is 1200), or a message naming the field.
pub fn parse_whole(errors: &mut FormErrors, anchor: &str, label: &str, value: &str) -> Option<u32> {
    match value.trim().replace(',', "").parse::<u32>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.add(
                anchor,
                i18n::t_with("problem-whole-number", &[("field", i18n::label(label).into())]),
            );
            None
        }
    }
}

/// A number field's value.
pub fn parse_number(errors: &mut FormErrors, anchor: &str, label: &str, value: &str) -> Option<f64> {
    let value = value.trim().replace(',', "");
    if value.is_empty() {
        return Some(0.0);
    }
    match value.parse::<f64>() {
        Ok(n) if n.is_finite() => Some(n),
        _ => {
            errors.add(
                anchor,
                i18n::t_with("problem-number", &[("field", i18n::label(label).into())]),
            );
            None
        }
    }
}

/// A number a person must give: blank is a question not answered, never read as 0.
pub fn parse_required_number(
    errors: &mut FormErrors,
    (anchor, label): (&str, &str),
    when_blank: &str,
    value: &str,
) -> Option<f64> {
    if value.trim().is_empty() {
        errors.add(anchor, when_blank);
        return None;
    }
    parse_number(errors, anchor, label, value)
}

/// "Rust, PostgreSQL , kafka" -> ["Rust", "PostgreSQL", "kafka"].
pub fn split_list(value: &str) -> Vec<String> {
    value
        .split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
