//! What identifies a person in free text, and the text without it: for name-blind sifting,
//! where staff read the CV text and the passages the scorer quotes before the stage that
//! reveals who the candidate is.
//!
//! Withheld, each replaced by `[withheld]`:
//! - the candidate's own names, in any case, possessive (`Ayesha's`) or joined to another word
//!   by a hyphen (`Ayesha-Khan`), and as a handle (`@ayeshakhan`, `ayesha.khan`);
//! - any e-mail address; any web address (a profile, a portfolio: `linkedin.com/in/...`);
//! - phone numbers in local and international forms (`0301 2345678`, `0301-2345678`,
//!   `+92 301 2345678`, `(051) 123 4567`) and CNIC numbers (`12345-1234567-1`), by their
//!   digits: 9 to 15 digits joined by spaces, dashes, dots or brackets;
//! - a line that gives a street address or a date of birth (`Address: ...`, `House 12, Street
//!   5, ...`, `Date of birth: ...`, `DOB ...`), from its label or first clue to the line's end.
//!
//! Years (`2015 - 2019`), salaries (`1,200,000`) and version numbers have too few digits or
//! other separators and stay. The rules err towards withholding: a reviewer losing a number is
//! better than a name-blind sift that names the person.

use std::sync::LazyLock;

use regex::Regex;

/// What stands where something was withheld.
pub const WITHHELD: &str = "[withheld]";

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}").unwrap_or_else(|_| unreachable_pattern())
});
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:https?://|www\.)\S+|\b[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}/\S*")
        .unwrap_or_else(|_| unreachable_pattern())
});
/// A run of 9-15 digits, possibly with a leading `+` or bracketed area code, joined by single
/// spaces, dashes, dots or brackets; not inside a longer word.
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\+|\b|\()(?:\d[ \t\-.()]{0,2}){8,14}\d\b").unwrap_or_else(|_| unreachable_pattern())
});
/// A handle: `@name`.
static HANDLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|\s)@[A-Za-z0-9_.]{2,}").unwrap_or_else(|_| unreachable_pattern()));
/// A labelled address or date of birth, to the end of its line.
static LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?im)\b(?:(?:home |postal |permanent |current |mailing )?address|date of birth|d\.?o\.?b\.?)[ \t]*[:\-][ \t]*\S.*$|\bborn on[ \t]+\S.*$",
    )
    .unwrap_or_else(|_| unreachable_pattern())
});
/// A street address without a label: a house, flat or plot number, or a street, road, sector
/// or block named with a number, to the end of its line.
static STREET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?im)\b(?:house|h\.?[ \t]?no\.?|flat|apartment|apt\.?|plot|p\.?o\.?[ \t]?box)[ \t]*(?:#|no\.?)?[ \t]*\d+.*$|\b(?:street|st\.|road|rd\.|lane|gali|mohalla|sector)[ \t]*(?:#|no\.?)?[ \t]*[0-9][0-9A-Za-z/\-]*.*$",
    )
    .unwrap_or_else(|_| unreachable_pattern())
});

/// The patterns are constants that compile; a test compiles every one.
fn unreachable_pattern() -> Regex {
    #[allow(clippy::expect_used)]
    Regex::new("$^").expect("the empty pattern compiles")
}

/// Withholds a person's identity from text.
#[derive(Debug, Clone)]
pub struct Redactor {
    /// The person's names, lower-cased, each at least two letters.
    names: Vec<String>,
    /// The person's own e-mail address and phone as given on the form.
    exact: Vec<String>,
}

impl Redactor {
    /// For the person named `full_name`, with the e-mail address and phone they gave.
    pub fn new(full_name: &str, email: &str, phone: Option<&str>) -> Self {
        let names = full_name
            .split(|c: char| c.is_whitespace() || c == '-' || c == '.')
            .map(str::trim)
            .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
            .map(str::to_lowercase)
            .collect();
        let exact = [Some(email), phone]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| s.len() >= 5)
            .map(str::to_owned)
            .collect();
        Redactor { names, exact }
    }

    /// `text` with everything that identifies the person replaced by [`WITHHELD`].
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for exact in &self.exact {
            out = out.replace(exact.as_str(), WITHHELD);
        }
        for pattern in [&*LABELLED, &*STREET, &*EMAIL, &*URL] {
            out = pattern.replace_all(&out, WITHHELD).into_owned();
        }
        out = PHONE
            .replace_all(&out, |caps: &regex::Captures<'_>| {
                let matched = &caps[0];
                let digits = matched.chars().filter(char::is_ascii_digit).count();
                if (9..=15).contains(&digits) {
                    WITHHELD.to_owned()
                } else {
                    matched.to_owned()
                }
            })
            .into_owned();
        out = HANDLE
            .replace_all(&out, |caps: &regex::Captures<'_>| {
                let lead = if caps[0].starts_with(char::is_whitespace) {
                    &caps[0][..1]
                } else {
                    ""
                };
                format!("{lead}{WITHHELD}")
            })
            .into_owned();
        self.redact_names(&out)
    }

    /// Words that are, or contain as a hyphenated or dotted part, one of the person's names;
    /// possessives included.
    fn redact_names(&self, text: &str) -> String {
        if self.names.is_empty() {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String| {
            if !word.is_empty() {
                if self.names_in(word) {
                    out.push_str(WITHHELD);
                } else {
                    out.push_str(word);
                }
                word.clear();
            }
        };
        for c in text.chars() {
            if c.is_alphanumeric() || "-_.'’".contains(c) {
                word.push(c);
            } else {
                flush(&mut word, &mut out);
                out.push(c);
            }
        }
        flush(&mut word, &mut out);
        out
    }

    fn names_in(&self, word: &str) -> bool {
        let lower = word.to_lowercase();
        let lower = lower.trim_matches(|c: char| !c.is_alphanumeric());
        let lower = lower
            .strip_suffix("'s")
            .or_else(|| lower.strip_suffix("’s"))
            .unwrap_or(lower);
        if self.names.iter().any(|n| n == lower) {
            return true;
        }
        // A handle or joined form: every part, or the whole run joined, made of names.
        let parts: Vec<&str> = lower.split(['-', '_', '.']).filter(|p| !p.is_empty()).collect();
        let joined = self.names.concat();
        parts.len() > 1 && parts.iter().any(|p| self.names.iter().any(|n| n == p))
            || self.names.len() > 1 && parts.iter().any(|p| *p == joined)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor() -> Redactor {
        Redactor::new("Ayesha Khan", "ayesha.k@example.org", Some("+92 300 1234567"))
    }

    #[test]
    fn every_pattern_compiles() {
        for pattern in [&*EMAIL, &*URL, &*PHONE, &*HANDLE, &*LABELLED, &*STREET] {
            assert!(!pattern.as_str().is_empty());
            assert!(!pattern.is_match("\u{0}\u{0}"));
        }
    }

    #[test]
    fn names_in_every_form_are_withheld() {
        let text = "Ayesha Khan's CV. AYESHA led it; Khan-Ahmed family; ayeshakhan wrote; khanate stays.";
        let out = redactor().redact(text);
        assert!(!out.to_lowercase().contains("ayesha"), "{out}");
        assert!(!out.contains("Khan'"), "{out}");
        assert!(!out.contains("Khan-Ahmed"), "{out}");
        assert!(
            out.contains("khanate stays"),
            "a longer word is not a name: {out}"
        );
    }

    #[test]
    fn contact_details_are_withheld_and_ordinary_numbers_stay() {
        let text = "Mail a.khan@gmail.com or ayesha.k@example.org.\n\
                    Call 0301 2345678, 0301-2345678, +92 301 2345678 or (051) 123 4567.\n\
                    CNIC 12345-1234567-1.\n\
                    Profiles: https://linkedin.com/in/ayesha-k, github.com/akhan, @akhan_dev, ayeshakhan.com.\n\
                    Address: House 12, Street 5, F-7/2, Islamabad\n\
                    Flat 3, Gulberg Heights, Lahore\n\
                    Date of birth: 12 March 1990\n\
                    Worked 2015 - 2019 on a PKR 1,200,000 budget with Rust 1.75 and ASP.NET; \
                    I address issues in phase 2.";
        let out = redactor().redact(text);
        for gone in [
            "a.khan@gmail.com",
            "example.org",
            "2345678",
            "301 2345678",
            "123 4567",
            "1234567-1",
            "linkedin",
            "github.com",
            "akhan_dev",
            "ayeshakhan",
            "House 12",
            "Islamabad",
            "Gulberg",
            "1990",
        ] {
            assert!(!out.contains(gone), "{gone:?} left in {out}");
        }
        for kept in [
            "2015 - 2019",
            "1,200,000",
            "Rust 1.75",
            "Worked",
            "ASP.NET",
            "address issues in phase 2",
        ] {
            assert!(out.contains(kept), "{kept:?} lost from {out}");
        }
    }

    #[test]
    fn a_name_of_one_letter_words_withholds_nothing_of_them() {
        let out = Redactor::new("A B", "x@y.org", None).redact("A plan B works");
        assert_eq!(out, "A plan B works");
    }
}
