//! The notification worker: `email-notification` -> rendered mail -> [`Mailer`], once per event.

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use pvara_domain::event::{Event, Topic};
use pvara_domain::ids::EventId;
use pvara_storage::Store;
use pvara_storage::model::{Checkpoint, Delivery, Record, WorkBatch};

use super::{BatchHandler, WorkerConfig, WorkerError, dead_letter, decode_batch, with_retries};
use crate::mail::{Mailer, render};

pub const GROUP: &str = pvara_domain::event::NOTIFY_GROUP.name;

fn no_outcome() -> crate::mail::MailError {
    crate::mail::MailError::Delivery("the mailer gave no outcome for this message".to_owned())
}

pub struct NotifyWorker {
    store: Arc<dyn Store>,
    mailer: Arc<dyn Mailer>,
    config: WorkerConfig,
}

impl std::fmt::Debug for NotifyWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifyWorker")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl NotifyWorker {
    pub fn new(store: Arc<dyn Store>, mailer: Arc<dyn Mailer>, config: WorkerConfig) -> Self {
        Self {
            store,
            mailer,
            config,
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

    async fn handle(&self, records: &[Record], checkpoint: Checkpoint) -> Result<(), WorkerError> {
        let mut dead_letters = Vec::new();
        let mut requests: Vec<_> = decode_batch(
            records,
            |event| match event {
                Event::EmailRequested(data) => Some(data),
                _ => None,
            },
            &mut dead_letters,
        )
        .into_iter()
        .map(|(record, envelope, data)| (record, envelope.id, data))
        .collect();
        let ids: Vec<EventId> = requests.iter().map(|(_, id, _)| *id).collect();
        let done: HashSet<EventId> = self.store.delivered(&ids).await?.into_iter().collect();
        let mut seen = HashSet::new();
        requests.retain(|(_, id, _)| !done.contains(id) && seen.insert(*id));

        let wanted: Vec<_> = requests
            .iter()
            .map(|(_, _, d)| (d.application_id, d.template.status()))
            .collect();
        let contexts = self.store.mail_contexts(&wanted).await?;
        let mut to_send = Vec::new();
        let mut sources = Vec::new();
        for ((record, id, data), context) in requests.iter().zip(contexts) {
            match context {
                Some(context) => {
                    to_send.push(render(data.template, *id, &context));
                    sources.push((*record, data.application_id));
                }
                None => tracing::warn!(application = %data.application_id, "application gone; mail not sent"),
            }
        }
        let mailer = &self.mailer;
        let outcomes = with_retries(
            &to_send,
            &self.config,
            ("mail delivery", no_outcome),
            |batch| async move { mailer.deliver(&batch).await },
        )
        .await;
        let mut deliveries = Vec::new();
        for ((message, (record, application_id)), (outcome, attempts)) in
            to_send.iter().zip(sources).zip(outcomes)
        {
            match outcome {
                Ok(()) => {
                    metrics::counter!(crate::metrics::MAILS_DELIVERED, "template" => message.template)
                        .increment(1);
                    deliveries.push(Delivery {
                        event_id: message.id,
                        application_id,
                        template: message.template.to_owned(),
                        message_id: message.message_id(),
                        delivered_at: crate::now(),
                    });
                }
                Err(error) => {
                    tracing::error!(%error, attempts, "mail undeliverable; dead-lettering");
                    dead_letters.push(dead_letter(record, &error.to_string(), attempts));
                }
            }
        }
        self.store
            .apply_batch(WorkBatch {
                transitions: Vec::new(),
                messages: dead_letters,
                deliveries,
                checkpoint: Some(checkpoint),
            })
            .await?;
        Ok(())
    }
}
