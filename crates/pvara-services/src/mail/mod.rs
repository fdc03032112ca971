//! Candidate mail: templates and delivery.

mod file;
mod templates;

use async_trait::async_trait;
use pvara_domain::ids::EventId;

pub use file::FileMailer;
pub use templates::render;

/// A rendered message. `id` is the event that asked for it: the same event always produces the
/// same message id, which is what makes delivery idempotent across redeliveries.
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
    /// Delivers `messages`. Delivering the same message twice must not produce two mails.
    /// Returns one result per message.
    async fn deliver(&self, messages: &[MailMessage]) -> Vec<Result<(), MailError>>;
}
