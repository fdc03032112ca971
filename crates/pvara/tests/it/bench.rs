//! The benchmark's smoke test: a small run against its own server yields a complete report.

use pvara::bench::{BenchOptions, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_benchmark_writes_a_complete_report() {
    let dir = tempfile::tempdir().unwrap();
    let options = BenchOptions {
        target: None,
        applications: 40,
        connections: 4,
        report_dir: dir.path().to_path_buf(),
        staff_email: None,
        staff_password: None,
        database_url: None,
        kafka: None,
    };
    let report = run(options).await.unwrap();
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(written, report);
    assert_eq!(
        (report["accepted"].as_u64(), report["failed"].as_u64()),
        (Some(40), Some(0))
    );
    for key in ["acceptedPerSec", "e2ePerSec", "submitSeconds", "e2eSeconds"] {
        assert!(report[key].as_f64().is_some_and(|v| v > 0.0), "{key}: {report}");
    }
    for key in ["p50", "p90", "p99", "max"] {
        assert!(
            report["submitLatencyMs"][key].as_f64().is_some_and(|v| v > 0.0),
            "{key}: {report}"
        );
    }
    assert!(
        report["e2eLatencyMs"]["p99"].as_f64().unwrap() >= report["e2eLatencyMs"]["p50"].as_f64().unwrap()
    );
}
