//! The state of one pvara process that use cases and both front ends reach: the engines and
//! the per-process services (tokens, throttle, backpressure, the CV sandbox, ...), built once at
//! start from the configuration. Use cases take [`Services`]; neither front end owns it.
//!
//! # Layout
//! - [`Services`] and [`AppState`]: the engines and the per-process state.
//! - [`deadlines`]: jobs' closing dates, remembered briefly so a submission need not read its job.
//! - [`published`]: published merit lists, kept once read (they never change).
//! - [`WebConfig`]: what the pages need to know of the deployment.

pub mod deadlines;
pub mod published;

use std::sync::Arc;

use axum::extract::FromRef;
use pvara_storage::{EventLog, Store};

use crate::auth::{ActiveUsers, HasTokens, Tokens};
use crate::metrics::Sources;
pub use deadlines::JobDeadlines;

/// Settings of the pages.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Session cookies only over HTTPS.
    pub cookie_secure: bool,
    /// People reach pvara over HTTPS (TLS here, or a declared TLS proxy): answers carry HSTS.
    pub https: bool,
    /// A language model refines scores in this deployment: unrefined scores show as pending.
    pub semantic: bool,
    /// The installation's currency and time zone: every time a page shows or a form reads.
    pub locale: crate::mail::Locale,
    /// Candidates read their interview panel by name, not by role only
    /// (`--name-panel-in-invitation`).
    pub name_panel: bool,
    /// Who runs the service: the privacy notice, the contact page, the feedback link.
    pub about: About,
}

/// The organisation an installation names until it is told its own (`--organisation`).
pub const DEFAULT_ORGANISATION: &str = "PVARA Recruitment";
/// The address mail comes from and people write to until told otherwise (`--mail-from`).
pub const DEFAULT_MAIL_FROM: &str = "recruitment@pvara.invalid";

/// The organisation running this installation and how people reach it.
#[derive(Debug, Clone)]
pub struct About {
    pub organisation: String,
    pub address: Option<String>,
    pub email: String,
    pub phone: Option<String>,
}

impl Default for About {
    fn default() -> Self {
        About {
            organisation: DEFAULT_ORGANISATION.to_owned(),
            address: None,
            email: DEFAULT_MAIL_FROM.to_owned(),
            phone: None,
        }
    }
}

/// What every handler, API or page, can reach. Extractors clone the state for every request,
/// so it is one `Arc` around [`Services`]: one reference count to touch, not nine.
#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl From<Services> for AppState {
    fn from(services: Services) -> Self {
        AppState(Arc::new(services))
    }
}

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

/// The engines and the shared per-process state behind the API and the pages.
pub struct Services {
    pub store: Arc<dyn Store>,
    pub log: Arc<dyn EventLog>,
    pub tokens: Tokens,
    /// Signs and checks the links mailed for verification and password reset.
    pub links: crate::auth::links::Links,
    /// Whether applying needs a verified address (`--email-verification`).
    pub email_verification: EmailVerification,
    pub job_deadlines: JobDeadlines,
    /// Published merit lists, for the public results page.
    pub published: published::PublishedLists,
    pub active_users: ActiveUsers,
    pub web: WebConfig,
    pub throttle: crate::throttle::Throttle,
    /// Refuses applications while the scorers are too far behind (`--max-lag`).
    pub backpressure: crate::backpressure::Backpressure,
    /// The mail folder, when mail is delivered into one: erasure removes a person's mail from it.
    pub mail_archive: Option<crate::mail::FileMailer>,
    /// Proxies whose `X-Forwarded-For` is believed (`--trusted-proxy`).
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
    /// The voluntary equality questions applicants are offered (`--equality-questions`).
    pub equality: Arc<pvara_domain::equality::Questionnaire>,
    /// Where uploaded CV files are read: child processes of pvara's own binary.
    pub cv_sandbox: crate::cv::Sandbox,
    /// The installation as the health checks see it (the System page; set by the binary).
    pub installation: crate::health::Installation,
}

impl Services {
    pub fn new(
        store: Arc<dyn Store>,
        log: Arc<dyn EventLog>,
        tokens: Tokens,
        links: crate::auth::links::Links,
    ) -> Self {
        Self {
            store,
            log,
            tokens,
            links,
            email_verification: Default::default(),
            job_deadlines: JobDeadlines::default(),
            published: published::PublishedLists::default(),
            active_users: ActiveUsers::default(),
            web: WebConfig::default(),
            throttle: crate::throttle::Throttle::default(),
            backpressure: crate::backpressure::Backpressure::default(),
            mail_archive: None,
            trusted_proxies: Arc::from(Vec::new()),
            equality: Arc::default(),
            cv_sandbox: crate::cv::Sandbox::new(
                crate::cv::sandbox::reader_beside(
                    std::env::current_exe().unwrap_or_else(|_| "/proc/self/exe".into()),
                ),
                crate::cv::sandbox::Limits::default(),
            ),
            installation: crate::health::Installation::default(),
        }
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services").finish_non_exhaustive()
    }
}

impl FromRef<AppState> for Sources {
    fn from_ref(state: &AppState) -> Sources {
        Sources {
            store: state.store.clone(),
        }
    }
}

impl HasTokens for AppState {
    fn tokens(&self) -> &Tokens {
        &self.tokens
    }

    fn active_users(&self) -> &ActiveUsers {
        &self.active_users
    }

    fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }
}

/// Whether applicants must prove their address before applying (`--email-verification`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EmailVerification {
    /// Registration mails a link; applying waits for it.
    #[default]
    Required,
    /// No verification mail and no check: closed deployments and load tests.
    Off,
}
