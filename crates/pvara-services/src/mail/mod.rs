//! Candidate mail: templates, MIME, and delivery (mbox files or an SMTP relay).
//!
//! # Layout
//! - `templates`, `samples`: the mails' wording (minijinja files compiled in, overridable);
//! - `format`: money, dates and times in the installation's currency and time zone;
//! - `calendar`: interview invitations and their cancellations (iCalendar);
//! - `mime`: a rendered mail as an RFC 5322 message (multipart/alternative);
//! - `file`, `smtp`: the two [`Mailer`]s.

mod calendar;
mod file;
mod format;
mod mime;
mod samples;
mod smtp;
mod templates;

use async_trait::async_trait;
use pvara_domain::ids::EventId;

pub use calendar::Invitation;
pub use file::FileMailer;
pub use format::{Locale, LocaleError};
pub use mime::to_message;
pub use smtp::{SmtpConfig, SmtpMailer, SmtpUrlError};
pub use templates::{MailTemplates, Sender, TemplateError};

/// A rendered message. `id` is the event that asked for it: the same event always produces the
/// same Message-ID, so a copy delivered again after a crash is recognisable as the same mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailMessage {
    pub id: EventId,
    pub template: &'static str,
    pub to_name: String,
    pub to_address: String,
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part: inline styles, no scripts, no remote resources.
    pub html: String,
    /// An interview invitation or cancellation, sent as a third alternative.
    pub calendar: Option<Invitation>,
}

impl MailMessage {
    /// RFC 5322 Message-ID.
    pub fn message_id(&self) -> String {
        format!("<{}@pvara>", self.id)
    }
}

/// Why a message was not delivered. Transient failures (a 4xx reply, a broken connection, a full
/// disk) are retried until they pass; a permanent one (a 5xx reply) is recorded as failed and
/// never retried.
#[derive(Debug, Clone, thiserror::Error)]
pub enum MailError {
    #[error("mail delivery failed for now: {0}")]
    Transient(String),
    #[error("mail refused: {0}")]
    Permanent(String),
}

impl MailError {
    pub fn is_permanent(&self) -> bool {
        matches!(self, MailError::Permanent(_))
    }
}

#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    /// Delivers `messages`; returns one result per message. At least once: the notify worker
    /// skips messages recorded as delivered, so a second copy can only follow a crash between a
    /// delivery and its record, and it carries the same Message-ID (made from the event id), by
    /// which mail clients and servers drop duplicates.
    async fn deliver(&self, messages: &[MailMessage]) -> Vec<Result<(), MailError>>;

    /// Messages handed over between two records of what was delivered: at most this many can be
    /// sent twice after a crash. Small for SMTP (each message is its own exchange anyway), larger
    /// for files (each chunk is one file and one fsync).
    fn chunk_size(&self) -> usize;
}
