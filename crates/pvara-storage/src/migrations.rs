//! Which migrations a database needs: the one rule both engines' runners follow (the SQL of each
//! migration is each engine's own). A database newer than this build is refused rather than
//! half-understood; otherwise the migrations after its version apply in order, each recorded as
//! it commits.

use crate::error::StoreError;

/// The migrations of `all` that a database at `version` still needs, with their 1-based version.
pub(crate) fn pending<'a>(
    version: usize,
    all: &'a [&'a str],
) -> Result<impl Iterator<Item = (usize, &'a str)> + 'a, StoreError> {
    if version > all.len() {
        return Err(StoreError::Config(format!(
            "database schema version {version} is newer than this pvara ({}); upgrade pvara",
            all.len()
        )));
    }
    Ok(all.iter().enumerate().skip(version).map(|(i, sql)| (i + 1, *sql)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_database_is_refused_and_an_older_one_gets_the_rest_in_order() {
        let all = ["a", "b", "c"];
        let rest: Vec<_> = pending(1, &all).unwrap().collect();
        assert_eq!(rest, vec![(2, "b"), (3, "c")]);
        assert_eq!(pending(3, &all).unwrap().count(), 0);
        assert!(matches!(pending(4, &all), Err(StoreError::Config(_))));
    }
}
