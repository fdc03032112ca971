//! Interview panels and scorecards, the same on every engine: the scheduling's transition seats
//! the panel, a card fills its seat once, a new panel keeps the cards already filed, erasure
//! takes the evidence and keeps the recommendation; and a job's hiring manager and stages
//! survive an edit.

use chrono::{Duration, Utc};
use pvara_domain::pipeline::{Interview, Step};
use pvara_domain::scorecard::{Criterion, Rating, Recommendation, Scorecard};
use pvara_domain::stages::Stages;
use pvara_domain::status::Status;
use pvara_domain::user::Role;

use super::fixtures::*;
use crate::Engines;
use crate::error::StoreError;
use crate::model::Transition;
use crate::panel::NewScorecard;

fn now() -> chrono::DateTime<Utc> {
    crate::clock::now()
}

fn scheduling(
    application: &pvara_domain::application::NewApplication,
    from: Status,
    interview: &Interview,
) -> Transition {
    Transition {
        application_id: application.id,
        job_id: application.job_id,
        from,
        to: Status::InterviewScheduled,
        actor: "staff".to_owned(),
        reason: "interview scheduled".to_owned(),
        details: Some(Step::ScheduleInterview(interview.clone()).details()),
        at: now(),
        score: None,
        messages: vec![],
    }
}

fn card(recommendation: Recommendation) -> Scorecard {
    Scorecard {
        ratings: vec![Rating {
            criterion: Criterion::Experience,
            score: 3,
            evidence: "Led the payroll migration".to_owned(),
        }],
        recommendation,
    }
}

pub async fn panel_story(engines: &Engines) {
    let store = engines.store.as_ref();
    let recruiter = a_user(store, "r@example.org", Role::Recruiter).await;
    let manager = a_user(store, "m@example.org", Role::HiringManager).await;
    let first = a_user(store, "i1@example.org", Role::Interviewer).await;
    let second = a_user(store, "i2@example.org", Role::Interviewer).await;
    let applicant = a_user(store, "p@example.org", Role::Applicant).await;
    let mut job = a_job(recruiter);
    job.hiring_manager = Some(manager);
    job.requirements.stages = Stages::parse(false, 2).unwrap();
    store.create_job(job.clone()).await.unwrap();
    let stored = store.job(job.id).await.unwrap().unwrap();
    assert_eq!(stored.hiring_manager, Some(manager));
    assert_eq!(stored.requirements.stages.interview_rounds, 2);

    // An edit changes the hiring manager and the stages, and keeps the rest of the requirements.
    let edit = pvara_domain::job::JobEdit {
        hiring_manager: None,
        stages: Some(Stages::parse(true, 3).unwrap()),
        ..pvara_domain::job::JobEdit::parse((&job.title, &job.description, None), None, 1, now()).unwrap()
    };
    store.edit_job(job.id, edit).await.unwrap();
    let edited = store.job(job.id).await.unwrap().unwrap();
    assert_eq!(
        (edited.hiring_manager, edited.requirements.stages.interview_rounds),
        (None, 3)
    );
    assert_eq!(edited.requirements.rubric, job.requirements.rubric);

    let application = an_application(job.id, applicant, "Pat Candidate");
    store
        .submit_application(application.clone(), vec![])
        .await
        .unwrap();
    let panel = [
        (first, "Ina First".to_owned(), Role::Interviewer),
        (second, "Ian Second".to_owned(), Role::Interviewer),
    ];
    let at = now() + Duration::days(2);
    let interview = Interview::parse((at, "Room 4"), &panel, 1, now()).unwrap();
    store
        .transition(scheduling(&application, Status::Submitted, &interview))
        .await
        .unwrap();
    let seats = store.panel(application.id).await.unwrap();
    assert_eq!(seats.len(), 2);
    assert!(seats.iter().all(|s| s.round == 1 && s.card.is_none()));

    // A card fills its seat once; a second is a conflict; someone not seated is not found.
    let filed = |who, recommendation| NewScorecard {
        application_id: application.id,
        round: 1,
        interviewer: who,
        card: card(recommendation),
        at: now(),
    };
    store
        .submit_scorecard(filed(first, Recommendation::Yes))
        .await
        .unwrap();
    assert!(matches!(
        store.submit_scorecard(filed(first, Recommendation::No)).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.submit_scorecard(filed(recruiter, Recommendation::No)).await,
        Err(StoreError::NotFound(_))
    ));
    let mine = store.interviews_of(first, 10).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert!(mine[0].submitted && mine[0].round == 1 && mine[0].full_name == "Pat Candidate");

    // Moving the interview to a new panel: the filed card stays, the unfiled seat goes.
    let moved = Interview::parse((at + Duration::hours(1), "Room 5"), &panel[..1], 1, now()).unwrap();
    store
        .transition(scheduling(&application, Status::InterviewScheduled, &moved))
        .await
        .unwrap();
    let seats = store.panel(application.id).await.unwrap();
    assert_eq!(
        seats.iter().map(|s| s.interviewer).collect::<Vec<_>>(),
        vec![first]
    );
    assert_eq!(seats[0].scheduled_at, at + Duration::hours(1));
    let kept = seats[0].card.clone().unwrap();
    assert_eq!(
        (kept.recommendation, kept.ratings.len()),
        (Recommendation::Yes, 1)
    );
    assert!(store.interviews_of(second, 10).await.unwrap().is_empty());

    // Erasure takes the evidence about the person and keeps the recommendation.
    store.erase_user(applicant, now()).await.unwrap();
    let erased = store.panel(application.id).await.unwrap()[0]
        .card
        .clone()
        .unwrap();
    assert_eq!(
        (erased.recommendation, erased.ratings.len()),
        (Recommendation::Yes, 0)
    );
}
