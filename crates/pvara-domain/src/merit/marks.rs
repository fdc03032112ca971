//! Test and interview marks, out of 100 with two decimals, and the weights that make a total.
//!
//! Marks are kept in hundredths and totals in ten-thousandths, so that merit order never
//! depends on floating-point rounding.

use serde::{Deserialize, Serialize};

use crate::validation::ValidationError;

/// A mark out of 100 in hundredths (67.25 is 6725).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = f64, example = 67.25))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Mark(u32);

impl Mark {
    pub const MAX: u32 = 10_000;

    pub fn from_hundredths(hundredths: u32) -> Option<Mark> {
        (hundredths <= Self::MAX).then_some(Mark(hundredths))
    }

    pub fn hundredths(self) -> u32 {
        self.0
    }

    /// A mark as a testing agency's file or a person writes it: `67`, `67.5`, `67.25`.
    pub fn parse(field: &'static str, text: &str) -> Result<Mark, ValidationError> {
        let invalid =
            || ValidationError::new(field, "must be a mark from 0 to 100 with at most two decimals");
        let text = text.trim();
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        if whole.is_empty()
            || whole.len() > 3
            || fraction.len() > 2
            || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit())
        {
            return Err(invalid());
        }
        let whole: u32 = whole.parse().map_err(|_| invalid())?;
        let fraction: u32 = format!("{fraction:0<2}").parse().map_err(|_| invalid())?;
        Mark::from_hundredths(whole * 100 + fraction).ok_or_else(invalid)
    }
}

impl TryFrom<f64> for Mark {
    type Error = String;
    fn try_from(mark: f64) -> Result<Self, String> {
        if !(0.0..=100.0).contains(&mark) {
            return Err("a mark must be from 0 to 100".to_owned());
        }
        Ok(Mark((mark * 100.0).round() as u32))
    }
}

impl From<Mark> for f64 {
    fn from(mark: Mark) -> f64 {
        f64::from(mark.0) / 100.0
    }
}

impl std::fmt::Display for Mark {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// The interview mark a panel's scorecards give: each card's ratings (1 to 4) as a per cent of
/// the most they could be, then the mean of the panel's cards; none without a rated card.
pub fn interview_mark(cards: &[Vec<u8>]) -> Option<Mark> {
    let per_card: Vec<u64> = cards
        .iter()
        .filter(|scores| !scores.is_empty())
        .map(|scores| {
            let sum: u64 = scores.iter().map(|s| u64::from(*s.min(&4))).sum();
            sum * u64::from(Mark::MAX) / (4 * scores.len() as u64)
        })
        .collect();
    if per_card.is_empty() {
        return None;
    }
    let n = per_card.len() as u64;
    let mean = (per_card.iter().sum::<u64>() + n / 2) / n;
    Mark::from_hundredths(u32::try_from(mean).ok()?)
}

/// How much the test and the interview weigh in the total, in per cent adding up to 100.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkWeights {
    pub test: u32,
    pub interview: u32,
}

impl Default for MarkWeights {
    fn default() -> Self {
        MarkWeights {
            test: 60,
            interview: 40,
        }
    }
}

impl MarkWeights {
    pub(super) fn check(&self) -> Result<(), ValidationError> {
        if self.test.checked_add(self.interview) != Some(100) {
            return Err(ValidationError::new(
                "weights",
                "the test and the interview must weigh 100 together",
            ));
        }
        Ok(())
    }

    /// The weighted total in ten-thousandths of a mark.
    pub fn total(&self, test: Mark, interview: Mark) -> Total {
        Total(test.0 * self.test + interview.0 * self.interview)
    }
}

/// A weighted total out of 100 in ten-thousandths (exact for any weights).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = f64, example = 71.3))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "f64", try_from = "f64")]
pub struct Total(pub u32);

impl From<Total> for f64 {
    fn from(total: Total) -> f64 {
        f64::from(total.0) / 10_000.0
    }
}

impl TryFrom<f64> for Total {
    type Error = String;
    fn try_from(total: f64) -> Result<Self, String> {
        if !(0.0..=100.0).contains(&total) {
            return Err("a total must be from 0 to 100".to_owned());
        }
        Ok(Total((total * 10_000.0).round() as u32))
    }
}

impl std::fmt::Display for Total {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:04}", self.0 / 10_000, self.0 % 10_000)
    }
}
