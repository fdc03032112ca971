//! The notification worker: `email-notification` -> rendered mail -> [`Mailer`], once per event.
//!
//! Two kinds of request share the topic: mail about an application (its history entry holds the
//! details), and account mail (a verification or password-reset link, whose token is marked
//! mailed so a redelivery sends nothing). Both go to the mailer in one call per batch.

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use pvara_domain::event::{AccountMailRequested, EmailRequested, Event, Topic};
use pvara_domain::ids::{ApplicationId, EventId, TokenId};
use pvara_storage::Store;
use pvara_storage::model::{Checkpoint, Delivery, OutboxMessage, Record, WorkBatch};

use super::{BatchHandler, WorkerConfig, WorkerError, dead_letter, decode_batch, with_retries};
use crate::auth::links::Links;
use crate::mail::{MailMessage, Mailer, render, render_account};

pub const GROUP: &str = pvara_domain::event::NOTIFY_GROUP.name;

fn no_outcome() -> crate::mail::MailError {
    crate::mail::MailError::Delivery("the mailer gave no outcome for this message".to_owned())
}

pub struct NotifyWorker {
    store: Arc<dyn Store>,
    mailer: Arc<dyn Mailer>,
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

/// What a rendered message will record once delivered.
#[derive(Clone, Copy)]
enum Source {
    Application(ApplicationId),
    Account(TokenId),
}

impl NotifyWorker {
    pub fn new(store: Arc<dyn Store>, mailer: Arc<dyn Mailer>, links: Links, config: WorkerConfig) -> Self {
        Self {
            store,
            mailer,
            links,
            config,
        }
    }

    /// Renders the application mails not delivered yet.
    async fn application_mails<'r>(
        &self,
        requests: Vec<(&'r Record, EventId, EmailRequested)>,
        out: &mut Vec<(&'r Record, MailMessage, Source)>,
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
            match context {
                Some(context) => out.push((
                    record,
                    render(data.template, id, &context),
                    Source::Application(data.application_id),
                )),
                None => tracing::warn!(application = %data.application_id, "application gone; mail not sent"),
            }
        }
        Ok(())
    }

    /// Renders the account mails whose token is still unmailed, unused and unexpired.
    async fn account_mails<'r>(
        &self,
        requests: Vec<(&'r Record, EventId, AccountMailRequested)>,
        out: &mut Vec<(&'r Record, MailMessage, Source)>,
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
            out.push((
                record,
                render_account(id, &context, &link),
                Source::Account(token.id),
            ));
        }
        Ok(())
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

    async fn handle(&self, records: &[Record], checkpoint: Option<Checkpoint>) -> Result<(), WorkerError> {
        let mut dead_letters = Vec::new();
        let requests = decode_batch(
            records,
            |event| match event {
                Event::EmailRequested(data) => Some(Request::Application(data)),
                Event::AccountMailRequested(data) => Some(Request::Account(data)),
                _ => None,
            },
            &mut dead_letters,
        );
        let (mut about_applications, mut about_accounts) = (Vec::new(), Vec::new());
        for (record, envelope, request) in requests {
            match request {
                Request::Application(data) => about_applications.push((record, envelope.id, data)),
                Request::Account(data) => about_accounts.push((record, envelope.id, data)),
            }
        }
        let mut rendered = Vec::new();
        self.application_mails(about_applications, &mut rendered).await?;
        self.account_mails(about_accounts, &mut rendered).await?;
        let batch = self.deliver(rendered, dead_letters).await;
        self.store.apply_batch(WorkBatch { checkpoint, ..batch }).await?;
        Ok(())
    }
}

impl NotifyWorker {
    /// Hands the messages to the mailer (with retries) and says what to record: deliveries,
    /// tokens mailed, and a dead letter for each message that could not be delivered.
    async fn deliver(
        &self,
        rendered: Vec<(&Record, MailMessage, Source)>,
        mut dead_letters: Vec<OutboxMessage>,
    ) -> WorkBatch {
        let to_send: Vec<MailMessage> = rendered.iter().map(|(_, m, _)| m.clone()).collect();
        let mailer = &self.mailer;
        let outcomes = with_retries(
            &to_send,
            &self.config,
            ("mail delivery", no_outcome),
            |batch| async move { mailer.deliver(&batch).await },
        )
        .await;
        let (mut deliveries, mut account_mails) = (Vec::new(), Vec::new());
        for ((record, message, source), (outcome, attempts)) in rendered.into_iter().zip(outcomes) {
            if let Err(error) = outcome {
                tracing::error!(%error, attempts, "mail undeliverable; dead-lettering");
                dead_letters.push(dead_letter(record, &error.to_string(), attempts));
                continue;
            }
            metrics::counter!(crate::metrics::MAILS_DELIVERED, "template" => message.template).increment(1);
            match source {
                Source::Application(application_id) => deliveries.push(Delivery {
                    event_id: message.id,
                    application_id,
                    template: message.template.to_owned(),
                    message_id: message.message_id(),
                    delivered_at: crate::now(),
                }),
                Source::Account(token) => account_mails.push(token),
            }
        }
        WorkBatch {
            transitions: Vec::new(),
            messages: dead_letters,
            deliveries,
            account_mails,
            checkpoint: None,
        }
    }
}
