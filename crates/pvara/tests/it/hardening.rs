//! Findings of the security review (issue 10), each with the request that showed it.

use pvara_domain::user::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invented_http_methods_add_no_metric_series() {
    let app = spawn_app(Backend::Sqlite).await;
    for i in 0..20 {
        let method = reqwest::Method::from_bytes(format!("X{i}METHOD").as_bytes()).unwrap();
        app.client
            .request(method, app.url("/api/health"))
            .send()
            .await
            .unwrap();
    }
    let metrics = app.get("/metrics", None).await.text().await.unwrap();
    assert!(!metrics.contains("METHOD\""), "a label per invented method");
    assert!(metrics.contains("method=\"other\""));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_followed_by_garbage_is_refused() {
    let app = spawn_app(Backend::Sqlite).await;
    let body =
        r#"{"email":"a@example.org","password":"a good password 1","fullName":"A"} this is not json {{{"#;
    let response = app
        .client
        .post(app.url("/api/auth/register"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(response).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_request"))
    );
    assert_eq!(app.engines.store.counts().await.unwrap().users, 0);
    // And a body of the wrong shape is described without naming pvara's types.
    let (status, error) = error_of(app.post("/api/auth/register", None, &json!([1, 2])).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!error["message"].as_str().unwrap().contains("struct"), "{error}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_request_id_is_replaced() {
    let app = spawn_app(Backend::Sqlite).await;
    let long = "a".repeat(100 * 1024);
    let response = app
        .client
        .get(app.url("/api/health"))
        .header("x-request-id", &long)
        .send()
        .await
        .unwrap();
    let id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(id.len() <= 64 && id != long, "{}", id.len());
    let response = app
        .client
        .get(app.url("/api/health"))
        .header("x-request-id", "trace-123")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["x-request-id"],
        "trace-123",
        "a short valid id is kept"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_role_is_checked_before_the_body() {
    let app = spawn_app(Backend::Sqlite).await;
    let applicant = app.applicant("Ann Applicant").await;
    let (status, _) = error_of(
        app.post("/api/jobs", Some(&applicant.token), &json!({"title": ""}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let (status, _) = error_of(app.post("/api/applications", Some(&recruiter), &json!({})).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_directory_is_private_and_pages_carry_security_headers() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app(Backend::Sqlite).await;
    let mode = |name: &str| {
        std::fs::metadata(app.data_dir.path().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("pvara.db"), 0o600);
    let page = app.get("/jobs", None).await;
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_sent_request_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app(Backend::Sqlite).await;
    let host = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    stream.write_all(b"GET /api/hea").await.unwrap();
    let started = std::time::Instant::now();
    let mut answer = Vec::new();
    // The server closes the connection (after the header timeout); it does not wait for us.
    tokio::time::timeout(DEADLINE, stream.read_to_end(&mut answer))
        .await
        .expect("the connection is still open")
        .ok();
    let waited = started.elapsed();
    assert!(
        waited >= pvara_services::http::server::HEADER_TIMEOUT / 2,
        "closed after {waited:?}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_is_served_with_the_given_certificate() {
    use std::sync::Arc;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_rustls::rustls;

    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.key_pair.serialize_pem()).unwrap();
    let app = spawn_app_configured(
        Backend::Sqlite,
        Arc::new(pvara_services::scorer::RuleScorer),
        |config| {
            config.tls_cert = Some(cert);
            config.tls_key = Some(key);
        },
    )
    .await;

    let mut roots = rustls::RootCertStore::empty();
    roots.add(certified.cert.der().clone()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let client = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(client));
    let host = app.address.trim_start_matches("http://");
    let tcp = tokio::net::TcpStream::connect(host).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let mut tls = connector.connect(name, tcp).await.unwrap();
    tls.write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    // Plain HTTP on the TLS port gets no answer.
    let plain = app.client.get(app.url("/api/health")).send().await;
    assert!(plain.is_err() || !plain.unwrap().status().is_success());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn common_passwords_are_refused() {
    let app = spawn_app(Backend::Sqlite).await;
    for (i, weak) in ["password12", "Password1!"].into_iter().enumerate() {
        let body = json!({"email": format!("w{i}@example.org"), "password": weak, "fullName": "W"});
        let (status, error) = error_of(app.post("/api/auth/register", None, &body).await).await;
        assert_eq!(
            (status, error["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("password")),
            "{weak}"
        );
    }
    assert_eq!(app.engines.store.counts().await.unwrap().users, 0);
    app.stop().await;
}

/// The published contract: OpenAPI 3.1, every route the API serves, each with its answers, and
/// a reference page for people.
#[tokio::test]
async fn the_api_contract_is_published() {
    let app = spawn_app(Backend::Sqlite).await;
    let document: Value = app.get("/api/openapi.json", None).await.json().await.unwrap();
    assert!(
        document["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        document["openapi"]
    );
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            assert!(!responses.is_empty(), "{method} {path} documents no answer");
            operations.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    for route in [
        "POST /api/auth/register",
        "POST /api/auth/password-reset",
        "POST /api/applications",
        "GET /api/applications/{id}/cv",
        "POST /api/applications/{id}/withdrawal",
        "DELETE /api/users/{id}",
        "GET /api/ready",
        "GET /api/reports/impact",
        "GET /api/reports/scorer",
        "GET /api/equality-questions",
        "POST /api/jobs/{id}/marks",
        "POST /api/jobs/{id}/merit-lists",
        "POST /api/jobs/{id}/merit-lists/{version}/approval",
        "GET /api/jobs/{id}/merit-lists/{version}",
        "POST /api/applications/{id}/representations",
        "POST /api/representations/{id}/decision",
    ] {
        assert!(
            operations.iter().any(|o| o == route),
            "{route} is not in {operations:?}"
        );
    }
    assert_eq!(operations.len(), 63, "{operations:?}");
    let submit = &document["paths"]["/api/applications"]["post"];
    let types: Vec<&String> = submit["requestBody"]["content"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(types, ["application/json", "multipart/form-data"]);
    assert_eq!(
        document["components"]["schemas"]["ErrorBody"]["required"],
        json!(["error"])
    );
    let page = app.get("/api/docs", None).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("POST /api/applications") && html.contains("ErrorDetail"));
    app.stop().await;
}

/// The book's API reference is the OpenAPI document the server publishes, as Markdown: a route
/// changed without regenerating the page fails here (`cargo run -- openapi --markdown >
/// docs/src/developers/api-reference.md`).
#[test]
fn the_books_api_reference_is_the_published_document() {
    let (_, document) = pvara_services::api::routes();
    let generated = pvara_services::web::api_docs::markdown(&document);
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/src/developers/api-reference.md");
    let committed = std::fs::read_to_string(&path).unwrap();
    assert!(
        committed == generated,
        "docs/src/developers/api-reference.md is out of date: run `cargo run -- openapi --markdown > docs/src/developers/api-reference.md`"
    );
}
