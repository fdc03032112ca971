//! What people read, in their language: the message catalogues (Fluent, one file per language
//! under `locales/`, so that a translator works on the Urdu file alone) and the language of the
//! request being answered.
//!
//! A page, a form error or a date formatted while answering a request reads the request's
//! language from [`current`], set once per request by the language middleware (the cookie, then
//! `Accept-Language`); a worker writing mail sets the candidate's with [`in_language`]. Carrying
//! it this way keeps every formatter and every use-case message out of the business of passing
//! a language around, as `tracing` does with spans.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
pub use pvara_domain::language::Language;
use unic_langid::LanguageIdentifier;

/// The catalogues, compiled in: English is the source, Urdu its translation.
pub const CATALOGUES: [(Language, &str); 2] = [
    (Language::En, include_str!("../locales/en.ftl")),
    (Language::Ur, include_str!("../locales/ur.ftl")),
];

/// The name of the cookie that keeps a visitor's choice of language.
pub const COOKIE: &str = "pvara_lang";

tokio::task_local! {
    static LANGUAGE: Language;
}

static BUNDLES: LazyLock<Vec<(Language, FluentBundle<FluentResource>)>> = LazyLock::new(|| {
    CATALOGUES
        .iter()
        .map(|(language, source)| (*language, bundle(*language, source)))
        .collect()
});

fn bundle(language: Language, source: &str) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = language.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Bidirectional isolation marks keep a Latin name or a reference whole inside Urdu text;
    // English needs none, and tests and screen readers read it plainer without.
    bundle.set_use_isolating(language.is_rtl());
    let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, errors)| {
        tracing::error!(
            ?errors,
            language = language.code(),
            "message catalogue has syntax errors"
        );
        partial
    });
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!(
            ?errors,
            language = language.code(),
            "message catalogue repeats an id"
        );
    }
    bundle
}

/// The language of the request or mail being written; English outside of one.
pub fn current() -> Language {
    LANGUAGE.try_with(|language| *language).unwrap_or_default()
}

/// Runs `future` (a request's handling) in `language`.
pub async fn scope<F: Future>(language: Language, future: F) -> F::Output {
    LANGUAGE.scope(language, future).await
}

/// Runs `f` (a mail's rendering) in `language`.
pub fn in_language<R>(language: Language, f: impl FnOnce() -> R) -> R {
    LANGUAGE.sync_scope(language, f)
}

/// The message `id` in the current language.
pub fn t(id: &str) -> String {
    text(current(), id, &[])
}

/// The message `id` in the current language, with its variables.
pub fn t_with(id: &str, args: &[(&str, Arg)]) -> String {
    text(current(), id, args)
}

/// A variable of a message: text, or a number (which also chooses the plural form).
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Number(f64),
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(value.to_owned())
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(value)
    }
}

impl From<u64> for Arg {
    fn from(value: u64) -> Self {
        Arg::Number(value as f64)
    }
}

impl From<usize> for Arg {
    fn from(value: usize) -> Self {
        Arg::Number(value as f64)
    }
}

impl From<u32> for Arg {
    fn from(value: u32) -> Self {
        Arg::Number(f64::from(value))
    }
}

/// The message `id` in `language`. A message missing from a translation falls back to English,
/// and one missing from English to its id, both logged: a page never fails over a word (and the
/// catalogue tests fail first).
pub fn text(language: Language, id: &str, args: &[(&str, Arg)]) -> String {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        match value {
            Arg::Text(text) => fluent_args.set(*name, FluentValue::from(text.as_str())),
            Arg::Number(n) => fluent_args.set(*name, FluentValue::from(*n)),
        }
    }
    for candidate in [language, Language::En] {
        let Some((_, bundle)) = BUNDLES.iter().find(|(l, _)| *l == candidate) else {
            continue;
        };
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            continue;
        };
        if candidate != language {
            tracing::warn!(
                id,
                language = language.code(),
                "message missing from the catalogue"
            );
        }
        let mut errors = Vec::new();
        let out = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(id, ?errors, "message formatted with errors");
        }
        return out.into_owned();
    }
    tracing::error!(id, "message missing from every catalogue");
    id.to_owned()
}

/// An application's status, as the reader says it ("Under Review" is `status-under-review`).
pub fn status(status: pvara_domain::status::Status) -> String {
    t(&format!("status-{}", status_slug(status)))
}

/// A status as the tail of its messages' ids: `under-review` for "Under Review", in
/// `status-under-review` (its name) and `next-under-review` (what happens next).
pub fn status_slug(status: pvara_domain::status::Status) -> String {
    status.as_str().to_ascii_lowercase().replace(' ', "-")
}

/// A level of education, as the reader says it.
pub fn education(level: pvara_domain::scoring::education::Education) -> String {
    t(&format!("education-{}", level.as_str().to_ascii_lowercase()))
}

/// A number of years of experience, as the reader says it ("1 year", "2.5 years").
pub fn years(n: f64) -> String {
    t_with("years-count", &[("count", Arg::Number(n))])
}

/// A role as the reader says it ("hiring manager").
pub fn role(role: pvara_domain::user::Role) -> String {
    t(&format!("role-{}", role.as_str()))
}

/// How an interview's panel reads: with `named`, each member's name and role (what staff and
/// the panel read, and candidates where the installation chooses); otherwise by role only ("a
/// panel of 2: hiring manager, interviewer"). An interview from before panels were users shows
/// the names it was given.
pub fn panel_words(interview: &pvara_domain::pipeline::Interview, named: bool) -> String {
    if interview.roles.len() != interview.interviewers.len() {
        return interview.interviewers.join(", ");
    }
    if named {
        return interview
            .interviewers
            .iter()
            .zip(&interview.roles)
            .map(|(name, r)| {
                let member = [("name", Arg::Text(name.clone())), ("role", Arg::Text(role(*r)))];
                t_with("panel-member", &member)
            })
            .collect::<Vec<_>>()
            .join(", ");
    }
    let roles: Vec<String> = interview.roles.iter().map(|r| role(*r)).collect();
    let panel = [
        ("count", Arg::from(roles.len())),
        ("roles", Arg::Text(roles.join(", "))),
    ];
    t_with("panel-of", &panel)
}

/// A form's label given as a message id (`field-full-name`), or as English words on the forms not
/// yet in the catalogue (the staff's), which stay as they are.
pub fn label(id_or_words: &str) -> String {
    if has(Language::En, id_or_words) {
        t(id_or_words)
    } else {
        id_or_words.to_owned()
    }
}

/// A rule's message from the domain or a use case ("must be at most 200 characters"), in the
/// current language. The domain writes its rules in English words, which the API sends as they
/// are; the catalogue keys their translations by those words with the numbers taken out
/// (`rule-must-be-at-most-n-characters`, the numbers as `$n1`, `$n2`). A rule without a
/// translation stays in English.
pub fn rule(message: &str) -> String {
    let language = current();
    if language == Language::En {
        return message.to_owned();
    }
    let (id, numbers) = rule_id(message);
    if !has(language, &id) {
        tracing::debug!(id, "rule without a translation");
        return message.to_owned();
    }
    let names: Vec<String> = (1..=numbers.len()).map(|i| format!("n{i}")).collect();
    let args: Vec<(&str, Arg)> = names
        .iter()
        .zip(&numbers)
        .map(|(name, n)| (name.as_str(), Arg::Text(n.clone())))
        .collect();
    text(language, &id, &args)
}

/// The catalogue id of a rule's English words, and the numbers taken out of them.
pub fn rule_id(message: &str) -> (String, Vec<String>) {
    let mut numbers = Vec::new();
    let words: Vec<String> = message
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w.chars().all(|c| c.is_ascii_digit()) {
                numbers.push(w.to_owned());
                "n".to_owned()
            } else {
                w.to_ascii_lowercase()
            }
        })
        .collect();
    (format!("rule-{}", words.join("-")), numbers)
}

/// Whether `id` is in `language`'s catalogue, for the tests that keep the catalogues whole.
pub fn has(language: Language, id: &str) -> bool {
    BUNDLES
        .iter()
        .any(|(l, bundle)| *l == language && bundle.get_message(id).is_some_and(|m| m.value().is_some()))
}

/// The ids a catalogue defines, in order.
pub fn ids(language: Language) -> Vec<String> {
    CATALOGUES
        .iter()
        .filter(|(l, _)| *l == language)
        .flat_map(|(_, source)| {
            source.lines().filter_map(|line| {
                let (id, _) = line.split_once(" =")?;
                let id = id.trim_end();
                (!id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
                    .then(|| id.to_owned())
            })
        })
        .collect()
}

/// The language a browser asks for in `Accept-Language`, if it is one of ours.
pub fn from_accept_language(header: &str) -> Option<Language> {
    let requested = fluent_langneg::accepted_languages::parse(header);
    let available: Vec<LanguageIdentifier> = Language::ALL
        .iter()
        .filter_map(|l| l.code().parse().ok())
        .collect();
    let chosen = fluent_langneg::negotiate_languages(
        &requested,
        &available,
        None,
        fluent_langneg::NegotiationStrategy::Lookup,
    );
    chosen
        .first()
        .and_then(|id| Language::parse(id.language.as_str()))
}

/// A share of a drive's posts as the reader says it: "open merit", or the category's own name
/// (a commission's names for its categories are its own, in whatever language it wrote them).
pub fn seat(seat: &pvara_domain::merit::allocation::Seat) -> String {
    match seat {
        pvara_domain::merit::allocation::Seat::OpenMerit => t("merit-open-merit"),
        pvara_domain::merit::allocation::Seat::Quota { category } => category.clone(),
    }
}

/// A line's outcome on a merit list, as a sentence ("Selected for a post on open merit").
pub fn merit_outcome(outcome: &pvara_domain::merit::allocation::Outcome) -> String {
    use pvara_domain::merit::allocation::Outcome;
    match outcome {
        Outcome::Selected {
            carried_from: Some(from),
            ..
        } => t_with("merit-outcome-carried", &[("from", Arg::Text(from.clone()))]),
        Outcome::Selected { seat: s, .. } => {
            t_with("merit-outcome-selected", &[("seat", Arg::Text(seat(s)))])
        }
        Outcome::Reserve { seat: s, rank } => t_with(
            "merit-outcome-reserve",
            &[
                ("seat", Arg::Text(seat(s))),
                ("rank", Arg::Number(f64::from(*rank))),
            ],
        ),
        Outcome::NotSelected => t("merit-outcome-not-selected"),
        Outcome::NotEligible => t("merit-outcome-not-eligible"),
        Outcome::NoTestMark => t("merit-outcome-no-test"),
        Outcome::NoInterviewMark => t("merit-outcome-no-interview"),
    }
}

/// A rule an applicant falls short of, as a sentence addressed to them.
pub fn shortfall(shortfall: &pvara_domain::merit::Shortfall) -> String {
    use pvara_domain::merit::Shortfall;
    let n = |v: u32| Arg::Number(f64::from(v));
    match shortfall {
        Shortfall::NotDeclared => t("shortfall-not-declared"),
        Shortfall::TooYoung { age, min } => {
            t_with("shortfall-too-young", &[("age", n(*age)), ("min", n(*min))])
        }
        Shortfall::TooOld {
            age,
            max,
            relaxation: 0,
        } => t_with("shortfall-too-old", &[("age", n(*age)), ("max", n(*max))]),
        Shortfall::TooOld { age, max, relaxation } => t_with(
            "shortfall-too-old-relaxed",
            &[("age", n(*age)), ("max", n(*max)), ("relaxation", n(*relaxation))],
        ),
        Shortfall::Domicile { domicile } => {
            t_with("shortfall-domicile", &[("domicile", Arg::Text(domicile.clone()))])
        }
        Shortfall::Education { needs, .. } => {
            t_with("shortfall-education", &[("needs", Arg::Text(education(*needs)))])
        }
        Shortfall::Subject => t("shortfall-subject"),
        Shortfall::Experience { has, needs } => t_with(
            "shortfall-experience",
            &[
                ("needs", Arg::Text(years(*needs))),
                ("has", Arg::Text(years(*has))),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogues_parse_without_errors() {
        for (language, source) in CATALOGUES {
            let parsed = FluentResource::try_new(source.to_owned());
            assert!(
                parsed.is_ok(),
                "{} has syntax errors: {:?}",
                language.code(),
                parsed.err().map(|e| e.1)
            );
        }
    }

    #[test]
    fn the_translation_has_every_message_of_the_source_and_no_other() {
        let english = ids(Language::En);
        let urdu = ids(Language::Ur);
        let missing: Vec<_> = english.iter().filter(|id| !urdu.contains(id)).collect();
        let extra: Vec<_> = urdu.iter().filter(|id| !english.contains(id)).collect();
        assert!(missing.is_empty(), "missing from ur.ftl: {missing:?}");
        assert!(extra.is_empty(), "in ur.ftl but not en.ftl: {extra:?}");
        for id in &english {
            assert!(has(Language::Ur, id), "{id} has no value in ur.ftl");
        }
    }

    #[test]
    fn a_rule_is_found_by_its_words_with_the_numbers_taken_out() {
        assert_eq!(
            rule_id("must be at most 200 characters"),
            (
                "rule-must-be-at-most-n-characters".to_owned(),
                vec!["200".to_owned()]
            )
        );
        assert_eq!(rule("must not be empty"), "must not be empty");
        let urdu = in_language(Language::Ur, || rule("must be at most 200 characters"));
        assert!(urdu.contains("200") && !urdu.contains("characters"), "{urdu}");
        assert_eq!(
            in_language(Language::Ur, || rule("no such rule 7")),
            "no such rule 7"
        );
    }

    #[test]
    fn every_status_and_level_of_education_has_its_words() {
        for language in Language::ALL {
            for status in pvara_domain::status::Status::ALL {
                let id = format!("status-{}", status_slug(status));
                assert!(has(language, &id), "{id} in {}", language.code());
                let next = format!("next-{}", status_slug(status));
                assert!(has(language, &next), "{next} in {}", language.code());
            }
            for level in pvara_domain::scoring::education::Education::ALL {
                let id = format!("education-{}", level.as_str().to_ascii_lowercase());
                assert!(has(language, &id), "{id} in {}", language.code());
            }
            for role in pvara_domain::user::Role::ALL {
                let id = format!("role-{}", role.as_str());
                assert!(has(language, &id), "{id} in {}", language.code());
            }
        }
    }

    #[test]
    fn a_panel_reads_by_role_unless_named() {
        use pvara_domain::ids::UserId;
        use pvara_domain::pipeline::Interview;
        use pvara_domain::user::Role;
        let now = chrono::Utc::now();
        let panel = [
            (UserId::new(), "S. Ali".to_owned(), Role::HiringManager),
            (UserId::new(), "R. Iqbal".to_owned(), Role::Interviewer),
        ];
        let interview =
            Interview::parse((now + chrono::Duration::days(1), "Room 4"), &panel, 1, now).unwrap();
        assert_eq!(
            panel_words(&interview, false),
            "a panel of 2: hiring manager, interviewer"
        );
        assert_eq!(
            panel_words(&interview, true),
            "S. Ali (hiring manager), R. Iqbal (interviewer)"
        );
        let urdu = in_language(Language::Ur, || panel_words(&interview, false));
        assert!(urdu.contains("انٹرویو لینے والا"), "{urdu}");
        let old: Interview = serde_json::from_value(serde_json::json!({
            "scheduledAt": "2030-02-14T05:00:00Z", "location": "Room 4", "interviewers": ["S. Ali"]
        }))
        .unwrap();
        assert_eq!(panel_words(&old, false), "S. Ali");
    }

    #[test]
    fn accept_language_picks_the_first_language_we_speak() {
        assert_eq!(
            from_accept_language("ur-PK,ur;q=0.9,en;q=0.8"),
            Some(Language::Ur)
        );
        assert_eq!(from_accept_language("fr-FR, en-GB;q=0.8"), Some(Language::En));
        assert_eq!(from_accept_language("de"), None);
        assert_eq!(from_accept_language(""), None);
    }

    #[test]
    fn a_message_is_read_in_the_language_of_its_scope() {
        let heading = in_language(Language::Ur, || t("jobs-heading"));
        assert_eq!(heading, text(Language::Ur, "jobs-heading", &[]));
        assert_ne!(heading, t("jobs-heading"));
        assert_eq!(text(Language::En, "no-such-message", &[]), "no-such-message");
    }
}
