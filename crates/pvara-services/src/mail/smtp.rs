//! Delivery to an SMTP relay (lettre, async, pooled connections).
//!
//! `smtp://` upgrades with STARTTLS and refuses to go on without it, `smtps://` speaks TLS from
//! the start, `smtp+plain://` sends in clear and is for a relay on the same host only. The
//! relay's certificate is checked against the Web PKI roots plus `--smtp-ca-file`. Credentials
//! come from the URL and are never logged: [`SmtpMailer`] describes itself without them.

use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use lettre::message::Mailbox;
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};

use super::{MailError, MailMessage, Mailer, to_message};

#[derive(Debug)]
pub struct SmtpConfig {
    /// `smtp://user:pass@host:587`; a secret, since it may hold a password.
    pub url: SecretString,
    pub timeout: Duration,
    /// Connections kept open to the relay: messages in flight at once, and so the most a crash
    /// can send twice. Each connection carries about 24 messages a second on loopback (lettre
    /// 0.11.23 leaves Nagle on, and every message waits out the relay's 40 ms delayed ACK).
    pub connections: u32,
    pub max_per_second: Option<NonZeroU32>,
    /// Extra trusted root certificate (PEM), for a relay with a private CA.
    pub ca_file: Option<PathBuf>,
    pub from: Mailbox,
}

#[derive(Debug, thiserror::Error)]
pub enum SmtpUrlError {
    #[error("--smtp-url is not a URL (it is not shown here, as it may hold a password)")]
    Unparsable,
    #[error(
        "--smtp-url must start with smtp:// (STARTTLS), smtps:// (TLS) or smtp+plain:// (a local relay, no TLS), not {0}://"
    )]
    Scheme(String),
    #[error("--smtp-url has no host")]
    NoHost,
    #[error("cannot read --smtp-ca-file {path}")]
    CaFile {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot set up TLS for the SMTP relay")]
    Tls(#[source] lettre::transport::smtp::Error),
}

/// Where mail goes and how, without the credentials: safe to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relay {
    pub scheme: String,
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
}

impl std::fmt::Display for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let user = self.user.as_deref().map(|u| format!("{u}@")).unwrap_or_default();
        write!(f, "{}://{user}{}:{}", self.scheme, self.host, self.port)
    }
}

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    connections: usize,
    from: Mailbox,
    limiter: Option<Arc<DefaultDirectRateLimiter>>,
    relay: Relay,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("relay", &self.relay.to_string())
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    pub fn new(config: SmtpConfig) -> Result<Self, SmtpUrlError> {
        let url = url::Url::parse(config.url.expose_secret()).map_err(|_| SmtpUrlError::Unparsable)?;
        let host = url.host_str().ok_or(SmtpUrlError::NoHost)?.to_owned();
        let (default_port, secure) = match url.scheme() {
            "smtp" => (587, Some(false)),
            "smtps" => (465, Some(true)),
            "smtp+plain" => (25, None),
            other => return Err(SmtpUrlError::Scheme(other.to_owned())),
        };
        let port = url.port().unwrap_or(default_port);
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let user = (!url.username().is_empty()).then(|| decode(url.username()));
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.clone())
            .port(port)
            .timeout(Some(config.timeout))
            .pool_config(PoolConfig::new().max_size(config.connections.max(1)));
        if let Some(secure) = secure {
            let mut tls = TlsParameters::builder(host.clone());
            if let Some(path) = &config.ca_file {
                let pem = std::fs::read(path).map_err(|source| SmtpUrlError::CaFile {
                    path: path.display().to_string(),
                    source,
                })?;
                tls = tls.add_root_certificate(Certificate::from_pem(&pem).map_err(SmtpUrlError::Tls)?);
            }
            let tls = tls.build().map_err(SmtpUrlError::Tls)?;
            builder = builder.tls(if secure {
                Tls::Wrapper(tls)
            } else {
                Tls::Required(tls)
            });
        }
        if let Some(user) = &user {
            let password = url.password().map(decode).unwrap_or_default();
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        let limiter = config
            .max_per_second
            .map(|n| Arc::new(RateLimiter::direct(Quota::per_second(n))));
        Ok(Self {
            transport: builder.build(),
            connections: config.connections.max(1) as usize,
            from: config.from,
            limiter,
            relay: Relay {
                scheme: url.scheme().to_owned(),
                host,
                port,
                user,
            },
        })
    }

    /// The relay, without credentials.
    pub fn relay(&self) -> &Relay {
        &self.relay
    }

    async fn send(&self, message: &MailMessage) -> Result<(), MailError> {
        let email = to_message(message, &self.from)?;
        if let Some(limiter) = &self.limiter {
            limiter.until_ready().await;
        }
        match self.transport.send(email).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(MailError::Permanent(e.to_string())),
            Err(e) => Err(MailError::Transient(crate::ErrorChain(&e).to_string())),
        }
    }
}

/// Each message is its own exchange with the relay, one per pooled connection at once; each gets
/// its own outcome.
#[async_trait]
impl Mailer for SmtpMailer {
    async fn deliver(&self, messages: &[MailMessage]) -> Vec<Result<(), MailError>> {
        let mut outcomes = Vec::with_capacity(messages.len());
        for group in messages.chunks(self.connections) {
            let sends = group.iter().map(|m| self.send(m));
            outcomes.extend(futures_util::future::join_all(sends).await);
        }
        outcomes
    }

    fn chunk_size(&self) -> usize {
        self.connections
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailer(url: &str) -> Result<SmtpMailer, SmtpUrlError> {
        SmtpMailer::new(SmtpConfig {
            url: SecretString::from(url.to_owned()),
            timeout: Duration::from_secs(5),
            connections: 4,
            max_per_second: None,
            ca_file: None,
            from: "PVARA <noreply@pvara.example>".parse().expect("valid"),
        })
    }

    #[tokio::test]
    async fn urls_choose_tls_and_default_ports_and_keep_passwords_out_of_sight() {
        let starttls = mailer("smtp://mailer:s3cr%40t@relay.example.gov").expect("valid");
        assert_eq!(
            starttls.relay().to_string(),
            "smtp://mailer@relay.example.gov:587"
        );
        assert!(!format!("{starttls:?}").contains("s3cr"));
        let implicit = mailer("smtps://relay.example.gov").expect("valid");
        assert_eq!(implicit.relay().port, 465);
        let local = mailer("smtp+plain://127.0.0.1:2525").expect("valid");
        assert_eq!(local.relay().to_string(), "smtp+plain://127.0.0.1:2525");
    }

    #[test]
    fn bad_urls_are_refused_without_echoing_them() {
        let error = mailer("http://user:hunter2@relay").expect_err("wrong scheme");
        assert!(matches!(error, SmtpUrlError::Scheme(_)));
        let error = mailer("not a url with hunter2").expect_err("unparsable");
        assert!(!error.to_string().contains("hunter2"));
    }
}
