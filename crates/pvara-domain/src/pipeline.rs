//! The recruiter's actions on an application. Each validates its own details, names the
//! [`Action`] the state machine checks, and lists the events the step causes.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::event::{EmailRequested, Event, MailTemplate, StatusChanged};
use crate::ids::{ApplicationId, JobId};
use crate::status::{Action, Status};
use crate::validation::{ValidationError, required_text, text_list};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestInvitation {
    pub test_url: String,
    pub deadline: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Interview {
    pub scheduled_at: DateTime<Utc>,
    pub location: String,
    pub interviewers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Offer {
    pub salary: f64,
    pub start_date: NaiveDate,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rejection {
    pub reason: String,
}

fn in_future(field: &'static str, at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), ValidationError> {
    if at <= now {
        return Err(ValidationError::new(field, "must be in the future"));
    }
    Ok(())
}

impl TestInvitation {
    pub fn parse(
        test_url: &str,
        deadline: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationError> {
        let test_url = required_text("testUrl", test_url, 2_000)?;
        let scheme_ok = test_url.starts_with("https://") || test_url.starts_with("http://");
        if !scheme_ok || test_url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ValidationError::new("testUrl", "must be an http(s) URL"));
        }
        in_future("deadline", deadline, now)?;
        Ok(Self { test_url, deadline })
    }
}

impl Interview {
    pub fn parse(
        scheduled_at: DateTime<Utc>,
        location: &str,
        interviewers: &[String],
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationError> {
        in_future("scheduledAt", scheduled_at, now)?;
        let interviewers = text_list("interviewers", interviewers, 20, 200)?;
        if interviewers.is_empty() {
            return Err(ValidationError::new(
                "interviewers",
                "must name at least one interviewer",
            ));
        }
        Ok(Self {
            scheduled_at,
            location: required_text("location", location, 500)?,
            interviewers,
        })
    }
}

impl Offer {
    pub fn parse(
        salary: f64,
        start_date: NaiveDate,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationError> {
        if !(salary.is_finite() && salary > 0.0 && salary < 1e12) {
            return Err(ValidationError::new("salary", "must be a positive amount"));
        }
        if start_date < now.date_naive() {
            return Err(ValidationError::new("startDate", "must not be in the past"));
        }
        in_future("expiresAt", expires_at, now)?;
        Ok(Self {
            salary,
            start_date,
            expires_at,
        })
    }
}

impl Rejection {
    pub fn parse(reason: &str) -> Result<Self, ValidationError> {
        Ok(Self {
            reason: required_text("reason", reason, 2_000)?,
        })
    }
}

/// The applicant's withdrawal; the reason is optional and theirs to give.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Withdrawal {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Withdrawal {
    pub fn parse(reason: Option<&str>) -> Result<Self, ValidationError> {
        let reason = match reason {
            Some(text) => {
                Some(crate::validation::optional_text("reason", text, 2_000)?).filter(|r| !r.is_empty())
            }
            None => None,
        };
        Ok(Self { reason })
    }
}

/// One decision on an application with its validated details: a recruiter's, or the
/// applicant's withdrawal.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    InviteToTest(TestInvitation),
    ScheduleInterview(Interview),
    ExtendOffer(Offer),
    Reject(Rejection),
    Withdraw(Withdrawal),
}

impl Step {
    pub fn action(&self) -> Action {
        match self {
            Step::InviteToTest(_) => Action::InviteToTest,
            Step::ScheduleInterview(_) => Action::ScheduleInterview,
            Step::ExtendOffer(_) => Action::ExtendOffer,
            Step::Reject(_) => Action::Reject,
            Step::Withdraw(_) => Action::Withdraw,
        }
    }

    /// The step a history entry records, from the status it led to and its details: how the
    /// mail and the pages read a step back, typed (`None` for an entry that is no step, such as
    /// scoring, or whose details this build cannot read).
    pub fn from_history(to: Status, details: Option<&serde_json::Value>) -> Option<Step> {
        fn read<T: serde::de::DeserializeOwned>(details: Option<&serde_json::Value>) -> Option<T> {
            serde_json::from_value(details?.clone()).ok()
        }
        match to {
            Status::TestInvited => read(details).map(Step::InviteToTest),
            Status::InterviewScheduled => read(details).map(Step::ScheduleInterview),
            Status::OfferExtended => read(details).map(Step::ExtendOffer),
            Status::Rejected => read(details).map(Step::Reject),
            Status::Withdrawn => read(details).map(Step::Withdraw),
            Status::Submitted | Status::UnderReview | Status::ScoringFailed => None,
        }
    }

    /// The details kept in the history entry; the mail to the candidate is rendered from them.
    pub fn details(&self) -> serde_json::Value {
        let value = match self {
            Step::InviteToTest(d) => serde_json::to_value(d),
            Step::ScheduleInterview(d) => serde_json::to_value(d),
            Step::ExtendOffer(d) => serde_json::to_value(d),
            Step::Reject(d) => serde_json::to_value(d),
            Step::Withdraw(d) => serde_json::to_value(d),
        };
        value.unwrap_or(serde_json::Value::Null)
    }

    /// The reason recorded in history: the rejection reason, or the step's name.
    pub fn reason(&self) -> String {
        match self {
            Step::InviteToTest(_) => "invited to the online test".to_owned(),
            Step::ScheduleInterview(_) => "interview scheduled".to_owned(),
            Step::ExtendOffer(_) => "offer extended".to_owned(),
            Step::Reject(r) => r.reason.clone(),
            Step::Withdraw(_) => "withdrawn by the applicant".to_owned(),
        }
    }

    /// The events this step causes once `application` has moved to `status`.
    pub fn events(&self, application_id: ApplicationId, job_id: JobId, status: Status) -> Vec<Event> {
        let changed = StatusChanged {
            application_id,
            job_id,
            status,
        };
        let (stage_event, template) = match self {
            Step::InviteToTest(_) => (Some(Event::TestInvited(changed)), MailTemplate::TestInvitation),
            Step::ScheduleInterview(_) => (Some(Event::InterviewScheduled(changed)), MailTemplate::Interview),
            Step::ExtendOffer(_) => (Some(Event::OfferExtended(changed)), MailTemplate::Offer),
            Step::Reject(_) => (None, MailTemplate::Rejection),
            Step::Withdraw(_) => (Some(Event::Withdrawn(changed)), MailTemplate::Withdrawal),
        };
        let mail = Event::EmailRequested(EmailRequested {
            application_id,
            job_id,
            template,
        });
        stage_event.into_iter().chain(std::iter::once(mail)).collect()
    }
}

/// What an application's first score causes, by the scorer or by a person's assessment: the
/// score's event and the candidate's "under review" mail. With [`Step::events`], this is the one
/// home of which mail each change of an application sends.
pub fn scored_events(scored: crate::event::Scored) -> Vec<Event> {
    let mail = EmailRequested {
        application_id: scored.application_id,
        job_id: scored.job_id,
        template: MailTemplate::UnderReview,
    };
    vec![Event::ScoringComplete(scored), Event::EmailRequested(mail)]
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    #[test]
    fn details_in_the_past_are_refused() {
        let now = Utc::now();
        let past = now - Duration::hours(1);
        assert_eq!(
            TestInvitation::parse("https://t.example/x", past, now)
                .unwrap_err()
                .field,
            "deadline"
        );
        assert_eq!(
            TestInvitation::parse("ftp://x", now + Duration::days(1), now)
                .unwrap_err()
                .field,
            "testUrl"
        );
        assert_eq!(
            Interview::parse(past, "Room 1", &["A".into()], now)
                .unwrap_err()
                .field,
            "scheduledAt"
        );
        assert_eq!(
            Interview::parse(now + Duration::days(1), "Room 1", &[], now)
                .unwrap_err()
                .field,
            "interviewers"
        );
        let tomorrow = (now + Duration::days(1)).date_naive();
        assert_eq!(
            Offer::parse(-1.0, tomorrow, now + Duration::days(7), now)
                .unwrap_err()
                .field,
            "salary"
        );
        assert_eq!(Rejection::parse("  ").unwrap_err().field, "reason");
    }

    #[test]
    fn a_step_reads_back_from_its_history_entry() {
        let now = Utc::now();
        let steps = [
            Step::InviteToTest(
                TestInvitation::parse("https://t.example", now + Duration::days(1), now).unwrap(),
            ),
            Step::ScheduleInterview(
                Interview::parse(now + Duration::days(2), "Room 4", &["S. Ali".into()], now).unwrap(),
            ),
            Step::ExtendOffer(
                Offer::parse(
                    1000.0,
                    (now + Duration::days(9)).date_naive(),
                    now + Duration::days(5),
                    now,
                )
                .unwrap(),
            ),
            Step::Reject(Rejection::parse("position filled").unwrap()),
            Step::Withdraw(Withdrawal::parse(None).unwrap()),
        ];
        for step in steps {
            let to = Status::InterviewScheduled
                .apply(step.action())
                .or(Status::UnderReview.apply(step.action()))
                .or(Status::TestInvited.apply(step.action()))
                .unwrap();
            assert_eq!(Step::from_history(to, Some(&step.details())), Some(step));
        }
        assert_eq!(Step::from_history(Status::UnderReview, None), None);
    }

    #[test]
    fn each_step_names_its_events() {
        let (app, job) = (ApplicationId::new(), JobId::new());
        let topics = |step: &Step| {
            step.events(app, job, Status::Rejected)
                .iter()
                .map(|e| e.topic().name())
                .collect::<Vec<_>>()
        };
        let now = Utc::now();
        let invite = Step::InviteToTest(
            TestInvitation::parse("https://t.example", now + Duration::days(1), now).unwrap(),
        );
        assert_eq!(topics(&invite), vec!["test-invited", "email-notification"]);
        let reject = Step::Reject(Rejection::parse("position filled").unwrap());
        assert_eq!(topics(&reject), vec!["email-notification"]);
        assert_eq!(reject.reason(), "position filled");
    }
}
