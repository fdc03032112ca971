use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use super::allocation::{Contender, Outcome, Seat, allocate, shortlist};
use super::list::{MeritList, differences};
use super::quota::Split;
use super::*;
use crate::ids::{ApplicationId, JobId};
use crate::reference::Reference;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

fn quota(category: &str, percent: f64) -> Quota {
    Quota {
        category: category.to_owned(),
        percent: Share::try_from(percent).expect("a share"),
    }
}

fn mark(m: u32) -> Option<Mark> {
    Mark::from_hundredths(m * 100)
}

fn contender(n: u64, test: u32, interview: u32, quotas: Vec<usize>) -> Contender {
    Contender {
        application: ApplicationId(uuid::Uuid::from_u128(u128::from(n) + 1)),
        reference: Reference::from_bits(n),
        submitted_at: Utc
            .timestamp_opt(1_700_000_000 + n as i64, 0)
            .single()
            .expect("a time"),
        date_of_birth: Some(date(1990, 1, 1)),
        quotas,
        shortfalls: Vec::new(),
        test: mark(test),
        interview: mark(interview),
    }
}

#[test]
fn posts_are_shared_by_the_largest_remainder_in_whole_posts() {
    // 7 posts: open merit 20% = 1.4, A 50% = 3.5, B 30% = 2.1; the spare post goes to A.
    let split = Split::of(7, &[quota("A", 50.0), quota("B", 30.0)]);
    assert_eq!(
        split,
        Split {
            open_merit: 1,
            quotas: vec![4, 2]
        }
    );
    // Equal remainders: the earlier share (open merit) first.
    let split = Split::of(1, &[quota("A", 50.0)]);
    assert_eq!(
        split,
        Split {
            open_merit: 1,
            quotas: vec![0]
        }
    );
    let split = Split::of(
        500,
        &[
            quota("Punjab", 50.0),
            quota("Sindh", 19.0),
            quota("Women", 10.0),
            quota("Minorities", 5.0),
            quota("Disabled", 2.5),
        ],
    );
    assert_eq!(split.total(), 500);
    assert_eq!(split.open_merit, 68);
}

#[test]
fn age_is_judged_on_the_closing_date_with_the_largest_claimed_relaxation() {
    let rules = Eligibility {
        min_age: Some(21),
        max_age: Some(28),
        relaxations: vec![
            Relaxation {
                category: "Government employee".into(),
                years: 5,
            },
            Relaxation {
                category: "Disabled".into(),
                years: 10,
            },
        ],
        ..Eligibility::default()
    };
    let closing = date(2026, 3, 1);
    let declared = |born, claims: &[&str]| Declaration {
        date_of_birth: born,
        domicile: "Punjab".into(),
        claims: claims.iter().map(|c| (*c).to_owned()).collect(),
        subject: None,
    };
    let facts = (Education::Bachelor, 2.0);
    // 29 on the day before the 30th birthday: over 28.
    let d = declared(date(1996, 3, 2), &[]);
    assert_eq!(
        rules.check(Some(&d), facts, closing),
        vec![Shortfall::TooOld {
            age: 29,
            max: 28,
            relaxation: 0
        }]
    );
    let d = declared(date(1996, 3, 2), &["government employee"]);
    assert!(rules.check(Some(&d), facts, closing).is_empty());
    // Relaxations do not add up: the largest counts.
    let d = declared(date(1986, 3, 1), &["Government employee", "Disabled"]);
    assert_eq!(
        rules.check(Some(&d), facts, closing),
        vec![Shortfall::TooOld {
            age: 40,
            max: 28,
            relaxation: 10
        }]
    );
    let d = declared(date(2005, 3, 2), &[]);
    assert_eq!(
        rules.check(Some(&d), facts, closing),
        vec![Shortfall::TooYoung { age: 20, min: 21 }]
    );
    assert_eq!(rules.check(None, facts, closing), vec![Shortfall::NotDeclared]);
}

#[test]
fn rules_report_every_problem_at_once() {
    let drive = Drive {
        quotas: vec![quota("Women", 60.0), quota("women", 10.0), quota("Sindh", 50.0)],
        weights: MarkWeights {
            test: 70,
            interview: 40,
        },
        eligibility: Eligibility {
            min_age: Some(30),
            max_age: Some(25),
            ..Eligibility::default()
        },
        ..Drive::default()
    };
    let problems = drive.parse(1).expect_err("bad rules");
    let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
    assert_eq!(fields, ["eligibility.maxAge", "quotas", "quotas", "weights"]);
}

#[test]
fn open_merit_goes_first_then_each_category_then_reserves() {
    let drive = Drive {
        quotas: vec![quota("Women", 33.33)],
        ..Drive::default()
    };
    // Three posts: two on open merit, one for women. The best woman (2nd) takes an open-merit
    // post, so the women's post goes to the next woman (4th), ahead of the 3rd on merit.
    let people = vec![
        contender(1, 90, 90, vec![]),
        contender(2, 80, 80, vec![0]),
        contender(3, 70, 70, vec![]),
        contender(4, 60, 60, vec![0]),
        contender(5, 50, 50, vec![0]),
        contender(6, 40, 40, vec![]),
        contender(7, 95, 0, vec![]),
    ];
    let mut people_no_interview = people.clone();
    people_no_interview[6].interview = None;
    let list = allocate(&drive, 3, &people_no_interview);
    assert_eq!(
        list.split,
        Split {
            open_merit: 2,
            quotas: vec![1]
        }
    );
    let women = Seat::Quota {
        category: "Women".into(),
    };
    let selected = |seat: &Seat| Outcome::Selected {
        seat: seat.clone(),
        carried_from: None,
    };
    let outcomes: Vec<(Option<u32>, Outcome)> = list
        .entries
        .iter()
        .map(|e| (e.position, e.outcome.clone()))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            (Some(1), selected(&Seat::OpenMerit)),
            (Some(2), selected(&Seat::OpenMerit)),
            (
                Some(3),
                Outcome::Reserve {
                    seat: Seat::OpenMerit,
                    rank: 1
                }
            ),
            (Some(4), selected(&women)),
            (
                Some(5),
                Outcome::Reserve {
                    seat: Seat::OpenMerit,
                    rank: 2
                }
            ),
            (Some(6), Outcome::NotSelected),
            (None, Outcome::NoInterviewMark),
        ]
    );
    assert_eq!(list.cutoffs[1].last_position, Some(4));
}

#[test]
fn unfilled_category_posts_are_carried_forward_or_given_on_open_merit() {
    let people = vec![
        contender(1, 90, 90, vec![]),
        contender(2, 80, 80, vec![]),
        contender(3, 70, 70, vec![]),
    ];
    let carry = Drive {
        quotas: vec![quota("Minorities", 50.0)],
        ..Drive::default()
    };
    let list = allocate(&carry, 2, &people);
    assert_eq!(
        (list.cutoffs[1].carried_forward, list.cutoffs[1].to_open_merit),
        (1, 0)
    );
    let selected = list
        .entries
        .iter()
        .filter(|e| matches!(e.outcome, Outcome::Selected { .. }))
        .count();
    assert_eq!(selected, 1);
    let open = Drive {
        unfilled: Unfilled::OpenMerit,
        ..carry
    };
    let list = allocate(&open, 2, &people);
    assert_eq!(
        (list.cutoffs[1].carried_forward, list.cutoffs[1].to_open_merit),
        (0, 1)
    );
    assert_eq!(
        list.entries[1].outcome,
        Outcome::Selected {
            seat: Seat::OpenMerit,
            carried_from: Some("Minorities".into())
        }
    );
}

#[test]
fn ties_are_broken_by_the_test_mark_then_age_then_the_earlier_application() {
    let drive = Drive {
        weights: MarkWeights {
            test: 50,
            interview: 50,
        },
        ..Drive::default()
    };
    let mut a = contender(1, 60, 80, vec![]);
    let b = contender(2, 80, 60, vec![]);
    let list = allocate(&drive, 1, &[a.clone(), b.clone()]);
    assert_eq!(list.entries[0].reference, b.reference, "higher test mark first");
    a.test = mark(80);
    a.interview = mark(60);
    a.date_of_birth = Some(date(1980, 1, 1));
    let list = allocate(&drive, 1, &[b.clone(), a.clone()]);
    assert_eq!(list.entries[0].reference, a.reference, "older first");
    a.date_of_birth = b.date_of_birth;
    let list = allocate(&drive, 1, &[b, a.clone()]);
    assert_eq!(
        list.entries[0].reference, a.reference,
        "earlier application first"
    );
}

#[test]
fn the_shortlist_calls_k_per_post_by_test_mark() {
    let drive = Drive {
        shortlist_per_post: 2,
        ..Drive::default()
    };
    let people: Vec<Contender> = (0..5).map(|n| contender(n, 50 + n as u32, 0, vec![])).collect();
    let called = shortlist(&drive, 1, &people);
    let called: Vec<&Reference> = called
        .entries
        .iter()
        .filter(|e| matches!(e.outcome, Outcome::Selected { .. }))
        .map(|e| &e.reference)
        .collect();
    assert_eq!(called, vec![&people[4].reference, &people[3].reference]);
}

#[test]
fn the_fingerprint_is_of_the_canonical_text_and_changes_with_any_mark() {
    let drive = Drive::default();
    let people: Vec<Contender> = (0..3).map(|n| contender(n, 50 + n as u32, 70, vec![])).collect();
    let list = |people: &[Contender]| MeritList {
        job: JobId(uuid::Uuid::nil()),
        version: 1,
        drive_version: 1,
        vacancies: 1,
        allocation: allocate(&drive, 1, people),
    };
    let first = list(&people);
    assert!(first.canonical().starts_with("pvara merit list 1\n"));
    assert_eq!(first.fingerprint(), super::list::fingerprint(&first.canonical()));
    assert_eq!(first.fingerprint().len(), 64);
    let mut changed = people.clone();
    changed[0].interview = mark(71);
    let second = list(&changed);
    assert_ne!(first.fingerprint(), second.fingerprint());
    let diff = differences(&first, &second);
    assert_eq!(diff.len(), 1);
    assert_eq!(diff[0].reference, people[0].reference);
}

#[test]
fn a_post_given_up_goes_to_the_next_on_its_share_s_reserve_list() {
    let drive = Drive {
        quotas: vec![quota("Women", 50.0)],
        ..Drive::default()
    };
    let people = vec![
        contender(1, 90, 90, vec![]),
        contender(2, 80, 80, vec![0]),
        contender(3, 70, 70, vec![]),
        contender(4, 60, 60, vec![0]),
        contender(5, 50, 50, vec![]),
    ];
    let list = MeritList {
        job: JobId(uuid::Uuid::nil()),
        version: 1,
        drive_version: 1,
        vacancies: 2,
        allocation: allocate(&drive, 2, &people),
    };
    // 1 holds open merit, 2 the women's post; 3 is open merit's reserve, 4 the women's.
    let gone = |refs: Vec<Reference>| move |e: &super::allocation::Entry| refs.contains(&e.reference);
    let proposals = super::list::reserve_proposals(&list, gone(vec![people[1].reference.clone()]));
    assert_eq!(proposals.len(), 1);
    assert_eq!(
        proposals[0].proposed.as_ref().map(|e| &e.reference),
        Some(&people[3].reference)
    );
    // The reserve gone too: the list is used up.
    let proposals = super::list::reserve_proposals(
        &list,
        gone(vec![people[1].reference.clone(), people[3].reference.clone()]),
    );
    assert_eq!(proposals[0].proposed, None);
    assert!(super::list::reserve_proposals(&list, gone(Vec::new())).is_empty());
}

#[test]
fn a_panel_s_scorecards_make_the_interview_mark() {
    use super::marks::interview_mark;
    assert_eq!(
        interview_mark(&[vec![3, 3, 3], vec![4, 4, 4]]).map(Mark::hundredths),
        Some(8750)
    );
    assert_eq!(interview_mark(&[vec![1, 2]]).map(Mark::hundredths), Some(3750));
    assert_eq!(interview_mark(&[]), None);
    assert_eq!(
        interview_mark(&[Vec::new()]),
        None,
        "a card whose ratings were erased gives nothing"
    );
}

#[test]
fn marks_are_read_as_agencies_write_them() {
    assert_eq!(Mark::parse("test", "67.25").map(Mark::hundredths), Ok(6725));
    assert_eq!(Mark::parse("test", " 67.5 ").map(Mark::hundredths), Ok(6750));
    assert_eq!(Mark::parse("test", "100").map(Mark::hundredths), Ok(10_000));
    for bad in ["", "100.01", "-1", "67.255", "sixty", "1e2", ".5"] {
        assert!(Mark::parse("test", bad).is_err(), "{bad}");
    }
}

fn arbitrary_people() -> impl Strategy<Value = (u32, Vec<u32>, Vec<Contender>)> {
    let person = (
        0u32..=100,
        0u32..=100,
        proptest::collection::vec(0usize..3, 0..3),
        any::<bool>(),
        any::<bool>(),
    );
    (
        1u32..30,
        proptest::collection::vec(1u32..=30, 0..3),
        proptest::collection::vec(person, 0..80),
    )
        .prop_map(|(vacancies, shares, people)| {
            let contenders = people
                .into_iter()
                .enumerate()
                .map(|(n, (test, interview, mut quotas, eligible, interviewed))| {
                    quotas.sort_unstable();
                    quotas.dedup();
                    let mut c = contender(n as u64, test, interview, quotas);
                    if !eligible && n % 3 == 0 {
                        c.shortfalls.push(Shortfall::NotDeclared);
                    }
                    if !interviewed && n % 4 == 0 {
                        c.interview = None;
                    }
                    c
                })
                .collect();
            (vacancies, shares, contenders)
        })
}

fn drive_with(shares: &[u32], unfilled: Unfilled) -> Drive {
    let quotas = shares
        .iter()
        .enumerate()
        .map(|(i, s)| quota(&format!("C{i}"), f64::from(*s)))
        .collect();
    Drive {
        quotas,
        unfilled,
        ..Drive::default()
    }
}

proptest! {
    #[test]
    fn allocation_respects_posts_merit_and_quotas(
        (vacancies, shares, people) in arbitrary_people(),
        to_open in any::<bool>(),
    ) {
        let unfilled = if to_open { Unfilled::OpenMerit } else { Unfilled::CarryForward };
        let drive = drive_with(&shares, unfilled);
        let list = allocate(&drive, vacancies, &people);
        // Every candidate exactly once.
        prop_assert_eq!(list.entries.len(), people.len());
        let mut seen: Vec<_> = list.entries.iter().map(|e| e.application).collect();
        seen.sort_by_key(|a| a.0);
        seen.dedup();
        prop_assert_eq!(seen.len(), people.len());
        // No more posts given than there are, none per share beyond its posts.
        let selected: Vec<_> = list.entries.iter().filter(|e| matches!(e.outcome, Outcome::Selected { .. })).collect();
        prop_assert!(selected.len() as u32 <= vacancies);
        for cutoff in &list.cutoffs {
            prop_assert!(cutoff.filled + cutoff.carried_forward + cutoff.to_open_merit == cutoff.posts);
        }
        // Only eligible candidates with both marks are selected, and positions are 1..n.
        for (i, e) in list.entries.iter().enumerate() {
            if let Some(p) = e.position {
                prop_assert_eq!(p as usize, i + 1);
            }
            if matches!(e.outcome, Outcome::Selected { .. } | Outcome::Reserve { .. }) {
                prop_assert!(e.position.is_some());
            }
        }
        // Merit order within each share: nobody of the share left without a post ranks above
        // someone given one of its posts.
        for (q, _) in drive.quotas.iter().enumerate() {
            let seat = Seat::Quota { category: format!("C{q}") };
            let member = |e: &super::allocation::Entry| people.iter().any(|c| c.application == e.application && c.quotas.contains(&q));
            let last_given = list.entries.iter().filter(|e| matches!(&e.outcome, Outcome::Selected { seat: s, .. } if *s == seat)).filter_map(|e| e.position).max();
            if let Some(last) = last_given {
                let passed_over = list.entries.iter().any(|e| member(e) && e.position.is_some_and(|p| p < last) && !matches!(e.outcome, Outcome::Selected { .. }));
                prop_assert!(!passed_over);
            }
            // Posts leave the category only when no ranked member of it is left without one.
            let cutoff = &list.cutoffs[q + 1];
            if cutoff.carried_forward + cutoff.to_open_merit > 0 {
                let waiting = list.entries.iter().any(|e| member(e) && e.position.is_some() && !matches!(e.outcome, Outcome::Selected { .. }));
                prop_assert!(!waiting);
            }
        }
        // Open merit goes by merit alone: its posts are the first positions.
        let open = list.entries.iter().filter(|e| matches!(&e.outcome, Outcome::Selected { seat: Seat::OpenMerit, carried_from: None })).count();
        for e in list.entries.iter().take(open) {
            prop_assert_eq!(&e.outcome, &Outcome::Selected { seat: Seat::OpenMerit, carried_from: None });
        }
        // The same input in another order gives the same list.
        let mut reversed = people.clone();
        reversed.reverse();
        prop_assert_eq!(allocate(&drive, vacancies, &reversed), list);
    }
}
