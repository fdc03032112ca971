//! From a form's fields to a pipeline step, with the messages that say why a field cannot be
//! taken: one reading for the candidate page and the bulk actions. Times are typed in the
//! installation's zone ([`Locale`]).

use pvara_domain::pipeline::{Hiring, Offer, OfferWithdrawal, Rejection, SalaryPeriod, Step, TestInvitation};

use super::forms::{FormErrors, parse_date, parse_datetime_local, parse_number};
use crate::mail::Locale;

/// An invitation to the online test, or the messages that say why the fields cannot make one.
pub(super) fn invitation(
    errors: &mut FormErrors,
    locale: &Locale,
    anchors: (&str, &str),
    (test_url, deadline): (&str, &str),
) -> Option<Step> {
    let deadline = parse_datetime_local(errors, locale, (anchors.1, "Deadline"), deadline)?;
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

/// An offer, or every message that says why its fields cannot make one.
pub(super) fn offer(
    errors: &mut FormErrors,
    locale: &Locale,
    (salary, period, start_date, expires_at): (&str, &str, &str, &str),
) -> Option<Step> {
    let salary = match salary.trim() {
        "" => {
            errors.add("salary", "Enter the salary");
            None
        }
        given => parse_number(errors, "salary", "Salary", given),
    };
    let period = SalaryPeriod::parse(period);
    if period.is_none() {
        errors.add("salary-period", "Choose whether the salary is monthly or yearly");
    }
    let start = parse_date(errors, "start-date", "Start date", start_date);
    let expires = parse_datetime_local(errors, locale, ("expires-at", "Offer expiry"), expires_at);
    match Offer::parse_all((salary?, period?), start?, expires?, crate::now()) {
        Ok(o) => Some(Step::ExtendOffer(o)),
        Err(problems) => {
            for e in problems {
                let (anchor, label) = match e.field {
                    "salary" => ("salary", "Salary"),
                    "startDate" => ("start-date", "Start date"),
                    _ => ("expires-at", "Offer expiry"),
                };
                errors.add(anchor, format!("{label} {}", e.message));
            }
            None
        }
    }
}

pub(super) fn offer_withdrawal(errors: &mut FormErrors, reason: &str) -> Option<Step> {
    match OfferWithdrawal::parse(reason) {
        Ok(w) => Some(Step::WithdrawOffer(w)),
        Err(e) => {
            errors.add("offer-reason", format!("Reason {}", e.message));
            None
        }
    }
}

pub(super) fn hire(errors: &mut FormErrors, start_date: &str) -> Option<Step> {
    let start = parse_date(errors, "hire-start-date", "Start date", start_date)?;
    Some(Step::Hire(Hiring::parse(start)))
}
