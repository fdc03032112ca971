//! The recruiter's actions on an application. Each validates its own details, names the
//! [`Action`] the state machine checks, and lists the events the step causes.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::event::{EmailRequested, Event, MailTemplate, StatusChanged};
use crate::ids::{ApplicationId, JobId, UserId};
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
    /// The panel's names as they were when the interview was scheduled: what pages and mail
    /// show.
    pub interviewers: Vec<String>,
    /// The panel as users (interviews scheduled before panels were users have none): who is
    /// mailed the invitation, sees the candidate and writes a scorecard.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub panel: Vec<UserId>,
    /// Which of the job's interview rounds this is (1 for interviews before rounds existed).
    #[serde(default = "first_round")]
    pub round: u8,
    /// Each member's role, in the panel's order: the candidate's invitation names the panel by
    /// role (and by name only where the installation chooses).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<crate::user::Role>,
    /// This scheduling moves the round's interview already set (a new time, place or panel),
    /// rather than setting the next round.
    #[serde(default)]
    pub moved: bool,
}

fn first_round() -> u8 {
    1
}

/// What a salary is quoted per. Public pay in Pakistan is quoted per month, so an offer without
/// a period (one made before periods existed) is monthly.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SalaryPeriod {
    #[default]
    Monthly,
    Yearly,
}

impl SalaryPeriod {
    /// "a month", "a year": after the amount, as in "PKR 150,000 a month".
    pub fn per(self) -> &'static str {
        match self {
            SalaryPeriod::Monthly => "a month",
            SalaryPeriod::Yearly => "a year",
        }
    }

    /// A form's or the API's word for it.
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim() {
            "" | "monthly" => Some(SalaryPeriod::Monthly),
            "yearly" => Some(SalaryPeriod::Yearly),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Offer {
    pub salary: f64,
    #[serde(default)]
    pub salary_period: SalaryPeriod,
    pub start_date: NaiveDate,
    pub expires_at: DateTime<Utc>,
}

/// The candidate accepts the offer as made; nothing to add.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferAcceptance {}

/// The candidate declines; the reason is theirs to give or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferDecline {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Staff take the offer back, and say why (the candidate is told).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferWithdrawal {
    pub reason: String,
}

/// The offer's expiry passed unanswered: recorded by the system, once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferExpiry {
    pub expired_at: DateTime<Utc>,
}

/// Staff confirm the hire, with the day the person starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hiring {
    pub start_date: NaiveDate,
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

/// The most people on one interview panel.
pub const MAX_PANEL: usize = 10;

impl Interview {
    /// An interview in `round` with `panel` (each member's user id and name, found by the
    /// caller among the staff).
    pub fn parse(
        (scheduled_at, location): (DateTime<Utc>, &str),
        panel: &[(UserId, String, crate::user::Role)],
        round: u8,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationError> {
        in_future("scheduledAt", scheduled_at, now)?;
        let location = required_text("location", location, 500)?;
        let mut ids: Vec<UserId> = panel.iter().map(|(id, _, _)| *id).collect();
        ids.sort_by_key(|id| id.0);
        ids.dedup();
        if ids.is_empty() {
            return Err(ValidationError::new(
                "interviewers",
                "must name at least one interviewer",
            ));
        }
        if ids.len() != panel.len() || panel.len() > MAX_PANEL {
            return Err(ValidationError::new(
                "interviewers",
                format!("must name each interviewer once, at most {MAX_PANEL}"),
            ));
        }
        let names: Vec<String> = panel.iter().map(|(_, name, _)| name.clone()).collect();
        Ok(Self {
            scheduled_at,
            location,
            interviewers: text_list("interviewers", &names, MAX_PANEL, 200)?,
            panel: panel.iter().map(|(id, _, _)| *id).collect(),
            round,
            roles: panel.iter().map(|(_, _, role)| *role).collect(),
            moved: false,
        })
    }
}

impl Offer {
    /// The offer, or its first problem (the API's one error).
    pub fn parse(
        salary: (f64, SalaryPeriod),
        start_date: NaiveDate,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationError> {
        Self::parse_all(salary, start_date, expires_at, now).map_err(|mut all| all.swap_remove(0))
    }

    /// Every problem with the offer's fields at once, in the order of the form.
    pub fn parse_all(
        (salary, salary_period): (f64, SalaryPeriod),
        start_date: NaiveDate,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Self, Vec<ValidationError>> {
        let mut problems = Vec::new();
        if !(salary.is_finite() && salary > 0.0 && salary < 1e12) {
            problems.push(ValidationError::new("salary", "must be a positive amount"));
        }
        if start_date < now.date_naive() {
            problems.push(ValidationError::new("startDate", "must not be in the past"));
        }
        if let Err(e) = in_future("expiresAt", expires_at, now) {
            problems.push(e);
        } else if expires_at.date_naive() > start_date {
            problems.push(ValidationError::new(
                "expiresAt",
                "must be no later than the start date: the candidate answers before starting",
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Self {
            salary,
            salary_period,
            start_date,
            expires_at,
        })
    }

    /// Whether the offer can still be answered at `now`.
    pub fn open_at(&self, now: DateTime<Utc>) -> bool {
        now < self.expires_at
    }
}

impl OfferDecline {
    pub fn parse(reason: Option<&str>) -> Result<Self, ValidationError> {
        Ok(Self {
            reason: Withdrawal::parse(reason)?.reason,
        })
    }
}

impl OfferWithdrawal {
    pub fn parse(reason: &str) -> Result<Self, ValidationError> {
        Ok(Self {
            reason: required_text("reason", reason, 2_000)?,
        })
    }
}

impl Hiring {
    /// The start date may be in the past: staff often confirm a hire after the first day.
    pub fn parse(start_date: NaiveDate) -> Self {
        Self { start_date }
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
    AcceptOffer(OfferAcceptance),
    DeclineOffer(OfferDecline),
    WithdrawOffer(OfferWithdrawal),
    ExpireOffer(OfferExpiry),
    Hire(Hiring),
}

impl Step {
    pub fn action(&self) -> Action {
        match self {
            Step::InviteToTest(_) => Action::InviteToTest,
            Step::ScheduleInterview(_) => Action::ScheduleInterview,
            Step::ExtendOffer(_) => Action::ExtendOffer,
            Step::Reject(_) => Action::Reject,
            Step::Withdraw(_) => Action::Withdraw,
            Step::AcceptOffer(_) => Action::AcceptOffer,
            Step::DeclineOffer(_) => Action::DeclineOffer,
            Step::WithdrawOffer(_) => Action::WithdrawOffer,
            Step::ExpireOffer(_) => Action::ExpireOffer,
            Step::Hire(_) => Action::Hire,
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
            Status::OfferAccepted => read(details).map(Step::AcceptOffer),
            Status::OfferDeclined => read(details).map(Step::DeclineOffer),
            Status::OfferWithdrawn => read(details).map(Step::WithdrawOffer),
            Status::OfferExpired => read(details).map(Step::ExpireOffer),
            Status::Hired => read(details).map(Step::Hire),
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
            Step::AcceptOffer(d) => serde_json::to_value(d),
            Step::DeclineOffer(d) => serde_json::to_value(d),
            Step::WithdrawOffer(d) => serde_json::to_value(d),
            Step::ExpireOffer(d) => serde_json::to_value(d),
            Step::Hire(d) => serde_json::to_value(d),
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
            Step::AcceptOffer(_) => "offer accepted".to_owned(),
            Step::DeclineOffer(d) => d
                .reason
                .as_ref()
                .map_or_else(|| "offer declined".to_owned(), |r| format!("offer declined: {r}")),
            Step::WithdrawOffer(d) => format!("offer withdrawn: {}", d.reason),
            Step::ExpireOffer(_) => "the offer expired unanswered".to_owned(),
            Step::Hire(_) => "hired".to_owned(),
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
            Step::AcceptOffer(_) => (Some(Event::OfferAccepted(changed)), MailTemplate::OfferAccepted),
            Step::DeclineOffer(_) => (Some(Event::OfferDeclined(changed)), MailTemplate::OfferDeclined),
            Step::WithdrawOffer(_) => (Some(Event::OfferWithdrawn(changed)), MailTemplate::OfferWithdrawn),
            Step::ExpireOffer(_) => (Some(Event::OfferExpired(changed)), MailTemplate::OfferExpired),
            Step::Hire(_) => (Some(Event::Hired(changed)), MailTemplate::Hired),
        };
        let mail = Event::EmailRequested(EmailRequested {
            application_id,
            job_id,
            template,
            panelist: None,
        });
        // Each member of an interview's panel is invited too, one mail each.
        let panel = match self {
            Step::ScheduleInterview(interview) => interview.panel.as_slice(),
            _ => &[],
        };
        let panel_mail = panel.iter().map(|member| {
            Event::EmailRequested(EmailRequested {
                application_id,
                job_id,
                template: MailTemplate::PanelInvitation,
                panelist: Some(*member),
            })
        });
        stage_event
            .into_iter()
            .chain(std::iter::once(mail))
            .chain(panel_mail)
            .collect()
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
        panelist: None,
    };
    vec![Event::ScoringComplete(scored), Event::EmailRequested(mail)]
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::user::Role;

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
            Interview::parse(
                (past, "Room 1"),
                &[(UserId::new(), "A".into(), Role::Interviewer)],
                1,
                now
            )
            .unwrap_err()
            .field,
            "scheduledAt"
        );
        assert_eq!(
            Interview::parse((now + Duration::days(1), "Room 1"), &[], 1, now)
                .unwrap_err()
                .field,
            "interviewers"
        );
        let twice = UserId::new();
        assert_eq!(
            Interview::parse(
                (now + Duration::days(1), "Room 1"),
                &[
                    (twice, "A".into(), Role::Interviewer),
                    (twice, "A".into(), Role::Interviewer)
                ],
                1,
                now
            )
            .unwrap_err()
            .field,
            "interviewers"
        );
        let tomorrow = (now + Duration::days(1)).date_naive();
        let fields = |problems: Vec<ValidationError>| problems.iter().map(|p| p.field).collect::<Vec<_>>();
        assert_eq!(
            fields(
                Offer::parse_all(
                    (-1.0, SalaryPeriod::Monthly),
                    tomorrow,
                    now + Duration::days(7),
                    now
                )
                .unwrap_err()
            ),
            vec!["salary", "expiresAt"],
            "every problem at once; an expiry after the start date is one"
        );
        assert_eq!(
            fields(
                Offer::parse_all(
                    (-1.0, SalaryPeriod::Monthly),
                    now.date_naive() - Duration::days(1),
                    past,
                    now
                )
                .unwrap_err()
            ),
            vec!["salary", "startDate", "expiresAt"]
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
                Interview::parse(
                    (now + Duration::days(2), "Room 4"),
                    &[(UserId::new(), "S. Ali".into(), Role::HiringManager)],
                    2,
                    now,
                )
                .unwrap(),
            ),
            Step::ExtendOffer(
                Offer::parse(
                    (1000.0, SalaryPeriod::Yearly),
                    (now + Duration::days(9)).date_naive(),
                    now + Duration::days(5),
                    now,
                )
                .unwrap(),
            ),
            Step::AcceptOffer(OfferAcceptance {}),
            Step::DeclineOffer(OfferDecline::parse(Some("another offer")).unwrap()),
            Step::WithdrawOffer(OfferWithdrawal::parse("post frozen").unwrap()),
            Step::ExpireOffer(OfferExpiry { expired_at: now }),
            Step::Hire(Hiring::parse(now.date_naive())),
            Step::Reject(Rejection::parse("position filled").unwrap()),
            Step::Withdraw(Withdrawal::parse(None).unwrap()),
        ];
        for step in steps {
            let to = Status::ALL
                .into_iter()
                .find_map(|from| from.apply(step.action()))
                .unwrap();
            assert_eq!(Step::from_history(to, Some(&step.details())), Some(step));
        }
        assert_eq!(Step::from_history(Status::UnderReview, None), None);
    }

    #[test]
    fn a_panel_keeps_its_roles_and_an_old_interview_its_names() {
        let now = Utc::now();
        let panel = [
            (UserId::new(), "S. Ali".to_owned(), Role::HiringManager),
            (UserId::new(), "R. Iqbal".to_owned(), Role::Interviewer),
        ];
        let interview = Interview::parse((now + Duration::days(1), "Room 4"), &panel, 1, now).unwrap();
        assert_eq!(interview.roles, [Role::HiringManager, Role::Interviewer]);
        assert_eq!(interview.interviewers, ["S. Ali", "R. Iqbal"]);
        let old: Interview = serde_json::from_value(serde_json::json!({
            "scheduledAt": "2030-02-14T05:00:00Z", "location": "Room 4", "interviewers": ["S. Ali"]
        }))
        .unwrap();
        assert_eq!((old.roles.len(), old.round), (0, 1));
    }

    #[test]
    fn an_offer_made_before_salary_periods_reads_as_monthly() {
        let old = serde_json::json!({"salary": 150000.0, "startDate": "2030-03-01", "expiresAt": "2030-02-14T10:00:00Z"});
        let Some(Step::ExtendOffer(offer)) = Step::from_history(Status::OfferExtended, Some(&old)) else {
            panic!("an old offer reads back");
        };
        assert_eq!(offer.salary_period, SalaryPeriod::Monthly);
        assert!(offer.open_at("2030-02-14T09:59:59Z".parse().unwrap()));
        assert!(!offer.open_at("2030-02-14T10:00:00Z".parse().unwrap()));
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
