//! One error type for every `parse` constructor, so the API can turn any of them into a 422 that
//! names the field the client has to fix.

use std::fmt;

/// Input that does not satisfy a domain rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationError {
    /// The request field at fault, in the API's camelCase spelling.
    pub field: &'static str,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Trims `value` and checks it is non-empty and at most `max_chars` long.
pub fn required_text(field: &'static str, value: &str, max_chars: usize) -> Result<String, ValidationError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    optional_text(field, trimmed, max_chars)
}

/// Trims `value` and checks its length; empty is allowed.
pub fn optional_text(field: &'static str, value: &str, max_chars: usize) -> Result<String, ValidationError> {
    let trimmed = value.trim();
    if trimmed.chars().count() > max_chars {
        return Err(ValidationError::new(
            field,
            format!("must be at most {max_chars} characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Checks that `list` has at most `max_items` entries, each non-empty and at most `max_chars` long.
pub fn text_list(
    field: &'static str,
    list: &[String],
    max_items: usize,
    max_chars: usize,
) -> Result<Vec<String>, ValidationError> {
    if list.len() > max_items {
        return Err(ValidationError::new(
            field,
            format!("must have at most {max_items} entries"),
        ));
    }
    list.iter()
        .map(|item| required_text(field, item, max_chars))
        .collect()
}
