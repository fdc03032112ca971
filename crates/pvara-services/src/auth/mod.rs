//! Passwords (argon2id) and access tokens (HS256 JWT with expiry and role).

pub mod hashing;
pub mod links;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use pvara_domain::ids::UserId;
use pvara_domain::user::Role;
use serde::{Deserialize, Serialize};

use pvara_storage::{Store, StoreError};

/// Who is acting: from a Bearer token or a browser session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub id: UserId,
    pub role: Role,
}

impl Actor {
    /// How the actor appears in the audit trail: their user id, or `operator` for the command
    /// line (which acts as the nil user).
    pub fn audit_name(&self) -> String {
        if self.id.0.is_nil() {
            "operator".to_owned()
        } else {
            self.id.to_string()
        }
    }

    pub fn require_staff(&self) -> Result<(), Forbidden> {
        if self.role.is_staff() {
            Ok(())
        } else {
            Err(Forbidden("only recruiters and admins may do this"))
        }
    }

    /// Anyone who works here: what the staff pages and the pipeline's routes ask first, before
    /// the use case checks the job or the panel.
    pub fn require_works_here(&self) -> Result<(), Forbidden> {
        if self.role.works_here() {
            Ok(())
        } else {
            Err(Forbidden(
                "only recruiters, hiring managers, interviewers and admins may do this",
            ))
        }
    }

    pub fn require_admin(&self) -> Result<(), Forbidden> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(Forbidden("only admins may do this"))
        }
    }

    pub fn require_applicant(&self) -> Result<(), Forbidden> {
        if self.role == Role::Applicant {
            Ok(())
        } else {
            Err(Forbidden("only applicants may apply"))
        }
    }
}

/// A caller's role does not allow what they asked; the message says who may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Forbidden(pub &'static str);

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("token signing failed: {0}")]
    Sign(#[from] jsonwebtoken::errors::Error),
    #[error("the hashing threads have stopped")]
    HashingStopped,
    /// Too many passwords are waiting to be hashed; try again in a moment.
    #[error("too many sign-ins at once")]
    Busy,
}

/// Hashes on the hashing threads (see [`hashing`]) for `asker`'s client network, if a client
/// asked (an operator or an admin does not count).
pub async fn hash_password(password: String, asker: Option<std::net::IpAddr>) -> Result<String, AuthError> {
    hashing::run(asker, move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| AuthError::Hash(e.to_string()))
    })
    .await
}

/// A hash pvara does not make: bcrypt (`$2a$`, `$2b$`, `$2y$`), as the Node.js system it replaces
/// kept them. Accepted so that imported accounts keep their passwords, and replaced by an argon2id
/// hash at the first sign-in that proves the password ([`crate::usecase::accounts::sign_in`]).
pub fn is_imported_hash(hash: &str) -> bool {
    ["$2a$", "$2b$", "$2y$"]
        .iter()
        .any(|prefix| hash.starts_with(prefix))
}

/// Checks `password` against `hash` (argon2id, or an imported bcrypt hash); with no hash (unknown
/// user) checks against a dummy so that the answer takes as long and an attacker cannot tell
/// which e-mails are registered.
pub async fn verify_password(
    password: String,
    hash: Option<String>,
    asker: Option<std::net::IpAddr>,
) -> Result<bool, AuthError> {
    hashing::run(asker, move || {
        const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$W/9kNUOL1QT6bRWAkD2ATtzsXBQ2fxa9dLX6wO+G7fA";
        let known = hash.is_some();
        let stored = hash.unwrap_or_else(|| DUMMY.to_owned());
        if is_imported_hash(&stored) {
            return Ok(known && bcrypt::verify(password.as_bytes(), &stored).unwrap_or(false));
        }
        let parsed = PasswordHash::new(&stored).map_err(|e| AuthError::Hash(e.to_string()))?;
        let matches = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(known && matches)
    })
    .await
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    role: Role,
    iat: i64,
    /// `iat` in milliseconds: a password reset revokes the tokens issued before it, and one
    /// issued right after it, within the same second, must still work. Absent from older tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iat_ms: Option<i64>,
    /// Not valid before: a token from a clock that ran ahead is refused until its time comes.
    nbf: i64,
    exp: i64,
    iss: String,
}

const ISSUER: &str = "pvara";

/// Signs and checks access tokens. The secret never leaves this struct.
#[derive(Clone)]
pub struct Tokens {
    encoding: Arc<EncodingKey>,
    decoding: Arc<DecodingKey>,
    ttl: Duration,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

/// An issued token.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

impl Tokens {
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        Self {
            encoding: Arc::new(EncodingKey::from_secret(secret)),
            decoding: Arc::new(DecodingKey::from_secret(secret)),
            ttl,
        }
    }

    /// How long a token, and a browser session, lasts.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    pub fn issue(&self, user: UserId, role: Role, now: DateTime<Utc>) -> Result<IssuedToken, AuthError> {
        let expires_at = now + self.ttl;
        let claims = Claims {
            sub: user.to_string(),
            role,
            iat: now.timestamp(),
            iat_ms: Some(now.timestamp_millis()),
            nbf: now.timestamp(),
            exp: expires_at.timestamp(),
            iss: ISSUER.to_owned(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok(IssuedToken { token, expires_at })
    }

    /// The user a token speaks for, if its signature, issuer and expiry check out.
    pub fn verify(&self, token: &str) -> Option<Actor> {
        self.verify_issued(token).map(|(actor, _)| actor)
    }

    /// As [`Tokens::verify`], with when the token was issued (milliseconds since the epoch).
    pub fn verify_issued(&self, token: &str) -> Option<(Actor, i64)> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.validate_nbf = true;
        validation.leeway = 0;
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .ok()?
            .claims;
        let actor = Actor {
            id: claims.sub.parse().ok()?,
            role: claims.role,
        };
        Some((actor, claims.iat_ms.unwrap_or(claims.iat.saturating_mul(1000))))
    }
}

/// Anything that can check a caller: implemented by the application state (the API's Bearer
/// extractors in `api::extract` and the pages' sessions use it).
pub trait HasTokens {
    fn tokens(&self) -> &Tokens;
    fn active_users(&self) -> &ActiveUsers;
    fn store(&self) -> &dyn Store;
}

/// Whether users still exist and are active (and whether their address is verified),
/// remembered for a few seconds: a token stays signed until it expires, so each request asks this
/// instead of trusting the signature alone. A deactivation or verification in this process takes
/// effect at once ([`ActiveUsers::forget`]); in other processes within [`ACTIVE_TTL`].
#[derive(Clone, Default)]
pub struct ActiveUsers {
    seen: Arc<RwLock<Remembered>>,
}

/// Each user's standing (`None`: no such user) and when it was read.
type Remembered = HashMap<UserId, (Option<Standing>, Instant)>;

/// What a request needs to know about an existing user beyond their token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub active: bool,
    pub email_verified: bool,
    pub email: Arc<str>,
    /// Tokens issued before this (milliseconds) were issued before the last password reset.
    pub tokens_valid_from: Option<i64>,
}

impl Standing {
    /// Whether a token issued at `issued_at` (milliseconds) may act for this user.
    pub fn accepts(&self, issued_at: i64) -> bool {
        self.active && self.tokens_valid_from.is_none_or(|from| issued_at >= from)
    }
}

pub const ACTIVE_TTL: std::time::Duration = std::time::Duration::from_secs(2);
/// Users remembered before the memory starts over.
const MAX_REMEMBERED: usize = 100_000;

impl std::fmt::Debug for ActiveUsers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActiveUsers").finish_non_exhaustive()
    }
}

impl ActiveUsers {
    /// The user's standing, `None` when there is no such user.
    pub async fn standing(&self, store: &dyn Store, id: UserId) -> Result<Option<Standing>, StoreError> {
        let now = Instant::now();
        let remembered = self
            .seen
            .read()
            .ok()
            .and_then(|seen| seen.get(&id).cloned())
            .filter(|(_, at)| now.duration_since(*at) < ACTIVE_TTL);
        if let Some((standing, _)) = remembered {
            return Ok(standing);
        }
        let standing = store.user(id).await?.map(|user| Standing {
            active: user.active,
            email_verified: user.email_verified,
            email: Arc::from(user.email),
            tokens_valid_from: user.credentials_changed_at.map(|at| at.timestamp_millis()),
        });
        if let Ok(mut seen) = self.seen.write() {
            if seen.len() >= MAX_REMEMBERED {
                seen.clear();
            }
            seen.insert(id, (standing.clone(), now));
        }
        Ok(standing)
    }

    pub fn forget(&self, id: UserId) {
        if let Ok(mut seen) = self.seen.write() {
            seen.remove(&id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_tampering_and_expiry() {
        let tokens = Tokens::new(b"secret-one-that-is-long-enough!!", Duration::minutes(5));
        let user = UserId::new();
        let issued = tokens.issue(user, Role::Recruiter, crate::now()).unwrap();
        let back = tokens.verify(&issued.token).unwrap();
        assert_eq!((back.id, back.role), (user, Role::Recruiter));

        let other = Tokens::new(b"another-secret-that-is-long-too!", Duration::minutes(5));
        assert!(other.verify(&issued.token).is_none());

        let old = tokens
            .issue(user, Role::Admin, crate::now() - Duration::minutes(10))
            .unwrap();
        assert!(tokens.verify(&old.token).is_none());
    }

    #[tokio::test]
    async fn passwords_verify_and_unknown_users_never_match() {
        let hash = hash_password("correct horse 9".to_owned(), None).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            verify_password("correct horse 9".to_owned(), Some(hash.clone()), None)
                .await
                .unwrap()
        );
        assert!(
            !verify_password("wrong horse 9".to_owned(), Some(hash), None)
                .await
                .unwrap()
        );
        assert!(
            !verify_password("correct horse 9".to_owned(), None, None)
                .await
                .unwrap()
        );
    }
}
