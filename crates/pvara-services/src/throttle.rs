//! Throttling of the requests an attacker repeats: sign-in per account and per client address,
//! registration and applying per address. One policy, over counters kept in the process or, with
//! `--redis-url`, in Redis so that every API process shares them.
//!
//! Counters are fixed windows: `INCR` a key named after the window, expiring with it. Clients
//! are counted by network ([`network_of`]): an IPv4 address, or an IPv6 /64, which one
//! subscriber holds whole and could otherwise rotate through freely.
//!
//! Sign-in failures lock the pair of account and client network, not the account: after
//! [`Limits::failures_before_lock`] failures from one network that network waits 30 s, doubling
//! with each further failure up to 15 minutes, while the account's owner signing in from
//! anywhere else is not held up. An account failing from many networks at once
//! ([`Limits::account_alarm`] failures in 15 minutes) makes every attempt on it pay a short
//! delay instead: slower guessing, never a lock-out. A success clears its network's count.
//! When Redis cannot be reached the limits let requests through (and say so in the log): a
//! broken limiter must not lock every user out.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;

/// How many of each a client may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Sign-in attempts per client address per minute.
    pub sign_in_per_address: u64,
    /// Failed sign-ins of one account from one client network before that pair is locked.
    pub failures_before_lock: u64,
    /// Failed sign-ins of one account, from anywhere, within 15 minutes before every further
    /// attempt on it is delayed by [`ALARM_DELAY`].
    pub account_alarm: u64,
    /// Registrations per client address per minute.
    pub register_per_address: u64,
    /// Applications submitted per client address per minute.
    pub apply_per_address: u64,
    /// Account mails (password reset, verification) asked for per client address per minute.
    pub account_mail_per_address: u64,
    /// Account mails sent to one account per minute, whoever asks: nobody can bomb an inbox.
    pub account_mail_per_account: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            sign_in_per_address: 60,
            failures_before_lock: 5,
            account_alarm: 20,
            register_per_address: 20,
            apply_per_address: 60,
            account_mail_per_address: 10,
            account_mail_per_account: 2,
        }
    }
}

const WINDOW: Duration = Duration::from_secs(60);
const FAILURE_MEMORY: Duration = Duration::from_secs(15 * 60);
const FIRST_LOCK: Duration = Duration::from_secs(30);
const LONGEST_LOCK: Duration = Duration::from_secs(15 * 60);
/// What an attempt on an account under a spread-out attack waits before its password is hashed.
pub const ALARM_DELAY: Duration = Duration::from_secs(1);

/// The network a client address is counted as: an IPv4 address itself (an IPv4-mapped IPv6
/// address as IPv4), an IPv6 address's /64.
pub fn network_of(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(std::net::Ipv6Addr::from(bits))
            }
        },
    }
}
/// Told to come back later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub retry_after: Duration,
}

/// Counters with a time to live: the primitives the policy needs from a store.
#[async_trait]
pub trait Counters: Send + Sync + 'static {
    /// Adds one to `key` (created with `ttl`); returns the new count.
    async fn incr(&self, key: &str, ttl: Duration) -> Result<u64, String>;
    /// Sets `key` for `ttl`.
    async fn set(&self, key: &str, ttl: Duration) -> Result<(), String>;
    /// How long `key` still lives, if it exists.
    async fn ttl(&self, key: &str) -> Result<Option<Duration>, String>;
    /// The count at `key` (0 when it does not exist).
    async fn count(&self, key: &str) -> Result<u64, String>;
    async fn delete(&self, key: &str) -> Result<(), String>;
}

/// The throttle of one API process; `off` lets everything through (load tests, `pvara bench`).
#[derive(Clone)]
pub struct Throttle {
    counters: Option<Arc<dyn Counters>>,
    limits: Limits,
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Throttle")
            .field("on", &self.counters.is_some())
            .field("limits", &self.limits)
            .finish()
    }
}

impl Default for Throttle {
    /// In-process counters with the default limits.
    fn default() -> Self {
        Throttle::new(Some(Arc::new(MemoryCounters::default())), Limits::default())
    }
}

impl Throttle {
    pub fn new(counters: Option<Arc<dyn Counters>>, limits: Limits) -> Self {
        Throttle { counters, limits }
    }

    pub fn off() -> Self {
        Throttle::new(None, Limits::default())
    }

    /// Counts one `action` by `address` (a client address or an account) in this minute's window.
    async fn per_address(
        &self,
        action: &str,
        address: impl std::fmt::Display,
        limit: u64,
    ) -> Result<(), Refused> {
        let Some(counters) = &self.counters else {
            return Ok(());
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let window = now.as_secs() / WINDOW.as_secs();
        let key = format!("pvara:rl:{action}:{address}:{window}");
        match counters.incr(&key, WINDOW).await {
            Ok(count) if count > limit => Err(Refused {
                retry_after: WINDOW.saturating_sub(Duration::from_secs(now.as_secs() % WINDOW.as_secs())),
            }),
            Ok(_) => Ok(()),
            Err(error) => {
                tracing::warn!(%error, "rate limiter unavailable; letting the request through");
                Ok(())
            }
        }
    }

    /// Admits a sign-in attempt on `account` from `address`, or says when to come back. An
    /// account under a spread-out attack admits after [`ALARM_DELAY`].
    pub async fn sign_in(&self, address: IpAddr, account: &str) -> Result<(), Refused> {
        let network = network_of(address);
        self.per_address("signin", network, self.limits.sign_in_per_address)
            .await?;
        let Some(counters) = &self.counters else {
            return Ok(());
        };
        match counters.ttl(&format!("pvara:lock:{account}:{network}")).await {
            Ok(Some(left)) => {
                return Err(Refused {
                    retry_after: left.max(Duration::from_secs(1)),
                });
            }
            Ok(None) => {}
            Err(error) => {
                tracing::warn!(%error, "rate limiter unavailable; letting the request through");
                return Ok(());
            }
        }
        match counters.count(&format!("pvara:fail:{account}")).await {
            Ok(failures) if failures >= self.limits.account_alarm => tokio::time::sleep(ALARM_DELAY).await,
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "rate limiter unavailable; letting the request through"),
        }
        Ok(())
    }

    /// Counts a failed sign-in; past the allowance the account is locked for that client
    /// network, for a time that doubles with each failure.
    pub async fn sign_in_failed(&self, address: IpAddr, account: &str) {
        let Some(counters) = &self.counters else { return };
        let network = network_of(address);
        let outcome = async {
            counters
                .incr(&format!("pvara:fail:{account}"), FAILURE_MEMORY)
                .await?;
            let n = counters
                .incr(&format!("pvara:fail:{account}:{network}"), FAILURE_MEMORY)
                .await?;
            if n >= self.limits.failures_before_lock {
                let doublings = (n - self.limits.failures_before_lock).min(10) as u32;
                let lock = FIRST_LOCK.saturating_mul(1 << doublings).min(LONGEST_LOCK);
                counters
                    .set(&format!("pvara:lock:{account}:{network}"), lock)
                    .await?;
            }
            Ok::<(), String>(())
        };
        if let Err(error) = outcome.await {
            tracing::warn!(%error, "rate limiter unavailable; a failed sign-in was not counted");
        }
    }

    pub async fn sign_in_succeeded(&self, address: IpAddr, account: &str) {
        let Some(counters) = &self.counters else { return };
        let network = network_of(address);
        if let Err(error) = counters.delete(&format!("pvara:fail:{account}:{network}")).await {
            tracing::warn!(%error, "rate limiter unavailable");
        }
    }

    pub async fn register(&self, address: IpAddr) -> Result<(), Refused> {
        self.per_address("register", network_of(address), self.limits.register_per_address)
            .await
    }

    pub async fn apply(&self, address: IpAddr) -> Result<(), Refused> {
        self.per_address("apply", network_of(address), self.limits.apply_per_address)
            .await
    }

    /// A password reset or verification mail asked for: limited per client address, and per
    /// account (`account` is the address asked about, whether or not it exists, so the answer
    /// does not tell).
    pub async fn account_mail(&self, address: IpAddr, account: &str) -> Result<(), Refused> {
        self.per_address("mail", network_of(address), self.limits.account_mail_per_address)
            .await?;
        self.per_address("mailto", account, self.limits.account_mail_per_account)
            .await
    }
}

/// Counters in this process's memory.
#[derive(Debug, Default)]
pub struct MemoryCounters {
    entries: Mutex<HashMap<String, (u64, Instant)>>,
}

/// Entries kept before expired ones are swept.
const SWEEP_AT: usize = 100_000;

impl MemoryCounters {
    fn with<T>(
        &self,
        work: impl FnOnce(&mut HashMap<String, (u64, Instant)>, Instant) -> T,
    ) -> Result<T, String> {
        let mut entries = self
            .entries
            .lock()
            .map_err(|_| "rate limiter lock poisoned".to_owned())?;
        let now = Instant::now();
        if entries.len() >= SWEEP_AT {
            entries.retain(|_, (_, expires)| *expires > now);
        }
        Ok(work(&mut entries, now))
    }
}

#[async_trait]
impl Counters for MemoryCounters {
    async fn incr(&self, key: &str, ttl: Duration) -> Result<u64, String> {
        self.with(|entries, now| {
            let entry = entries.entry(key.to_owned()).or_insert((0, now + ttl));
            if entry.1 <= now {
                *entry = (0, now + ttl);
            }
            entry.0 += 1;
            entry.0
        })
    }

    async fn set(&self, key: &str, ttl: Duration) -> Result<(), String> {
        self.with(|entries, now| {
            entries.insert(key.to_owned(), (1, now + ttl));
        })
    }

    async fn ttl(&self, key: &str) -> Result<Option<Duration>, String> {
        self.with(|entries, now| {
            entries
                .get(key)
                .map(|(_, expires)| expires.saturating_duration_since(now))
                .filter(|left| !left.is_zero())
        })
    }

    async fn count(&self, key: &str) -> Result<u64, String> {
        self.with(|entries, now| {
            entries
                .get(key)
                .filter(|(_, expires)| *expires > now)
                .map_or(0, |(count, _)| *count)
        })
    }

    async fn delete(&self, key: &str) -> Result<(), String> {
        self.with(|entries, _| {
            entries.remove(key);
        })
    }
}

/// Counters in Redis, shared by every API process.
#[derive(Clone)]
pub struct RedisCounters {
    connection: redis::aio::ConnectionManager,
}

impl std::fmt::Debug for RedisCounters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisCounters").finish_non_exhaustive()
    }
}

impl RedisCounters {
    /// Connects to `url` (`redis://host:6379/0`); the URL may hold a password and is never logged.
    pub async fn connect(url: &str) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| format!("invalid Redis URL: {:?}", e.kind()))?;
        let connection = redis::aio::ConnectionManager::new(client)
            .await
            .map_err(|e| format!("cannot connect to Redis: {e}"))?;
        Ok(RedisCounters { connection })
    }
}

#[async_trait]
impl Counters for RedisCounters {
    async fn incr(&self, key: &str, ttl: Duration) -> Result<u64, String> {
        let mut connection = self.connection.clone();
        // NX: the first hit of a window sets its expiry; later hits leave it.
        let (count, _): (u64, i64) = redis::pipe()
            .atomic()
            .incr(key, 1)
            .cmd("PEXPIRE")
            .arg(key)
            .arg(ttl.as_millis() as u64)
            .arg("NX")
            .query_async(&mut connection)
            .await
            .map_err(|e| e.to_string())?;
        Ok(count)
    }

    async fn set(&self, key: &str, ttl: Duration) -> Result<(), String> {
        let mut connection = self.connection.clone();
        redis::cmd("SET")
            .arg(key)
            .arg(1)
            .arg("PX")
            .arg(ttl.as_millis() as u64)
            .query_async::<()>(&mut connection)
            .await
            .map_err(|e| e.to_string())
    }

    async fn ttl(&self, key: &str) -> Result<Option<Duration>, String> {
        let mut connection = self.connection.clone();
        let millis: i64 = redis::cmd("PTTL")
            .arg(key)
            .query_async(&mut connection)
            .await
            .map_err(|e| e.to_string())?;
        Ok((millis > 0).then(|| Duration::from_millis(millis as u64)))
    }

    async fn count(&self, key: &str) -> Result<u64, String> {
        let mut connection = self.connection.clone();
        let count: Option<u64> = redis::cmd("GET")
            .arg(key)
            .query_async(&mut connection)
            .await
            .map_err(|e| e.to_string())?;
        Ok(count.unwrap_or(0))
    }

    async fn delete(&self, key: &str) -> Result<(), String> {
        let mut connection = self.connection.clone();
        redis::cmd("DEL")
            .arg(key)
            .query_async::<()>(&mut connection)
            .await
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address() -> IpAddr {
        IpAddr::from([10, 0, 0, 1])
    }

    #[tokio::test]
    async fn failures_lock_the_guessing_network_only_and_success_forgives() {
        let throttle = Throttle::default();
        for _ in 0..4 {
            assert!(throttle.sign_in(address(), "a@x.org").await.is_ok());
            throttle.sign_in_failed(address(), "a@x.org").await;
        }
        assert!(throttle.sign_in(address(), "a@x.org").await.is_ok());
        throttle.sign_in_failed(address(), "a@x.org").await;
        let refused = throttle.sign_in(address(), "a@x.org").await.unwrap_err();
        assert!(refused.retry_after > Duration::from_secs(20), "{refused:?}");
        let owner = IpAddr::from([192, 0, 2, 7]);
        assert!(
            throttle.sign_in(owner, "a@x.org").await.is_ok(),
            "the owner elsewhere is not locked out"
        );
        assert!(
            throttle.sign_in(address(), "b@x.org").await.is_ok(),
            "other accounts are not locked"
        );
        throttle.sign_in_succeeded(owner, "a@x.org").await;
        assert!(
            throttle.sign_in(address(), "a@x.org").await.is_err(),
            "the guesser stays locked"
        );
    }

    #[test]
    fn ipv6_counts_by_its_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:aa:bb:1:2:3:4".parse().unwrap();
        let b: IpAddr = "2001:db8:aa:bb:ffff:ffff:ffff:ffff".parse().unwrap();
        let c: IpAddr = "2001:db8:aa:bc::1".parse().unwrap();
        assert_eq!(network_of(a), network_of(b));
        assert_ne!(network_of(a), network_of(c));
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert_eq!(network_of(mapped), address());
    }

    #[tokio::test]
    async fn a_64_rotating_its_addresses_is_one_client() {
        let throttle = Throttle::new(
            Some(Arc::new(MemoryCounters::default())),
            Limits {
                sign_in_per_address: 10,
                ..Limits::default()
            },
        );
        let mut refused = 0;
        for i in 0..40u16 {
            let rotated = IpAddr::from([0x2001, 0xdb8, 7, 7, i, i, i, 1]);
            if throttle.sign_in(rotated, &format!("v{i}@x.org")).await.is_err() {
                refused += 1;
            }
        }
        // 40 attempts over at most two windows of 10: at least 20 refused.
        assert!(refused >= 20, "{refused} refused");
    }

    #[tokio::test]
    async fn addresses_are_limited_per_minute_and_off_means_off() {
        let throttle = Throttle::new(
            Some(Arc::new(MemoryCounters::default())),
            Limits {
                register_per_address: 3,
                ..Limits::default()
            },
        );
        let results: Vec<bool> = {
            let mut r = Vec::new();
            // Seven hits over at most two windows: one of them holds four.
            for _ in 0..7 {
                r.push(throttle.register(address()).await.is_ok());
            }
            r
        };
        // The window may turn over mid-test; at most one run of three fits in each.
        assert!(results.iter().filter(|ok| !**ok).count() >= 1, "{results:?}");
        let off = Throttle::off();
        for _ in 0..100 {
            assert!(off.register(address()).await.is_ok());
        }
    }
}
