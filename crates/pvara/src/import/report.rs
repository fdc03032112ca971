//! What an import did or would do: counts per collection, every problem (by collection and old
//! id, in a sentence) and every old field the mapping could not place.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use super::mapping::Collection;

/// Counts of one collection.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub read: u64,
    /// Imported, or in a dry run, would be.
    pub imported: u64,
    /// Skipped: a previous run imported them.
    pub already: u64,
    pub refused: u64,
    pub took: Duration,
}

#[derive(Debug, Default)]
pub struct Tally {
    pub counts: BTreeMap<Collection, Counts>,
    /// (collection, old id or "?", sentence), in the order found.
    pub problems: Vec<(Collection, String, String)>,
    /// Old fields no mapping entry places, and in how many records.
    pub unplaced: BTreeMap<(Collection, String), u64>,
    /// Applications left for pvara's scorer (the old system had not scored them).
    pub to_score: u64,
}

impl Tally {
    pub fn counts(&mut self, collection: Collection) -> &mut Counts {
        self.counts.entry(collection).or_default()
    }

    pub fn refuse(&mut self, collection: Collection, old_id: &str, problems: Vec<String>) {
        self.counts(collection).refused += 1;
        for problem in problems {
            self.problems.push((collection, old_id.to_owned(), problem));
        }
    }

    pub fn refused(&self) -> u64 {
        self.counts.values().map(|c| c.refused).sum()
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The summary printed at the end of a run.
pub fn summary(tally: &Tally, dry_run: bool, took: Duration) -> String {
    let mut out = String::new();
    let verb = if dry_run { "would import" } else { "imported" };
    for collection in [Collection::Users, Collection::Jobs, Collection::Applications] {
        let c = tally.counts.get(&collection).copied().unwrap_or_default();
        let _ = writeln!(
            out,
            "{:<13} {} read, {verb} {}, {} already imported, {} with problems ({:.1} s)",
            collection.name(),
            c.read,
            c.imported,
            c.already,
            c.refused,
            c.took.as_secs_f64()
        );
    }
    if tally.to_score > 0 {
        let _ = writeln!(
            out,
            "{} the old system had not scored {} scored by pvara once it runs.",
            plural(tally.to_score, "application", "applications"),
            if tally.to_score == 1 { "is" } else { "are" }
        );
    }
    if !tally.problems.is_empty() {
        let _ = writeln!(out, "\nProblems ({}):", tally.problems.len());
        for (collection, id, problem) in &tally.problems {
            let _ = writeln!(out, "  {} {id}: {problem}", collection.name());
        }
    }
    if !tally.unplaced.is_empty() {
        let _ = writeln!(
            out,
            "\nFields pvara has no place for (name them in the mapping, or list them under [ignore]):"
        );
        for ((collection, field), n) in &tally.unplaced {
            let _ = writeln!(
                out,
                "  {}.{field}: in {}",
                collection.name(),
                plural(*n, "record", "records")
            );
        }
    }
    let records: u64 = tally.counts.values().map(|c| c.read).sum();
    let seconds = took.as_secs_f64().max(0.001);
    let _ = writeln!(
        out,
        "\n{} in {seconds:.1} s ({:.0} records/s){}",
        plural(records, "record", "records"),
        records as f64 / seconds,
        if dry_run {
            "; nothing was written (dry run)"
        } else {
            ""
        }
    );
    out
}
