//! Mail settings of the binary: where mail goes (mbox files, or an SMTP relay), how it reads
//! (templates, currency, time zone), and `pvara mail preview`.

use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use lettre::message::Mailbox;
use pvara_services::mail::{FileMailer, Locale, MailTemplates, Mailer, Sender, SmtpConfig, SmtpMailer};

use crate::config::{
    Config, DEFAULT_CURRENCY, DEFAULT_ORGANISATION, DEFAULT_SMTP_CONNECTIONS, DEFAULT_SMTP_TIMEOUT_SECS,
    DEFAULT_TIMEZONE, Secret,
};

/// The mail flags, shared by `serve`, the roles and `mail preview`.
#[derive(Debug, Clone, Args)]
pub struct MailArgs {
    /// Hand mail to this SMTP relay instead of writing mbox files: smtp://user:pass@host:587
    /// (STARTTLS, required), smtps://host:465 (TLS), or smtp+plain://127.0.0.1:25 (a relay on this
    /// host only: no encryption). Never logged.
    #[arg(long, env = "PVARA_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Seconds to wait for the relay at each step of a delivery.
    #[arg(long, env = "PVARA_SMTP_TIMEOUT", default_value_t = DEFAULT_SMTP_TIMEOUT_SECS, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub smtp_timeout: u64,
    /// Connections to the relay: messages in flight at once, and the most a crash can send twice.
    #[arg(long, env = "PVARA_SMTP_CONNECTIONS", default_value_t = DEFAULT_SMTP_CONNECTIONS, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub smtp_connections: u32,
    /// Most messages handed to the relay per second (its provider's limit); unlimited if unset.
    #[arg(long, env = "PVARA_SMTP_MAX_PER_SECOND")]
    pub smtp_max_per_second: Option<NonZeroU32>,
    /// An extra trusted root certificate (PEM) for the relay's TLS, for a private CA.
    #[arg(long, env = "PVARA_SMTP_CA_FILE")]
    pub smtp_ca_file: Option<PathBuf>,
    /// A directory of mail templates replacing the built-in ones of the same name.
    #[arg(long, env = "PVARA_MAIL_TEMPLATES")]
    pub mail_templates: Option<PathBuf>,
    /// Currency of salaries, in mail and on pages (ISO 4217 code).
    #[arg(long, env = "PVARA_CURRENCY", default_value = DEFAULT_CURRENCY)]
    pub currency: String,
    /// Time zone of every date and time people type and read: forms, pages, mail and calendar
    /// files (tz database name). Storage stays UTC.
    #[arg(long, env = "PVARA_TIMEZONE", default_value = DEFAULT_TIMEZONE)]
    pub timezone: String,
    /// The organisation running this service, as candidates see it: it sends the mail and is
    /// the data controller the privacy notice names.
    #[arg(long, env = "PVARA_ORGANISATION", default_value = DEFAULT_ORGANISATION)]
    pub organisation: String,
    /// The organisation's postal address, for the privacy notice and the contact page.
    #[arg(long, env = "PVARA_ORGANISATION_ADDRESS")]
    pub organisation_address: Option<String>,
    /// Where candidates write for help, feedback and data-protection requests; --mail-from by
    /// default.
    #[arg(long, env = "PVARA_CONTACT_EMAIL")]
    pub contact_email: Option<String>,
    /// A helpline, if there is one, with its hours ("051 111 222 333, Monday to Friday, 9am to 5pm").
    #[arg(long, env = "PVARA_CONTACT_PHONE")]
    pub contact_phone: Option<String>,
    /// Name the interview panel in the candidate's invitation; without it, the panel is given
    /// by role only ("a panel of 2: hiring manager, interviewer").
    #[arg(long, env = "PVARA_NAME_PANEL_IN_INVITATION")]
    pub name_panel_in_invitation: bool,
}

impl Default for MailArgs {
    fn default() -> Self {
        Self {
            smtp_url: None,
            smtp_timeout: DEFAULT_SMTP_TIMEOUT_SECS,
            smtp_connections: DEFAULT_SMTP_CONNECTIONS,
            smtp_max_per_second: None,
            smtp_ca_file: None,
            mail_templates: None,
            currency: DEFAULT_CURRENCY.to_owned(),
            timezone: DEFAULT_TIMEZONE.to_owned(),
            organisation: DEFAULT_ORGANISATION.to_owned(),
            organisation_address: None,
            contact_email: None,
            contact_phone: None,
            name_panel_in_invitation: false,
        }
    }
}

/// `MailArgs`, with the SMTP URL kept secret.
#[derive(Debug, Clone, Default)]
pub struct MailSettings {
    pub smtp_url: Option<Secret>,
    pub smtp_timeout: Duration,
    pub smtp_connections: u32,
    pub smtp_max_per_second: Option<NonZeroU32>,
    pub smtp_ca_file: Option<PathBuf>,
    pub templates_dir: Option<PathBuf>,
    pub currency: String,
    pub timezone: String,
    pub organisation: String,
    pub organisation_address: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub name_panel: bool,
}

impl From<MailArgs> for MailSettings {
    fn from(args: MailArgs) -> Self {
        Self {
            smtp_url: args.smtp_url.map(Secret::from),
            smtp_timeout: Duration::from_secs(args.smtp_timeout),
            smtp_connections: args.smtp_connections,
            smtp_max_per_second: args.smtp_max_per_second,
            smtp_ca_file: args.smtp_ca_file,
            templates_dir: args.mail_templates,
            currency: args.currency,
            timezone: args.timezone,
            organisation: args.organisation,
            organisation_address: args.organisation_address,
            contact_email: args.contact_email,
            contact_phone: args.contact_phone,
            name_panel: args.name_panel_in_invitation,
        }
    }
}

impl Config {
    /// Who mail is from, as a mailbox.
    pub fn mail_sender(&self) -> anyhow::Result<Mailbox> {
        let address = self
            .mail_from
            .parse()
            .with_context(|| format!("--mail-from {:?} is not an e-mail address", self.mail_from))?;
        Ok(Mailbox::new(Some(self.mail.organisation.clone()), address))
    }

    /// Who runs this service and how to reach them, for the privacy notice, the contact page
    /// and the feedback link.
    pub fn about(&self) -> pvara_services::state::About {
        pvara_services::state::About {
            organisation: self.mail.organisation.clone(),
            address: self
                .mail
                .organisation_address
                .clone()
                .filter(|a| !a.trim().is_empty()),
            email: self
                .mail
                .contact_email
                .clone()
                .filter(|e| !e.trim().is_empty())
                .unwrap_or_else(|| self.mail_from.clone()),
            phone: self.mail.contact_phone.clone().filter(|p| !p.trim().is_empty()),
        }
    }

    /// The installation's currency and time zone, for mail and pages alike.
    pub fn locale(&self) -> anyhow::Result<Locale> {
        Ok(Locale::parse(&self.mail.currency, &self.mail.timezone)?)
    }

    /// The templates, checked now: a broken override stops the start, not a mail.
    pub fn mail_templates(&self) -> anyhow::Result<Arc<MailTemplates>> {
        let mail = &self.mail;
        let locale = self.locale()?;
        let sender = Sender {
            organisation: mail.organisation.clone(),
            address: self.mail_from.clone(),
            portal_url: self.public_url(),
        };
        let templates = MailTemplates::load(mail.templates_dir.as_deref(), locale, sender)
            .context("cannot load the mail templates")?
            .naming_the_panel(mail.name_panel);
        Ok(Arc::new(templates))
    }

    /// The SMTP relay when `--smtp-url` is given, else mbox files in the mail directory.
    pub fn mailer(&self) -> anyhow::Result<Arc<dyn Mailer>> {
        let from = self.mail_sender()?;
        let Some(url) = &self.mail.smtp_url else {
            let mailer = FileMailer::new(self.mail_dir(), from);
            match mailer.remove_stale_temporaries() {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "removed half-written mail left by a crash"),
                Err(error) => tracing::warn!(%error, "cannot clean the mail directory"),
            }
            return Ok(Arc::new(mailer));
        };
        let mailer = SmtpMailer::new(SmtpConfig {
            url: url.clone(),
            timeout: self.mail.smtp_timeout,
            connections: self.mail.smtp_connections,
            max_per_second: self.mail.smtp_max_per_second,
            ca_file: self.mail.smtp_ca_file.clone(),
            from,
        })?;
        tracing::info!(relay = %mailer.relay(), "mail goes to an SMTP relay");
        Ok(Arc::new(mailer))
    }
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Print a rendered sample of one mail: applicationReceived, underReview, testInvitation,
    /// interview, offer, rejection, withdrawal, verifyEmail or passwordReset.
    Preview {
        template: String,
        /// Which part to print.
        #[arg(long, value_enum, default_value = "text")]
        part: Part,
        /// Boxed: the organisation's details make it much larger than `Show`.
        #[command(flatten)]
        mail: Box<MailArgs>,
        /// Sender address, as in serve.
        #[arg(long, env = "PVARA_MAIL_FROM", default_value = crate::config::DEFAULT_MAIL_FROM)]
        mail_from: String,
    },
    /// Print the latest mail written to the mail folder (the embedded mailer), decoded: what a
    /// candidate would read, links included.
    Show {
        /// Only mail to this address.
        #[arg(long)]
        to: Option<String>,
        /// How many messages, the latest last.
        #[arg(long, default_value_t = 1)]
        last: usize,
        /// The folder, as `serve --mail-dir`.
        #[arg(long, env = "PVARA_MAIL_DIR")]
        mail_dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Part {
    /// The subject and the plain-text part.
    Text,
    /// The HTML part.
    Html,
    /// The calendar entry (interview, and rejection or withdrawal after one).
    Calendar,
    /// The whole message as sent (MIME).
    Raw,
}

pub fn run(mut config: Config, command: MailCommand) -> anyhow::Result<()> {
    let (template, part, mail, mail_from) = match command {
        MailCommand::Preview {
            template,
            part,
            mail,
            mail_from,
        } => (template, part, *mail, mail_from),
        MailCommand::Show { to, last, mail_dir } => {
            config.mail_dir = mail_dir;
            return show(&config, to.as_deref(), last);
        }
    };
    config.mail = mail.into();
    config.mail_from = mail_from;
    let templates = config.mail_templates()?;
    let message = templates.preview(&template)?;
    match part {
        Part::Text => println!("Subject: {}\n\n{}", message.subject, message.text),
        Part::Html => println!("{}", message.html),
        Part::Calendar => match &message.calendar {
            Some(invitation) => print!("{}", invitation.ics),
            None => anyhow::bail!("the {template} mail carries no calendar entry"),
        },
        Part::Raw => {
            let raw = pvara_services::mail::to_message(&message, &config.mail_sender()?)?.formatted();
            println!("{}", String::from_utf8_lossy(&raw));
        }
    }
    Ok(())
}

/// `pvara mail show`: the latest delivered messages, headers and plain text decoded.
fn show(config: &Config, to: Option<&str>, last: usize) -> anyhow::Result<()> {
    let folder = FileMailer::new(config.mail_dir(), config.mail_sender()?);
    let messages = folder
        .messages()
        .with_context(|| format!("cannot read the mail in {}", config.mail_dir().display()))?;
    let parser = mail_parser::MessageParser::default();
    let mut shown: Vec<String> = Vec::new();
    for raw in messages.iter().rev() {
        let Some(message) = parser.parse(raw.as_bytes()) else {
            continue;
        };
        let recipients: Vec<String> = message
            .to()
            .into_iter()
            .flat_map(|to| to.iter())
            .filter_map(|a| a.address().map(str::to_owned))
            .collect();
        if to.is_some_and(|wanted| !recipients.iter().any(|r| r.eq_ignore_ascii_case(wanted))) {
            continue;
        }
        shown.push(format!(
            "Date: {}\nTo: {}\nSubject: {}\n\n{}",
            message.date().map(|d| d.to_rfc3339()).unwrap_or_default(),
            recipients.join(", "),
            message.subject().unwrap_or_default(),
            // Line ends as the terminal's, so that a copied link has no carriage return in it.
            message.body_text(0).unwrap_or_default().replace("\r\n", "\n")
        ));
        if shown.len() == last {
            break;
        }
    }
    if shown.is_empty() {
        anyhow::bail!(
            "no mail{} in {}",
            to.map(|t| format!(" to {t}")).unwrap_or_default(),
            config.mail_dir().display()
        );
    }
    shown.reverse();
    print_all(&shown.join("\n----\n"))
}

/// Prints `text`; a reader that stopped reading (`| head`) is not an error.
fn print_all(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    match writeln!(std::io::stdout().lock(), "{text}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
