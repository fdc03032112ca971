//! From a form's fields to a pipeline step, with the messages that say why a field cannot be
//! taken: one reading for the candidate page and the bulk actions.

use chrono::{DateTime, Utc};
use pvara_domain::pipeline::{Interview, Offer, Rejection, Step, TestInvitation};

use super::forms::{FormErrors, parse_date, parse_datetime_local, parse_number, split_list};

/// An invitation to the online test, or the messages that say why the fields cannot make one.
pub(super) fn invitation(
    errors: &mut FormErrors,
    anchors: (&str, &str),
    test_url: &str,
    deadline: &str,
) -> Option<Step> {
    let deadline = parse_datetime_local(errors, anchors.1, "Deadline", deadline)?;
    match TestInvitation::parse(test_url, deadline, crate::now()) {
        Ok(invite) => Some(Step::InviteToTest(invite)),
        Err(e) => {
            let (anchor, label) = if e.field == "testUrl" {
                (anchors.0, "Test URL")
            } else {
                (anchors.1, "Deadline")
            };
            errors.add(anchor, format!("{label} {}", e.message));
            None
        }
    }
}

pub(super) fn rejection(errors: &mut FormErrors, anchor: &str, reason: &str) -> Option<Step> {
    match Rejection::parse(reason) {
        Ok(r) => Some(Step::Reject(r)),
        Err(e) => {
            errors.add(anchor, format!("Reason {}", e.message));
            None
        }
    }
}

pub(super) fn interview(
    errors: &mut FormErrors,
    scheduled_at: &str,
    location: &str,
    interviewers: &str,
) -> Option<Step> {
    let at = parse_datetime_local(errors, "scheduled-at", "Date and time", scheduled_at)?;
    match Interview::parse(at, location, &split_list(interviewers), crate::now()) {
        Ok(i) => Some(Step::ScheduleInterview(i)),
        Err(e) => {
            let (anchor, label) = match e.field {
                "scheduledAt" => ("scheduled-at", "Date and time"),
                "location" => ("location", "Location"),
                _ => ("interviewers", "Interviewers"),
            };
            errors.add(anchor, format!("{label} {}", e.message));
            None
        }
    }
}

pub(super) fn offer(
    errors: &mut FormErrors,
    salary: &str,
    start_date: &str,
    expires_at: &str,
) -> Option<Step> {
    let salary = parse_number(errors, "salary", "Salary", salary);
    let start = parse_date(errors, "start-date", "Start date", start_date);
    let expires: Option<DateTime<Utc>> =
        parse_datetime_local(errors, "expires-at", "Offer expiry", expires_at);
    match Offer::parse(salary?, start?, expires?, crate::now()) {
        Ok(o) => Some(Step::ExtendOffer(o)),
        Err(e) => {
            let (anchor, label) = match e.field {
                "salary" => ("salary", "Salary"),
                "startDate" => ("start-date", "Start date"),
                _ => ("expires-at", "Offer expiry"),
            };
            errors.add(anchor, format!("{label} {}", e.message));
            None
        }
    }
}
