//! PostgreSQL restarted under load: requests caught by the restart get 503 (never 500), the pool
//! reconnects on its own, and no acknowledged application is lost or scored twice. The server
//! is a private cluster of this test (initdb into a temporary directory), so restarting it does
//! not disturb the other tests.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use pvara_domain::user::Role;
use pvara_services::scorer::RuleScorer;
use tokio::sync::Mutex;

use crate::helpers::*;
use crate::processes::assert_each_scored_once;

/// A PostgreSQL cluster of its own on a free port, run as the `postgres` user when the tests run
/// as root (PostgreSQL refuses to run as root).
struct PrivatePostgres {
    dir: tempfile::TempDir,
    port: u16,
    bin: PathBuf,
}

fn postgres_bin() -> PathBuf {
    let versions = std::fs::read_dir("/usr/lib/postgresql").expect("PostgreSQL server binaries");
    let mut bins: Vec<PathBuf> = versions
        .flatten()
        .map(|v| v.path().join("bin"))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    bins.sort();
    bins.pop().expect("initdb under /usr/lib/postgresql/*/bin")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

impl PrivatePostgres {
    fn run(&self, program: &str, args: &[&str]) {
        let program = self.bin.join(program);
        let status = if is_root() {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&program)
                .args(args)
                .status()
        } else {
            Command::new(&program).args(args).status()
        }
        .unwrap();
        assert!(status.success(), "{} {args:?} failed", program.display());
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn start() -> PrivatePostgres {
        let dir = tempfile::Builder::new().prefix("pvara-pg-").tempdir().unwrap();
        if is_root() {
            assert!(
                Command::new("chown")
                    .args(["postgres:postgres"])
                    .arg(dir.path())
                    .status()
                    .unwrap()
                    .success()
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let pg = PrivatePostgres {
            dir,
            port,
            bin: postgres_bin(),
        };
        let data = pg.data();
        pg.run(
            "initdb",
            &["-D", &data, "-A", "trust", "-U", "postgres", "--no-sync"],
        );
        pg.pg_ctl("start");
        pg
    }

    fn pg_ctl(&self, action: &str) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let data = self.data();
        let log = self.dir.path().join("postgres.log").display().to_string();
        self.run(
            "pg_ctl",
            &[
                "-D", &data, "-l", &log, "-o", &options, "-m", "fast", "-w", action,
            ],
        );
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let data = self.data();
        let stop = |program: &Path| {
            let mut command = if is_root() {
                let mut c = Command::new("runuser");
                c.args(["-u", "postgres", "--"]).arg(program);
                c
            } else {
                Command::new(program)
            };
            let _ = command.args(["-D", &data, "-m", "immediate", "stop"]).status();
        };
        stop(&self.bin.join("pg_ctl"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restarting_postgres_under_load_loses_nothing_acknowledged() {
    let pg = PrivatePostgres::start();
    let url = pg.url();
    let app = spawn_app_configured(Backend::Sqlite, Arc::new(RuleScorer), |config| {
        config.database_url = Some(url);
    })
    .await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let mut jobs = Vec::new();
    for j in 0..4 {
        let body = job_body(&format!("Engineer {j}"), "Rust services", &["Rust"], &[], 0.0);
        jobs.push(app.create_job(&recruiter, &body).await);
    }
    let mut applicants = Vec::new();
    for i in 0..30 {
        applicants.push(app.applicant(&format!("Candidate {i}")).await);
    }
    let work: Vec<(usize, String)> = (0..applicants.len())
        .flat_map(|a| jobs.iter().map(move |job| (a, job.clone())))
        .collect();
    let (app, applicants, work) = (Arc::new(app), Arc::new(applicants), Arc::new(work));
    let next = Arc::new(AtomicUsize::new(0));
    let answers = Arc::new(Mutex::new(Vec::new()));
    let mut clients = Vec::new();
    for _ in 0..6 {
        let (app, applicants, work, next, answers) = (
            app.clone(),
            applicants.clone(),
            work.clone(),
            next.clone(),
            answers.clone(),
        );
        clients.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((a, job)) = work.get(i) else { break };
                let who = &applicants[*a];
                let body = application_body(job, who, &["Rust"], 3.0, "bachelor", "I build Rust services.");
                let response = app.post("/api/applications", Some(&who.token), &body).await;
                let status = response.status().as_u16();
                let answer: serde_json::Value = response.json().await.unwrap_or_default();
                answers.lock().await.push((i, status, answer));
                // Pacing, not waiting for readiness: it keeps requests arriving while the
                // restart runs, instead of all 120 finishing before it starts.
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        }));
    }
    eventually("load to be under way", || async {
        (answers.lock().await.len() >= 20).then_some(())
    })
    .await;
    let restarted_at = next.load(Ordering::Relaxed);
    let pg = tokio::task::spawn_blocking(move || {
        pg.pg_ctl("restart");
        pg
    })
    .await
    .unwrap();
    for client in clients {
        client.await.unwrap();
    }
    let answers = answers.lock().await.clone();
    let app = Arc::into_inner(app).unwrap();

    assert_eq!(answers.len(), work.len());
    let mut acknowledged = Vec::new();
    let mut refused = 0;
    for (i, status, answer) in &answers {
        match status {
            201 => acknowledged.push(answer["id"].as_str().unwrap().to_owned()),
            503 => {
                assert_eq!(answer["error"]["code"], "unavailable", "{answer}");
                refused += 1;
            }
            other => panic!("request {i} got {other} during the restart: {answer}"),
        }
    }
    eprintln!(
        "restart at request {restarted_at}: {} acknowledged, {refused} refused with 503",
        acknowledged.len()
    );
    // The pool reconnected: everything sent well after the restart was accepted.
    let late = answers.iter().filter(|(i, _, _)| *i >= restarted_at + 40);
    assert!(late.clone().count() > 0 && late.clone().all(|(_, status, _)| *status == 201));
    // Every acknowledged application is stored; a 503 may still have been committed (the
    // connection died after the COMMIT), never the other way round.
    app.settle().await;
    for id in &acknowledged {
        app.wait_for_status(&recruiter, id, "Under Review").await;
    }
    let stored = app.engines.store.counts().await.unwrap().applications as usize;
    assert!(
        stored >= acknowledged.len() && stored <= acknowledged.len() + refused,
        "stored {stored}, acknowledged {}, refused {refused}",
        acknowledged.len()
    );
    eventually("every mail to be delivered", || async {
        let deliveries = app.engines.store.counts().await.unwrap().deliveries as usize;
        (deliveries == 2 * stored).then_some(())
    })
    .await;
    assert_each_scored_once(&app.engines, stored, &app.mail_dir(), true).await;
    app.stop().await;
    drop(pg);
}
