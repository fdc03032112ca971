//! `report.svg`: throughput and submit latency per second of the run, as a plain SVG a person
//! can open in any browser.

use std::fmt::Write;

use super::load::Submission;
use super::percentile;

/// One second of the run.
#[derive(Debug, Clone, Default)]
pub(super) struct Second {
    pub accepted: f64,
    pub scored: Option<f64>,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// Buckets answers by the second they came in; `scored` holds (seconds, scored so far) readings.
pub(super) fn seconds(submissions: &[Submission], scored: &[(f64, f64)], until: f64) -> Vec<Second> {
    let n = until.ceil().max(1.0) as usize;
    let mut latencies: Vec<Vec<f64>> = vec![Vec::new(); n];
    let mut out = vec![Second::default(); n];
    for s in submissions {
        let i = (s.done_at as usize).min(n - 1);
        if s.id.is_some() {
            out[i].accepted += 1.0;
        }
        latencies[i].push(s.latency_ms);
    }
    for (second, mut l) in out.iter_mut().zip(latencies) {
        l.sort_by(f64::total_cmp);
        second.p50_ms = percentile(&l, 50.0);
        second.p99_ms = percentile(&l, 99.0);
    }
    for pair in scored.windows(2) {
        let ((t0, s0), (t1, s1)) = (pair[0], pair[1]);
        let i = (t1 as usize).min(n - 1);
        let rate = (s1 - s0) / (t1 - t0).max(1e-3);
        out[i].scored = Some(out[i].scored.unwrap_or(0.0).max(rate));
    }
    out
}

const WIDTH: f64 = 900.0;
const PANEL: f64 = 220.0;
const LEFT: f64 = 70.0;
const TOP: f64 = 40.0;

fn polyline(out: &mut String, points: &[(f64, f64)], x_max: f64, y_max: f64, y0: f64, colour: &str) {
    let plot_width = WIDTH - LEFT - 20.0;
    let coords: Vec<String> = points
        .iter()
        .map(|(x, y)| {
            format!(
                "{:.1},{:.1}",
                LEFT + x / x_max.max(1e-9) * plot_width,
                y0 + PANEL - y / y_max.max(1e-9) * PANEL
            )
        })
        .collect();
    let _ = writeln!(
        out,
        r#"<polyline fill="none" stroke="{colour}" stroke-width="1.8" points="{}"/>"#,
        coords.join(" ")
    );
}

fn axes(out: &mut String, y0: f64, y_max: f64, label: &str) {
    let right = WIDTH - 20.0;
    let _ = writeln!(
        out,
        r##"<rect x="{LEFT}" y="{y0}" width="{}" height="{PANEL}" fill="none" stroke="#999"/>"##,
        right - LEFT
    );
    for k in 0..=4 {
        let y = y0 + PANEL - PANEL * f64::from(k) / 4.0;
        let _ = writeln!(
            out,
            r##"<line x1="{LEFT}" x2="{right}" y1="{y:.1}" y2="{y:.1}" stroke="#eee"/><text x="{}" y="{:.1}" font-size="11" text-anchor="end">{:.0}</text>"##,
            LEFT - 6.0,
            y + 4.0,
            y_max * f64::from(k) / 4.0
        );
    }
    let _ = writeln!(
        out,
        r#"<text x="{LEFT}" y="{}" font-size="13">{label}</text>"#,
        y0 - 8.0
    );
}

pub(super) fn svg(title: &str, seconds: &[Second]) -> String {
    let x_max = seconds.len() as f64;
    let at = |i: usize| i as f64 + 0.5;
    let accepted: Vec<(f64, f64)> = seconds
        .iter()
        .enumerate()
        .map(|(i, s)| (at(i), s.accepted))
        .collect();
    let scored: Vec<(f64, f64)> = seconds
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.scored.map(|v| (at(i), v)))
        .collect();
    let p50: Vec<(f64, f64)> = seconds
        .iter()
        .enumerate()
        .map(|(i, s)| (at(i), s.p50_ms))
        .collect();
    let p99: Vec<(f64, f64)> = seconds
        .iter()
        .enumerate()
        .map(|(i, s)| (at(i), s.p99_ms))
        .collect();
    let rate_max = accepted.iter().chain(&scored).map(|p| p.1).fold(1.0, f64::max) * 1.1;
    let latency_max = p99.iter().map(|p| p.1).fold(1.0, f64::max) * 1.1;
    let height = TOP + 2.0 * PANEL + 90.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" font-family="sans-serif">"#
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        out,
        r#"<text x="{LEFT}" y="20" font-size="15">{}</text>"#,
        escape(title)
    );
    let top = TOP + 10.0;
    axes(
        &mut out,
        top,
        rate_max,
        "applications/s: accepted (blue), scored (green)",
    );
    polyline(&mut out, &accepted, x_max, rate_max, top, "#1f77b4");
    if !scored.is_empty() {
        polyline(&mut out, &scored, x_max, rate_max, top, "#2ca02c");
    }
    let bottom = top + PANEL + 40.0;
    axes(
        &mut out,
        bottom,
        latency_max,
        "submit latency ms: p50 (orange), p99 (red)",
    );
    polyline(&mut out, &p50, x_max, latency_max, bottom, "#ff7f0e");
    polyline(&mut out, &p99, x_max, latency_max, bottom, "#d62728");
    let _ = writeln!(
        out,
        r#"<text x="{}" y="{:.1}" font-size="12" text-anchor="middle">seconds since the first submission (0 to {x_max:.0})</text>"#,
        WIDTH / 2.0,
        bottom + PANEL + 30.0
    );
    out.push_str("</svg>\n");
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
