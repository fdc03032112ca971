//! The benchmark's smoke test: a small run against its own server yields a complete report.

use pvara::bench::{BenchOptions, run};

/// A closed-loop run of `applications` over `connections` against a server of its own (this
/// build's binary), reporting into `report_dir`; each test changes what it is about.
fn small_run(applications: usize, connections: usize, report_dir: std::path::PathBuf) -> BenchOptions {
    BenchOptions {
        target: None,
        applications,
        connections,
        rate: None,
        report_dir,
        server_pid: None,
        server_exe: Some(env!("CARGO_BIN_EXE_pvara").into()),
        staff_email: None,
        staff_password: None,
        database_url: None,
        kafka: None,
        semantic_model: None,
        await_semantic: false,
        cv: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_benchmark_writes_a_complete_report() {
    let dir = tempfile::tempdir().unwrap();
    let options = BenchOptions {
        // With the model (scripts/test fetches it), the run waits for the refinements too.
        semantic_model: std::env::var_os("PVARA_TEST_MODEL_DIR").map(Into::into),
        await_semantic: std::env::var_os("PVARA_TEST_MODEL_DIR").is_some(),
        ..small_run(40, 4, dir.path().to_path_buf())
    };
    let semantic = options.semantic_model.is_some();
    let report = run(options).await.unwrap();
    if semantic {
        assert_eq!(report["semantic"]["refined"].as_f64(), Some(40.0), "{report}");
        assert!(
            report["semantic"]["allRefinedSeconds"].as_f64().unwrap()
                >= report["e2eSeconds"].as_f64().unwrap()
        );
    }
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(written, report);
    assert_eq!(
        (report["accepted"].as_u64(), report["failed"].as_u64()),
        (Some(40), Some(0))
    );
    for key in [
        "acceptedPerSec",
        "e2ePerSec",
        "submitSeconds",
        "e2eSeconds",
        "serverPeakRssMb",
        "commitsPerSec",
        "rowsPerCommit",
    ] {
        assert!(report[key].as_f64().is_some_and(|v| v > 0.0), "{key}: {report}");
    }
    for key in ["p50", "p90", "p99", "max"] {
        assert!(
            report["submitLatencyMs"][key].as_f64().is_some_and(|v| v > 0.0),
            "{key}: {report}"
        );
    }
    // The server is a child process: its CPU time is measured (it may round to 0 for 40).
    assert!(
        report["serverCpuSecondsPer1000"]
            .as_f64()
            .is_some_and(|v| v >= 0.0),
        "{report}"
    );
    let svg = std::fs::read_to_string(dir.path().join("report.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("<polyline"), "{svg}");
    assert!(
        report["e2eLatencyMs"]["p99"].as_f64().unwrap() >= report["e2eLatencyMs"]["p50"].as_f64().unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_loop_run_offers_the_given_rate() {
    let dir = tempfile::tempdir().unwrap();
    let report = run(BenchOptions {
        rate: Some(100.0),
        ..small_run(30, 4, dir.path().to_path_buf())
    })
    .await
    .unwrap();
    assert_eq!(report["mode"], "open-loop");
    assert_eq!(report["accepted"].as_u64(), Some(30));
    // 30 requests due over 0.29 s cannot all be answered sooner than the last one is due.
    assert!(report["submitSeconds"].as_f64().unwrap() >= 0.29, "{report}");
}

/// The closing-day shape: the apply form with a CV file, read in the server's sandbox.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_run_sends_each_cv_file_to_be_read() {
    let dir = tempfile::tempdir().unwrap();
    let cv = dir.path().join("cv.txt");
    let text =
        "Eight years of Rust services, PostgreSQL and Kafka on call for a national registry. ".repeat(12);
    std::fs::write(&cv, text).unwrap();
    let report = run(BenchOptions {
        cv: Some(cv),
        ..small_run(12, 3, dir.path().join("report"))
    })
    .await
    .unwrap();
    assert_eq!(report["body"], "form with a CV file");
    assert_eq!(
        (report["accepted"].as_u64(), report["failed"].as_u64()),
        (Some(12), Some(0)),
        "{report}"
    );
    // Each file was read by a child process of the server, whose CPU time is its own figure.
    assert!(
        report["cvReaderCpuSecondsPer1000"]
            .as_f64()
            .is_some_and(|v| v >= 0.0),
        "{report}"
    );
    assert!(report["databaseCpuSecondsPer1000"].is_null(), "{report}");
}
