//! Reading one old record: its fields by the mapping's names, each as the kind of value pvara
//! needs, with a sentence for whatever cannot be read. Old systems store the same thing in many
//! shapes (an id as an ObjectId or a string, a date as a date, a text or milliseconds, years as
//! a number or "5 years"), so each reader takes every shape it can make sense of.

use chrono::{DateTime, Utc};
use mongodb::bson::{Bson, Document};

use super::mapping::Names;

/// One record of an old collection and what reading it found wrong.
pub struct Record<'a> {
    pub doc: &'a Document,
    pub problems: Vec<String>,
}

/// An id as text: an ObjectId's hex, a string, or a number.
pub fn id_text(value: &Bson) -> Option<String> {
    match value {
        Bson::ObjectId(oid) => Some(oid.to_hex()),
        Bson::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Bson::Int32(n) => Some(n.to_string()),
        Bson::Int64(n) => Some(n.to_string()),
        _ => None,
    }
}

fn number(value: &Bson) -> Option<f64> {
    match value {
        Bson::Double(n) => Some(*n),
        Bson::Int32(n) => Some(f64::from(*n)),
        Bson::Int64(n) => Some(*n as f64),
        Bson::Decimal128(d) => d.to_string().parse().ok(),
        Bson::String(s) => {
            let s = s.trim();
            let end = s
                .char_indices()
                .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
                .map_or(s.len(), |(i, _)| i);
            s[..end].parse().ok()
        }
        _ => None,
    }
}

fn date(value: &Bson) -> Option<DateTime<Utc>> {
    match value {
        Bson::DateTime(d) => DateTime::from_timestamp_millis(d.timestamp_millis()),
        Bson::String(s) => DateTime::parse_from_rfc3339(s.trim())
            .map(|d| d.with_timezone(&Utc))
            .ok()
            .or_else(|| {
                chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|d| d.and_utc())
            }),
        Bson::Int64(ms) => DateTime::from_timestamp_millis(*ms),
        Bson::Timestamp(t) => DateTime::from_timestamp(i64::from(t.time), 0),
        _ => None,
    }
}

fn text(value: &Bson) -> Option<String> {
    match value {
        Bson::String(s) => Some(s.clone()),
        Bson::Int32(_) | Bson::Int64(_) | Bson::Double(_) | Bson::ObjectId(_) => {
            id_text(value).or(Some(value.to_string()))
        }
        _ => None,
    }
}

impl<'a> Record<'a> {
    pub fn new(doc: &'a Document) -> Self {
        Record {
            doc,
            problems: Vec::new(),
        }
    }

    /// The record's own id, or `None` (reported) for a record without one.
    pub fn id(&mut self) -> Option<String> {
        let id = self.doc.get("_id").and_then(id_text);
        if id.is_none() {
            self.problems.push("has no _id".to_owned());
        }
        id
    }

    /// The first of `names` present and not null, with the name it was found under.
    fn raw(&self, names: &Names) -> Option<(&'a str, &'a Bson)> {
        let doc: &'a Document = self.doc;
        names.all().iter().find_map(|name| {
            doc.iter()
                .find(|(k, _)| *k == name)
                .filter(|(_, v)| !matches!(v, Bson::Null | Bson::Undefined))
                .map(|(k, v)| (k.as_str(), v))
        })
    }

    fn read<T>(&mut self, names: &Names, what: &str, convert: impl Fn(&Bson) -> Option<T>) -> Option<T> {
        let (name, value) = self.raw(names)?;
        let read = convert(value);
        if read.is_none() {
            self.problems.push(format!("{name}: {value} is not {what}"));
        }
        read
    }

    pub fn text(&mut self, names: &Names) -> Option<String> {
        self.read(names, "a text", text)
    }

    /// A text that must be there; reported when it is missing.
    pub fn required_text(&mut self, names: &Names) -> Option<String> {
        let found = self.text(names);
        if found.is_none() && self.raw(names).is_none() {
            self.problems
                .push(format!("{} is missing", names.all().join(" or ")));
        }
        found
    }

    pub fn id_of(&mut self, names: &Names) -> Option<String> {
        self.read(names, "an id", id_text)
    }

    pub fn number(&mut self, names: &Names) -> Option<f64> {
        self.read(names, "a number", number)
    }

    pub fn date(&mut self, names: &Names) -> Option<DateTime<Utc>> {
        self.read(names, "a date", date)
    }

    /// When the record was made: its own field, or the time in its ObjectId (MongoDB's ids
    /// carry the second they were made).
    pub fn created_at(&mut self, names: &Names) -> Option<DateTime<Utc>> {
        self.date(names).or_else(|| match self.doc.get("_id") {
            Some(Bson::ObjectId(oid)) => DateTime::from_timestamp_millis(oid.timestamp().timestamp_millis()),
            _ => {
                self.problems
                    .push(format!("{} is missing", names.all().join(" or ")));
                None
            }
        })
    }

    /// A list of texts: an array, or one text separated by commas, semicolons or lines.
    pub fn list(&mut self, names: &Names) -> Vec<String> {
        let Some((name, value)) = self.raw(names) else {
            return Vec::new();
        };
        match value {
            Bson::Array(items) => items.iter().filter_map(text).collect(),
            Bson::String(s) => s
                .split([',', ';', '\n'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            other => {
                self.problems.push(format!("{name}: {other} is not a list"));
                Vec::new()
            }
        }
    }
}
