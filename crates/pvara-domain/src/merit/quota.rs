//! Posts shared between open merit and quota categories, in whole posts, by the
//! largest-remainder method: each share's exact number of posts rounded down, then the posts
//! left over to the largest fractions, the earlier share first among equal fractions (open
//! merit comes first, then the categories in the order the job names them).

use serde::{Deserialize, Serialize};

use super::{name, same_name};
use crate::validation::ValidationError;

/// A percentage in hundredths (7.5 % is 750), so that sums and remainders are exact.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = f64, example = 7.5))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Share(pub u32);

impl TryFrom<f64> for Share {
    type Error = String;
    fn try_from(percent: f64) -> Result<Self, String> {
        if !(0.0..=100.0).contains(&percent) {
            return Err("a share must be from 0 to 100 per cent".to_owned());
        }
        Ok(Share((percent * 100.0).round() as u32))
    }
}

impl From<Share> for f64 {
    fn from(share: Share) -> f64 {
        f64::from(share.0) / 100.0
    }
}

impl std::fmt::Display for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_multiple_of(100) {
            write!(f, "{}%", self.0 / 100)
        } else {
            write!(f, "{}%", f64::from(*self))
        }
    }
}

/// The share of a job's posts reserved for a category.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Quota {
    /// A category applicants claim (women, minorities) or a domicile (a province).
    pub category: String,
    /// Per cent of the posts.
    pub percent: Share,
}

/// The quotas, checked: names present and distinct, shares adding up to at most 100 %.
pub(super) fn check_quotas(quotas: &[Quota], problems: &mut Vec<ValidationError>) -> Vec<Quota> {
    let mut checked: Vec<Quota> = Vec::new();
    for quota in quotas {
        match name("quotas", &quota.category) {
            Ok(category) if checked.iter().any(|q| same_name(&q.category, &category)) => {
                problems.push(ValidationError::new("quotas", "names a category twice"));
            }
            Ok(category) if quota.percent.0 == 0 => {
                problems.push(ValidationError::new(
                    "quotas",
                    format!("gives {category} no share; leave it out instead"),
                ));
            }
            Ok(category) => checked.push(Quota {
                category,
                percent: quota.percent,
            }),
            Err(e) => problems.push(e),
        }
    }
    let total: u32 = checked.iter().map(|q| q.percent.0).sum();
    if total > 10_000 {
        problems.push(ValidationError::new(
            "quotas",
            format!("must add up to at most 100%; they add up to {}", Share(total)),
        ));
    }
    checked
}

/// The posts of each share: open merit first, then each quota in order.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Split {
    pub open_merit: u32,
    pub quotas: Vec<u32>,
}

impl Split {
    /// `vacancies` posts shared by `quotas` (whose shares add up to at most 100 %), open merit
    /// taking what they leave.
    pub fn of(vacancies: u32, quotas: &[Quota]) -> Split {
        let quota_total: u32 = quotas.iter().map(|q| q.percent.0).sum();
        let shares: Vec<u32> = std::iter::once(10_000u32.saturating_sub(quota_total))
            .chain(quotas.iter().map(|q| q.percent.0))
            .collect();
        let exact: Vec<(u64, u64)> = shares
            .iter()
            .map(|&share| {
                let scaled = u64::from(vacancies) * u64::from(share);
                (scaled / 10_000, scaled % 10_000)
            })
            .collect();
        let mut posts: Vec<u64> = exact.iter().map(|(whole, _)| *whole).collect();
        let given: u64 = posts.iter().sum();
        let mut order: Vec<usize> = (0..shares.len()).collect();
        // Largest remainder first; the earlier share among equals (a stable sort keeps order).
        order.sort_by(|a, b| exact[*b].1.cmp(&exact[*a].1));
        for &i in order
            .iter()
            .take((u64::from(vacancies) - given.min(u64::from(vacancies))) as usize)
        {
            posts[i] += 1;
        }
        let posts: Vec<u32> = posts.into_iter().map(|p| p as u32).collect();
        Split {
            open_merit: posts[0],
            quotas: posts[1..].to_vec(),
        }
    }

    pub fn total(&self) -> u32 {
        self.open_merit + self.quotas.iter().sum::<u32>()
    }
}
