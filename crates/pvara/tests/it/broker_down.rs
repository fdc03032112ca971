//! The broker goes down while applications keep arriving: the API keeps answering 201, the outbox
//! holds the events, and once the broker is back every application is scored, each once.
//! The outage is a TCP proxy in front of the broker that is cut and restored, so the broker keeps
//! its (in-memory) data the way a restarted broker with durable storage would.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;

use pvara_domain::user::Role;
use pvara_services::scorer::RuleScorer;
use pvara_storage::kafka::KafkaOptions;
use tokio::process::{Child, Command};

use crate::helpers::*;
use crate::processes::per_key;

fn tansu_bin() -> PathBuf {
    std::env::var_os("PVARA_TANSU_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/pvara/tansu/bin/tansu"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_tansu(listen: u16, advertise: u16) -> Child {
    let child = Command::new(tansu_bin())
        .args(["broker", "--listener-url", &format!("tcp://127.0.0.1:{listen}")])
        .args([
            "--advertised-listener-url",
            &format!("tcp://127.0.0.1:{advertise}"),
        ])
        .args(["--storage-engine", "memory://tansu/"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    eventually("tansu to listen", || async {
        tokio::net::TcpStream::connect(("127.0.0.1", listen))
            .await
            .ok()
            .map(|_| ())
    })
    .await;
    child
}

/// The broker as pvara sees it: a TCP proxy in front of tansu that can be taken down (listener
/// closed, every connection cut) and brought back, while tansu and its data stay as they were.
struct Outage {
    port: u16,
    upstream: u16,
    serving: Option<tokio::task::JoinHandle<()>>,
}

impl Outage {
    async fn up(port: u16, upstream: u16) -> Self {
        let mut outage = Outage {
            port,
            upstream,
            serving: None,
        };
        outage.restore().await;
        outage
    }

    async fn restore(&mut self) {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port))
            .await
            .unwrap();
        let upstream = self.upstream;
        self.serving = Some(tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((mut client, _)) = listener.accept().await {
                connections.spawn(async move {
                    if let Ok(mut broker) = tokio::net::TcpStream::connect(("127.0.0.1", upstream)).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut broker).await;
                    }
                });
            }
        }));
    }

    /// Aborting the task drops the listener and, with the JoinSet, every proxied connection.
    async fn cut(&mut self) {
        if let Some(serving) = self.serving.take() {
            serving.abort();
            let _ = serving.await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applications_keep_arriving_while_the_broker_is_down() {
    let (proxy_port, broker_port) = (free_port(), free_port());
    let _broker = start_tansu(broker_port, proxy_port).await;
    let mut outage = Outage::up(proxy_port, broker_port).await;
    let port = proxy_port;
    let kafka = KafkaOptions {
        brokers: format!("127.0.0.1:{port}"),
        properties: vec![("batch.num.messages".to_owned(), "1".to_owned())],
        replication: 1,
        prefix: String::new(),
    };
    let app = spawn_app_configured(Backend::Postgres, Arc::new(RuleScorer), |config| {
        config.kafka = Some(kafka)
    })
    .await;

    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(&recruiter, &job_body("Engineer", "Rust", &["Rust"], &[], 0.0))
        .await;
    let mut people = Vec::new();
    for i in 0..12 {
        people.push(app.applicant(&format!("Person {i}")).await);
    }
    let mut ids = Vec::new();
    for who in &people[..4] {
        ids.push(
            app.submit(
                who,
                &application_body(&job, who, &["Rust"], 1.0, "bachelor", "Rust"),
            )
            .await,
        );
    }
    for id in &ids {
        app.wait_for_status(&recruiter, id, "Under Review").await;
    }

    outage.cut().await;
    for who in &people[4..] {
        // Accepted while the broker is down: the events wait in the outbox.
        ids.push(
            app.submit(
                who,
                &application_body(&job, who, &["Rust"], 1.0, "bachelor", "Rust"),
            )
            .await,
        );
    }
    assert!(
        app.engines.store.counts().await.unwrap().outbox >= 8,
        "the outbox holds what the broker could not take"
    );
    let waiting = app.application(&recruiter, &ids[11]).await;
    assert_eq!(waiting["status"], "Submitted");

    outage.restore().await;
    eventually("the relay to catch up once the broker is back", || async {
        let outbox = app.engines.store.counts().await.unwrap().outbox;
        (outbox == 0).then_some(())
    })
    .await;
    for id in &ids {
        app.wait_for_status(&recruiter, id, "Under Review").await;
    }
    app.settle().await;
    let scored = per_key(&app.engines, "ai-scoring-complete").await;
    assert_eq!(scored.len(), 12);
    assert!(scored.values().all(|&n| n == 1), "{scored:?}");
    let submitted = per_key(&app.engines, "application-submitted").await;
    assert_eq!(submitted.len(), 12, "every submission reached the broker");
    app.stop().await;
}
