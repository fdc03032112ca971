//! The HTTP API: JSON in camelCase, one error shape, Bearer tokens.

pub mod applications;
mod audit;
mod docs;
pub mod error;
pub mod extract;
mod health;
mod job_deadlines;
mod jobs;
pub mod openapi;
mod pipeline;
mod privacy;
pub(crate) mod reports;
mod scores;
pub mod server;
pub mod upload;
pub mod users;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use pvara_storage::{EventLog, Store};
use tower_http::LatencyUnit;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{ActiveUsers, HasTokens, Tokens};
use crate::metrics::Sources;
use error::ApiError;
pub use job_deadlines::JobDeadlines;

/// Largest request body accepted. Above the longest valid application (CV and cover letter at
/// their limits) so that an over-long field still gets a 422 naming it; far below anything that
/// could hurt the server.
pub const BODY_LIMIT_BYTES: usize = 1024 * 1024;

/// What every handler, API or page, can reach. Extractors clone the state for every request,
/// so it is one `Arc` around [`Services`]: one reference count to touch, not nine.
#[derive(Clone)]
pub struct ApiState(Arc<Services>);

impl From<Services> for ApiState {
    fn from(services: Services) -> Self {
        ApiState(Arc::new(services))
    }
}

impl std::ops::Deref for ApiState {
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
    pub email_verification: crate::usecase::verification::EmailVerification,
    pub job_deadlines: JobDeadlines,
    pub active_users: ActiveUsers,
    pub web: crate::web::WebConfig,
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
            active_users: ActiveUsers::default(),
            web: crate::web::WebConfig::default(),
            throttle: crate::throttle::Throttle::default(),
            backpressure: crate::backpressure::Backpressure::default(),
            mail_archive: None,
            trusted_proxies: Arc::from(Vec::new()),
            equality: Arc::default(),
            cv_sandbox: crate::cv::Sandbox::new(
                std::env::current_exe().unwrap_or_else(|_| "/proc/self/exe".into()),
                crate::cv::sandbox::Limits::default(),
            ),
        }
    }
}

impl std::fmt::Debug for ApiState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiState").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services").finish_non_exhaustive()
    }
}

impl FromRef<ApiState> for Sources {
    fn from_ref(state: &ApiState) -> Sources {
        Sources {
            store: state.store.clone(),
        }
    }
}

impl HasTokens for ApiState {
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

/// Removes a client's `x-request-id` that is too long or holds odd characters, so that the
/// request-id layer gives the request a fresh one: a 100 KB id would otherwise become a 100 KB
/// log line and travel on in events.
async fn drop_invalid_request_id(mut request: axum::extract::Request, next: Next) -> Response {
    let invalid = request
        .headers()
        .get("x-request-id")
        .is_some_and(|v| v.to_str().map_or(true, |id| !extract::valid_request_id(id)));
    if invalid {
        request.headers_mut().remove("x-request-id");
    }
    next.run(request).await
}

/// A `multipart/form-data` body: an application with its CV file.
pub fn is_multipart(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

/// Refuses a body whose declared length is over the limit before reading any of it, so a client
/// sending 10 MB is told at once instead of after the upload. Chunked bodies are cut off by
/// `DefaultBodyLimit` while being read.
async fn refuse_oversized(request: axum::extract::Request, next: Next) -> Response {
    let limit = if is_multipart(request.headers()) {
        crate::web::UPLOAD_LIMIT_BYTES
    } else {
        BODY_LIMIT_BYTES
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > limit) {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "request body is too large",
        )
        .into_response();
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

pub fn router(state: ApiState) -> Router {
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

/// The JSON API's routes, each registered with its OpenAPI operation, and the document they make.
fn api_routes() -> (Router<ApiState>, utoipa::openapi::OpenApi) {
    use utoipa::OpenApi;
    let (schemas, paths, submit_or_list) = routes!(applications::submit, applications::list);
    // An application may carry its CV file; every other body stays under BODY_LIMIT_BYTES.
    let submit_or_list = (
        schemas,
        paths,
        submit_or_list.layer(DefaultBodyLimit::max(crate::web::UPLOAD_LIMIT_BYTES)),
    );
    let (api, document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(users::register))
        .routes(routes!(users::login))
        .routes(routes!(users::verify_email))
        .routes(routes!(users::resend_verification))
        .routes(routes!(users::request_password_reset))
        .routes(routes!(users::reset_password))
        .routes(routes!(jobs::create, jobs::list_open))
        .routes(routes!(jobs::get))
        .routes(routes!(jobs::close))
        .routes(routes!(jobs::rubric, jobs::change_rubric))
        .routes(routes!(jobs::scoring))
        .routes(routes!(reports::funnel))
        .routes(routes!(reports::impact))
        .routes(routes!(reports::scorer))
        .routes(routes!(reports::equality_questions))
        .routes(routes!(scores::override_score))
        .routes(submit_or_list)
        .routes(routes!(applications::get))
        .routes(routes!(applications::cv))
        .routes(routes!(pipeline::invite_to_test))
        .routes(routes!(pipeline::schedule_interview))
        .routes(routes!(pipeline::extend_offer))
        .routes(routes!(pipeline::reject))
        .routes(routes!(pipeline::withdraw))
        .routes(routes!(audit::list))
        .routes(routes!(privacy::erase_me))
        .routes(routes!(privacy::export))
        .routes(routes!(privacy::erase_user))
        .routes(routes!(health::health))
        .routes(routes!(health::ready))
        .split_for_parts();
    (api.layer(middleware::from_fn(refuse_oversized)), document)
}

fn routes(state: ApiState) -> Router {
    let (api, document) = api_routes();
    let document = docs::Published::new(&document);
    Router::new()
        .merge(api)
        .merge(docs::router(document))
        .merge(crate::web::router(state.clone()))
        .fallback(not_found)
        .method_not_allowed_fallback(|| async {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "method not allowed on this route")
        })
        .route("/metrics", get(crate::metrics::scrape))
        .route_layer(middleware::from_fn(crate::metrics::track_http))
        .with_state(state)
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
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
