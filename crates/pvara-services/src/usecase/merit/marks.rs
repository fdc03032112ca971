//! Marks from a testing agency's CSV file, keyed by the application's reference.
//!
//! The file has a header naming `reference` and `test`, `interview` or both (any order, any
//! case, other columns ignored). Every line is checked before anything is stored: a file with
//! one bad line imports nothing, and every problem is listed by its line number. An empty cell
//! leaves that mark as it is. Importing the same file again changes nothing.

use std::collections::HashMap;

use pvara_domain::ValidationError;
use pvara_domain::ids::{ApplicationId, JobId};
use pvara_domain::merit::Mark;
use pvara_domain::reference::Reference;
use pvara_storage::Store;
use pvara_storage::merit::{MarkKind, MarksUpload};

use super::super::{Actor, Error, audit};

/// The largest file of marks accepted: two million lines of reference and two marks.
pub const LIMIT_BYTES: usize = 64 * 1024 * 1024;
/// The most lines one file may have: a national drive's applicants, with room to spare.
pub const MAX_LINES: usize = 2_000_000;
/// The most problems listed; a file with more is plainly the wrong file.
const MAX_PROBLEMS: usize = 50;

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    /// Lines read (the header not counted).
    pub lines: usize,
    /// Marks that changed.
    pub changed: u64,
}

/// Imports the marks in `csv` for the job's applications (staff).
pub async fn import(store: &dyn Store, actor: Actor, job: JobId, csv: &[u8]) -> Result<Imported, Error> {
    actor.require_staff()?;
    store.job(job).await?.ok_or(Error::NotFound("job"))?;
    let references: HashMap<Reference, ApplicationId> = store
        .merit_candidates(job)
        .await?
        .into_iter()
        .map(|c| (c.reference, c.application))
        .collect();
    let (lines, marks) = read(csv, &references).map_err(Error::Problems)?;
    let changed = record(store, actor, job, marks, "job.marks_import").await?;
    Ok(Imported { lines, changed })
}

/// Records the marks for the job and audits it as `action`; returns how many changed.
async fn record(
    store: &dyn Store,
    actor: Actor,
    job: JobId,
    marks: Vec<(ApplicationId, MarkKind, Mark)>,
    action: &str,
) -> Result<u64, Error> {
    let upload = MarksUpload {
        job,
        marks,
        by: actor.id,
        at: crate::now(),
    };
    let changed = store.record_marks(upload).await?;
    audit::record(store, &actor.audit_name(), action, format!("job:{job}")).await;
    Ok(changed)
}

/// Interview marks from the panels' scorecards (staff): for each application at or past its
/// interview, the latest round with a filed card gives the mark (see
/// [`pvara_domain::merit::marks::interview_mark`]). Recorded as an imported file's are; a mark
/// already the same changes nothing.
pub async fn from_scorecards(store: &dyn Store, actor: Actor, job: JobId) -> Result<Imported, Error> {
    actor.require_staff()?;
    store.job(job).await?.ok_or(Error::NotFound("job"))?;
    let candidates = store.merit_candidates(job).await?;
    let interviewed = candidates.into_iter().filter(|c| c.status.reached_interview());
    let mut marks = Vec::new();
    for candidate in interviewed {
        let seats = store.panel(candidate.application).await?;
        let Some(round) = seats.iter().filter(|s| s.card.is_some()).map(|s| s.round).max() else {
            continue;
        };
        let cards: Vec<Vec<u8>> = seats
            .iter()
            .filter(|s| s.round == round)
            .filter_map(|s| s.card.as_ref())
            .map(|card| card.ratings.iter().map(|r| r.score).collect())
            .collect();
        if let Some(mark) = pvara_domain::merit::marks::interview_mark(&cards) {
            marks.push((candidate.application, MarkKind::Interview, mark));
        }
    }
    let lines = marks.len();
    let changed = record(store, actor, job, marks, "job.marks_from_scorecards").await?;
    Ok(Imported { lines, changed })
}

fn problem(line: usize, message: impl std::fmt::Display) -> ValidationError {
    ValidationError::new("marks", format!("Line {line}: {message}"))
}

/// The columns of the header: where the reference, the test mark and the interview mark are.
fn columns(header: &csv::StringRecord) -> Result<(usize, Option<usize>, Option<usize>), ValidationError> {
    let find = |name: &str| header.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let (test, interview) = (find("test"), find("interview"));
    match find("reference") {
        Some(reference) if test.is_some() || interview.is_some() => Ok((reference, test, interview)),
        _ => Err(problem(
            1,
            "the first line must name the columns: reference, and test, interview or both",
        )),
    }
}

/// The lines a file had, and its marks.
type Read = (usize, Vec<(ApplicationId, MarkKind, Mark)>);

/// Every mark of the file, or every problem of it (up to [`MAX_PROBLEMS`]).
fn read(csv: &[u8], references: &HashMap<Reference, ApplicationId>) -> Result<Read, Vec<ValidationError>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(csv);
    let header = reader
        .headers()
        .map_err(|_| vec![problem(1, "the file is not CSV text")])?
        .clone();
    let (at_reference, at_test, at_interview) = columns(&header).map_err(|p| vec![p])?;
    let mut problems = Vec::new();
    let mut marks = Vec::new();
    let mut seen: HashMap<ApplicationId, usize> = HashMap::new();
    let mut lines = 0;
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        lines += 1;
        if lines > MAX_LINES || problems.len() >= MAX_PROBLEMS {
            problems.push(problem(line, "and more: stopped reading here"));
            break;
        }
        let record = match record {
            Ok(record) => record,
            Err(_) => {
                problems.push(problem(line, "is not CSV text"));
                continue;
            }
        };
        let cell = |at: usize| record.get(at).unwrap_or("").trim();
        let reference = match Reference::parse(cell(at_reference)) {
            Ok(reference) => reference,
            Err(_) => {
                problems.push(problem(
                    line,
                    format!("\"{}\" is not a reference", cell(at_reference)),
                ));
                continue;
            }
        };
        let Some(&application) = references.get(&reference) else {
            problems.push(problem(
                line,
                format!("{reference} is not an application to this job"),
            ));
            continue;
        };
        if let Some(first) = seen.insert(application, line) {
            problems.push(problem(line, format!("{reference} is also on line {first}")));
            continue;
        }
        for (at, kind) in [(at_test, MarkKind::Test), (at_interview, MarkKind::Interview)] {
            let Some(at) = at else { continue };
            if cell(at).is_empty() {
                continue;
            }
            match Mark::parse("marks", cell(at)) {
                Ok(mark) => marks.push((application, kind, mark)),
                Err(_) => problems.push(problem(
                    line,
                    format!(
                        "the {} mark \"{}\" is not a mark from 0 to 100 with at most two decimals",
                        kind.as_str(),
                        cell(at)
                    ),
                )),
            }
        }
    }
    if problems.is_empty() {
        Ok((lines, marks))
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> (HashMap<Reference, ApplicationId>, Reference) {
        let reference = Reference::from_bits(42);
        let mut map = HashMap::new();
        map.insert(reference.clone(), ApplicationId::new());
        (map, reference)
    }

    #[test]
    fn a_good_file_reads_in_any_column_order_and_case() {
        let (known, reference) = known();
        let csv = format!(
            "Name,Interview,REFERENCE,test\nA,70.5,{},81\n",
            reference.as_str().to_lowercase()
        );
        let (lines, marks) = read(csv.as_bytes(), &known).unwrap();
        assert_eq!(lines, 1);
        assert_eq!(marks.len(), 2);
        assert_eq!(marks[0].2.hundredths(), 8100);
        assert_eq!(marks[1].2.hundredths(), 7050);
    }

    #[test]
    fn every_bad_line_is_listed_and_nothing_is_read() {
        let (known, reference) = known();
        let csv =
            format!("reference,test\n{reference},101\nPVA-2222-2222,50\nnot a ref,50\n{reference},60\n");
        let problems = read(csv.as_bytes(), &known).unwrap_err();
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "Line 2: the test mark \"101\" is not a mark from 0 to 100 with at most two decimals",
                "Line 3: PVA-2222-2222 is not an application to this job",
                "Line 4: \"not a ref\" is not a reference",
                &format!("Line 5: {reference} is also on line 2"),
            ]
        );
        let problems = read(b"ref,score\n", &known).unwrap_err();
        assert!(
            problems[0]
                .message
                .starts_with("Line 1: the first line must name the columns")
        );
    }
}
