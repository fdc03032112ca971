//! The load itself: submissions over C connections, either as fast as answers come back (closed
//! loop) or on a fixed schedule of R per second (open loop).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use tokio::task::JoinSet;

/// One answered submission.
#[derive(Debug, Clone)]
pub(super) struct Submission {
    /// Seconds from the start of the run to the answer.
    pub done_at: f64,
    pub latency_ms: f64,
    /// The application id, for accepted submissions.
    pub id: Option<String>,
}

/// One application to send, ready to go: serialized once, before the clock starts, so the load
/// generator spends its share of the machine on sending, not on JSON.
pub(super) struct Prepared {
    /// `Bearer <token>`, shared by the applicant's applications.
    pub authorization: HeaderValue,
    pub body: Body,
}

/// How an application travels: the API's JSON, or the apply form's fields with a CV file.
pub(super) enum Body {
    Json(bytes::Bytes),
    Form {
        fields: Vec<(String, String)>,
        /// The file's name, its type and its bytes (shared by every application).
        cv: Arc<(String, &'static str, bytes::Bytes)>,
    },
}

impl Body {
    fn attach(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self {
            Body::Json(json) => request
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(json.clone()),
            Body::Form { fields, cv } => {
                let (name, mime, bytes) = cv.as_ref();
                let mut form = reqwest::multipart::Form::new();
                for (key, value) in fields {
                    form = form.text(key.clone(), value.clone());
                }
                let file = reqwest::multipart::Part::stream(bytes.clone())
                    .file_name(name.clone())
                    .mime_str(mime)
                    .unwrap_or_else(|_| reqwest::multipart::Part::stream(bytes.clone()));
                request.multipart(form.part("cv", file))
            }
        }
    }
}

/// The part of a 201 answer the benchmark reads.
#[derive(serde::Deserialize)]
struct Created {
    id: String,
}

pub(super) struct Load {
    pub url: String,
    pub connections: usize,
    /// Offered applications per second; `None` for a closed loop.
    pub rate: Option<f64>,
    pub work: Arc<Vec<Prepared>>,
    /// Counts answers as they come, for the progress bar.
    pub answered: Arc<AtomicUsize>,
}

/// Submits everything and returns every answer. In the open loop a request's latency counts from
/// the moment it was due, not from when a connection got free to send it, so a server that
/// falls behind shows it (no coordinated omission).
pub(super) async fn run(client: &reqwest::Client, load: Load, started: Instant) -> Vec<Submission> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut connections = JoinSet::new();
    for _ in 0..load.connections {
        let (client, work, next, url, answered) = (
            client.clone(),
            load.work.clone(),
            next.clone(),
            load.url.clone(),
            load.answered.clone(),
        );
        let rate = load.rate;
        connections.spawn(async move {
            let mut answers = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(prepared) = work.get(i) else { break };
                let due = match rate {
                    Some(rate) => {
                        let due = started + Duration::from_secs_f64(i as f64 / rate);
                        tokio::time::sleep_until(due.into()).await;
                        due
                    }
                    None => Instant::now(),
                };
                let request = prepared.body.attach(
                    client
                        .post(&url)
                        .header(AUTHORIZATION, prepared.authorization.clone()),
                );
                let id = match request.send().await {
                    Ok(response) if response.status().as_u16() == 201 => response
                        .bytes()
                        .await
                        .ok()
                        .and_then(|answer| serde_json::from_slice::<Created>(&answer).ok())
                        .map(|created| created.id),
                    _ => None,
                };
                let now = Instant::now();
                answers.push(Submission {
                    done_at: (now - started).as_secs_f64(),
                    latency_ms: (now - due).as_secs_f64() * 1000.0,
                    id,
                });
                answered.fetch_add(1, Ordering::Relaxed);
            }
            answers
        });
    }
    let mut all = Vec::with_capacity(load.work.len());
    while let Some(done) = connections.join_next().await {
        match done {
            Ok(answers) => all.extend(answers),
            Err(error) => tracing::error!(%error, "a benchmark connection task failed"),
        }
    }
    all
}
