//! Every time a store writes comes from the one clock (`clock::now`, at stored precision):
//! rows stamped with the raw system time sat beside rows stamped with the rounded one, so two
//! times of one transaction could compare out of order.

#![allow(clippy::unwrap_used)]

use std::path::Path;

fn check(dir: &Path, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            check(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("clock.rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                if code.contains("Utc::now()") && !path.to_string_lossy().contains("testing") {
                    found.push(format!("{}:{}", path.display(), n + 1));
                }
            }
        }
    }
}

#[test]
fn stores_read_the_one_clock() {
    let mut found = Vec::new();
    check(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
    assert!(found.is_empty(), "raw Utc::now() in storage: {found:?}");
}
