//! Reading fidelity over CVs made by real generators (issue 23): `tests/corpus/generate.py`
//! makes them (Ghostscript, LibreOffice PDF and DOCX, Chromium's print to PDF, fpdf2,
//! python-docx, a scan) into `PVARA_TEST_CV_CORPUS`, which the test script builds once into its
//! cache. Each document's words are compared with the text it was made from: word recall, per
//! generator, printed as the table in BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use pvara_services::cv::Kind;
use pvara_services::cv::read;

/// Words as compared: lower case, hyphenated words joined (a line-break hyphen is the
/// generator's, not the candidate's), split at anything but a letter or digit.
fn words(text: &str) -> Vec<String> {
    text.replace(['-', '\u{2010}', '\u{2011}', '\u{ad}'], "")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Share of the source's words (with repeats) found in `read`.
fn recall(source: &str, read: &str) -> f64 {
    let mut found: HashMap<String, usize> = HashMap::new();
    for word in words(read) {
        *found.entry(word).or_default() += 1;
    }
    let wanted = words(source);
    let hits = wanted
        .iter()
        .filter(|w| match found.get_mut(*w) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        })
        .count();
    hits as f64 / wanted.len().max(1) as f64
}

fn corpus() -> PathBuf {
    PathBuf::from(std::env::var("PVARA_TEST_CV_CORPUS").expect(
        "PVARA_TEST_CV_CORPUS: the CV corpus, made by tests/corpus/generate.py (scripts/test does it)",
    ))
}

#[test]
fn every_generators_cv_is_read_in_full() {
    let dir = corpus();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let mut by_generator: BTreeMap<String, Vec<(String, f64)>> = BTreeMap::new();
    let mut failures = Vec::new();
    for item in manifest.as_array().unwrap() {
        let file = item["file"].as_str().unwrap();
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let kind = Kind::sniff(&bytes).expect("a document");
        let reading = read::read(kind, &bytes).expect("a document this build can open");
        if item["image_only"].as_bool() == Some(true) {
            assert!(
                words(&reading.text).is_empty() && reading.pages >= 1,
                "{file}: a scan has pages and no text"
            );
            continue;
        }
        let source = std::fs::read_to_string(dir.join(item["expected"].as_str().unwrap())).unwrap();
        let score = recall(&source, &reading.text);
        let generator = item["generator"].as_str().unwrap().to_owned();
        let urdu = item["source"] == "urdu";
        by_generator
            .entry(generator)
            .or_default()
            .push((file.to_owned(), score));
        if urdu {
            // Nastaliq in PDF: the glyphs' text is lost in the file itself (pdftotext reads 0.36
            // of it); the Latin words in it must still be read.
            for word in ["rust", "postgresql"] {
                if !words(&reading.text).contains(&word.to_owned()) {
                    failures.push(format!("{file}: {word} not read"));
                }
            }
            if kind == Kind::Docx && score < 0.98 {
                failures.push(format!("{file}: recall {score:.3}"));
            }
        } else if score < 0.98 {
            failures.push(format!("{file}: recall {score:.3}"));
        }
    }
    for (generator, files) in &by_generator {
        let worst = files.iter().map(|(_, s)| *s).fold(1.0, f64::min);
        let mean = files.iter().map(|(_, s)| *s).sum::<f64>() / files.len() as f64;
        println!(
            "{generator:16} {:2} files  mean recall {mean:.3}  worst {worst:.3}",
            files.len()
        );
        for (file, score) in files {
            println!("    {file:45} {score:.3}");
        }
    }
    assert!(failures.is_empty(), "read short: {failures:?}");
}
