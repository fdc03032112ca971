//! Skill matching that ignores case and punctuation and knows the obvious synonyms, so that
//! "Node.js", "nodejs" and "node" are one skill and "Postgres" satisfies "PostgreSQL".

/// Synonym -> canonical key. Keys are already normalised (see [`normalize`]).
const SYNONYMS: &[(&str, &str)] = &[
    ("js", "javascript"),
    ("ecmascript", "javascript"),
    ("ts", "typescript"),
    ("postgres", "postgresql"),
    ("psql", "postgresql"),
    ("pg", "postgresql"),
    ("golang", "go"),
    ("k8s", "kubernetes"),
    ("node", "nodejs"),
    ("reactjs", "react"),
    ("vuejs", "vue"),
    ("py", "python"),
    ("python3", "python"),
    ("ml", "machinelearning"),
    ("ai", "artificialintelligence"),
    ("mongo", "mongodb"),
    ("amazonwebservices", "aws"),
    ("gcp", "googlecloud"),
    ("dotnet", "net"),
    ("csharp", "c#"),
    ("cplusplus", "c++"),
    ("cpp", "c++"),
    ("ms excel", "excel"),
    ("msexcel", "excel"),
];

/// Lower-cases and drops everything but letters, digits, `+` and `#` (which carry meaning in
/// "C++" and "C#"), then maps synonyms to one canonical key.
pub fn normalize(skill: &str) -> String {
    let key: String = skill
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric() || *c == '+' || *c == '#')
        .collect();
    match SYNONYMS.iter().find(|(alias, _)| *alias == key) {
        Some((_, canonical)) => (*canonical).to_owned(),
        None => key,
    }
}

/// Splits `wanted` into the skills `offered` covers and the ones it does not, keeping the job's
/// own spelling for the explanation.
pub fn match_skills(wanted: &[String], offered: &[String]) -> (Vec<String>, Vec<String>) {
    let offered: Vec<String> = offered.iter().map(|s| normalize(s)).collect();
    wanted.iter().cloned().partition(|skill| {
        let key = normalize(skill);
        !key.is_empty() && offered.contains(&key)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_punctuation_and_synonyms_are_ignored() {
        assert_eq!(normalize("Node.js"), "nodejs");
        assert_eq!(normalize("node"), "nodejs");
        assert_eq!(normalize("JS"), "javascript");
        assert_eq!(normalize("JavaScript"), "javascript");
        assert_eq!(normalize("Postgres"), normalize("PostgreSQL"));
        assert_eq!(normalize("C++"), "c++");
        assert_ne!(normalize("C++"), normalize("C#"));
    }

    #[test]
    fn matching_keeps_the_jobs_spelling() {
        let wanted = vec!["PostgreSQL".to_owned(), "Rust".to_owned(), "Kafka".to_owned()];
        let offered = vec!["postgres".to_owned(), "rust ".to_owned()];
        let (matched, missing) = match_skills(&wanted, &offered);
        assert_eq!(matched, vec!["PostgreSQL", "Rust"]);
        assert_eq!(missing, vec!["Kafka"]);
    }
}
