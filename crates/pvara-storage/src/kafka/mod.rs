//! The event log on Apache Kafka (any Kafka-protocol broker), through librdkafka.
//!
//! The outbox stays in the database; the relay claims outbox rows, produces them with the
//! idempotent producer (`acks=all`), waits for every delivery report and only then deletes the
//! rows. Records are CloudEvents in binary content mode (`ce_*` headers), keyed by application id,
//! on the partition Kafka's own partitioner would pick (murmur2), so they are readable by any
//! Kafka client.
//!
//! All topic and group names get an optional prefix, so several pvara installations (or test
//! runs) can share one cluster.

mod consumer;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer as _};
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::types::RDKafkaErrorCode;

use crate::error::{BoxError, LogError};
use crate::log::{Consumer, EventLog, Publisher, Relay};
use crate::model::{GroupOffset, OffsetReset, OutboxMessage, PartitionInfo, Record, TopicInfo};
use crate::store::Store;

const METADATA_TIMEOUT: Duration = Duration::from_secs(10);

/// How to reach the cluster.
#[derive(Clone)]
pub struct KafkaOptions {
    /// `host:port,host:port`.
    pub brokers: String,
    /// Extra librdkafka properties (security.protocol, sasl.*, ssl.*), passed through as given.
    pub properties: Vec<(String, String)>,
    /// Replication factor of topics pvara creates (3 in production).
    pub replication: i32,
    /// Prepended to every topic and group name.
    pub prefix: String,
    /// How this process names itself to the brokers (`client.id`), before the purpose of each
    /// client (`pvara-worker-scoring@host1:pvara-scoring`): Kafka's own tools then tell a
    /// scoring worker from a mailer. An operator's `client.id` property wins.
    pub client_id: String,
}

impl std::fmt::Debug for KafkaOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Properties may hold SASL passwords: print their names only.
        let names: Vec<&str> = self.properties.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("KafkaOptions")
            .field("brokers", &self.brokers)
            .field("properties", &names)
            .field("replication", &self.replication)
            .field("prefix", &self.prefix)
            .field("client_id", &self.client_id)
            .finish()
    }
}

impl From<KafkaError> for LogError {
    fn from(error: KafkaError) -> Self {
        match error.rdkafka_error_code() {
            Some(
                RDKafkaErrorCode::BrokerTransportFailure
                | RDKafkaErrorCode::AllBrokersDown
                | RDKafkaErrorCode::MessageTimedOut
                | RDKafkaErrorCode::OperationTimedOut
                | RDKafkaErrorCode::RequestTimedOut
                | RDKafkaErrorCode::QueueFull,
            ) => LogError::Unavailable(error.to_string()),
            _ => LogError::Backend(Box::new(error) as BoxError),
        }
    }
}

fn blocking_failed(e: tokio::task::JoinError) -> LogError {
    LogError::Unavailable(format!("kafka client task failed: {e}"))
}

/// The Kafka event log. Cheap to clone.
#[derive(Clone)]
pub struct KafkaLog {
    inner: Arc<Inner>,
}

struct Inner {
    options: KafkaOptions,
    /// Replaced when it reports a fatal error (see [`KafkaLog::producer`]).
    producer: std::sync::RwLock<FutureProducer>,
    /// Partition counts of the topics pvara produces to, from creation or metadata.
    partitions: Mutex<HashMap<String, u32>>,
}

impl std::fmt::Debug for KafkaLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaLog")
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

/// Keeps the last error librdkafka reported, so that a failed first contact says why (wrong
/// SASL password, untrusted certificate) instead of timing out with no reason.
#[derive(Default)]
struct FirstContact {
    last_error: Mutex<Option<String>>,
}

impl rdkafka::ClientContext for FirstContact {
    fn error(&self, error: KafkaError, reason: &str) {
        if let Ok(mut last) = self.last_error.lock() {
            *last = Some(format!("{error}: {reason}"));
        }
    }

    /// librdkafka's own account of a failed connection (`FAIL`: "SASL authentication error:
    /// ...", "SSL handshake failed: ... certificate verify failed"), the clearest reason it gives.
    fn log(&self, level: rdkafka::config::RDKafkaLogLevel, fac: &str, message: &str) {
        use rdkafka::config::RDKafkaLogLevel as Level;
        let serious = matches!(
            level,
            Level::Emerg | Level::Alert | Level::Critical | Level::Error
        );
        if fac == "FAIL"
            && serious
            && let Ok(mut last) = self.last_error.lock()
        {
            // "sasl_ssl://host:port/bootstrap: SASL authentication error: ...": the reason.
            let reason = message.find(": ").map_or(message, |at| &message[at + 2..]);
            *last = Some(reason.to_owned());
        }
    }
}

impl rdkafka::consumer::ConsumerContext for FirstContact {}

/// How long the first contact may take before pvara gives up at start.
const FIRST_CONTACT_TIMEOUT: Duration = Duration::from_secs(15);

impl KafkaLog {
    /// Asks the cluster for its brokers once, with the configured security: a wrong password
    /// or an untrusted certificate stops the start with librdkafka's reason and a hint, rather
    /// than leaving a process that retries in the background for ever.
    pub async fn check_contact(options: &KafkaOptions) -> Result<(), LogError> {
        let probe: BaseConsumer<FirstContact> = options
            .client_config("contact")
            .set("group.id", format!("{}pvara-contact", options.prefix))
            .create_with_context(FirstContact::default())?;
        let brokers = options.brokers.clone();
        tokio::task::spawn_blocking(move || {
            // Short rounds, so that a refusal that will not change (a password, a certificate)
            // ends the wait at once instead of at the deadline.
            let deadline = std::time::Instant::now() + FIRST_CONTACT_TIMEOUT;
            loop {
                // Serves the client's events: errors and logs reach the context through it.
                let _ = probe.poll(Duration::from_millis(100));
                let error = match probe.fetch_metadata(None, Duration::from_secs(1)) {
                    Ok(_) => return Ok(()),
                    Err(error) => error,
                };
                let reason = probe
                    .context()
                    .last_error
                    .lock()
                    .ok()
                    .and_then(|last| last.clone());
                let lasting = reason
                    .as_deref()
                    .is_some_and(|r| contact_hint(r) != UNREACHABLE_HINT);
                if lasting || std::time::Instant::now() >= deadline {
                    let reason = reason.unwrap_or_else(|| error.to_string());
                    return Err(LogError::Unavailable(format!(
                        "cannot reach Kafka at {brokers}: {reason}{}",
                        contact_hint(&reason)
                    )));
                }
            }
        })
        .await
        .map_err(blocking_failed)?
    }

    pub fn connect(options: KafkaOptions) -> Result<Self, LogError> {
        let producer = Self::new_producer(&options)?;
        Ok(Self {
            inner: Arc::new(Inner {
                options,
                producer: std::sync::RwLock::new(producer),
                partitions: Mutex::new(HashMap::new()),
            }),
        })
    }

    fn new_producer(options: &KafkaOptions) -> Result<FutureProducer, LogError> {
        Ok(options
            .client_config_over(
                "relay",
                &[
                    ("enable.idempotence", "true"),
                    ("acks", "all"),
                    ("linger.ms", "5"),
                    ("message.timeout.ms", "30000"),
                ],
            )
            .create()?)
    }

    /// The producer, replaced first if it has failed for good. An idempotent producer whose
    /// messages timed out may be fenced by the broker and then refuses everything, forever (seen
    /// against a Kafka-protocol broker under load: the relay failed for minutes on end). Undelivered records stay
    /// in the outbox, so a fresh producer resends them; the consumers' idempotence absorbs any
    /// record that did reach the log.
    fn producer(&self) -> Result<FutureProducer, LogError> {
        let current = self.inner.producer.read().map_err(|_| poisoned())?.clone();
        let Some(fatal) = current.client().fatal_error() else {
            return Ok(current);
        };
        tracing::error!(error = %fatal.1, "the Kafka producer failed for good; starting a new one");
        let fresh = Self::new_producer(&self.inner.options)?;
        *self.inner.producer.write().map_err(|_| poisoned())? = fresh.clone();
        Ok(fresh)
    }

    fn physical(&self, name: &str) -> String {
        format!("{}{name}", self.inner.options.prefix)
    }

    fn logical<'a>(&self, name: &'a str) -> Option<&'a str> {
        name.strip_prefix(self.inner.options.prefix.as_str())
    }

    /// A consumer that joins no group: for reading positions and records.
    fn reader(&self) -> Result<BaseConsumer, LogError> {
        Ok(self
            .inner
            .options
            .client_config("reader")
            .set("group.id", format!("{}pvara-reader", self.inner.options.prefix))
            .set("enable.auto.commit", "false")
            .create()?)
    }

    /// Partition count of `topic`, from the cache or the cluster's metadata.
    async fn partitions_of(&self, topic: &str) -> Result<u32, LogError> {
        if let Some(&n) = self.inner.partitions.lock().map_err(|_| poisoned())?.get(topic) {
            return Ok(n);
        }
        let physical = self.physical(topic);
        let producer = self.producer()?;
        let n = tokio::task::spawn_blocking(move || {
            let metadata = producer
                .client()
                .fetch_metadata(Some(&physical), METADATA_TIMEOUT)?;
            let count = metadata.topics().first().map_or(0, |t| t.partitions().len());
            Ok::<_, LogError>(count as u32)
        })
        .await
        .map_err(blocking_failed)??;
        if n == 0 {
            return Err(LogError::UnknownTopic(topic.to_owned()));
        }
        self.inner
            .partitions
            .lock()
            .map_err(|_| poisoned())?
            .insert(topic.to_owned(), n);
        Ok(n)
    }

    /// The partitions of a topic just created: Apache Kafka answers CreateTopics before every
    /// broker's metadata lists the topic (seconds under load), so an unknown topic is asked
    /// again for a while.
    async fn created_partitions(&self, topic: &str) -> Result<u32, LogError> {
        let deadline = tokio::time::Instant::now() + METADATA_TIMEOUT;
        loop {
            match self.partitions_of(topic).await {
                Err(LogError::UnknownTopic(_)) if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                other => return other,
            }
        }
    }

    /// The relay for this log: outbox rows of `store` published here.
    pub fn relay(&self, store: Arc<dyn Store>) -> KafkaRelay {
        KafkaRelay {
            store,
            log: self.clone(),
        }
    }
}

fn poisoned() -> LogError {
    LogError::Unavailable("partition cache lock poisoned".to_owned())
}

const UNREACHABLE_HINT: &str = " (check --kafka-brokers and that the brokers are up)";

const CA_HINT: &str =
    " (check that --kafka-property ssl.ca.location names the CA that signed the brokers' certificates)";

/// What an operator should check, from librdkafka's words for the failure. The certificate
/// comes first: librdkafka names the broker by its address, `sasl_ssl://host:port/...`, so an
/// untrusted certificate's message says "sasl" too.
fn contact_hint(reason: &str) -> &'static str {
    let reason = reason.to_ascii_lowercase();
    if reason.contains("certificate") {
        CA_HINT
    } else if reason.contains("authentication") || reason.contains("sasl") {
        " (check --kafka-property sasl.mechanism, sasl.username and sasl.password)"
    } else if reason.contains("ssl") {
        CA_HINT
    } else {
        UNREACHABLE_HINT
    }
}

impl KafkaOptions {
    fn client_config(&self, purpose: &str) -> ClientConfig {
        self.client_config_over(purpose, &[])
    }

    /// pvara's `defaults` and a `client.id` naming this process and the client's `purpose`, then
    /// the operator's properties, which win.
    fn client_config_over(&self, purpose: &str, defaults: &[(&str, &str)]) -> ClientConfig {
        let mut config = ClientConfig::new();
        config.set("client.id", format!("{}:{purpose}", self.client_id));
        for (key, value) in defaults {
            config.set(*key, *value);
        }
        config.set("bootstrap.servers", &self.brokers);
        for (key, value) in &self.properties {
            config.set(key, value);
        }
        config
    }
}

#[async_trait]
impl Publisher for KafkaLog {
    /// Enqueues the whole batch, then waits for the delivery reports: many records in flight at
    /// once, instead of one round trip (and one linger) per record.
    async fn publish(&self, messages: &[OutboxMessage]) -> Result<(), LogError> {
        let producer = self.producer()?;
        let mut deliveries = Vec::with_capacity(messages.len());
        for message in messages {
            let partitions = self.partitions_of(&message.topic).await?;
            let partition = message.partition(partitions) as i32;
            let mut headers = OwnedHeaders::new_with_capacity(message.headers.len());
            for (name, value) in &message.headers {
                headers = headers.insert(Header {
                    key: name,
                    value: Some(value.as_bytes()),
                });
            }
            let topic = self.physical(&message.topic);
            let mut record = FutureRecord::to(&topic)
                .payload(&message.value)
                .partition(partition)
                .headers(headers);
            if let Some(key) = &message.key {
                record = record.key(key);
            }
            let delivery = producer
                .send_result(record)
                .map_err(|(error, _)| LogError::from(error))?;
            deliveries.push(delivery);
        }
        for delivery in deliveries {
            match delivery.await {
                Ok(Ok(_)) => {}
                Ok(Err((error, _))) => return Err(error.into()),
                Err(_) => {
                    return Err(LogError::Unavailable(
                        "the producer dropped a delivery report".to_owned(),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Publishes the store's outbox to Kafka.
pub struct KafkaRelay {
    store: Arc<dyn Store>,
    log: KafkaLog,
}

impl std::fmt::Debug for KafkaRelay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaRelay").finish_non_exhaustive()
    }
}

#[async_trait]
impl Relay for KafkaRelay {
    async fn relay_batch(&self, max: usize) -> Result<usize, LogError> {
        Ok(self.store.relay_outbox(max, &self.log).await?)
    }
}

#[async_trait]
impl EventLog for KafkaLog {
    async fn ensure_topics(&self, names: &[String], partitions: u32) -> Result<(), LogError> {
        let admin: AdminClient<DefaultClientContext> = self.inner.options.client_config("admin").create()?;
        let physical: Vec<String> = names.iter().map(|n| self.physical(n)).collect();
        let replication = self.inner.options.replication;
        let topics: Vec<NewTopic<'_>> = physical
            .iter()
            .map(|n| NewTopic::new(n, partitions.max(1) as i32, TopicReplication::Fixed(replication)))
            .collect();
        let options = AdminOptions::new().operation_timeout(Some(METADATA_TIMEOUT));
        for result in admin.create_topics(&topics, &options).await? {
            match result {
                Ok(topic) => tracing::info!(%topic, partitions, "created topic"),
                Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
                Err((topic, code)) => {
                    return Err(LogError::Backend(
                        format!("cannot create topic {topic}: {code}").into(),
                    ));
                }
            }
        }
        self.inner.partitions.lock().map_err(|_| poisoned())?.clear();
        for name in names {
            let existing = self.created_partitions(name).await?;
            if existing != partitions {
                tracing::warn!(topic = %name, existing, requested = partitions, "topic exists with another partition count; keeping it");
            }
        }
        Ok(())
    }

    async fn topics(&self) -> Result<Vec<TopicInfo>, LogError> {
        let reader = self.reader()?;
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let metadata = reader.fetch_metadata(None, METADATA_TIMEOUT)?;
            let mut topics = Vec::new();
            for topic in metadata.topics() {
                let Some(name) = this.logical(topic.name()) else {
                    continue;
                };
                if name.starts_with("__") {
                    continue;
                }
                let mut partitions = Vec::new();
                for p in topic.partitions() {
                    let end_offset = consumer::end_offset(&reader, topic.name(), p.id())?;
                    partitions.push(PartitionInfo {
                        partition: p.id() as u32,
                        end_offset,
                    });
                }
                partitions.sort_by_key(|p| p.partition);
                topics.push(TopicInfo {
                    name: name.to_owned(),
                    partitions,
                });
            }
            topics.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(topics)
        })
        .await
        .map_err(blocking_failed)?
    }

    async fn groups(&self) -> Result<Vec<GroupOffset>, LogError> {
        consumer::group_offsets(self).await
    }

    async fn append(&self, messages: Vec<OutboxMessage>) -> Result<(), LogError> {
        self.publish(&messages).await
    }

    async fn read(
        &self,
        topic: &str,
        partition: u32,
        from: u64,
        max: usize,
    ) -> Result<Vec<Record>, LogError> {
        consumer::read_partition(self, topic, partition, from, max).await
    }

    async fn subscribe(&self, group: &str, topic: &str) -> Result<Box<dyn Consumer>, LogError> {
        // Kafka subscribes lazily; a typo in a topic name should fail here, not wait forever.
        self.partitions_of(topic).await?;
        Ok(Box::new(consumer::KafkaConsumer::join(self, group, topic)?))
    }

    async fn reset_offsets(
        &self,
        group: &str,
        topic: &str,
        to: OffsetReset,
    ) -> Result<Vec<GroupOffset>, LogError> {
        consumer::reset_offsets(self, group, topic, to).await
    }

    async fn ping(&self) -> Result<(), LogError> {
        let producer = self.producer()?;
        tokio::task::spawn_blocking(move || {
            producer.client().fetch_metadata(None, Duration::from_secs(3))?;
            Ok(())
        })
        .await
        .map_err(blocking_failed)?
    }
}

#[cfg(test)]
mod tests {
    use super::contact_hint;

    #[test]
    fn the_hint_names_what_librdkafka_says_failed() {
        let untrusted =
            "sasl_ssl://127.0.0.1:9094/bootstrap: error:0A000086:SSL routines::certificate verify failed";
        assert!(contact_hint(untrusted).contains("ssl.ca.location"));
        let password =
            "sasl_ssl://127.0.0.1:9094/bootstrap: SASL authentication error: Authentication failed";
        assert!(contact_hint(password).contains("sasl.password"));
        assert!(contact_hint("Connection refused").contains("--kafka-brokers"));
    }
}
