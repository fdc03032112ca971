//! The layering inside this crate, kept true (docs/src/architecture.md draws it):
//!
//! ```text
//! http            both front ends under one router, and the listener
//! api   web       the two front ends; neither imports the other
//! front           what both front ends share: request parts, the upload form, views, downloads
//! usecase workers the use cases (one function each) and the background workers
//! state           the process's engines and services, built once at start
//! ports           auth, cv, i18n, mail, throttle, backpressure, events, health, scorer, semantic, metrics, ...
//! ```
//!
//! A module may import from its own layer and the layers below it, never above. This test reads
//! every `crate::...` path in the crate's source and fails on one that points up.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

/// Layers from the top; a module is in the layer of its first path segment under `src/`.
const LAYERS: &[&[&str]] = &[
    &["http"],
    &["api", "web"],
    &["front"],
    &["usecase", "workers", "relay", "retention", "offer_expiry"],
    &["state"],
    &[
        "auth",
        "backpressure",
        "cv",
        "events",
        "health",
        "i18n",
        "mail",
        "metrics",
        "retry",
        "scorer",
        "semantic",
        "throttle",
    ],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

#[test]
fn no_module_imports_from_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut violations = Vec::new();
    let mut unplaced = Vec::new();
    for file in sources(&src) {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_owned();
        if module == "lib" {
            continue;
        }
        let Some(own) = layer_of(&module) else {
            unplaced.push(module);
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for (at, _) in code.match_indices("crate::") {
                let target: String = code[at + "crate::".len()..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let Some(theirs) = layer_of(&target) else { continue };
                let sideways = theirs == own && target != module && ["api", "web"].contains(&target.as_str());
                if theirs < own || sideways {
                    violations.push(format!(
                        "{}:{}: {module} imports {target}",
                        relative.display(),
                        number + 1
                    ));
                }
            }
        }
    }
    assert!(unplaced.is_empty(), "modules in no layer: {unplaced:?}");
    assert!(
        violations.is_empty(),
        "imports against the layering:\n{}",
        violations.join("\n")
    );
}
