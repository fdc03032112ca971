//! The report against a fixture computed by hand (the numbers in the comments).

use std::collections::{BTreeMap, HashMap};

use chrono::{TimeZone, Utc};

use super::*;
use crate::equality::{Answers, Questionnaire};
use crate::report::Step;
use crate::status::Status::*;

fn questionnaire() -> Questionnaire {
    Questionnaire::parse(
        r#"{"dimensions":[
            {"key":"sex","name":"Sex","question":"?","categories":[{"key":"female","label":"Female"},{"key":"male","label":"Male"}]},
            {"key":"band","name":"Band","question":"?","categories":[{"key":"young","label":"Young"},{"key":"old","label":"Old"}]}]}"#,
    )
    .unwrap()
}

/// One application: its answers (sex, band; "" for none), machine score and path after Under Review.
fn subject(sex: &str, band: &str, score: u8, path: &[Status]) -> (History, Answers) {
    let at = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).single().unwrap();
    let steps = [Submitted, UnderReview]
        .iter()
        .chain(path)
        .map(|&status| Step { status, at })
        .collect();
    let mut answers = BTreeMap::new();
    for (k, v) in [("sex", sex), ("band", band)] {
        if !v.is_empty() {
            answers.insert(k.to_owned(), v.to_owned());
        }
    }
    let history = History {
        application: ApplicationId::new(),
        machine_score: Some(score),
        steps,
    };
    (history, Answers(answers))
}

fn fixture() -> Vec<(History, Answers)> {
    let (t, i, o, r, w) = (
        TestInvited,
        InterviewScheduled,
        OfferExtended,
        Rejected,
        Withdrawn,
    );
    vec![
        subject("female", "young", 90, &[t, i, r]),
        subject("female", "young", 80, &[t, i]),
        subject("female", "young", 70, &[t, r]),
        subject("female", "young", 60, &[]),
        subject("female", "young", 40, &[r]),
        subject("female", "young", 30, &[r]),
        subject("female", "old", 85, &[t, i, w]),
        subject("female", "old", 20, &[w]),
        subject("male", "young", 75, &[t, r]),
        subject("male", "young", 65, &[r]),
        subject("male", "young", 55, &[r]),
        subject("male", "young", 45, &[r]),
        subject("male", "young", 35, &[r]),
        subject("male", "old", 95, &[t, i, o]),
        subject("male", "old", 50, &[r]),
        subject("male", "old", 50, &[r]),
        subject("male", "old", 25, &[r]),
        subject("male", "old", 15, &[w]),
        subject("prefer-not-to-say", "young", 10, &[r]),
        subject("", "", 88, &[t]),
        subject("", "", 52, &[r]),
    ]
}

fn report() -> ImpactReport {
    let subjects = fixture();
    let histories: Vec<History> = subjects.iter().map(|(h, _)| h.clone()).collect();
    let answers: HashMap<_, _> = subjects.into_iter().map(|(h, a)| (h.application, a)).collect();
    impact(&questionnaire(), &histories, &answers, Stages::default())
}

fn table<'a>(report: &'a ImpactReport, stage: Stage, name: &str) -> &'a Table {
    let stage = report.stages.iter().find(|s| s.stage == stage).unwrap();
    stage.tables.iter().find(|t| t.name == name).unwrap()
}

fn row<'a>(table: &'a Table, category: &str) -> &'a Row {
    table.rows.iter().find(|r| r.category == category).unwrap()
}

fn close(actual: Option<f64>, expected: f64) -> bool {
    actual.is_some_and(|a| (a - expected).abs() < 1e-9)
}

#[test]
fn the_scoring_rate_counts_scores_above_the_median_per_category() {
    let report = report();
    assert_eq!((report.applications, report.answered), (21, 19));
    let scored = &report.stages[0];
    // 21 scores; the 11th of them sorted is 52; ten are above it.
    assert_eq!(scored.median_score, Some(52.0));
    assert_eq!((scored.assessed, scored.selected), (21, 10));

    let sex = table(&report, Stage::ScoredAboveMedian, "Sex");
    // Female: 90, 80, 70, 60 and 85 of 8 above; male: 75, 65, 55 and 95 of 10.
    let female = row(sex, "Female");
    assert_eq!((female.assessed, female.selected), (Some(8), Some(5)));
    assert!(close(female.selection_rate, 0.625) && close(female.impact_ratio, 1.0));
    assert!(!female.flagged);
    let male = row(sex, "Male");
    assert!(close(male.selection_rate, 0.4) && close(male.impact_ratio, 0.64));
    assert!(male.flagged, "0.64 is below four fifths");
    // Prefer not to say and no answer: three people, too few to report, never compared.
    let unknown = row(sex, "Unknown");
    assert!(unknown.unknown && unknown.too_small);
    assert_eq!(
        (unknown.assessed, unknown.selected, unknown.selection_rate),
        (None, None, None)
    );
    assert_eq!((unknown.impact_ratio, unknown.flagged), (None, false));

    let band = table(&report, Stage::ScoredAboveMedian, "Band");
    // Young: 6 + 5 + 1 assessed, 4 + 3 + 0 above; old: 2 + 5, 1 + 1.
    assert!(close(row(band, "Young").selection_rate, 7.0 / 12.0));
    let old = row(band, "Old");
    assert_eq!(old.assessed, Some(7));
    assert!(close(old.impact_ratio, (2.0 / 7.0) / (7.0 / 12.0)) && old.flagged);
}

#[test]
fn intersections_of_two_dimensions_are_compared_among_themselves() {
    let report = report();
    let pair = table(&report, Stage::ScoredAboveMedian, "Sex / Band");
    assert_eq!(pair.dimensions, ["sex", "band"]);
    let categories: Vec<&str> = pair.rows.iter().map(|r| r.category.as_str()).collect();
    assert_eq!(
        categories,
        [
            "Female / Young",
            "Female / Old",
            "Male / Young",
            "Male / Old",
            "Unknown"
        ]
    );
    // Female / Young 4 of 6 is the reference; Male / Young 3 of 5 = 0.9 of it; Male / Old 1 of 5.
    assert!(close(row(pair, "Female / Young").impact_ratio, 1.0));
    let male_young = row(pair, "Male / Young");
    assert!(close(male_young.impact_ratio, 0.9) && !male_young.flagged);
    let male_old = row(pair, "Male / Old");
    assert!(close(male_old.impact_ratio, 0.3) && male_old.flagged);
    assert!(row(pair, "Female / Old").too_small, "two people");
    let unknown = row(pair, "Unknown");
    assert!(
        unknown.too_small && unknown.keys == ["unknown", "unknown"],
        "one row for 3 people"
    );
}

#[test]
fn later_stages_count_only_decided_applications() {
    let report = report();
    let test = &report.stages[1];
    // Decided after Under Review: 18 of 21 (60 still waits; 20 and 15 withdrew).
    assert_eq!((test.assessed, test.selected), (18, 7));
    let sex = table(&report, Stage::InvitedToTest, "Sex");
    // Female: 90, 80, 70, 85 invited, 40 and 30 rejected; male: 75 and 95 of 9.
    assert_eq!(
        (row(sex, "Female").assessed, row(sex, "Female").selected),
        (Some(6), Some(4))
    );
    assert!(close(row(sex, "Male").selection_rate, 2.0 / 9.0));
    assert!(close(row(sex, "Male").impact_ratio, (2.0 / 9.0) / (4.0 / 6.0)));
    assert!(row(sex, "Male").flagged);

    // Interview: 90, 80, 85, 95 invited; 70 and 75 rejected; 88 still waits.
    let interview = &report.stages[2];
    assert_eq!((interview.assessed, interview.selected), (6, 4));
    // Offer: 95 offered, 90 rejected at interview; 80 waits and 85 withdrew.
    let offer = &report.stages[3];
    assert_eq!((offer.assessed, offer.selected), (2, 1));
    assert_eq!(offer.median_score, None);
    let flagged: Vec<(&str, &str)> = report
        .flagged()
        .map(|(s, _, r)| (s.label.as_str(), r.category.as_str()))
        .collect();
    assert!(flagged.contains(&("Invited to test", "Male")), "{flagged:?}");
}

#[test]
fn nobody_selected_gives_no_ratio_and_no_flag() {
    let subjects: Vec<(History, Answers)> = (0..6).map(|_| subject("female", "young", 50, &[])).collect();
    let histories: Vec<History> = subjects.iter().map(|(h, _)| h.clone()).collect();
    let answers: HashMap<_, _> = subjects.into_iter().map(|(h, a)| (h.application, a)).collect();
    let report = impact(&questionnaire(), &histories, &answers, Stages::default());
    let female = row(table(&report, Stage::ScoredAboveMedian, "Sex"), "Female");
    assert_eq!((female.assessed, female.selected), (Some(6), Some(0)));
    assert_eq!((female.impact_ratio, female.flagged), (None, false));
    assert_eq!(report.stages[1].assessed, 0, "nobody decided yet");
}
