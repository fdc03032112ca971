//! Education levels, ordered so that "at least a bachelor's" is a comparison.

use serde::{Deserialize, Serialize};

use crate::validation::ValidationError;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Education {
    None,
    HighSchool,
    Diploma,
    Bachelor,
    Master,
    Doctorate,
}

impl Education {
    pub const ALL: [Education; 6] = [
        Education::None,
        Education::HighSchool,
        Education::Diploma,
        Education::Bachelor,
        Education::Master,
        Education::Doctorate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Education::None => "none",
            Education::HighSchool => "highSchool",
            Education::Diploma => "diploma",
            Education::Bachelor => "bachelor",
            Education::Master => "master",
            Education::Doctorate => "doctorate",
        }
    }

    /// How a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            Education::None => "No formal qualification",
            Education::HighSchool => "High school (matric, intermediate)",
            Education::Diploma => "Diploma or associate degree",
            Education::Bachelor => "Bachelor's degree",
            Education::Master => "Master's degree",
            Education::Doctorate => "Doctorate",
        }
    }

    /// Accepts the canonical names and the spellings people actually type ("BSc", "Master's",
    /// "PhD", "intermediate" as used in Pakistan's school system).
    pub fn parse(field: &'static str, value: &str) -> Result<Self, ValidationError> {
        let key: String = value
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        let level = match key.as_str() {
            "" | "none" => Education::None,
            "highschool" | "matric" | "intermediate" | "fsc" | "fa" | "alevels" | "secondary" => {
                Education::HighSchool
            }
            "diploma" | "associate" | "associates" | "associatedegree" => Education::Diploma,
            "bachelor" | "bachelors" | "bs" | "bsc" | "ba" | "be" | "beng" | "bcs" | "undergraduate" => {
                Education::Bachelor
            }
            "master" | "masters" | "ms" | "msc" | "ma" | "mba" | "mphil" | "meng" | "postgraduate" => {
                Education::Master
            }
            "doctorate" | "phd" | "dphil" | "doctoral" => Education::Doctorate,
            _ => {
                return Err(ValidationError::new(
                    field,
                    "must be one of none, highSchool, diploma, bachelor, master, doctorate",
                ));
            }
        };
        Ok(level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_spellings_parse() {
        assert_eq!(Education::parse("e", "BSc").unwrap(), Education::Bachelor);
        assert_eq!(Education::parse("e", "Master's").unwrap(), Education::Master);
        assert_eq!(Education::parse("e", "Ph.D.").unwrap(), Education::Doctorate);
        assert!(Education::parse("e", "wizard").is_err());
        for level in Education::ALL {
            assert_eq!(Education::parse("e", level.as_str()).unwrap(), level);
        }
        assert!(Education::Master > Education::Bachelor);
    }
}
