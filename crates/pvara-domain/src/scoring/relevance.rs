//! How well the CV and cover letter speak to the job description, by Okapi BM25 with the job
//! description as the query.
//!
//! Classic BM25 takes term rarity (IDF) from the whole collection. Here that would make one
//! application's score depend on which other applications arrived before it, so a redelivered
//! event could score differently. Instead each query term is weighted by how specific it is to the
//! description itself (rarer words in the description weigh more, stop words not at all), and the
//! document length is normalised against a fixed typical CV length. The result is divided by the
//! best achievable score, giving 0..=1 that depends on this application and job only.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use foldhash::fast::FixedState;

/// SipHash was a third of scoring time. Both tables here are filled only from fixed lists or the
/// job (staff-written), never from the CV, which only looks keys up; so a fast, fixed-seed hash
/// cannot be driven into collisions by an applicant.
type FastMap<K, V> = HashMap<K, V, FixedState>;
type FastSet<K> = HashSet<K, FixedState>;

const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Words in a typical one-page CV; the length normalisation pivots on it.
const TYPICAL_CV_WORDS: f64 = 400.0;
/// How many matched terms the explanation lists.
const EXPLAINED_TERMS: usize = 10;

const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "all",
    "also",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "been",
    "being",
    "both",
    "but",
    "by",
    "can",
    "could",
    "do",
    "does",
    "each",
    "etc",
    "for",
    "from",
    "had",
    "has",
    "have",
    "he",
    "her",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "me",
    "more",
    "most",
    "my",
    "no",
    "not",
    "of",
    "on",
    "or",
    "other",
    "our",
    "out",
    "over",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "under",
    "up",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "will",
    "with",
    "would",
    "you",
    "your",
    "role",
    "work",
    "working",
    "team",
    "looking",
    "join",
    "candidate",
    "candidates",
    "experience",
    "years",
    "year",
    "strong",
    "good",
    "ability",
    "able",
    "skills",
    "including",
    "must",
    "well",
    "new",
];

/// A set, not a scan of the list: the scan was two thirds of all scoring time (`cargo bench -p
/// pvara --bench scoring`, profiled with perf).
fn is_stop_word(word: &str) -> bool {
    static SET: LazyLock<FastSet<&'static str>> = LazyLock::new(|| STOP_WORDS.iter().copied().collect());
    SET.contains(word)
}

/// Lower-cased alphanumeric words of two or more characters, stop words removed. A light suffix
/// strip folds "systems" into "system" and "managed" into "manag", which is enough for matching.
pub fn terms(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for_each_term(text, |term, _| found.push(term.to_owned()));
    found
}

/// [`terms`] without an allocation per word: a CV has hundreds of words, and this runs for
/// every application. The visitor gets each term and the lower-cased word it came from.
fn for_each_term(text: &str, mut visit: impl FnMut(&str, &str)) {
    let mut lower = String::new();
    for word in text.split(|c: char| !(c.is_alphanumeric() || c == '+' || c == '#')) {
        if word.is_ascii() {
            if word.len() < 2 {
                continue;
            }
            lower.clear();
            lower.push_str(word);
            lower.make_ascii_lowercase();
        } else {
            if word.chars().count() < 2 {
                continue;
            }
            lower = word.to_lowercase();
        }
        if !is_stop_word(&lower) {
            visit(stem(&lower), &lower);
        }
    }
}

fn stem(word: &str) -> &str {
    for suffix in ["ing", "ed", "es", "s"] {
        if word.len() > suffix.len() + 3 && word.ends_with(suffix) {
            return &word[..word.len() - suffix.len()];
        }
    }
    word
}

/// The words of `query` that `stems` came from (its first use of each), so that people read
/// "services", not the stem "servic". A second pass over the query, for ten terms at most.
fn as_written(query: &str, stems: &[&str]) -> Vec<String> {
    let mut words: Vec<Option<String>> = vec![None; stems.len()];
    for_each_term(query, |term, word| {
        if let Some(i) = stems.iter().position(|s| *s == term)
            && words[i].is_none()
        {
            words[i] = Some(word.to_owned());
        }
    });
    words
        .into_iter()
        .zip(stems)
        .map(|(word, stem)| word.unwrap_or_else(|| (*stem).to_owned()))
        .collect()
}

/// The relevance of `document` to `query`, in 0..=1, and the query terms found, most weighty first.
pub fn relevance(query: &str, document: &str) -> (f64, Vec<String>) {
    let mut query_tf: HashMap<String, u32> = HashMap::new();
    for term in terms(query) {
        *query_tf.entry(term).or_default() += 1;
    }
    if query_tf.is_empty() {
        return (0.0, Vec::new());
    }
    let mut doc_tf: FastMap<&str, u32> = query_tf.keys().map(|term| (term.as_str(), 0)).collect();
    let mut doc_len = 0usize;
    for_each_term(document, |term, _| {
        doc_len += 1;
        if let Some(count) = doc_tf.get_mut(term) {
            *count += 1;
        }
    });
    let norm = K1 * (1.0 - B + B * doc_len as f64 / TYPICAL_CV_WORDS);
    // A term said once in a description is as specific as the description gets; repeated filler
    // (company name, "data") is worth less. This plays the part of IDF.
    let weight = |qtf: u32| 1.0 / (1.0 + f64::from(qtf).ln());
    let mut best = 0.0;
    let mut got = 0.0;
    let mut matched: Vec<(f64, &str)> = Vec::new();
    for (term, &qtf) in &query_tf {
        let w = weight(qtf);
        // The best a document can do is to saturate every term.
        best += w * (K1 + 1.0);
        if let Some(&tf) = doc_tf.get(term.as_str()).filter(|&&tf| tf > 0) {
            let tf = f64::from(tf);
            let contribution = w * tf * (K1 + 1.0) / (tf + norm);
            got += contribution;
            matched.push((contribution, term));
        }
    }
    matched.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let explained: Vec<&str> = matched
        .into_iter()
        .take(EXPLAINED_TERMS)
        .map(|(_, t)| t)
        .collect();
    ((got / best).clamp(0.0, 1.0), as_written(query, &explained))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relevant_text_scores_higher_than_unrelated_text() {
        let job = "Backend engineer building payment systems in Rust with PostgreSQL and Kafka";
        let (good, terms) = relevance(
            job,
            "Built payment systems in Rust; ran PostgreSQL and Kafka clusters",
        );
        let (bad, _) = relevance(job, "Florist with a passion for arranging tulips and roses");
        assert!(good > 0.3, "{good}");
        assert!(bad < 0.05, "{bad}");
        assert!(terms.contains(&"rust".to_owned()));
    }

    #[test]
    fn the_terms_found_are_the_words_of_the_advert_not_their_stems() {
        let job = "Manage public services; services managed for citizens";
        let (_, found) = relevance(job, "I managed services for the public");
        assert!(found.contains(&"services".to_owned()), "{found:?}");
        assert!(found.contains(&"managed".to_owned()), "{found:?}");
        assert!(found.iter().all(|w| w != "servic" && w != "manag"), "{found:?}");
    }

    #[test]
    fn empty_inputs_score_zero() {
        assert_eq!(relevance("", "anything").0, 0.0);
        assert_eq!(relevance("rust engineer", "").0, 0.0);
    }

    #[test]
    fn repeating_keywords_saturates() {
        let job = "rust postgresql kafka";
        let (once, _) = relevance(job, "rust");
        let (spam, _) = relevance(job, &"rust ".repeat(500));
        assert!(spam < 0.5, "keyword stuffing got {spam}");
        assert!(spam < once * 2.0);
    }
}
