//! What a pvara process is told to do, and the secrets it needs.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use pvara_services::workers::WorkerConfig;
use pvara_storage::Location;
use pvara_storage::kafka::KafkaOptions;
use rand::RngCore;

/// A secret string: never printed, never logged.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Which parts of pvara this process runs. `serve` runs all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Roles {
    pub api: bool,
    pub relay: bool,
    pub scoring: bool,
    pub notify: bool,
}

impl Roles {
    pub const ALL: Roles = Roles {
        api: true,
        relay: true,
        scoring: true,
        notify: true,
    };
    pub const NONE: Roles = Roles {
        api: false,
        relay: false,
        scoring: false,
        notify: false,
    };

    /// "relay, scoring worker": for the start-up line.
    pub fn describe(&self) -> String {
        let names = [
            (self.api, "api"),
            (self.relay, "relay"),
            (self.scoring, "scoring worker"),
            (self.notify, "notify worker"),
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
    pub workers: WorkerConfig,
    pub roles: Roles,
    /// Session cookies over HTTPS only; `None` decides by the listen address.
    pub cookie_secure: Option<bool>,
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:5000";

impl Config {
    /// The embedded defaults, rooted at `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            database_url: None,
            kafka: None,
            database_pool: 10,
            listen: SocketAddr::from(([127, 0, 0, 1], 5000)),
            metrics_listen: None,
            partitions: 3,
            jwt_secret: None,
            token_ttl: chrono::Duration::minutes(120),
            mail_dir: None,
            mail_from: "recruitment@pvara.invalid".to_owned(),
            workers: WorkerConfig::default(),
            roles: Roles::ALL,
            cookie_secure: None,
        }
    }

    pub fn location(&self) -> anyhow::Result<Location> {
        match &self.database_url {
            Some(url) => Ok(Location::parse(url)?),
            None => Ok(Location::Sqlite(self.data_dir.join("pvara.db"))),
        }
    }

    /// Secure cookies unless told otherwise, except on a loopback listener (a developer's
    /// `http://127.0.0.1:5000`, where a Secure cookie would never come back).
    pub fn cookie_secure(&self) -> bool {
        self.cookie_secure.unwrap_or(!self.listen.ip().is_loopback())
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
            anyhow::ensure!(
                secret.expose().len() >= 32,
                "the JWT secret must be at least 32 characters"
            );
            return Ok(secret.clone());
        }
        load_or_create_secret(&self.data_dir.join("jwt-secret"))
    }
}

fn load_or_create_secret(path: &Path) -> anyhow::Result<Secret> {
    match std::fs::read_to_string(path) {
        Ok(text) => return Ok(Secret::new(text.trim())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
    let mut bytes = [0u8; 48];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(secret.as_bytes())?;
            file.sync_all()?;
            Ok(Secret::new(secret))
        }
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok(Secret::new(std::fs::read_to_string(path)?.trim()))
        }
        Err(e) => Err(e).with_context(|| format!("cannot create {}", path.display())),
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
        assert_eq!(first.expose(), config.jwt_secret().unwrap().expose());
        assert!(first.expose().len() >= 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("jwt-secret"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(format!("{first:?}"), "Secret(<redacted>)");
    }

    #[test]
    fn short_secrets_are_refused() {
        let mut config = Config::new("unused");
        config.jwt_secret = Some(Secret::new("short"));
        assert!(config.jwt_secret().is_err());
    }
}
