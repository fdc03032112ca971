//! What both front ends read from a request alike: its id, the client's address and the
//! language it is answered in.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// A request id worth keeping: short, and made of characters safe in a log line and a header.
/// Anything else is replaced by a fresh id before the request is handled.
pub fn valid_request_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// The request id set by the request-id middleware, if it is safe to copy into events and logs.
#[derive(Debug, Clone)]
pub struct RequestId(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let id = parts
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .filter(|v| valid_request_id(v))
            .map(str::to_owned);
        Ok(RequestId(id))
    }
}

/// Answers the request in its language: the visitor's choice kept in the `pvara_lang` cookie,
/// else the first of ours their browser asks for (`Accept-Language`), else English. Everything
/// written while handling it (pages, form errors, dates) reads it from [`crate::i18n::current`].
pub async fn language(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let headers = request.headers();
    let chosen = axum_extra::extract::cookie::CookieJar::from_headers(headers)
        .get(crate::i18n::COOKIE)
        .and_then(|c| crate::i18n::Language::parse(c.value()));
    let language = chosen
        .or_else(|| {
            headers
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(crate::i18n::from_accept_language)
        })
        .unwrap_or_default();
    let mut response = crate::i18n::scope(language, next.run(request)).await;
    response.headers_mut().insert(
        axum::http::header::CONTENT_LANGUAGE,
        axum::http::HeaderValue::from_static(language.code()),
    );
    response
}

/// The client's address: the peer's, or with a trusted proxy in front, the last address in
/// `X-Forwarded-For` that is not one of the trusted proxies. A header from anyone else is
/// ignored, or every attacker would name a fresh address per request.
impl axum::extract::FromRequestParts<crate::state::AppState> for crate::usecase::Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::state::AppState,
    ) -> Result<Self, Self::Rejection> {
        use std::net::{IpAddr, Ipv4Addr, SocketAddr};
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        let trusted = |ip: &IpAddr| state.trusted_proxies.contains(ip);
        let address = if trusted(&peer) {
            parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|a| a.trim().parse::<IpAddr>().ok())
                .rev()
                .find(|ip| !trusted(ip))
                .unwrap_or(peer)
        } else {
            peer
        };
        Ok(crate::usecase::Client {
            address,
            language: crate::i18n::current(),
        })
    }
}
