//! The links mailed to people: `…/verify-email?token=…`, `…/reset-password?token=…` and
//! `…/confirm-new-email?token=…`.
//!
//! A link's token is `<token id>.<MAC>`, the MAC an HMAC-SHA256 over the token's id, user,
//! purpose and expiry under a key derived from the installation's secret. The database holds the
//! token's id and state only, so a copy of the database (or of the event log, whose mail events
//! carry the id) cannot open an account; the notify worker, holding the key, derives the same
//! link the API will check.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use pvara_domain::event::AccountMail;
use pvara_domain::ids::TokenId;
use pvara_storage::model::AccountTokenRecord;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Derives link MACs and builds the links. The key never leaves this struct.
#[derive(Clone)]
pub struct Links {
    key: Arc<[u8; 32]>,
    base_url: Arc<str>,
}

impl std::fmt::Debug for Links {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Links")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Links {
    /// `secret` is the installation's secret (the JWT secret); the link key is derived from it
    /// with its own label, so a link MAC can never pass for a token signature or the reverse.
    /// `base_url` is where people reach the portal (`--public-url`).
    pub fn new(secret: &[u8], base_url: &str) -> Self {
        let mut derive = HmacSha256::new_from_slice(secret).unwrap_or_else(|_| unreachable_hmac());
        derive.update(b"pvara account links v1");
        Self {
            key: Arc::new(derive.finalize().into_bytes().into()),
            base_url: Arc::from(base_url.trim_end_matches('/')),
        }
    }

    fn mac(&self, token: &AccountTokenRecord) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(self.key.as_slice()).unwrap_or_else(|_| unreachable_hmac());
        let expires = token.expires_at.timestamp_micros();
        mac.update(
            format!(
                "{}|{}|{}|{expires}",
                token.purpose.as_str(),
                token.id,
                token.user_id
            )
            .as_bytes(),
        );
        mac
    }

    /// The token text a link carries.
    pub fn token(&self, token: &AccountTokenRecord) -> String {
        let mac = self.mac(token).finalize().into_bytes();
        format!("{}.{}", token.id, URL_SAFE_NO_PAD.encode(mac))
    }

    /// The page a mail links to.
    pub fn url(&self, token: &AccountTokenRecord) -> String {
        let page = match token.purpose {
            AccountMail::VerifyEmail => "verify-email",
            AccountMail::PasswordReset | AccountMail::AlreadyRegistered => "reset-password",
            AccountMail::ChangeEmail => "confirm-new-email",
        };
        format!("{}/{page}?token={}", self.base_url, self.token(token))
    }

    /// The token id a link's text names, if it is shaped like one. Check the MAC with
    /// [`Links::verify`] against the stored token before trusting it.
    pub fn token_id(text: &str) -> Option<TokenId> {
        let (id, _) = text.trim().split_once('.')?;
        id.parse().ok()
    }

    /// Whether `text` is the link token of `token` (in constant time).
    pub fn verify(&self, text: &str, token: &AccountTokenRecord) -> bool {
        let Some((_, mac)) = text.trim().split_once('.') else {
            return false;
        };
        let Ok(mac) = URL_SAFE_NO_PAD.decode(mac) else {
            return false;
        };
        self.mac(token).verify_slice(&mac).is_ok()
    }
}

/// HMAC takes a key of any length; `new_from_slice` cannot fail for it.
fn unreachable_hmac() -> HmacSha256 {
    unreachable!("HMAC accepts keys of any length")
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use pvara_domain::ids::UserId;

    use super::*;

    fn record(purpose: AccountMail) -> AccountTokenRecord {
        AccountTokenRecord {
            id: TokenId::new(),
            user_id: UserId::new(),
            purpose,
            expires_at: Utc::now(),
            used: false,
            mailed: false,
        }
    }

    #[test]
    fn a_link_verifies_only_for_its_own_token_and_key() {
        let links = Links::new(
            b"an installation secret of enough length",
            "https://jobs.example.gov/",
        );
        let token = record(AccountMail::PasswordReset);
        let url = links.url(&token);
        assert!(url.starts_with("https://jobs.example.gov/reset-password?token="));
        let text = links.token(&token);
        assert_eq!(Links::token_id(&text), Some(token.id));
        assert!(links.verify(&text, &token));

        let other_key = Links::new(b"another installation secret, long too", "https://x");
        assert!(!other_key.verify(&text, &token), "another key's link");
        let mut as_verification = token.clone();
        as_verification.purpose = AccountMail::VerifyEmail;
        assert!(
            !links.verify(&text, &as_verification),
            "a link for another purpose"
        );
        let forged = format!("{}.{}", token.id, URL_SAFE_NO_PAD.encode([0u8; 32]));
        assert!(!links.verify(&forged, &token));
        assert!(!links.verify(&token.id.to_string(), &token), "an id alone");
    }
}
