//! The reference a person reads to a helpdesk: `PVA-7K3Q-9MXD`, not a 36-character UUID.
//!
//! The UUID stays the application's id everywhere inside pvara; the reference is a second, short
//! key, unique per installation (a unique column on every engine), shown on pages and mails and
//! accepted by staff search. Its alphabet leaves out the characters people confuse when reading
//! aloud or from a phone screen (0 and O, 1, I and L, and U, as Crockford's base 32 does) and lower
//! case is read as upper case, so what a candidate says is what staff type.
//!
//! Eight characters of thirty give 656 billion references. A national drive of tens of millions
//! of applications meets an existing one about once in twenty thousand new ones; the store
//! refuses the duplicate and the submission draws again ([`Reference::from_bits`] takes the
//! caller's random bits, so this module stays deterministic).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::validation::ValidationError;

/// The characters a reference is made of: digits and capitals without 0, 1, I, L, O and U.
const ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
/// What every reference starts with, so it is recognisable in a mail or a note.
const PREFIX: &str = "PVA";
/// Characters after the prefix, shown as two groups of four.
const LENGTH: usize = 8;

/// An application's short reference, such as `PVA-7K3Q-9MXD`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "PVA-7K3Q-9MXD"))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Reference(String);

impl Reference {
    /// The reference spelled by `bits` (the caller's random number, taken modulo 30⁸).
    pub fn from_bits(bits: u64) -> Self {
        let mut rest = bits;
        let mut text = String::with_capacity(PREFIX.len() + LENGTH + 2);
        text.push_str(PREFIX);
        for i in 0..LENGTH {
            if i % 4 == 0 {
                text.push('-');
            }
            text.push(char::from(ALPHABET[(rest % 30) as usize]));
            rest /= 30;
        }
        Self(text)
    }

    /// A reference as a person typed it: any case, with or without the prefix, the dashes or
    /// spaces.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let invalid = || {
            ValidationError::new(
                "reference",
                "Enter a reference like PVA-7K3Q-9MXD, as it appears in your e-mail",
            )
        };
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let body = compact.strip_prefix(PREFIX).unwrap_or(&compact);
        if body.len() != LENGTH || !body.bytes().all(|b| ALPHABET.contains(&b)) {
            return Err(invalid());
        }
        Ok(Self(format!("{PREFIX}-{}-{}", &body[..4], &body[4..])))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Reference {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Reference> for String {
    fn from(value: Reference) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_reads_back_however_it_is_typed() {
        let reference = Reference::from_bits(0x1234_5678_9abc);
        let text = reference.as_str().to_owned();
        assert!(text.starts_with("PVA-") && text.len() == 13, "{text}");
        assert_eq!(Reference::parse(&text).unwrap(), reference);
        assert_eq!(Reference::parse(&text.to_lowercase()).unwrap(), reference);
        let bare: String = text[4..].chars().filter(|c| *c != '-').collect();
        assert_eq!(Reference::parse(&bare).unwrap(), reference);
        assert_eq!(
            Reference::parse(&format!(" pva {} ", &text[4..])).unwrap(),
            reference
        );
    }

    #[test]
    fn confusable_characters_never_appear_and_are_refused() {
        for bits in [0, 1, u64::MAX, 0xdead_beef, 656_099_999_999] {
            let text = Reference::from_bits(bits).to_string();
            assert!(!text[4..].contains(['0', '1', 'I', 'L', 'O', 'U']), "{text}");
        }
        for bad in [
            "PVA-0000-0000",
            "PVA-7K3Q-9M",
            "",
            "PVA-7K3Q-9MXDD",
            "PVA-IIII-LLLL",
        ] {
            assert!(Reference::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn different_bits_give_different_references() {
        let a = Reference::from_bits(1);
        let b = Reference::from_bits(2);
        assert_ne!(a, b);
    }
}
