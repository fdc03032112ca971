//! The apply page's drafts, the same on every engine: one per applicant and job, replaced by the
//! next save, kept with the CV file byte for byte, unseen once expired and then swept, and gone
//! with the person's access (erasure and deactivation alike).

use chrono::{Duration, Utc};
use pvara_domain::user::Role;

use super::fixtures::*;
use crate::Engines;
use crate::drafts::{ApplicationDraftRecord, DraftCv};
use crate::model::CvFile;

fn now() -> chrono::DateTime<Utc> {
    pvara_domain::time::to_stored_precision(crate::clock::now())
}

pub async fn draft_story(engines: &Engines) {
    let store = engines.store.as_ref();
    let staff = a_user(store, "drafts-staff@example.org", Role::Recruiter).await;
    let applicant = a_user(store, "drafts-cand@example.org", Role::Applicant).await;
    let other = a_user(store, "drafts-other@example.org", Role::Applicant).await;
    let job = a_job(staff);
    store.create_job(job.clone()).await.unwrap();
    let hour_ago = now() - Duration::hours(1);
    let content = b"%PDF-1.7 \x00\xff binary".to_vec();
    let first = ApplicationDraftRecord {
        user_id: applicant,
        job_id: job.id,
        saved_at: now(),
        form: r#"{"fullName":"Ayesha Khan"}"#.to_owned(),
        cv: Some(DraftCv {
            file: CvFile {
                file_name: "cv.pdf".to_owned(),
                content_type: "application/pdf".to_owned(),
                content,
            },
            text: "Ten years of payroll work".to_owned(),
            pages: 2,
        }),
    };
    assert_eq!(store.draft(applicant, job.id, hour_ago).await.unwrap(), None);
    store.save_draft(first.clone()).await.unwrap();
    assert_eq!(
        store.draft(applicant, job.id, hour_ago).await.unwrap(),
        Some(first.clone())
    );
    assert_eq!(
        store.draft(other, job.id, hour_ago).await.unwrap(),
        None,
        "one person's draft is theirs"
    );

    // A second save replaces the first; a draft without a file keeps none.
    let second = ApplicationDraftRecord {
        form: r#"{"fullName":"Ayesha K."}"#.to_owned(),
        cv: None,
        ..first.clone()
    };
    store.save_draft(second.clone()).await.unwrap();
    assert_eq!(
        store.draft(applicant, job.id, hour_ago).await.unwrap(),
        Some(second.clone())
    );

    // Expired: unseen, then swept, the fresh ones kept.
    let later = now() + Duration::hours(2);
    assert_eq!(store.draft(applicant, job.id, later).await.unwrap(), None);
    let others = ApplicationDraftRecord {
        user_id: other,
        saved_at: later,
        ..second.clone()
    };
    store.save_draft(others.clone()).await.unwrap();
    let swept = store.delete_drafts_before(later - Duration::minutes(1)).await;
    assert_eq!(swept.unwrap(), 1);
    assert_eq!(
        store.draft(applicant, job.id, hour_ago).await.unwrap(),
        None,
        "swept"
    );
    assert_eq!(
        store.draft(other, job.id, hour_ago).await.unwrap(),
        Some(others.clone())
    );

    // Sent: deleted (and deleting twice is fine).
    store.delete_draft(other, job.id).await.unwrap();
    store.delete_draft(other, job.id).await.unwrap();
    assert_eq!(store.draft(other, job.id, hour_ago).await.unwrap(), None);

    // Erasure and deactivation take a person's drafts.
    store.save_draft(first.clone()).await.unwrap();
    store.save_draft(others.clone()).await.unwrap();
    store.erase_user(applicant, now()).await.unwrap();
    assert_eq!(store.draft(applicant, job.id, hour_ago).await.unwrap(), None);
    // The ledger a restore replays holds the erasure once, and not a deactivation.
    store.erase_user(applicant, now()).await.unwrap();
    let ledger: Vec<_> = store
        .erased_users()
        .await
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ledger, [applicant]);
    store.deactivate_user(other, now()).await.unwrap();
    assert_eq!(store.erased_users().await.unwrap().len(), 1);
    assert_eq!(store.draft(other, job.id, hour_ago).await.unwrap(), None);
}
