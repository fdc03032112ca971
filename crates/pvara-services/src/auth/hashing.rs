//! A few dedicated threads for argon2id. Each hash takes 19 MiB and tens of milliseconds by
//! design. On tokio's blocking pool a burst of sign-ups and logins ran hundreds at once, and
//! every pool thread kept its 19 MiB in its own malloc arena afterwards (seen: 5.7 GB resident
//! after 300 sign-ups). Here the work queues instead: memory stays at a few hashes' worth, and
//! hashing cannot take every core from the requests that do not hash.

use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};

use tokio::sync::oneshot;

use super::AuthError;

/// Hashes at once; more would only queue on two cores anyway.
const THREADS: usize = 2;
/// Hashes waiting for a thread. At tens of milliseconds each, a full queue is about a second's
/// work: past it a sign-in is answered 429 at once instead of waiting behind a flood (1,000
/// wrong sign-ins in flight made a real user wait 22.8 s with an unbounded queue).
const QUEUE: usize = 64;

type Job = Box<dyn FnOnce() + Send>;

static SENDER: OnceLock<mpsc::SyncSender<Job>> = OnceLock::new();

fn queue() -> &'static mpsc::SyncSender<Job> {
    SENDER.get_or_init(|| {
        let (sender, receiver) = mpsc::sync_channel::<Job>(QUEUE);
        let receiver = Arc::new(Mutex::new(receiver));
        for i in 0..THREADS {
            let receiver = receiver.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("pvara-hash-{i}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while taking the next job.
                        let job = match receiver.lock() {
                            Ok(receiver) => receiver.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(error) = spawned {
                tracing::error!(%error, "cannot start a password hashing thread");
            }
        }
        sender
    })
}

/// Runs `work` on a hashing thread and waits for its result without blocking the runtime.
pub(super) async fn run<T, F>(work: F) -> Result<T, AuthError>
where
    F: FnOnce() -> Result<T, AuthError> + Send + 'static,
    T: Send + 'static,
{
    let (reply, answer) = oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = reply.send(work());
    });
    queue().try_send(job).map_err(|error| match error {
        mpsc::TrySendError::Full(_) => AuthError::Busy,
        mpsc::TrySendError::Disconnected(_) => AuthError::HashingStopped,
    })?;
    answer.await.map_err(|_| AuthError::HashingStopped)?
}
