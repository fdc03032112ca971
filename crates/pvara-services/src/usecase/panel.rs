//! Who may see and decide on a candidate beyond the recruiters, interview panels of users, and
//! their scorecards.
//!
//! Recruiters and admins decide on every job; a hiring manager decides on the jobs they manage;
//! an interviewer sees the candidates of the interviews they sit on, and files one scorecard per
//! interview. A panel member reads the others' cards only after filing their own.

use chrono::{DateTime, Utc};
use pvara_domain::ids::{ApplicationId, UserId};
use pvara_domain::job::Job;
use pvara_domain::pipeline::{Interview, Step};
use pvara_domain::scorecard::{Criterion, Scorecard, ScorecardDraft, Visibility, visible_to};
use pvara_domain::status::Status;
use pvara_domain::user::Role;
use pvara_storage::Store;
use pvara_storage::model::UserRecord;
use pvara_storage::panel::{NewScorecard, PanelInterview, Seat, SubmittedCard};

use super::{Actor, Error, audit};

/// What someone who works here may do with one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// See it and take the pipeline's steps: recruiters, admins, the job's hiring manager.
    Decide,
    /// See it and file a scorecard: a member of one of its interview panels.
    Panel,
}

/// Whether `actor` decides on `job`'s candidates.
pub fn decides_on(actor: &Actor, job: &Job) -> bool {
    actor.role.is_staff() || (actor.role == Role::HiringManager && job.hiring_manager == Some(actor.id))
}

/// What `actor` may do with application `id` of `job`; `None` for someone with no part in it.
pub async fn access(
    store: &dyn Store,
    actor: &Actor,
    job: &Job,
    id: ApplicationId,
) -> Result<Option<Access>, Error> {
    if decides_on(actor, job) {
        return Ok(Some(Access::Decide));
    }
    if !actor.role.works_here() {
        return Ok(None);
    }
    let seated = store
        .panel(id)
        .await?
        .iter()
        .any(|seat| seat.interviewer == actor.id);
    Ok(seated.then_some(Access::Panel))
}

/// The people who may sit on a panel: active recruiters, hiring managers and interviewers, by
/// name.
pub async fn interviewers(store: &dyn Store, actor: Actor) -> Result<Vec<UserRecord>, Error> {
    actor.require_works_here()?;
    super::accounts::active_with(store, Role::can_interview).await
}

/// The round of the application's latest interview, if it has had one with a panel of users.
pub(super) async fn current_round(store: &dyn Store, id: ApplicationId) -> Result<Option<u8>, Error> {
    Ok(store.panel(id).await?.iter().map(|seat| seat.round).max())
}

/// An interview as a form or a body gives it, before the panel is looked up.
#[derive(Debug, Clone)]
pub struct InterviewRequest<'a> {
    pub scheduled_at: DateTime<Utc>,
    pub location: &'a str,
    /// User ids of the panel.
    pub panel: &'a [UserId],
    /// The round; none means the round now in hand (rescheduling it), or the first.
    pub round: Option<u8>,
}

/// The step that schedules `request` on application `id`: the panel looked up among the people
/// who may interview (an unknown or inactive one is a field error), the round settled.
pub async fn interview_step(
    store: &dyn Store,
    id: ApplicationId,
    request: &InterviewRequest<'_>,
) -> Result<Step, Error> {
    let people = store.staff_users().await?;
    let mut panel = Vec::with_capacity(request.panel.len());
    for member in request.panel {
        let person = people
            .iter()
            .find(|u| u.id == *member && u.active && u.role.can_interview())
            .ok_or_else(|| {
                pvara_domain::ValidationError::new(
                    "interviewers",
                    "must be people who may interview: active recruiters, hiring managers or interviewers",
                )
            })?;
        panel.push((person.id, person.full_name.clone(), person.role));
    }
    let now_in = current_round(store, id).await?;
    let round = request.round.or(now_in).unwrap_or(1);
    let mut interview = Interview::parse(
        (request.scheduled_at, request.location),
        &panel,
        round,
        crate::now(),
    )?;
    interview.moved = now_in == Some(round);
    Ok(Step::ScheduleInterview(interview))
}

/// One interview's panel as `actor` may read it.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundView {
    pub round: u8,
    pub scheduled_at: DateTime<Utc>,
    pub seats: Vec<SeatView>,
    /// Every member has filed a card: the cards are shown side by side.
    pub complete: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SeatView {
    pub interviewer: UserId,
    pub name: String,
    pub submitted: bool,
    /// The card, when submitted and the reader may see it.
    pub card: Option<SubmittedCard>,
    /// The reader's own seat.
    pub mine: bool,
}

/// The panels of application `id` as `actor` may read them: someone who decides reads every
/// filed card; a panel member reads the others' once their own is in.
pub async fn panels(store: &dyn Store, actor: Actor, id: ApplicationId) -> Result<Vec<RoundView>, Error> {
    let (_, job_id, _) = store
        .application_owner(id)
        .await?
        .ok_or(Error::NotFound("application"))?;
    let job = store.job(job_id).await?.ok_or(Error::NotFound("application"))?;
    let decides = match access(store, &actor, &job, id).await? {
        Some(Access::Decide) => true,
        Some(Access::Panel) => false,
        None => return Err(Error::NotFound("application")),
    };
    let seats = store.panel(id).await?;
    Ok(rounds(&seats, actor.id, decides))
}

fn rounds(seats: &[Seat], viewer: UserId, decides: bool) -> Vec<RoundView> {
    let mut out: Vec<RoundView> = Vec::new();
    for round in seats
        .iter()
        .map(|s| s.round)
        .collect::<std::collections::BTreeSet<_>>()
    {
        let of_round: Vec<&Seat> = seats.iter().filter(|s| s.round == round).collect();
        let submitted: Vec<UserId> = of_round
            .iter()
            .filter(|s| s.card.is_some())
            .map(|s| s.interviewer)
            .collect();
        let all = visible_to(viewer, decides, &submitted) == Visibility::All;
        out.push(RoundView {
            round,
            scheduled_at: of_round.iter().map(|s| s.scheduled_at).max().unwrap_or_default(),
            complete: submitted.len() == of_round.len(),
            seats: of_round
                .iter()
                .map(|s| SeatView {
                    interviewer: s.interviewer,
                    name: s.interviewer_name.clone(),
                    submitted: s.card.is_some(),
                    card: s.card.clone().filter(|_| all || s.interviewer == viewer),
                    mine: s.interviewer == viewer,
                })
                .collect(),
        });
    }
    out
}

/// The criteria application `id`'s interviews rate (its job's rubric).
pub async fn criteria(store: &dyn Store, id: ApplicationId) -> Result<Vec<Criterion>, Error> {
    let (_, job_id, _) = store
        .application_owner(id)
        .await?
        .ok_or(Error::NotFound("application"))?;
    let job = store.job(job_id).await?.ok_or(Error::NotFound("application"))?;
    Ok(Criterion::of(&job.requirements.rubric))
}

/// Files `actor`'s scorecard for `round` of application `id`'s interviews. Every problem of the
/// card at once (`Error::Problems`); a card is final, a second one is a conflict; someone not
/// on that panel hears not-found.
pub async fn submit_scorecard(
    store: &dyn Store,
    actor: Actor,
    id: ApplicationId,
    round: u8,
    draft: &ScorecardDraft,
) -> Result<(), Error> {
    actor.require_works_here()?;
    let (_, _, status) = store
        .application_owner(id)
        .await?
        .ok_or(Error::NotFound("application"))?;
    let card = Scorecard::parse_all(&criteria(store, id).await?, draft).map_err(Error::Problems)?;
    if matches!(status, Status::Withdrawn) {
        return Err(Error::conflict(
            "invalid_transition",
            "the candidate withdrew the application; the panel's cards are closed",
            None,
        ));
    }
    store
        .submit_scorecard(NewScorecard {
            application_id: id,
            round,
            interviewer: actor.id,
            card,
            at: crate::now(),
        })
        .await
        .map_err(|e| match e {
            pvara_storage::StoreError::Conflict(_) => Error::conflict(
                "scorecard_submitted",
                "you have already submitted your scorecard for this interview; it cannot be changed",
                None,
            ),
            pvara_storage::StoreError::NotFound(_) => Error::NotFound("interview"),
            other => other.into(),
        })?;
    audit::record(
        store,
        &actor.audit_name(),
        "application.scorecard",
        format!("application:{id}"),
    )
    .await;
    Ok(())
}

/// The interviews `actor` sits on, soonest first.
pub async fn my_interviews(store: &dyn Store, actor: Actor) -> Result<Vec<PanelInterview>, Error> {
    actor.require_works_here()?;
    Ok(store.interviews_of(actor.id, 500).await?)
}

#[cfg(test)]
mod tests {
    use pvara_domain::scorecard::Recommendation;

    use super::*;

    fn seat(round: u8, who: UserId, filed: bool) -> Seat {
        Seat {
            application_id: ApplicationId::new(),
            round,
            interviewer: who,
            interviewer_name: who.to_string(),
            scheduled_at: DateTime::default(),
            card: filed.then(|| SubmittedCard {
                ratings: vec![],
                recommendation: Recommendation::Yes,
                submitted_at: DateTime::default(),
            }),
        }
    }

    #[test]
    fn a_member_sees_the_others_cards_only_after_filing_theirs() {
        let (me, other) = (UserId::new(), UserId::new());
        let before = rounds(&[seat(1, me, false), seat(1, other, true)], me, false);
        assert!(
            before[0].seats.iter().all(|s| s.card.is_none()),
            "hidden before mine"
        );
        assert!(!before[0].complete);
        let after = rounds(&[seat(1, me, true), seat(1, other, true)], me, false);
        assert!(after[0].seats.iter().all(|s| s.card.is_some()));
        assert!(after[0].complete);
        let manager = rounds(&[seat(1, me, false), seat(1, other, true)], UserId::new(), true);
        assert_eq!(manager[0].seats.iter().filter(|s| s.card.is_some()).count(), 1);
    }
}
