//! What a pvara process is told to do, and the secrets it needs.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use pvara_services::usecase::verification::EmailVerification;
use pvara_services::workers::WorkerConfig;
use pvara_storage::Location;
use pvara_storage::kafka::KafkaOptions;
use rand::RngCore;

/// A secret string (the JWT key, a Redis URL with its password): `secrecy`'s, redacted in
/// `Debug`, never `Display`ed, and wiped from memory when dropped.
pub use secrecy::{ExposeSecret, SecretString as Secret};

/// Which parts of pvara this process runs. `serve` runs all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Roles {
    pub api: bool,
    pub relay: bool,
    pub scoring: bool,
    pub notify: bool,
    /// The semantic worker; it runs only where a model is configured (`--semantic-model`).
    pub semantic: bool,
}

impl Roles {
    pub const ALL: Roles = Roles {
        api: true,
        relay: true,
        scoring: true,
        notify: true,
        semantic: true,
    };
    pub const NONE: Roles = Roles {
        api: false,
        relay: false,
        scoring: false,
        notify: false,
        semantic: false,
    };

    /// "relay, scoring worker": for the start-up line.
    pub fn describe(&self) -> String {
        let names = [
            (self.api, "api"),
            (self.relay, "relay"),
            (self.scoring, "scoring worker"),
            (self.notify, "notify worker"),
            (self.semantic, "semantic worker"),
        ];
        names
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, name)| *name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    /// `sqlite://...`; defaults to `pvara.db` in the data directory.
    pub database_url: Option<String>,
    /// The event log on Kafka instead of in the database.
    pub kafka: Option<KafkaOptions>,
    /// Most database connections of this process.
    pub database_pool: u32,
    pub listen: SocketAddr,
    /// A separate `GET /metrics` listener, for processes without the API (relay, workers).
    pub metrics_listen: Option<SocketAddr>,
    pub partitions: u32,
    /// HS256 signing key for access tokens; generated into the data directory when not given.
    pub jwt_secret: Option<Secret>,
    pub token_ttl: chrono::Duration,
    /// Where the file mailer writes its mbox files; defaults to `mail/` in the data directory.
    pub mail_dir: Option<PathBuf>,
    pub mail_from: String,
    /// SMTP relay, templates, currency and time zone of mail.
    pub mail: crate::mail::MailSettings,
    pub workers: WorkerConfig,
    pub roles: Roles,
    /// Session cookies over HTTPS only; `None` decides by the listen address.
    pub cookie_secure: Option<bool>,
    /// Throttle sign-in, registration and applying (off for load tests).
    pub rate_limits: bool,
    /// Redis shared by every API process for the limits; in-process counters without it.
    pub redis_url: Option<Secret>,
    /// Proxies whose X-Forwarded-For names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Anonymise applications this many days after their job closed (relay role).
    pub retention_days: Option<u32>,
    /// How often the relay role marks unanswered offers past their expiry as expired.
    pub offer_sweep: std::time::Duration,
    /// PEM certificate chain and private key: serve HTTPS.
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// Whether applicants prove their address before applying.
    pub email_verification: EmailVerification,
    /// Refuse new applications while the scorers are more than this many records behind
    /// (`None`: never).
    pub max_lag: Option<u64>,
    /// Where people reach the portal, for the links in mail; `None` derives it from `listen`.
    pub public_url: Option<String>,
    /// The sentence-embedding model's directory: scores are refined by it (semantic role).
    pub semantic_model: Option<PathBuf>,
    /// The installation's equality questions (a JSON file); the default four without it.
    pub equality_questions: Option<PathBuf>,
    /// The binary whose `sandbox-extract` reads uploaded CV files: this process's own unless
    /// set (tests running in another binary name pvara's).
    pub sandbox_program: Option<PathBuf>,
    /// Deadlines and caps of client connections (the trusted proxies are added at start).
    pub connections: pvara_services::http::server::ConnectionLimits,
}

// Every default of the binary is here; the command line's are these same constants.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:5000";
pub const DEFAULT_DATA_DIR: &str = "./pvara-data";
pub const DEFAULT_TOKEN_TTL_MINUTES: i64 = 120;
pub use pvara_services::state::{DEFAULT_MAIL_FROM, DEFAULT_ORGANISATION};
pub const DEFAULT_KAFKA_REPLICATION: i32 = 1;
pub const DEFAULT_CURRENCY: &str = "PKR";
pub const DEFAULT_TIMEZONE: &str = "Asia/Karachi";
pub const DEFAULT_SMTP_TIMEOUT_SECS: u64 = 30;
/// Enough for a few hundred mails a second, few enough that a crash resends at most 16.
pub const DEFAULT_SMTP_CONNECTIONS: u32 = 16;
/// About twenty seconds of scoring on the benchmark machine's scale-out engines: enough to ride
/// out a burst, small enough that an accepted application is never minutes from its score.
pub const DEFAULT_MAX_LAG: u64 = 50_000;

impl Config {
    /// The embedded defaults, rooted at `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            database_url: None,
            kafka: None,
            database_pool: pvara_storage::DEFAULT_DATABASE_POOL,
            listen: SocketAddr::from(([127, 0, 0, 1], 5000)),
            metrics_listen: None,
            partitions: pvara_storage::DEFAULT_PARTITIONS,
            jwt_secret: None,
            token_ttl: chrono::Duration::minutes(DEFAULT_TOKEN_TTL_MINUTES),
            mail_dir: None,
            mail_from: DEFAULT_MAIL_FROM.to_owned(),
            mail: crate::mail::MailArgs::default().into(),
            workers: WorkerConfig::default(),
            roles: Roles::ALL,
            cookie_secure: None,
            rate_limits: true,
            redis_url: None,
            trusted_proxies: Vec::new(),
            retention_days: None,
            offer_sweep: pvara_services::offer_expiry::PERIOD,
            tls_cert: None,
            tls_key: None,
            email_verification: EmailVerification::Required,
            max_lag: Some(DEFAULT_MAX_LAG),
            public_url: None,
            semantic_model: None,
            equality_questions: None,
            sandbox_program: None,
            connections: Default::default(),
        }
    }

    pub fn location(&self) -> anyhow::Result<Location> {
        match &self.database_url {
            Some(url) => Ok(Location::parse(url)?),
            None => Ok(Location::Sqlite(self.data_dir.join("pvara.db"))),
        }
    }

    /// The TLS settings, read and checked now so that a bad certificate stops the start, not
    /// the first connection.
    pub fn tls(&self) -> anyhow::Result<Option<pvara_services::http::server::Tls>> {
        let (cert, key) = match (&self.tls_cert, &self.tls_key) {
            (None, None) => return Ok(None),
            (Some(cert), Some(key)) => (cert, key),
            _ => anyhow::bail!("--tls-cert and --tls-key go together"),
        };
        let read =
            |path: &PathBuf| std::fs::read(path).with_context(|| format!("cannot read {}", path.display()));
        let tls = pvara_services::http::server::Tls::from_pem(&read(cert)?, &read(key)?)
            .map_err(|e| anyhow::anyhow!("{e} ({} / {})", cert.display(), key.display()))?;
        Ok(Some(tls))
    }

    /// The roles this process really runs: the semantic worker needs a model.
    pub fn running(&self) -> Roles {
        Roles {
            semantic: self.roles.semantic && self.semantic_model.is_some(),
            ..self.roles
        }
    }

    /// The semantic model, loaded now when this process refines scores, so that a missing or
    /// corrupt model stops the start rather than the first application.
    pub fn semantic_refiner(&self) -> anyhow::Result<Option<Arc<pvara_services::semantic::Refiner>>> {
        let Some(dir) = self.semantic_model.as_deref().filter(|_| self.roles.semantic) else {
            return Ok(None);
        };
        let embedder = pvara_services::semantic::Embedder::load(dir).with_context(|| {
            format!(
                "cannot load the semantic model from {} (--semantic-model)",
                dir.display()
            )
        })?;
        Ok(Some(Arc::new(pvara_services::semantic::Refiner::new(embedder))))
    }

    /// The equality questions applicants are offered and the impact report counts by: read now,
    /// so that a bad file stops the start.
    pub fn questionnaire(&self) -> anyhow::Result<pvara_domain::equality::Questionnaire> {
        let Some(path) = self.equality_questions.as_deref() else {
            return Ok(Default::default());
        };
        let text = std::fs::read_to_string(path).with_context(|| {
            format!(
                "cannot read the equality questions {} (--equality-questions)",
                path.display()
            )
        })?;
        pvara_domain::equality::Questionnaire::parse(&text)
            .map_err(|e| anyhow::anyhow!(e))
            .with_context(|| format!("the equality questions in {} are not usable", path.display()))
    }

    /// Secure cookies unless told otherwise, except on a plain-HTTP loopback listener (a
    /// developer's `http://127.0.0.1:5000`, where a Secure cookie would never come back). A
    /// loopback listener behind a TLS proxy is told so by an `https` public URL.
    pub fn cookie_secure(&self) -> bool {
        self.cookie_secure
            .unwrap_or(self.https() || !self.listen.ip().is_loopback())
    }

    /// People reach pvara over HTTPS: it serves TLS itself, or its public URL says a proxy
    /// does. Then cookies are Secure and answers carry HSTS.
    pub fn https(&self) -> bool {
        self.tls_cert.is_some()
            || self
                .public_url
                .as_deref()
                .is_some_and(|url| url.trim().to_ascii_lowercase().starts_with("https://"))
    }

    /// Where uploaded CV files are read: child processes of `pvara-cv-reader` beside this
    /// binary (or of this binary where there is none, or of `sandbox_program`), with the
    /// default limits.
    pub fn cv_sandbox(&self) -> anyhow::Result<pvara_services::cv::Sandbox> {
        let limits = pvara_services::cv::sandbox::Limits::default();
        match &self.sandbox_program {
            Some(program) => Ok(pvara_services::cv::Sandbox::new(program.clone(), limits)),
            None => pvara_services::cv::Sandbox::beside_current_exe(limits)
                .context("cannot find pvara's own binary for the CV sandbox"),
        }
    }

    /// The portal's address in mailed links: `--public-url`, or this process's own listener as
    /// `serve` prints it (`http://127.0.0.1:5000` for the embedded default, so a link opens where
    /// the browser is signed in); `localhost` for a wildcard listener. Behind a proxy, set it.
    pub fn public_url(&self) -> String {
        if let Some(url) = &self.public_url {
            return url.trim_end_matches('/').to_owned();
        }
        let scheme = if self.tls_cert.is_some() { "https" } else { "http" };
        if self.listen.ip().is_unspecified() {
            format!("{scheme}://localhost:{}", self.listen.port())
        } else {
            format!("{scheme}://{}", self.listen)
        }
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.mail_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("mail"))
    }

    /// The configured secret, or the one kept in the data directory (created on first use, mode
    /// 0600), so tokens stay valid across restarts without anyone handling a key.
    pub fn jwt_secret(&self) -> anyhow::Result<Secret> {
        if let Some(secret) = &self.jwt_secret {
            return checked(secret.clone(), "--jwt-secret");
        }
        load_or_create_secret(&self.data_dir.join("jwt-secret"))
    }
}

/// Shortest HMAC key accepted, wherever it comes from: an empty or short key lets anyone who
/// guesses it mint an admin token.
const MIN_SECRET_CHARS: usize = 32;

fn checked(secret: Secret, origin: &str) -> anyhow::Result<Secret> {
    anyhow::ensure!(
        secret.expose_secret().len() >= MIN_SECRET_CHARS,
        "the JWT secret in {origin} is shorter than {MIN_SECRET_CHARS} characters; \
         set a longer one (or delete the file to have one generated)"
    );
    Ok(secret)
}

/// Reads the secret file, or creates it atomically: written and synced under a temporary name
/// (mode 0600), then linked into place only if no other process got there first, so nobody can
/// ever read a half-written key.
fn load_or_create_secret(path: &Path) -> anyhow::Result<Secret> {
    let origin = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => return checked(Secret::from(text.trim()), &origin),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot read {origin}")),
    }
    let mut bytes = [0u8; 48];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write into {}", dir.display()))?;
    file.write_all(secret.as_bytes())?;
    file.as_file().sync_all()?;
    match file.persist_noclobber(path) {
        Ok(_) => Ok(Secret::from(secret)),
        // Another process created it first: use theirs.
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
            checked(Secret::from(std::fs::read_to_string(path)?.trim()), &origin)
        }
        Err(e) => Err(e.error).with_context(|| format!("cannot create {origin}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_secret_is_kept_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::new(dir.path());
        let first = config.jwt_secret().unwrap();
        assert_eq!(
            first.expose_secret(),
            config.jwt_secret().unwrap().expose_secret()
        );
        assert!(first.expose_secret().len() >= 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("jwt-secret"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(!format!("{first:?}").contains(first.expose_secret()), "redacted");
    }

    #[test]
    fn a_short_secret_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("jwt-secret"), "").unwrap();
        let error = Config::new(dir.path()).jwt_secret().unwrap_err();
        assert!(error.to_string().contains("shorter than 32"), "{error}");
    }

    #[test]
    fn links_point_where_the_portal_is_reached() {
        let mut config = Config::new("unused");
        assert_eq!(config.public_url(), "http://127.0.0.1:5000");
        config.listen = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(config.public_url(), "http://localhost:8080");
        config.public_url = Some("https://jobs.example.gov/".to_owned());
        assert_eq!(config.public_url(), "https://jobs.example.gov");
    }

    #[test]
    fn short_secrets_are_refused() {
        let mut config = Config::new("unused");
        config.jwt_secret = Some(Secret::from("short"));
        assert!(config.jwt_secret().is_err());
    }
}
