//! GOV.UK's date input: a date is asked as day, month and year in boxes of their own (and a time
//! as hours and minutes beside them), never through the browser's own picker, whose
//! `mm/dd/yyyy` reads wrong to most of the world and differs per browser.
//!
//! A page posts `{name}-day`, `{name}-month`, `{name}-year` and, for an instant, `{name}-time`;
//! [`DateForm`] joins them into `{name}` (`2030-01-31T23:59`, or `2030-01-31` for a day) before
//! the form's own type is read, so the forms' types, the API's field names and the parse helpers
//! of [`super::forms`] are the same whichever way a date came. What was typed, even when it is
//! not a date, goes back into the boxes ([`parts`]).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use super::PageError;

const PARTS: [&str; 4] = ["-day", "-month", "-year", "-time"];

/// A form whose dates come as GOV.UK date inputs.
#[derive(Debug)]
pub struct DateForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for DateForm<T> {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let refused = |e: &dyn std::fmt::Display| {
            PageError::Refused(
                axum::http::StatusCode::BAD_REQUEST,
                format!("the form could not be read: {e}"),
            )
        };
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|e| refused(&e))?;
        let pairs: Vec<(String, String)> = serde_html_form::from_bytes(&body).map_err(|e| refused(&e))?;
        let joined = serde_html_form::to_string(join(pairs)).map_err(|e| refused(&e))?;
        serde_html_form::from_str(&joined)
            .map(DateForm)
            .map_err(|e| refused(&e))
    }
}

/// The form's fields with each date's boxes joined into one field.
pub(crate) fn join(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::with_capacity(pairs.len());
    let mut dates: Vec<(String, [String; 4])> = Vec::new();
    for (name, value) in pairs {
        let part = PARTS
            .iter()
            .enumerate()
            .find_map(|(i, suffix)| name.strip_suffix(suffix).map(|base| (i, base.to_owned())));
        match part {
            Some((i, base)) => {
                let slot = match dates.iter().position(|(b, _)| *b == base) {
                    Some(at) => at,
                    None => {
                        dates.push((base, Default::default()));
                        dates.len() - 1
                    }
                };
                dates[slot].1[i] = value.trim().to_owned();
            }
            None => out.push((name, value)),
        }
    }
    for (base, [day, month, year, time]) in dates {
        let pad = |s: &str| {
            if s.len() == 1 && s.chars().all(|c| c.is_ascii_digit()) {
                format!("0{s}")
            } else {
                s.to_owned()
            }
        };
        let value = if [&day, &month, &year, &time].iter().all(|s| s.is_empty()) {
            String::new()
        } else if time.is_empty() {
            format!("{year}-{}-{}", pad(&month), pad(&day))
        } else {
            let time = if time.contains(':') {
                time
            } else {
                format!("{time}:00")
            };
            format!("{year}-{}-{}T{}", pad(&month), pad(&day), pad_time(&time))
        };
        out.retain(|(name, _)| *name != base);
        out.push((base, value));
    }
    out
}

/// `9:30` as `09:30`.
fn pad_time(time: &str) -> String {
    match time.split_once(':') {
        Some((h, m)) if h.len() == 1 => format!("0{h}:{m}"),
        _ => time.to_owned(),
    }
}

/// A joined value (`2030-01-31T23:59`, `2030-01-31`, or what was typed however wrong) back in
/// its boxes: day, month, year, time.
pub fn parts(value: impl AsRef<str>) -> (String, String, String, String) {
    let value = value.as_ref();
    let (date, time) = value.split_once('T').unwrap_or((value, ""));
    let mut pieces = date.splitn(3, '-');
    let year = pieces.next().unwrap_or_default().to_owned();
    let month = pieces.next().unwrap_or_default().to_owned();
    let day = pieces.next().unwrap_or_default().to_owned();
    (day, month, year, time.get(..5).unwrap_or(time).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_boxes_are_joined_into_the_field_the_form_reads() {
        let joined = join(pairs(&[
            ("csrf", "x"),
            ("closesAt-day", "5"),
            ("closesAt-month", "2"),
            ("closesAt-year", "2030"),
            ("closesAt-time", "9:30"),
            ("startDate-day", "1"),
            ("startDate-month", "3"),
            ("startDate-year", "2030"),
            ("deadline-day", ""),
            ("deadline-month", ""),
            ("deadline-year", ""),
            ("deadline-time", ""),
        ]));
        assert!(joined.contains(&("closesAt".to_owned(), "2030-02-05T09:30".to_owned())));
        assert!(joined.contains(&("startDate".to_owned(), "2030-03-01".to_owned())));
        assert!(
            joined.contains(&("deadline".to_owned(), String::new())),
            "blank stays blank"
        );
        assert!(joined.contains(&("csrf".to_owned(), "x".to_owned())));
    }

    #[test]
    fn a_field_posted_whole_is_left_as_it_is() {
        let joined = join(pairs(&[("closesAt", "2030-01-31T23:59")]));
        assert_eq!(joined, pairs(&[("closesAt", "2030-01-31T23:59")]));
    }

    #[test]
    fn what_was_typed_goes_back_into_its_boxes() {
        assert_eq!(
            parts("2030-02-05T09:30"),
            ("05".into(), "02".into(), "2030".into(), "09:30".into())
        );
        assert_eq!(
            parts("2030-13-abc"),
            ("abc".into(), "13".into(), "2030".into(), String::new())
        );
        assert_eq!(
            parts(""),
            (String::new(), String::new(), String::new(), String::new())
        );
    }
}
