//! The notification worker: `email-notification` -> rendered mail -> [`Mailer`], once per event.
//!
//! Two kinds of request share the topic: mail about an application (its history entry holds the
//! details), and account mail (a verification or password-reset link, whose token is marked
//! mailed so a redelivery sends nothing).
//!
//! A batch goes to the mailer in chunks (`Mailer::chunk_size`), and each chunk's outcome is
//! committed before the next is sent: a crash can send again only the chunk in hand. A permanent
//! refusal (5xx) is recorded as a failed delivery, shown in the application's history; a
//! transient one (4xx, no connection), once retried, stops the batch, which is tried again from
//! its first undelivered message until the relay is back, so mail is delayed, never lost.

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use pvara_domain::event::{AccountMailRequested, EmailRequested, Event, Topic};
use pvara_domain::ids::{ApplicationId, EventId, TokenId};
use pvara_storage::Store;
use pvara_storage::model::{Checkpoint, Delivery, OutboxMessage, Record, WorkBatch};

use super::{BatchHandler, WorkerConfig, WorkerError, dead_letter, decode_batch, with_retries};
use crate::auth::links::Links;
use crate::mail::{MailError, MailMessage, MailTemplates, Mailer};

pub const GROUP: &str = pvara_domain::event::NOTIFY_GROUP.name;

fn no_outcome() -> MailError {
    MailError::Transient("the mailer gave no outcome for this message".to_owned())
}

pub struct NotifyWorker {
    store: Arc<dyn Store>,
    mailer: Arc<dyn Mailer>,
    templates: Arc<MailTemplates>,
    links: Links,
    config: WorkerConfig,
}

impl std::fmt::Debug for NotifyWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifyWorker")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// A request on the topic, typed.
enum Request {
    Application(EmailRequested),
    Account(AccountMailRequested),
}

/// A batch's mail, rendered, and the records set aside (undecodable or unrenderable).
#[derive(Default)]
struct Rendered<'r> {
    mails: Vec<(&'r Record, MailMessage, Source)>,
    dead_letters: Vec<OutboxMessage>,
}

/// What a rendered message will record once delivered.
#[derive(Clone, Copy)]
enum Source {
    Application(ApplicationId),
    Account(TokenId),
}

impl NotifyWorker {
    pub fn new(
        store: Arc<dyn Store>,
        mailer: Arc<dyn Mailer>,
        templates: Arc<MailTemplates>,
        links: Links,
        config: WorkerConfig,
    ) -> Self {
        Self {
            store,
            mailer,
            templates,
            links,
            config,
        }
    }

    /// Renders the application mails not delivered yet.
    async fn application_mails<'r>(
        &self,
        requests: Vec<(&'r Record, EventId, EmailRequested)>,
        out: &mut Rendered<'r>,
    ) -> Result<(), WorkerError> {
        let ids: Vec<EventId> = requests.iter().map(|(_, id, _)| *id).collect();
        let done: HashSet<EventId> = self.store.delivered(&ids).await?.into_iter().collect();
        let mut seen = HashSet::new();
        let requests: Vec<_> = requests
            .into_iter()
            .filter(|(_, id, _)| !done.contains(id) && seen.insert(*id))
            .collect();
        let wanted: Vec<_> = requests
            .iter()
            .map(|(_, _, d)| (d.application_id, d.template.status()))
            .collect();
        let contexts = self.store.mail_contexts(&wanted).await?;
        for ((record, id, data), context) in requests.into_iter().zip(contexts) {
            let Some(context) = context else {
                tracing::warn!(application = %data.application_id, "application gone; mail not sent");
                continue;
            };
            let rendered = match data.panelist {
                None => self.templates.render(data.template, id, &context),
                // A panel member's invitation: rare, one read of the member each.
                Some(member) => match self.store.user(member).await?.filter(|u| u.active) {
                    Some(person) => self.templates.render_to(
                        data.template,
                        id,
                        &context,
                        Some((&person.full_name, &person.email)),
                    ),
                    None => {
                        tracing::warn!(user = %member, "panel member gone or deactivated; mail not sent");
                        continue;
                    }
                },
            };
            out.push(record, rendered, Source::Application(data.application_id));
        }
        Ok(())
    }

    /// Renders the account mails whose token is still unmailed, unused and unexpired.
    async fn account_mails<'r>(
        &self,
        requests: Vec<(&'r Record, EventId, AccountMailRequested)>,
        out: &mut Rendered<'r>,
    ) -> Result<(), WorkerError> {
        let ids: Vec<TokenId> = requests.iter().map(|(_, _, d)| d.token_id).collect();
        let contexts = self.store.account_mail_contexts(&ids).await?;
        let now = crate::now();
        let mut seen = HashSet::new();
        for ((record, id, data), context) in requests.into_iter().zip(contexts) {
            let Some(context) = context else {
                tracing::warn!(token = %data.token_id, "token gone; account mail not sent");
                continue;
            };
            let token = &context.token;
            if token.mailed || token.used || token.expires_at <= now || !seen.insert(token.id) {
                continue;
            }
            let link = self.links.url(token);
            let rendered = self.templates.render_account(id, &context, &link);
            out.push(record, rendered, Source::Account(token.id));
        }
        Ok(())
    }
}

impl<'r> Rendered<'r> {
    /// Keeps a rendered mail, or sets its record aside when its template cannot render it.
    fn push(
        &mut self,
        record: &'r Record,
        rendered: Result<MailMessage, crate::mail::TemplateError>,
        source: Source,
    ) {
        match rendered {
            Ok(message) => self.mails.push((record, message, source)),
            Err(error) => {
                tracing::error!(error = %crate::ErrorChain(&error), "cannot render a mail; dead-lettering");
                self.dead_letters
                    .push(dead_letter(record, &crate::ErrorChain(&error).to_string(), 1));
            }
        }
    }
}

#[async_trait]
impl BatchHandler for NotifyWorker {
    fn group(&self) -> &'static str {
        GROUP
    }

    fn topic(&self) -> &'static str {
        Topic::EmailNotification.name()
    }

    #[tracing::instrument(name = "notify_batch", skip_all, fields(records = records.len()))]
    async fn handle(&self, records: &[Record], checkpoint: Option<Checkpoint>) -> Result<(), WorkerError> {
        let mut rendered = Rendered::default();
        let requests = decode_batch(
            records,
            |event| match event {
                Event::EmailRequested(data) => Some(Request::Application(data)),
                Event::AccountMailRequested(data) => Some(Request::Account(data)),
                _ => None,
            },
            &mut rendered.dead_letters,
        );
        let (mut about_applications, mut about_accounts) = (Vec::new(), Vec::new());
        for (record, envelope, request) in requests {
            match request {
                Request::Application(data) => about_applications.push((record, envelope.id, data)),
                Request::Account(data) => about_accounts.push((record, envelope.id, data)),
            }
        }
        self.application_mails(about_applications, &mut rendered).await?;
        self.account_mails(about_accounts, &mut rendered).await?;
        // Each chunk's outcome commits before the next chunk is sent.
        for chunk in rendered.mails.chunks(self.mailer.chunk_size().max(1)) {
            let (recorded, deferred) = self.deliver(chunk).await;
            if !recorded.deliveries.is_empty() || !recorded.account_mails.is_empty() {
                self.store.apply_batch(recorded).await?;
            }
            if let Some((count, last)) = deferred {
                return Err(WorkerError::MailDeferred { count, last });
            }
        }
        let done = WorkBatch {
            messages: rendered.dead_letters,
            checkpoint,
            ..WorkBatch::default()
        };
        self.store.apply_batch(done).await?;
        Ok(())
    }
}

/// A relay's reply with the recipient's address taken out: replies often quote it, and neither
/// the logs nor the delivery records may keep personal data.
fn without_address(error: &MailError, message: &MailMessage) -> String {
    error.to_string().replace(&message.to_address, "<recipient>")
}

impl NotifyWorker {
    /// Hands `chunk` to the mailer, retrying transient failures a few times, and says what to
    /// record (deliveries, refusals, tokens mailed) and how many are still deferred.
    async fn deliver(
        &self,
        chunk: &[(&Record, MailMessage, Source)],
    ) -> (WorkBatch, Option<(usize, String)>) {
        let to_send: Vec<MailMessage> = chunk.iter().map(|(_, m, _)| m.clone()).collect();
        let mailer = &self.mailer;
        // A permanent refusal is a final outcome (`Ok(Err)`), not a failure to retry.
        let outcomes = with_retries(
            &to_send,
            &self.config,
            ("mail delivery", no_outcome),
            |batch| async move {
                mailer
                    .deliver(&batch)
                    .await
                    .into_iter()
                    .map(|outcome| match outcome {
                        Err(refused) if refused.is_permanent() => Ok(Err(refused)),
                        other => other.map(Ok),
                    })
                    .collect()
            },
        )
        .await;
        let mut recorded = WorkBatch::default();
        let mut deferred: Option<(usize, String)> = None;
        for ((_, message, source), (outcome, _attempts)) in chunk.iter().zip(outcomes) {
            let failure = match outcome {
                Err(error) => {
                    // Logged with the batch's retry: without the address, as every mail log line.
                    let entry = deferred.get_or_insert((0, String::new()));
                    *entry = (entry.0 + 1, without_address(&error, message));
                    continue;
                }
                Ok(Ok(())) => {
                    metrics::counter!(crate::metrics::MAILS_DELIVERED, "template" => message.template)
                        .increment(1);
                    None
                }
                Ok(Err(refused)) => {
                    metrics::counter!(crate::metrics::MAILS_FAILED, "template" => message.template)
                        .increment(1);
                    // The reply may quote the address; the record must not keep it (erasure).
                    let reply = without_address(&refused, message);
                    tracing::warn!(
                        template = message.template,
                        reply,
                        "mail refused for good; recorded as failed"
                    );
                    Some(reply)
                }
            };
            match source {
                Source::Application(application_id) => recorded.deliveries.push(Delivery {
                    event_id: message.id,
                    application_id: *application_id,
                    template: message.template.to_owned(),
                    message_id: message.message_id(),
                    delivered_at: crate::now(),
                    failure,
                }),
                Source::Account(token) => recorded.account_mails.push(*token),
            }
        }
        (recorded, deferred)
    }
}
