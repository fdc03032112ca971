//! A few dedicated threads for argon2id. Each hash takes 19 MiB and tens of milliseconds by
//! design. On tokio's blocking pool a burst of sign-ups and logins ran hundreds at once, and
//! every pool thread kept its 19 MiB in its own malloc arena afterwards (seen: 5.7 GB resident
//! after 300 sign-ups). Here the work queues instead: memory stays at a few hashes' worth, and
//! hashing cannot take every core from the requests that do not hash.
//!
//! The queue is shared fairly: one client network ([`crate::throttle::network_of`]) holds at
//! most [`PER_NETWORK`] places, queued or hashing, so a flood from rotating addresses of one
//! network cannot fill it and keep a real sign-in out.

use std::collections::HashMap;
use std::net::IpAddr;
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

/// Places in the queue one client network may hold at once (a load generator on one address
/// holds no more sign-ups in flight than this: `pvara bench`).
pub const PER_NETWORK: usize = 4;

type Job = Box<dyn FnOnce() + Send>;

static SENDER: OnceLock<mpsc::SyncSender<Job>> = OnceLock::new();
static HELD: OnceLock<Mutex<HashMap<IpAddr, usize>>> = OnceLock::new();

/// A place held by a client network, given back when its hash is done (or abandoned).
struct Place(Option<IpAddr>);

impl Place {
    fn take(asker: Option<IpAddr>) -> Result<Place, AuthError> {
        let Some(network) = asker.map(crate::throttle::network_of) else {
            return Ok(Place(None));
        };
        let mut held = HELD
            .get_or_init(Mutex::default)
            .lock()
            .map_err(|_| AuthError::HashingStopped)?;
        let count = held.entry(network).or_insert(0);
        if *count >= PER_NETWORK {
            return Err(AuthError::Busy);
        }
        *count += 1;
        Ok(Place(Some(network)))
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let Some(network) = self.0 else { return };
        if let Some(Ok(mut held)) = HELD.get().map(Mutex::lock)
            && let Some(count) = held.get_mut(&network)
        {
            *count -= 1;
            if *count == 0 {
                held.remove(&network);
            }
        }
    }
}

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
/// `asker` is the client network the work is for (`None` for an operator or an admin).
pub(super) async fn run<T, F>(asker: Option<IpAddr>, work: F) -> Result<T, AuthError>
where
    F: FnOnce() -> Result<T, AuthError> + Send + 'static,
    T: Send + 'static,
{
    let place = Place::take(asker)?;
    let (reply, answer) = oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = reply.send(work());
        drop(place);
    });
    queue().try_send(job).map_err(|error| match error {
        mpsc::TrySendError::Full(_) => AuthError::Busy,
        mpsc::TrySendError::Disconnected(_) => AuthError::HashingStopped,
    })?;
    answer.await.map_err(|_| AuthError::HashingStopped)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_network_holds_a_few_places_and_gives_them_back() {
        let rotating = |i: u16| Some(IpAddr::from([0x2001, 0xdb8, 9, 9, i, 0, 0, 1]));
        let held: Vec<_> = (0..PER_NETWORK as u16)
            .map(|i| Place::take(rotating(i)).unwrap())
            .collect();
        assert!(matches!(Place::take(rotating(99)), Err(AuthError::Busy)));
        assert!(
            Place::take(Some(IpAddr::from([192, 0, 2, 1]))).is_ok(),
            "another network"
        );
        drop(held);
        assert!(Place::take(rotating(99)).is_ok());
    }
}
