//! Plain-text mail templates, one per [`MailTemplate`].

use pvara_domain::event::{AccountMail, MailTemplate};
use pvara_domain::ids::EventId;
use pvara_storage::model::{AccountMailContext, MailContext};
use serde_json::Value;

use super::MailMessage;

const SIGNATURE: &str = "Kind regards,\nThe PVARA Recruitment Team";

fn detail<'a>(context: &'a MailContext, key: &str) -> &'a str {
    context
        .entry
        .as_ref()
        .and_then(|e| e.details.as_ref())
        .and_then(|d| d.get(key))
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn detail_value(context: &MailContext, key: &str) -> Option<Value> {
    context
        .entry
        .as_ref()
        .and_then(|e| e.details.as_ref())
        .and_then(|d| d.get(key))
        .cloned()
}

/// Renders the mail `template` for `context`.
pub fn render(template: MailTemplate, id: EventId, context: &MailContext) -> MailMessage {
    let job = &context.job_title;
    let reference = context.application_id;
    let (subject, paragraph) = match template {
        MailTemplate::ApplicationReceived => (
            format!("We received your application for {job}"),
            format!(
                "Thank you for applying for {job}. Your application reference is {reference}.\n\
                 We review every application and will write to you as it moves forward."
            ),
        ),
        MailTemplate::UnderReview => (
            format!("Your application for {job} is under review"),
            format!(
                "Your application for {job} has passed the initial screening and is now with our recruiters."
            ),
        ),
        MailTemplate::TestInvitation => (
            format!("Online test for {job}"),
            format!(
                "We would like to invite you to an online test for {job}.\n\n\
                 Test link: {}\nPlease complete it before: {}",
                detail(context, "testUrl"),
                detail(context, "deadline")
            ),
        ),
        MailTemplate::Interview => {
            let interviewers = detail_value(context, "interviewers")
                .and_then(|v| v.as_array().cloned())
                .map(|names| {
                    names
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            (
                format!("Interview for {job}"),
                format!(
                    "We would like to meet you for an interview for {job}.\n\n\
                     When: {}\nWhere: {}\nInterviewers: {interviewers}",
                    detail(context, "scheduledAt"),
                    detail(context, "location")
                ),
            )
        }
        MailTemplate::Offer => {
            let salary = detail_value(context, "salary")
                .map(|v| v.to_string())
                .unwrap_or_default();
            (
                format!("Offer of employment: {job}"),
                format!(
                    "We are pleased to offer you the position of {job}.\n\n\
                     Salary: {salary}\nStart date: {}\nPlease reply before: {}",
                    detail(context, "startDate"),
                    detail(context, "expiresAt")
                ),
            )
        }
        MailTemplate::Rejection => (
            format!("Your application for {job}"),
            format!(
                "Thank you for your interest in {job}. After careful consideration we will not be taking \
                 your application further.\n\nReason: {}",
                detail(context, "reason")
            ),
        ),
        MailTemplate::Withdrawal => (
            format!("You withdrew your application for {job}"),
            format!(
                "As you asked, your application for {job} (reference {reference}) has been withdrawn. \
                 We will not consider it further. You are welcome to apply for our other vacancies."
            ),
        ),
    };
    MailMessage {
        id,
        template: template.as_str(),
        to_name: context.full_name.clone(),
        to_address: context.email.clone(),
        subject,
        body: format!("Dear {},\n\n{paragraph}\n\n{SIGNATURE}\n", context.full_name),
    }
}

/// Renders an account mail: the link, how long it works, and what to do if it was not asked for.
pub fn render_account(id: EventId, context: &AccountMailContext, link: &str) -> MailMessage {
    use crate::usecase::verification::{RESET_LINK_TTL, VERIFY_LINK_TTL};
    let purpose = context.token.purpose;
    let (subject, paragraph) = match purpose {
        AccountMail::VerifyEmail => (
            "Confirm your e-mail address".to_owned(),
            format!(
                "Please confirm that this is your e-mail address by following this link:\n\n{link}\n\n\
                 The link works for {} hours. You can apply for jobs once your address is confirmed.\n\n\
                 If you did not create an account with us, you can ignore this e-mail.",
                VERIFY_LINK_TTL.num_hours()
            ),
        ),
        AccountMail::PasswordReset => (
            "Reset your password".to_owned(),
            format!(
                "Someone, hopefully you, asked to reset the password of your account. To choose a new \
                 password, follow this link:\n\n{link}\n\n\
                 The link works for {} minutes and only once. If you did not ask, ignore this e-mail: \
                 your password stays as it is.",
                RESET_LINK_TTL.num_minutes()
            ),
        ),
    };
    MailMessage {
        id,
        template: purpose.as_str(),
        to_name: context.full_name.clone(),
        to_address: context.email.clone(),
        subject,
        body: format!("Dear {},\n\n{paragraph}\n\n{SIGNATURE}\n", context.full_name),
    }
}

#[cfg(test)]
mod tests {
    use pvara_domain::ids::ApplicationId;
    use pvara_domain::status::Status;
    use pvara_storage::model::HistoryEntry;
    use serde_json::json;

    use super::*;

    fn context(details: Value) -> MailContext {
        MailContext {
            application_id: ApplicationId::new(),
            full_name: "Ayesha Khan".to_owned(),
            email: "ayesha@example.org".to_owned(),
            job_title: "Data Engineer".to_owned(),
            ai_score: Some(80),
            entry: Some(HistoryEntry {
                from: Some(Status::UnderReview),
                to: Status::TestInvited,
                actor: "x".to_owned(),
                reason: "r".to_owned(),
                details: Some(details),
                at: crate::now(),
            }),
        }
    }

    #[test]
    fn every_template_names_the_job_and_the_person() {
        for template in MailTemplate::ALL {
            let mail = render(template, EventId::new(), &context(json!({})));
            assert!(mail.subject.contains("Data Engineer"), "{template:?}");
            assert!(mail.body.starts_with("Dear Ayesha Khan,"), "{template:?}");
        }
    }

    #[test]
    fn details_are_filled_in() {
        let ctx =
            context(json!({"testUrl": "https://tests.example/abc", "deadline": "2030-01-01T00:00:00Z"}));
        let mail = render(MailTemplate::TestInvitation, EventId::new(), &ctx);
        assert!(mail.body.contains("https://tests.example/abc"));
        assert!(mail.body.contains("2030-01-01T00:00:00Z"));
        let ctx = context(
            json!({"scheduledAt": "2030-01-02T10:00:00Z", "location": "Room 4", "interviewers": ["A. Rahman", "S. Ali"]}),
        );
        let mail = render(MailTemplate::Interview, EventId::new(), &ctx);
        assert!(mail.body.contains("Room 4") && mail.body.contains("A. Rahman, S. Ali"));
    }
}
