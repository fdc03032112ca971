//! Serving the router with timeouts. `axum::serve` has none: a client that sent half a request
//! line held its connection for minutes, and 200 of them held 200 sockets. Here every
//! connection must send its first byte within [`ConnectionLimits::first_bytes`] (whatever the
//! protocol), hyper reads each request's headers within [`HEADER_TIMEOUT`], a connection with
//! nothing in flight is closed after [`ConnectionLimits::idle`] (HTTP/1 and HTTP/2 alike), one
//! client network holds at most [`ConnectionLimits::per_address`] connections, and the router's
//! body layer gives a request body [`BODY_TIMEOUT`].

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;

/// From accepting a connection (or finishing the last answer on it) to the end of the next
/// request's headers. Also the idle limit of a kept-alive connection.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Time to receive a whole request body; a CV of 5 MB needs a few seconds on a slow line.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(60);

/// TLS for the listener (`--tls-cert`, `--tls-key`): rustls, TLS 1.2 and 1.3.
#[derive(Clone)]
pub struct Tls(TlsAcceptor);

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls").finish_non_exhaustive()
    }
}

impl Tls {
    /// Loads a PEM certificate chain and its PEM private key.
    pub fn from_pem(cert: &[u8], key: &[u8]) -> Result<Tls, String> {
        use rustls_pki_types::pem::PemObject;
        use rustls_pki_types::{CertificateDer, PrivateKeyDer};
        let chain = CertificateDer::pem_slice_iter(cert)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("cannot read the certificate: {e}"))?;
        if chain.is_empty() {
            return Err("the certificate file holds no certificate".to_owned());
        }
        let key =
            PrivateKeyDer::from_pem_slice(key).map_err(|e| format!("cannot read the private key: {e}"))?;
        let provider = std::sync::Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let mut config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| format!("the certificate and key do not fit: {e}"))?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Tls(TlsAcceptor::from(std::sync::Arc::new(config))))
    }
}

/// What a connection may hold and for how long.
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    /// From accepting a connection to its first byte, whatever the protocol: a client that
    /// connects and says nothing is cut off then.
    pub first_bytes: Duration,
    /// A connection with no request in flight for this long is closed (HTTP/1 between requests,
    /// HTTP/2 with no open stream, e.g. after only the preface).
    pub idle: Duration,
    /// Connections open at once from one client network (an IPv4 address, an IPv6 /64); more
    /// are closed as they arrive. Trusted proxies are exempt.
    pub per_address: usize,
    /// Addresses exempt from `per_address` (`--trusted-proxy`: every client comes through them).
    pub exempt: Arc<[IpAddr]>,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            first_bytes: HEADER_TIMEOUT,
            idle: IDLE_TIMEOUT,
            per_address: 256,
            exempt: Arc::from(Vec::new()),
        }
    }
}

/// How long a connection with nothing in flight stays open.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// After a connection is asked to close (idle, or the server stopping), how long an answer in
/// progress may take to finish before the connection is dropped.
const CLOSING_GRACE: Duration = Duration::from_secs(30);
/// ... and how long one with nothing in progress gets to say goodbye (an HTTP/2 client that
/// never answers the GOAWAY's ping would otherwise hold it for the whole grace).
const IDLE_CLOSING_GRACE: Duration = Duration::from_secs(1);

/// Raises this process's open-files limit to its hard limit: every connection is a file, and
/// the usual soft limit (1,024, or 512) is reached by a few hundred idle clients. Returns the
/// new limit, for the start-up log.
pub fn raise_open_files_limit() -> std::io::Result<u64> {
    rlimit::increase_nofile_limit(u64::MAX)
}

/// Serves `router` on `listener` (over TLS when `tls` is given) until `shutdown`, then lets
/// requests in flight finish. Each request carries its peer address as `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    tls: Option<Tls>,
    limits: ConnectionLimits,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    // Pings find peers that vanished; the idle limit below closes those that stay but say nothing.
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(Duration::from_secs(20)))
        .keep_alive_timeout(Duration::from_secs(20));
    let connections = TaskTracker::new();
    let per_address = PerAddress::new(limits.per_address, limits.exempt.clone());
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors and the like: wait a moment instead of spinning.
                Err(error) => {
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = shutdown.cancelled() => break,
        };
        let Some(slot) = per_address.take(peer.ip()) else {
            metrics::counter!(crate::metrics::CONNECTIONS_REFUSED, "reason" => "per_address").increment(1);
            continue;
        };
        let connection = Connection {
            router: router.clone(),
            builder: builder.clone(),
            tls: tls.clone(),
            limits: limits.clone(),
            shutdown: shutdown.clone(),
            peer,
        };
        connections.spawn(async move {
            connection.serve(stream).await;
            drop(slot);
        });
    }
    drop(listener);
    connections.close();
    connections.wait().await;
    Ok(())
}

/// One accepted connection and what it needs.
struct Connection {
    router: Router,
    builder: Builder<TokioExecutor>,
    tls: Option<Tls>,
    limits: ConnectionLimits,
    shutdown: CancellationToken,
    peer: SocketAddr,
}

impl Connection {
    async fn serve(self, stream: TcpStream) {
        let peer = self.peer;
        // The first byte of anything (a TLS hello, an HTTP/1 request line, the HTTP/2 preface).
        let mut first = [0u8; 1];
        match tokio::time::timeout(self.limits.first_bytes, stream.peek(&mut first)).await {
            Ok(Ok(n)) if n > 0 => {}
            Ok(_) => return,
            Err(_) => {
                metrics::counter!(crate::metrics::CONNECTIONS_REFUSED, "reason" => "first_bytes")
                    .increment(1);
                tracing::debug!(%peer, "connection sent nothing in time; closed");
                return;
            }
        }
        match self.tls.clone() {
            None => self.run(TokioIo::new(stream)).await,
            // The handshake is bounded like the headers: a client that stalls in it is cut off.
            Some(Tls(acceptor)) => {
                match tokio::time::timeout(HEADER_TIMEOUT, acceptor.accept(stream)).await {
                    Ok(Ok(stream)) => self.run(TokioIo::new(stream)).await,
                    Ok(Err(error)) => tracing::debug!(%peer, %error, "TLS handshake failed"),
                    Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                }
            }
        }
    }

    /// Serves requests until the client closes, the connection idles past its limit, or the
    /// server stops; the last two close it gracefully (answers in progress finish).
    async fn run<I>(self, io: TokioIo<I>)
    where
        I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let Connection {
            router,
            builder,
            limits,
            shutdown,
            peer,
            ..
        } = self;
        let activity = Arc::new(Activity::new());
        let tracked = activity.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            let busy = tracked.begin();
            let answer = router.clone().oneshot(request.map(axum::body::Body::new));
            async move {
                // Busy until the answer's body is written out, not only until its headers.
                let answered = answer.await?;
                Ok::<_, std::convert::Infallible>(
                    answered.map(|body| axum::body::Body::new(Tracked { body, _busy: busy })),
                )
            }
        });
        let connection = builder.serve_connection_with_upgrades(io, service);
        tokio::pin!(connection);
        let mut closing: Option<tokio::time::Instant> = None;
        let served = loop {
            let idle_check = activity.idle_deadline(limits.idle);
            tokio::select! {
                served = connection.as_mut() => break served,
                _ = shutdown.cancelled(), if closing.is_none() => {
                    connection.as_mut().graceful_shutdown();
                    closing = Some(activity.closing_deadline());
                }
                _ = tokio::time::sleep_until(idle_check), if closing.is_none() => {
                    if activity.idle_for() >= limits.idle {
                        metrics::counter!(crate::metrics::CONNECTIONS_REFUSED, "reason" => "idle").increment(1);
                        connection.as_mut().graceful_shutdown();
                        closing = Some(activity.closing_deadline());
                    }
                }
                _ = tokio::time::sleep_until(closing.unwrap_or_else(tokio::time::Instant::now)), if closing.is_some() => {
                    tracing::debug!(%peer, "connection did not close in time; dropped");
                    return;
                }
            }
        };
        if let Err(error) = served {
            tracing::debug!(%peer, error = %error, "connection ended with an error");
        }
    }
}

/// Requests in flight on a connection and when the last one ended.
struct Activity {
    in_flight: AtomicUsize,
    since: std::sync::Mutex<tokio::time::Instant>,
}

/// Held while a request is answered.
struct Busy(Arc<Activity>);

impl Drop for Busy {
    fn drop(&mut self) {
        if let Ok(mut since) = self.0.since.lock() {
            *since = tokio::time::Instant::now();
        }
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Activity {
    fn new() -> Self {
        Activity {
            in_flight: AtomicUsize::new(0),
            since: std::sync::Mutex::new(tokio::time::Instant::now()),
        }
    }

    fn begin(self: &Arc<Self>) -> Busy {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        Busy(self.clone())
    }

    fn last(&self) -> tokio::time::Instant {
        self.since
            .lock()
            .map_or_else(|_| tokio::time::Instant::now(), |since| *since)
    }

    /// How long nothing has been in flight (zero while something is).
    fn idle_for(&self) -> Duration {
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return Duration::ZERO;
        }
        self.last().elapsed()
    }

    /// How long a connection asked to close now may take.
    fn closing_deadline(&self) -> tokio::time::Instant {
        let grace = if self.in_flight.load(Ordering::Acquire) > 0 {
            CLOSING_GRACE
        } else {
            IDLE_CLOSING_GRACE
        };
        tokio::time::Instant::now() + grace
    }

    /// When to look again.
    fn idle_deadline(&self, idle: Duration) -> tokio::time::Instant {
        let base = if self.in_flight.load(Ordering::Acquire) > 0 {
            tokio::time::Instant::now()
        } else {
            self.last()
        };
        base + idle
    }
}

/// An answer's body that keeps its connection counted as busy until it is written out (or
/// dropped with the connection).
struct Tracked {
    body: axum::body::Body,
    _busy: Busy,
}

impl hyper::body::Body for Tracked {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        std::pin::Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}

/// Open connections per client network, with a cap.
#[derive(Clone)]
struct PerAddress {
    open: Arc<std::sync::Mutex<HashMap<IpAddr, usize>>>,
    cap: usize,
    exempt: Arc<[IpAddr]>,
}

/// One counted connection; uncounted when dropped.
struct Slot {
    counter: PerAddress,
    network: Option<IpAddr>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let Some(network) = self.network else { return };
        if let Ok(mut open) = self.counter.open.lock()
            && let Some(count) = open.get_mut(&network)
        {
            *count -= 1;
            if *count == 0 {
                open.remove(&network);
            }
        }
    }
}

impl PerAddress {
    fn new(cap: usize, exempt: Arc<[IpAddr]>) -> Self {
        PerAddress {
            open: Arc::default(),
            cap,
            exempt,
        }
    }

    fn take(&self, peer: IpAddr) -> Option<Slot> {
        if self.exempt.contains(&peer) {
            return Some(Slot {
                counter: self.clone(),
                network: None,
            });
        }
        let network = crate::throttle::network_of(peer);
        let mut open = self.open.lock().ok()?;
        let count = open.entry(network).or_insert(0);
        if *count >= self.cap {
            return None;
        }
        *count += 1;
        drop(open);
        Some(Slot {
            counter: self.clone(),
            network: Some(network),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_are_counted_per_network_and_proxies_are_exempt() {
        let proxy: IpAddr = "10.0.0.9".parse().unwrap();
        let limit = PerAddress::new(2, Arc::from(vec![proxy]));
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let same_64: IpAddr = "2001:db8:1:2:ffff::7".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        let first = limit.take(a).unwrap();
        let _second = limit.take(same_64).unwrap();
        assert!(limit.take(a).is_none(), "a third from the same /64 is refused");
        assert!(limit.take(other).is_some());
        drop(first);
        assert!(
            limit.take(same_64).is_some(),
            "a closed connection frees its place"
        );
        let proxied: Vec<_> = (0..10).map(|_| limit.take(proxy)).collect();
        assert!(proxied.iter().all(Option::is_some));
    }
}
