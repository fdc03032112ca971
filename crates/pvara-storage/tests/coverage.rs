//! Every method of the storage traits is exercised by the stories every engine runs: a method
//! only the HTTP tests reach could behave differently on one engine without a storage test
//! noticing (16 were, before this test).

#![allow(clippy::unwrap_used)]

use std::path::Path;

fn methods(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut in_trait = false;
    let mut found = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("pub trait ") {
            in_trait = true;
        } else if line.starts_with('}') {
            in_trait = false;
        } else if in_trait && let Some(rest) = trimmed.strip_prefix("async fn ") {
            found.push(rest.split(['(', '<']).next().unwrap().to_owned());
        }
    }
    found
}

#[test]
fn every_trait_method_is_in_a_story() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let stories: String = std::fs::read_dir(src.join("testing"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    let mut missing = Vec::new();
    for file in [
        "store.rs",
        "workspace.rs",
        "panel.rs",
        "drafts.rs",
        "merit.rs",
        "imports.rs",
        "log/mod.rs",
    ] {
        for method in methods(&src.join(file)) {
            if !stories.contains(&format!(".{method}(")) && !stories.contains(&format!("fn {method}(")) {
                missing.push(format!("{file}: {method}"));
            }
        }
    }
    assert!(missing.is_empty(), "trait methods no story calls: {missing:?}");
}
