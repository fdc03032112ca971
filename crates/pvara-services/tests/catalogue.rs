//! The message catalogues kept whole: every message id a template or the code asks for is in
//! `locales/en.ftl` (and so, by the catalogue's own tests, in `ur.ftl`), and the pages already
//! translated carry no words of their own outside the catalogue.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path, ext));
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
    out
}

/// The ids in `text` passed literally to `t(`, `t1(`, `tn(`, `t_with(` or given as a form
/// label (`"field-...`).
fn asked_for(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for call in ["t(\"", "t1(\"", "tn(\"", "t_with(\"", "\"field-"] {
        let mut rest = text;
        while let Some(at) = rest.find(call) {
            let after = &rest[at + call.len()..];
            // `t(` is a call of its own, not the end of `input(`.
            let whole = rest[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
            if !whole {
                rest = after;
                continue;
            }
            let end = after.find('"').unwrap_or(0);
            let id = if call.starts_with('"') {
                format!("field-{}", &after[..end])
            } else {
                after[..end].to_owned()
            };
            if !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                ids.push(id);
            }
            rest = &after[end..];
        }
    }
    ids
}

fn catalogue_ids(file: &str) -> Vec<String> {
    std::fs::read_to_string(root().join("locales").join(file))
        .unwrap()
        .lines()
        .filter_map(|line| line.split_once(" =").map(|(id, _)| id.trim().to_owned()))
        .filter(|id| !id.is_empty() && !id.starts_with('#') && !id.contains(' '))
        .collect()
}

#[test]
fn every_message_asked_for_is_in_the_catalogue() {
    let english = catalogue_ids("en.ftl");
    let mut missing = Vec::new();
    let sources = files(&root().join("templates"), "html")
        .into_iter()
        .chain(files(&root().join("src"), "rs"));
    for file in sources {
        let text = std::fs::read_to_string(&file).unwrap();
        for id in asked_for(&text) {
            if !english.contains(&id) {
                missing.push(format!("{}: {id}", file.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "message ids not in locales/en.ftl: {missing:#?}"
    );
}

/// The pages translated so far: what a candidate meets from the job board to their application.
/// Staff pages are English-first and join this list as they are translated.
const TRANSLATED: &[&str] = &[
    "base.html",
    "errors.html",
    "error.html",
    "jobs.html",
    "job.html",
    "apply.html",
    "applied.html",
    "check_answers.html",
    "login.html",
    "register.html",
    "register_sent.html",
    "my_applications.html",
    "my_application.html",
    "results.html",
    "representation.html",
    "status_fragment.html",
    "account_settings.html",
    "my_data.html",
    "privacy.html",
    "accessibility.html",
    "cookies.html",
    "contact.html",
    "account_change_email.html",
    "confirm_new_email.html",
    "account_name.html",
    "account_password.html",
    "account_email.html",
    "account_deleted.html",
    "verify_email.html",
    "password_reset_request.html",
    "reset_password.html",
    "offer_answer.html",
    "confirm.html",
];

/// `text` without template tags, HTML tags, entities and what is not words.
fn words_outside_the_catalogue(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let next = [("{{", "}}"), ("{%", "%}"), ("{#", "#}"), ("<", ">")]
            .iter()
            .filter_map(|(open, close)| rest.find(open).map(|at| (at, *open, *close)))
            .min_by_key(|(at, _, _)| *at);
        match next {
            Some((at, open, close)) => {
                out.push_str(&rest[..at]);
                let after = &rest[at + open.len()..];
                rest = after.find(close).map_or("", |end| &after[end + close.len()..]);
                out.push(' ');
            }
            None => {
                out.push_str(rest);
                rest = "";
            }
        }
    }
    out.split_whitespace()
        .filter(|w| !w.starts_with('&'))
        .filter(|w| w.chars().any(char::is_alphabetic))
        .filter(|w| *w != "pvara")
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn translated_pages_have_no_words_of_their_own() {
    for name in TRANSLATED {
        let text = std::fs::read_to_string(root().join("templates").join(name)).unwrap();
        let words = words_outside_the_catalogue(&text);
        assert!(
            words.is_empty(),
            "{name} has words outside the catalogue: {words}"
        );
    }
}
