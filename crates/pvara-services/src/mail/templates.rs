//! Mail templates: a plain-text and an HTML template per mail, kept in `mail-templates/` in the
//! repository and compiled into the binary, each replaceable by a file of the same name in
//! `--mail-templates DIR`. They are minijinja (Jinja2) templates, rendered at run time so that an
//! installation can change its wording without a build; every one is rendered once with a sample
//! when pvara starts, so a broken override stops the start instead of a mail.

use std::path::Path;

use minijinja::{Environment, Value as Jinja, context};

use crate::i18n;
use pvara_domain::event::{AccountMail, MailTemplate};
use pvara_domain::ids::EventId;
use pvara_domain::pipeline::Step;
use pvara_domain::status::Status;
use pvara_storage::model::{AccountMailContext, HistoryEntry, MailContext};

use super::MailMessage;
use super::calendar::{self, Interview, Party};
use super::format::Locale;

/// Every template file, as compiled in.
const EMBEDDED: &[(&str, &str)] = &[
    (
        "ur/meritPublished.txt",
        include_str!("../../mail-templates/ur/meritPublished.txt"),
    ),
    (
        "ur/meritPublished.html",
        include_str!("../../mail-templates/ur/meritPublished.html"),
    ),
    (
        "ur/representationDecided.txt",
        include_str!("../../mail-templates/ur/representationDecided.txt"),
    ),
    (
        "ur/representationDecided.html",
        include_str!("../../mail-templates/ur/representationDecided.html"),
    ),
    (
        "meritPublished.txt",
        include_str!("../../mail-templates/meritPublished.txt"),
    ),
    (
        "meritPublished.html",
        include_str!("../../mail-templates/meritPublished.html"),
    ),
    (
        "representationDecided.txt",
        include_str!("../../mail-templates/representationDecided.txt"),
    ),
    (
        "representationDecided.html",
        include_str!("../../mail-templates/representationDecided.html"),
    ),
    // Urdu, for candidates who read it; a mail without an Urdu file goes in English (the
    // panel's invitation, which staff read).
    (
        "ur/alreadyRegistered.txt",
        include_str!("../../mail-templates/ur/alreadyRegistered.txt"),
    ),
    (
        "ur/alreadyRegistered.html",
        include_str!("../../mail-templates/ur/alreadyRegistered.html"),
    ),
    (
        "ur/applicationReceived.txt",
        include_str!("../../mail-templates/ur/applicationReceived.txt"),
    ),
    (
        "ur/applicationReceived.html",
        include_str!("../../mail-templates/ur/applicationReceived.html"),
    ),
    ("ur/hired.txt", include_str!("../../mail-templates/ur/hired.txt")),
    (
        "ur/hired.html",
        include_str!("../../mail-templates/ur/hired.html"),
    ),
    (
        "ur/interview.txt",
        include_str!("../../mail-templates/ur/interview.txt"),
    ),
    (
        "ur/interview.html",
        include_str!("../../mail-templates/ur/interview.html"),
    ),
    (
        "ur/layout.txt",
        include_str!("../../mail-templates/ur/layout.txt"),
    ),
    (
        "ur/layout.html",
        include_str!("../../mail-templates/ur/layout.html"),
    ),
    ("ur/offer.txt", include_str!("../../mail-templates/ur/offer.txt")),
    (
        "ur/offer.html",
        include_str!("../../mail-templates/ur/offer.html"),
    ),
    (
        "ur/offerAccepted.txt",
        include_str!("../../mail-templates/ur/offerAccepted.txt"),
    ),
    (
        "ur/offerAccepted.html",
        include_str!("../../mail-templates/ur/offerAccepted.html"),
    ),
    (
        "ur/offerDeclined.txt",
        include_str!("../../mail-templates/ur/offerDeclined.txt"),
    ),
    (
        "ur/offerDeclined.html",
        include_str!("../../mail-templates/ur/offerDeclined.html"),
    ),
    (
        "ur/offerExpired.txt",
        include_str!("../../mail-templates/ur/offerExpired.txt"),
    ),
    (
        "ur/offerExpired.html",
        include_str!("../../mail-templates/ur/offerExpired.html"),
    ),
    (
        "ur/offerWithdrawn.txt",
        include_str!("../../mail-templates/ur/offerWithdrawn.txt"),
    ),
    (
        "ur/offerWithdrawn.html",
        include_str!("../../mail-templates/ur/offerWithdrawn.html"),
    ),
    (
        "ur/passwordReset.txt",
        include_str!("../../mail-templates/ur/passwordReset.txt"),
    ),
    (
        "ur/passwordReset.html",
        include_str!("../../mail-templates/ur/passwordReset.html"),
    ),
    (
        "ur/rejection.txt",
        include_str!("../../mail-templates/ur/rejection.txt"),
    ),
    (
        "ur/rejection.html",
        include_str!("../../mail-templates/ur/rejection.html"),
    ),
    (
        "ur/testInvitation.txt",
        include_str!("../../mail-templates/ur/testInvitation.txt"),
    ),
    (
        "ur/testInvitation.html",
        include_str!("../../mail-templates/ur/testInvitation.html"),
    ),
    (
        "ur/underReview.txt",
        include_str!("../../mail-templates/ur/underReview.txt"),
    ),
    (
        "ur/underReview.html",
        include_str!("../../mail-templates/ur/underReview.html"),
    ),
    (
        "ur/changeEmail.txt",
        include_str!("../../mail-templates/ur/changeEmail.txt"),
    ),
    (
        "ur/changeEmail.html",
        include_str!("../../mail-templates/ur/changeEmail.html"),
    ),
    (
        "ur/verifyEmail.txt",
        include_str!("../../mail-templates/ur/verifyEmail.txt"),
    ),
    (
        "ur/verifyEmail.html",
        include_str!("../../mail-templates/ur/verifyEmail.html"),
    ),
    (
        "ur/withdrawal.txt",
        include_str!("../../mail-templates/ur/withdrawal.txt"),
    ),
    (
        "ur/withdrawal.html",
        include_str!("../../mail-templates/ur/withdrawal.html"),
    ),
    ("layout.txt", include_str!("../../mail-templates/layout.txt")),
    ("layout.html", include_str!("../../mail-templates/layout.html")),
    (
        "applicationReceived.txt",
        include_str!("../../mail-templates/applicationReceived.txt"),
    ),
    (
        "applicationReceived.html",
        include_str!("../../mail-templates/applicationReceived.html"),
    ),
    (
        "underReview.txt",
        include_str!("../../mail-templates/underReview.txt"),
    ),
    (
        "underReview.html",
        include_str!("../../mail-templates/underReview.html"),
    ),
    (
        "testInvitation.txt",
        include_str!("../../mail-templates/testInvitation.txt"),
    ),
    (
        "testInvitation.html",
        include_str!("../../mail-templates/testInvitation.html"),
    ),
    (
        "interview.txt",
        include_str!("../../mail-templates/interview.txt"),
    ),
    (
        "panelInvitation.txt",
        include_str!("../../mail-templates/panelInvitation.txt"),
    ),
    (
        "panelInvitation.html",
        include_str!("../../mail-templates/panelInvitation.html"),
    ),
    (
        "interview.html",
        include_str!("../../mail-templates/interview.html"),
    ),
    ("offer.txt", include_str!("../../mail-templates/offer.txt")),
    ("offer.html", include_str!("../../mail-templates/offer.html")),
    (
        "rejection.txt",
        include_str!("../../mail-templates/rejection.txt"),
    ),
    (
        "rejection.html",
        include_str!("../../mail-templates/rejection.html"),
    ),
    (
        "withdrawal.txt",
        include_str!("../../mail-templates/withdrawal.txt"),
    ),
    (
        "withdrawal.html",
        include_str!("../../mail-templates/withdrawal.html"),
    ),
    (
        "offerAccepted.txt",
        include_str!("../../mail-templates/offerAccepted.txt"),
    ),
    (
        "offerAccepted.html",
        include_str!("../../mail-templates/offerAccepted.html"),
    ),
    (
        "offerDeclined.txt",
        include_str!("../../mail-templates/offerDeclined.txt"),
    ),
    (
        "offerDeclined.html",
        include_str!("../../mail-templates/offerDeclined.html"),
    ),
    (
        "offerWithdrawn.txt",
        include_str!("../../mail-templates/offerWithdrawn.txt"),
    ),
    (
        "offerWithdrawn.html",
        include_str!("../../mail-templates/offerWithdrawn.html"),
    ),
    (
        "offerExpired.txt",
        include_str!("../../mail-templates/offerExpired.txt"),
    ),
    (
        "offerExpired.html",
        include_str!("../../mail-templates/offerExpired.html"),
    ),
    ("hired.txt", include_str!("../../mail-templates/hired.txt")),
    ("hired.html", include_str!("../../mail-templates/hired.html")),
    (
        "changeEmail.txt",
        include_str!("../../mail-templates/changeEmail.txt"),
    ),
    (
        "changeEmail.html",
        include_str!("../../mail-templates/changeEmail.html"),
    ),
    (
        "verifyEmail.txt",
        include_str!("../../mail-templates/verifyEmail.txt"),
    ),
    (
        "verifyEmail.html",
        include_str!("../../mail-templates/verifyEmail.html"),
    ),
    (
        "passwordReset.txt",
        include_str!("../../mail-templates/passwordReset.txt"),
    ),
    (
        "passwordReset.html",
        include_str!("../../mail-templates/passwordReset.html"),
    ),
    (
        "alreadyRegistered.txt",
        include_str!("../../mail-templates/alreadyRegistered.txt"),
    ),
    (
        "alreadyRegistered.html",
        include_str!("../../mail-templates/alreadyRegistered.html"),
    ),
];

/// How long an interview lasts in the calendar when the recruiter did not say.
const INTERVIEW_MINUTES: i64 = 60;

/// What a pipeline mail's template can say: the person, the job, and the step's details as the
/// candidate reads them (local times, money with its currency). Empty where the step has none.
#[derive(Debug, Default, serde::Serialize)]
struct MailVars {
    /// The recipient: the candidate, or the panel member a panel invitation is for.
    name: String,
    /// The candidate, in a panel member's invitation.
    candidate: String,
    round: u8,
    job: String,
    reference: String,
    test_url: String,
    deadline: String,
    when: String,
    location: String,
    interviewers: String,
    rescheduled: bool,
    salary: String,
    start_date: String,
    reply_by: String,
    reason: String,
    interview_cancelled: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("cannot read the mail templates in {dir}")]
    Read {
        dir: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{0} in --mail-templates is not a template pvara knows; the names are listed in the book's Mail chapter"
    )]
    Unknown(String),
    #[error("mail template {name} is broken")]
    Broken {
        name: String,
        #[source]
        source: minijinja::Error,
    },
}

/// Who mail comes from and where its links point, beside the templates.
#[derive(Debug, Clone)]
pub struct Sender {
    pub organisation: String,
    pub address: String,
    /// The portal's address, for "follow your application at ...".
    pub portal_url: String,
}

/// The loaded templates, the installation's locale and the sender.
#[derive(Debug)]
pub struct MailTemplates {
    env: Environment<'static>,
    locale: Locale,
    sender: Sender,
    /// The candidate's interview invitation names the panel members, not only their roles.
    name_panel: bool,
}

impl MailTemplates {
    /// The compiled-in templates, each replaced by a file of the same name in `overrides`.
    pub fn load(overrides: Option<&Path>, locale: Locale, sender: Sender) -> Result<Self, TemplateError> {
        let mut sources: Vec<(String, String)> = EMBEDDED
            .iter()
            .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
            .collect();
        if let Some(dir) = overrides {
            let read = |source| TemplateError::Read {
                dir: dir.display().to_string(),
                source,
            };
            for entry in std::fs::read_dir(dir).map_err(read)? {
                let path = entry.map_err(read)?.path();
                let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
                    continue;
                };
                if !(name.ends_with(".txt") || name.ends_with(".html")) {
                    continue;
                }
                let slot = sources
                    .iter_mut()
                    .find(|(known, _)| *known == name)
                    .ok_or_else(|| TemplateError::Unknown(name.clone()))?;
                slot.1 = std::fs::read_to_string(&path).map_err(read)?;
            }
        }
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for (name, source) in sources {
            env.add_template_owned(name.clone(), source)
                .map_err(|source| TemplateError::Broken { name, source })?;
        }
        let templates = Self {
            env,
            locale,
            sender,
            name_panel: false,
        };
        for name in Self::names() {
            templates.preview(name)?;
        }
        Ok(templates)
    }

    /// The names of the mails, for `pvara mail preview`.
    pub fn names() -> impl Iterator<Item = &'static str> {
        MailTemplate::ALL
            .iter()
            .map(|t| t.as_str())
            .chain(AccountMail::ALL.iter().map(|a| a.as_str()))
    }

    /// The candidate's interview invitation names the panel members (by default it gives
    /// their roles only: the installation chooses).
    pub fn naming_the_panel(mut self, name_panel: bool) -> Self {
        self.name_panel = name_panel;
        self
    }

    /// Renders the mail `template` for `context`, to the candidate.
    pub fn render(
        &self,
        template: MailTemplate,
        id: EventId,
        context: &MailContext,
    ) -> Result<MailMessage, TemplateError> {
        self.render_to(template, id, context, None)
    }

    /// Renders the mail `template` for `context`, to `recipient` (name, address) when it is
    /// not the candidate: a member of the interview panel.
    pub fn render_to(
        &self,
        template: MailTemplate,
        id: EventId,
        context: &MailContext,
        recipient: Option<(&str, &str)>,
    ) -> Result<MailMessage, TemplateError> {
        // The candidate's language; a panel member (staff) reads English.
        let language = if recipient.is_some() {
            i18n::Language::En
        } else {
            context.language
        };
        i18n::in_language(language, || {
            self.render_in_language(template, id, context, recipient)
        })
    }

    fn render_in_language(
        &self,
        template: MailTemplate,
        id: EventId,
        context: &MailContext,
        recipient: Option<(&str, &str)>,
    ) -> Result<MailMessage, TemplateError> {
        let entry = context.entry.as_ref();
        let step = entry.and_then(HistoryEntry::step);
        let was_interviewing = entry.is_some_and(|e| e.from == Some(Status::InterviewScheduled));
        let moved = match &step {
            // An interview of a panel of users says whether it moved; an older one moved when
            // it followed an interview.
            Some(Step::ScheduleInterview(i)) => i.moved || (was_interviewing && i.panel.is_empty()),
            _ => false,
        };
        let (to_name, to_address) = recipient.unwrap_or((&context.full_name, &context.email));
        let mut vars = MailVars {
            name: to_name.to_owned(),
            candidate: context.full_name.clone(),
            round: 1,
            job: context.job_title.clone(),
            reference: context.reference.to_string(),
            rescheduled: moved,
            interview_cancelled: was_interviewing
                && matches!(template, MailTemplate::Rejection | MailTemplate::Withdrawal),
            ..MailVars::default()
        };
        // Every step's details, typed: a new step is a compile error here until its mail is
        // written.
        match &step {
            Some(Step::InviteToTest(invitation)) => {
                vars.test_url = invitation.test_url.clone();
                vars.deadline = self.locale.date_time(invitation.deadline);
            }
            Some(Step::ScheduleInterview(interview)) => {
                vars.when = self.locale.date_time(interview.scheduled_at);
                vars.location = interview.location.clone();
                vars.round = interview.round;
                vars.interviewers = i18n::panel_words(interview, recipient.is_some() || self.name_panel);
            }
            Some(Step::ExtendOffer(offer)) => {
                vars.salary = self.locale.pay(offer.salary, offer.salary_period);
                vars.start_date = self.locale.date(offer.start_date);
                vars.reply_by = self.locale.date_time(offer.expires_at);
            }
            Some(Step::Reject(rejection)) => vars.reason = rejection.reason.clone(),
            Some(Step::Withdraw(withdrawal)) => vars.reason = withdrawal.reason.clone().unwrap_or_default(),
            Some(Step::DeclineOffer(decline)) => vars.reason = decline.reason.clone().unwrap_or_default(),
            Some(Step::WithdrawOffer(withdrawal)) => vars.reason = withdrawal.reason.clone(),
            Some(Step::ExpireOffer(expiry)) => vars.reply_by = self.locale.date_time(expiry.expired_at),
            Some(Step::Hire(hiring)) => vars.start_date = self.locale.date(hiring.start_date),
            Some(Step::AcceptOffer(_)) | None => {}
        }
        let vars = minijinja::Value::from_serialize(&vars);
        let mut message = self.message(template.as_str(), id, to_name, to_address, vars)?;
        let party = |name: &str, address: &str| Party {
            name: name.to_owned(),
            address: address.to_owned(),
        };
        let interview = Interview {
            application: context.application_id,
            job: context.job_title.clone(),
            organiser: party(&self.sender.organisation, &self.sender.address),
            attendee: party(to_name, to_address),
            round: match &step {
                Some(Step::ScheduleInterview(i)) => i.round,
                // A cancellation is of the latest interview.
                _ => context.interview_round.unwrap_or(1),
            },
            changed_at: entry.map_or_else(crate::now, |e| e.at),
            sequence: context.step,
        };
        message.calendar = match (template, &step) {
            (
                MailTemplate::Interview | MailTemplate::PanelInvitation,
                Some(Step::ScheduleInterview(details)),
            ) => {
                let start = details.scheduled_at;
                let end = start + chrono::Duration::minutes(INTERVIEW_MINUTES);
                Some(calendar::request(&interview, start, end, &details.location))
            }
            (MailTemplate::Rejection | MailTemplate::Withdrawal, _) if was_interviewing => {
                Some(calendar::cancel(&interview))
            }
            _ => None,
        };
        Ok(message)
    }

    /// Renders an account mail: the link, how long it works, and what to do if it was not asked for.
    pub fn render_account(
        &self,
        id: EventId,
        context: &AccountMailContext,
        link: &str,
    ) -> Result<MailMessage, TemplateError> {
        i18n::in_language(context.language, || {
            let purpose = context.token.purpose;
            let ttl = purpose.link_ttl();
            let valid_for = if ttl.num_hours() >= 2 {
                i18n::t_with(
                    "mail-hours",
                    &[("count", (ttl.num_hours().unsigned_abs()).into())],
                )
            } else {
                i18n::t_with(
                    "mail-minutes",
                    &[("count", (ttl.num_minutes().unsigned_abs()).into())],
                )
            };
            let vars = context! { name => &context.full_name, link => link, valid_for => valid_for, reference => Jinja::from(()) };
            self.message(purpose.as_str(), id, &context.full_name, &context.email, vars)
        })
    }

    /// A sample of mail `name`, rendered as a candidate would receive it.
    pub fn preview(&self, name: &str) -> Result<MailMessage, TemplateError> {
        let sample = super::samples::context(name);
        match (
            MailTemplate::ALL.iter().find(|t| t.as_str() == name),
            AccountMail::parse(name),
        ) {
            (Some(&template), _) => self.render(template, EventId::new(), &sample),
            (None, Some(purpose)) => {
                let account = super::samples::account(purpose);
                self.render_account(
                    EventId::new(),
                    &account,
                    "https://jobs.example.gov/account/verify?token=sample",
                )
            }
            (None, None) => Err(TemplateError::Unknown(name.to_owned())),
        }
    }

    fn message(
        &self,
        name: &'static str,
        id: EventId,
        to_name: &str,
        to_address: &str,
        vars: Jinja,
    ) -> Result<MailMessage, TemplateError> {
        let vars = context! {
            organisation => &self.sender.organisation,
            portal_url => &self.sender.portal_url,
            ..vars
        };
        let broken = |file: String| move |source| TemplateError::Broken { name: file, source };
        // The reader's language where the mail has been written in it.
        let prefix = match i18n::current() {
            i18n::Language::Ur if self.env.get_template(&format!("ur/{name}.txt")).is_ok() => "ur/",
            _ => "",
        };
        let text_file = format!("{prefix}{name}.txt");
        let rendered = self
            .env
            .get_template(&text_file)
            .and_then(|t| t.render(&vars))
            .map_err(broken(text_file.clone()))?;
        let (subject, text) = rendered.split_once('\n').unwrap_or((rendered.as_str(), ""));
        let subject = subject.trim().to_owned();
        let html_file = format!("{prefix}{name}.html");
        let html = self
            .env
            .get_template(&html_file)
            .and_then(|t| t.render(context! { subject => &subject, ..vars }))
            .map_err(broken(html_file))?;
        Ok(MailMessage {
            id,
            template: name,
            to_name: to_name.to_owned(),
            to_address: to_address.to_owned(),
            subject,
            text: format!("{}\n", text.trim()),
            html,
            calendar: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(dir: Option<&Path>) -> Result<MailTemplates, TemplateError> {
        let locale = Locale::parse("PKR", "Asia/Karachi").expect("valid");
        let sender = Sender {
            organisation: "PVARA Recruitment".to_owned(),
            address: "noreply@pvara.example".to_owned(),
            portal_url: "https://jobs.example.gov".to_owned(),
        };
        MailTemplates::load(dir, locale, sender)
    }

    #[test]
    fn every_candidate_mail_is_written_in_urdu_for_a_candidate_who_reads_it() {
        let templates = load(None).expect("the built-in templates load");
        for name in MailTemplates::names().filter(|n| *n != "panelInvitation") {
            let mail = i18n::in_language(i18n::Language::Ur, || templates.preview(name)).expect("renders");
            assert!(
                mail.text.starts_with("محترم/محترمہ Ayesha Khan،"),
                "{name}: {}",
                mail.text
            );
            assert!(
                mail.html.contains(r#"dir="rtl""#) && mail.html.contains("آپ کو آگے کیا کرنا ہے"),
                "{name}"
            );
            assert!(!mail.subject.is_empty() && !mail.subject.contains('\n'), "{name}");
            assert!(
                !mail.text.contains("What to do next"),
                "{name} is in English: {}",
                mail.text
            );
        }
    }

    #[test]
    fn every_mail_has_a_subject_both_parts_and_a_next_step() {
        let templates = load(None).expect("the built-in templates load");
        for name in MailTemplates::names() {
            let mail = templates.preview(name).expect("renders");
            assert!(!mail.subject.is_empty() && !mail.subject.contains('\n'), "{name}");
            assert!(
                mail.text.starts_with("Dear Ayesha Khan,"),
                "{name}: {}",
                mail.text
            );
            assert!(mail.text.contains("PVARA Recruitment"), "{name}");
            assert!(mail.html.contains("What to do next"), "{name}");
            let html = mail.html.to_lowercase();
            for forbidden in ["<script", "src=", "<link", "@import", "url("] {
                assert!(!html.contains(forbidden), "{name} has {forbidden}");
            }
        }
    }

    #[test]
    fn details_read_in_the_installations_currency_and_zone() {
        let offer = load(None).expect("loads").preview("offer").expect("renders");
        assert!(
            offer.text.contains("Salary: PKR 150,000 a month"),
            "{}",
            offer.text
        );
        assert!(
            offer
                .text
                .contains("Reply before: Thursday 21 February 2030, 17:00 (PKT)")
        );
        assert!(offer.text.contains("Start date: Friday 1 March 2030"));
        let interview = load(None).expect("loads").preview("interview").expect("renders");
        assert!(interview.text.contains("Thursday 14 February 2030, 10:00 (PKT)"));
        assert_eq!(interview.calendar.map(|c| c.method), Some("REQUEST"));
        let rejection = load(None).expect("loads").preview("rejection").expect("renders");
        assert_eq!(
            rejection.calendar.map(|c| c.method),
            Some("CANCEL"),
            "after an interview"
        );
    }

    #[test]
    fn names_and_text_are_escaped_in_html() {
        let templates = load(None).expect("loads");
        let mut context = super::super::samples::context("underReview");
        context.full_name = "<b>Mallory</b>".to_owned();
        let mail = templates
            .render(MailTemplate::UnderReview, EventId::new(), &context)
            .expect("renders");
        assert!(
            mail.html.contains("&lt;b&gt;Mallory") && !mail.html.contains("<b>Mallory"),
            "{}",
            mail.html
        );
        assert!(mail.text.contains("<b>Mallory</b>"), "plain text is not escaped");
    }

    #[test]
    fn an_override_replaces_one_template_and_a_broken_one_stops_the_start() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("underReview.txt"),
            "{% extends \"layout.txt\" %}{% block subject %}Good news, {{ name }}{% endblock %}{% block body %}Custom.{% endblock %}",
        )
        .expect("write");
        let templates = load(Some(dir.path())).expect("loads");
        let mail = templates.preview("underReview").expect("renders");
        assert_eq!(mail.subject, "Good news, Ayesha Khan");
        assert!(mail.text.contains("Custom."));
        assert!(
            templates.preview("offer").expect("renders").text.contains("PKR"),
            "others stay"
        );

        std::fs::write(dir.path().join("offer.html"), "{% if %}").expect("write");
        assert!(matches!(
            load(Some(dir.path())),
            Err(TemplateError::Broken { .. })
        ));
        std::fs::remove_file(dir.path().join("offer.html")).expect("remove");
        std::fs::write(dir.path().join("ofer.txt"), "typo").expect("write");
        assert!(matches!(load(Some(dir.path())), Err(TemplateError::Unknown(name)) if name == "ofer.txt"));
        std::fs::remove_file(dir.path().join("ofer.txt")).expect("remove");
        std::fs::write(
            dir.path().join("offer.txt"),
            "{% extends \"layout.txt\" %}{% block body %}{{ salry }}{% endblock %}",
        )
        .expect("write");
        assert!(
            matches!(load(Some(dir.path())), Err(TemplateError::Broken { .. })),
            "a misspelt variable is an error, not an empty string"
        );
    }
}
