//! The server: both front ends (the JSON API and the pages) under one router, the layers every
//! answer goes through, and the listener with its connection limits ([`server`]).

pub mod server;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::LatencyUnit;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::api::error::ApiError;
use crate::state::AppState;

/// Removes a client's `x-request-id` that is too long or holds odd characters, so that the
/// request-id layer gives the request a fresh one: a 100 KB id would otherwise become a 100 KB
/// log line and travel on in events.
async fn drop_invalid_request_id(mut request: axum::extract::Request, next: Next) -> Response {
    let invalid = request.headers().get("x-request-id").is_some_and(|v| {
        v.to_str()
            .map_or(true, |id| !crate::front::request::valid_request_id(id))
    });
    if invalid {
        request.headers_mut().remove("x-request-id");
    }
    next.run(request).await
}

/// Headers on every answer: no inline script or style may run on a page (templates have none),
/// no page may be framed, no referrer leaves the site, and no type is sniffed.
const SECURITY_HEADERS: [(header::HeaderName, &str); 4] = [
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    ),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::X_FRAME_OPTIONS, "DENY"),
];

/// Unknown paths: the JSON error under `/api`, a page everywhere else.
async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") || uri.path() == "/api" {
        ApiError::not_found("route").into_response()
    } else {
        crate::web::PageError::NotFound.into_response()
    }
}

/// Answers are not kept by browsers or proxies unless they say otherwise (the static assets,
/// which are immutable): most carry personal data (applications, exports, CV files), and a
/// shared computer's back button or a proxy's cache must not show them to the next person.
const NO_STORE: &str = "no-store";
/// Under HTTPS, browsers are told to use nothing else for a year.
const HSTS: &str = "max-age=31536000; includeSubDomains";

pub fn router(state: AppState) -> Router {
    let https = state.web.https;
    let router = SECURITY_HEADERS
        .into_iter()
        .chain([(header::CACHE_CONTROL, NO_STORE)])
        .fold(routes(state), |router, (name, value)| {
            router.layer(SetResponseHeaderLayer::if_not_present(
                name,
                HeaderValue::from_static(value),
            ))
        });
    if https {
        router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        ))
    } else {
        router
    }
}

fn routes(state: AppState) -> Router {
    let (api, document) = crate::api::routes();
    Router::new()
        .merge(api)
        .merge(crate::web::api_docs::router(&document))
        .merge(crate::web::router(state.clone()))
        .fallback(not_found)
        .method_not_allowed_fallback(|| async {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "method not allowed on this route")
        })
        .route("/metrics", get(crate::metrics::scrape))
        .route_layer(middleware::from_fn(crate::metrics::track_http))
        .layer(middleware::from_fn(crate::front::request::language))
        .with_state(state)
        .layer(DefaultBodyLimit::max(crate::api::BODY_LIMIT_BYTES))
        .layer(RequestBodyTimeoutLayer::new(server::BODY_TIMEOUT))
        .layer(CompressionLayer::new())
        .layer(CatchPanicLayer::custom(|_| ApiError::internal(&"handler panicked").into_response()))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            // One line per answered request (at info), inside a span carrying the request id that
            // the events of the request carry too (CloudEvents extension `requestid`).
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    let request_id =
                        request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id)
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(LatencyUnit::Micros)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(middleware::from_fn(drop_invalid_request_id))
}

#[cfg(test)]
mod tests {
    use pvara_storage::StoreError;

    use super::*;
    use crate::usecase;
    use crate::web::PageError;

    #[test]
    fn pages_classify_a_refusal_as_the_api_does() {
        let refusals = || {
            [
                StoreError::Changed("rubric"),
                StoreError::StaleStatus,
                StoreError::Conflict("application"),
            ]
        };
        for (for_api, for_page) in refusals().into_iter().zip(refusals()) {
            let api = ApiError::from(usecase::Error::from(for_api));
            let page = PageError::from(usecase::Error::from(for_page)).into_response();
            assert_eq!(api.status, StatusCode::CONFLICT);
            assert_eq!(page.status(), api.status, "a page answers as the API does");
        }
        let missing = PageError::from(usecase::Error::from(StoreError::NotFound("job"))).into_response();
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    }
}
