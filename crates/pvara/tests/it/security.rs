//! Security, round 2 (issue 21): silent connections, redirects, lock-outs that cannot be used
//! against the owner, answers that are not cached, registration that does not tell who has an
//! account, and data directories tightened on upgrade. The hostile files have their own module;
//! erasure down to the bytes is in `privacy`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use pvara_domain::user::Role;
use pvara_services::scorer::RuleScorer;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::helpers::*;

/// A connection from `local` (any 127.x.y.z) to `server`.
async fn connect_from(local: [u8; 4], server: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((local, 0))).unwrap();
    socket.connect(server).await.unwrap()
}

/// Whether the server has closed `stream` (a read sees the end, or a reset); whatever it sent
/// before (an HTTP/2 server's settings and GOAWAY) is read and passed over.
async fn closed(stream: &mut TcpStream) -> bool {
    let mut buffer = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_millis(1), stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

/// Waits (within the suite's deadline) until the server has closed every one of `streams`.
async fn all_closed(what: &str, streams: &mut [TcpStream]) {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    let mut open = streams.len();
    while tokio::time::Instant::now() < deadline {
        open = 0;
        for stream in streams.iter_mut() {
            if !closed(stream).await {
                open += 1;
            }
        }
        if open == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{open} {what} still open after {DEADLINE:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_connections_are_cut_off_and_health_keeps_answering() {
    let app = spawn_app_configured(Backend::Sqlite, Arc::new(RuleScorer), |config| {
        config.connections.first_bytes = Duration::from_secs(2);
        config.connections.idle = Duration::from_secs(3);
        config.connections.per_address = 120;
    })
    .await;
    let server: SocketAddr = app.address.trim_start_matches("http://").parse().unwrap();
    // 600 connections that say nothing, from five addresses: each address at its cap.
    let mut silent = Vec::new();
    for host in 2..7u8 {
        for _ in 0..120 {
            silent.push(connect_from([127, 0, 0, host], server).await);
        }
    }
    // Past the cap, one address's next connections are closed at once.
    let mut over = vec![connect_from([127, 0, 0, 2], server).await];
    all_closed("a connection over the per-address cap", &mut over).await;
    // HTTP/2 clients that send the preface and their settings, then nothing.
    let mut preface_only = Vec::new();
    for _ in 0..20 {
        let mut stream = connect_from([127, 0, 0, 8], server).await;
        stream
            .write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
            .await
            .unwrap();
        stream.write_all(&[0, 0, 0, 4, 0, 0, 0, 0, 0]).await.unwrap();
        preface_only.push(stream);
    }
    // Health answers throughout, from another address.
    for _ in 0..20 {
        let response = app
            .client
            .get(app.url("/api/health"))
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Every silent connection is closed by the server after its first-bytes deadline, every
    // preface-only one after its idle limit.
    all_closed("silent connections", &mut silent).await;
    all_closed("preface-only connections", &mut preface_only).await;
    // A fresh connection: the suite's pooled one sat idle past the server's idle limit above,
    // and the server has rightly closed it.
    let metrics = reqwest::Client::new()
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for reason in ["per_address", "first_bytes", "idle"] {
        assert!(
            metrics.contains(&format!(
                "pvara_http_connections_refused_total{{reason=\"{reason}\"}}"
            )),
            "{reason} counted"
        );
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_go_only_to_paths_of_this_site_and_never_fail() {
    let app = spawn_app(Backend::Sqlite).await;
    let who = app.applicant("Redirect Tester").await;
    for next in [
        "/%09/evil.example",
        "/%0d%0a/evil.example",
        "%2F%2Fevil.example",
        "/%5Cevil.example",
    ] {
        let mut pages = Pages::new(&app);
        let page = pages.get(&format!("/login?next={next}")).await;
        assert_eq!(page.status(), StatusCode::OK, "{next}");
        let csrf = pages.csrf(&format!("/login?next={next}")).await;
        let decoded = percent_decode(next);
        let answer = pages
            .post(
                "/login",
                &[
                    ("csrf", csrf.as_str()),
                    ("next", decoded.as_str()),
                    ("email", who.email.as_str()),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{next}");
        let location = answer.headers()["location"].to_str().unwrap();
        assert!(
            location.starts_with('/') && !location.starts_with("//") && !location.contains("evil"),
            "{next} went to {location}"
        );
    }
    // A control character in a path segment that a page redirects to is not a 500.
    let response = Pages::new(&app)
        .get("/staff/applications/%0d%0aSet-Cookie:%20x=1")
        .await;
    assert_ne!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        response
            .headers()
            .get("set-cookie")
            .is_none_or(|c| !c.to_str().unwrap().starts_with("x="))
    );
    app.stop().await;
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(Ok(b)) = text.get(i + 1..i + 3).map(|hex| u8::from_str_radix(hex, 16))
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

async fn sign_in_from(app: &TestApp, address: &str, email: &str, password: &str) -> StatusCode {
    app.client
        .post(app.url("/api/auth/login"))
        .header("x-forwarded-for", address)
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_locks_the_guesser_out_not_the_owner() {
    let app = spawn_app_configured(Backend::Sqlite, Arc::new(RuleScorer), |config| {
        config.rate_limits = true;
        config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let admin = app.applicant("Account Owner").await;
    // Five wrong guesses from one address: that address is locked out...
    for _ in 0..5 {
        let status = sign_in_from(&app, "203.0.113.9", &admin.email, "a wrong password 1").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        sign_in_from(&app, "203.0.113.9", &admin.email, PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...and the owner, from anywhere else, signs in with the right password.
    assert_eq!(
        sign_in_from(&app, "198.51.100.4", &admin.email, PASSWORD).await,
        StatusCode::OK
    );
    // Rotating through the addresses of one IPv6 /64 is one client: its per-minute limit holds.
    let mut statuses = Vec::new();
    for i in 0..130u32 {
        let address = format!("2001:db8:7:7:{:x}:{:x}::1", i / 7, i % 7 + 1);
        statuses.push(sign_in_from(&app, &address, &format!("nobody{i}@example.org"), "x").await);
    }
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(
        refused >= 10,
        "a /64 is limited as one client: {refused} refused of 130"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_answers_are_not_stored_by_browsers_or_proxies() {
    let app = spawn_app(Backend::Sqlite).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(&recruiter, &job_body("Clerk", "Filing", &["Filing"], &[], 0.0))
        .await;
    let who = app.applicant("Cache Tester").await;
    let id = app
        .submit(
            &who,
            &application_body(&job, &who, &["Filing"], 1.0, "bachelor", "Filing."),
        )
        .await;
    for (path, token) in [
        (format!("/api/applications/{id}"), &recruiter),
        (format!("/api/applications/{id}"), &who.token),
        ("/api/me/export".to_owned(), &who.token),
        (format!("/api/applications?jobId={job}"), &recruiter),
        ("/jobs".to_owned(), &who.token),
    ] {
        let response = app.get(&path, Some(token)).await;
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
        assert!(
            response.headers().get("strict-transport-security").is_none(),
            "plain HTTP: no HSTS"
        );
    }
    let html = app.get("/jobs", None).await.text().await.unwrap();
    let css = html
        .split("href=\"/assets/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let asset = app.get(&format!("/assets/{css}"), None).await;
    assert!(
        asset.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    app.stop().await;

    // Behind a TLS proxy (an https public URL) on a loopback listener: HSTS and Secure cookies.
    let proxied = spawn_app_configured(Backend::Sqlite, Arc::new(RuleScorer), |config| {
        config.public_url = Some("https://jobs.example.gov".to_owned());
    })
    .await;
    let page = proxied.get("/login", None).await;
    assert_eq!(
        page.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    let cookie = page.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("Secure"), "{cookie}");
    proxied.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_does_not_tell_who_has_an_account() {
    let app = spawn_app(Backend::Sqlite).await;
    let owner = app.applicant("Known Person").await;
    let register = |email: String| {
        let app = &app;
        async move {
            let body = json!({ "email": email, "password": "another good pass 7", "fullName": "Someone" });
            let response = app.post("/api/auth/register", None, &body).await;
            (response.status(), response.json::<Value>().await.unwrap())
        }
    };
    let (known_status, known) = register(owner.email.clone()).await;
    let (new_status, new) = register("someone.new@example.org".to_owned()).await;
    assert_eq!(known_status, new_status);
    assert_eq!(known_status, StatusCode::ACCEPTED);
    assert_eq!(known["message"], new["message"]);
    assert_eq!(
        known.as_object().unwrap().keys().collect::<Vec<_>>(),
        new.as_object().unwrap().keys().collect::<Vec<_>>()
    );
    // The owner's password is unchanged, and the owner is told by mail.
    assert_eq!(app.login(&owner.email, PASSWORD).await.status(), StatusCode::OK);
    eventually("the owner to be told", || async {
        app.mails()
            .into_iter()
            .find(|(_, mail)| {
                mail.contains(&owner.email) && mail.contains("Subject: You already have an account")
            })
            .map(|_| ())
    })
    .await;
    // The pages alike: both go to the same "Check your e-mail" page.
    let mut landings = Vec::new();
    for email in [owner.email.as_str(), "someone.else@example.org"] {
        let mut pages = Pages::new(&app);
        let csrf = pages.csrf("/register").await;
        let answer = pages
            .post(
                "/register",
                &[
                    ("csrf", csrf.as_str()),
                    ("fullName", "Someone"),
                    ("email", email),
                    ("password", "another good pass 7"),
                ],
            )
            .await;
        let location = answer.headers()["location"].to_str().unwrap().to_owned();
        let signed_in = answer
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("pvara_session"));
        let page = pages.get(&location).await.text().await.unwrap();
        landings.push((location, signed_in, page.contains("Check your e-mail")));
    }
    assert_eq!(landings[0], landings[1]);
    assert_eq!(landings[0], ("/register/check-email".to_owned(), false, true));
    app.stop().await;
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_world_readable_data_directory_is_made_private_at_start() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let config = || {
        let mut config = pvara::config::Config::new(&data);
        config.listen = "127.0.0.1:0".parse().unwrap();
        config.jwt_secret = Some(pvara::config::Secret::from(TEST_SECRET));
        config.sandbox_program = Some(env!("CARGO_BIN_EXE_pvara").into());
        config
    };
    drop(pvara::startup::Application::build(config()).await.unwrap());
    // As an earlier pvara (or a `cp -r`) left it: the directory 0755, its files 0644.
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut files = 0;
    for entry in std::fs::read_dir(&data).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            files += 1;
        }
    }
    assert!(files >= 2, "the database and the key at least");
    drop(pvara::startup::Application::build(config()).await.unwrap());
    assert_eq!(mode(&data), 0o700);
    for entry in std::fs::read_dir(&data).unwrap() {
        let path = entry.unwrap().path();
        let wanted = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&path), wanted, "{}", path.display());
    }
}
