//! The languages pvara speaks to people in. A person's choice is kept on their account, so that
//! mail written by a worker long after the request still reaches them in the language they read.

use serde::{Deserialize, Serialize};

/// A language of the pages and the mail. English is the default: the staff's working language
/// and what an unknown or missing choice falls back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Ur,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::En, Language::Ur];

    /// The BCP 47 code, as in `lang="ur"`, the cookie and the database.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Ur => "ur",
        }
    }

    /// A code or a tag (`ur`, `ur-PK`, `en-GB`), case-insensitively; other languages are `None`.
    pub fn parse(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        Language::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(primary))
    }

    /// Urdu is written right to left.
    pub fn is_rtl(self) -> bool {
        self == Language::Ur
    }

    /// `dir` of a page in this language.
    pub fn dir(self) -> &'static str {
        if self.is_rtl() { "rtl" } else { "ltr" }
    }

    /// The language's name in itself, as a language switch shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Ur => "اردو",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Language;

    #[test]
    fn tags_name_their_primary_language() {
        assert_eq!(Language::parse("ur-PK"), Some(Language::Ur));
        assert_eq!(Language::parse("EN_gb"), Some(Language::En));
        assert_eq!(Language::parse("ur"), Some(Language::Ur));
        assert_eq!(Language::parse("fr"), None);
        assert_eq!(Language::parse(""), None);
    }

    #[test]
    fn urdu_is_right_to_left() {
        assert_eq!(Language::Ur.dir(), "rtl");
        assert_eq!(Language::En.dir(), "ltr");
    }
}
