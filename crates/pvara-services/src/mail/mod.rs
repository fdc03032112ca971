//! Candidate mail: templates and delivery.

mod file;
mod templates;

use async_trait::async_trait;
use pvara_domain::ids::EventId;

pub use file::FileMailer;
pub use templates::{render, render_account};

/// A rendered message. `id` is the event that asked for it: the same event always produces the
/// same Message-ID, so a copy delivered again after a crash is recognisable as the same mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailMessage {
    pub id: EventId,
    pub template: &'static str,
    pub to_name: String,
    pub to_address: String,
    pub subject: String,
    pub body: String,
}

impl MailMessage {
    /// RFC 5322 Message-ID.
    pub fn message_id(&self) -> String {
        format!("<{}@pvara>", self.id)
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum MailError {
    #[error("mail delivery failed: {0}")]
    Delivery(String),
}

#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    /// Delivers `messages`; returns one result per message. At least once: the notify worker
    /// skips messages recorded as delivered, so a second copy can only follow a crash between a
    /// delivery and its record, and it carries the same Message-ID (made from the event id), by
    /// which mail clients and servers drop duplicates.
    async fn deliver(&self, messages: &[MailMessage]) -> Vec<Result<(), MailError>>;
}
