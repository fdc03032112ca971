//! Records exchanged with the storage traits.

use chrono::{DateTime, Utc};
use pvara_domain::application::{Candidate, NewApplication};
use pvara_domain::event::AccountMail;
use pvara_domain::ids::{ApplicationId, EventId, JobId, TokenId, UserId};
use pvara_domain::language::Language;
use pvara_domain::reference::Reference;
use pvara_domain::status::Status;
use pvara_domain::user::{Email, FullName, Role};
use serde::{Deserialize, Serialize};

use crate::error::StoreError;

#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: UserId,
    pub email: Email,
    pub full_name: FullName,
    pub role: Role,
    /// PHC string (argon2id), or a bcrypt hash an import brought along (replaced at the first
    /// sign-in); the store never sees a password.
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
    /// Set for accounts whose address needs no proof (staff created by an admin).
    pub email_verified_at: Option<DateTime<Utc>>,
    /// The verification mail registration sends, written in the user's transaction.
    pub verification: Option<NewAccountToken>,
    /// The language they registered in: their mail follows it.
    pub language: Language,
}

/// A single-use token to mail, with the event asking for the mail: both are written in one
/// transaction, so a token is never left without its mail nor a mail without its token.
#[derive(Debug, Clone)]
pub struct NewAccountToken {
    pub id: TokenId,
    pub user_id: UserId,
    pub purpose: AccountMail,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub message: OutboxMessage,
    /// For [`AccountMail::ChangeEmail`]: the address the account moves to once the link mailed
    /// there is followed (the mail goes to it, not to the account's address).
    pub new_email: Option<String>,
}

/// A token as stored: the id and what it may do, never a secret (the link's MAC is derived from
/// these fields and a key the database does not hold).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountTokenRecord {
    pub id: TokenId,
    pub user_id: UserId,
    pub purpose: AccountMail,
    pub expires_at: DateTime<Utc>,
    pub used: bool,
    pub mailed: bool,
}

/// What redeeming a token does, in the transaction that marks it used.
#[derive(Debug, Clone)]
pub enum Redemption {
    /// The address is proven.
    VerifyEmail,
    /// A new password (its PHC hash): every session of the user ends, tokens issued before now
    /// stop working, and every other reset token of theirs is spent; the address is proven too,
    /// since the mail reached it.
    ResetPassword { password_hash: String },
    /// The account moves to the token's new address, proven by the mail that reached it;
    /// `Conflict("email")` if another account has it by now.
    ChangeEmail,
}

/// What an account mail needs: the token and the person it goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountMailContext {
    pub token: AccountTokenRecord,
    pub full_name: String,
    pub email: String,
    pub language: Language,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UserRecord {
    pub id: UserId,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
    /// False once an admin deactivated the account: it may no longer sign in or use a token.
    pub active: bool,
    /// The address was proven by a link mailed to it, or vouched for by an operator.
    pub email_verified: bool,
    /// When the password was last reset: tokens issued before then no longer work.
    pub credentials_changed_at: Option<DateTime<Utc>>,
    /// The language of their pages and mail.
    pub language: Language,
}

/// A browser session. The cookie holds a random token; the database holds only its SHA-256, so
/// a copy of the database opens no session.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id_hash: String,
    pub user_id: UserId,
    /// The session's CSRF token, echoed by every form it posts.
    pub csrf: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A live session with its user.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub user: UserRecord,
    pub csrf: String,
    pub expires_at: DateTime<Utc>,
}

/// An uploaded CV, kept as sent for recruiters to download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CvFile {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// A new application with what travels with it in its transaction.
#[derive(Debug, Clone)]
pub struct Submission {
    pub application: NewApplication,
    pub cv: Option<CvFile>,
    pub messages: Vec<OutboxMessage>,
    /// The candidate's voluntary equality answers, stored in their own table and nowhere else.
    pub equality: pvara_domain::equality::Answers,
    /// What the applicant declared for the job's national-recruitment rules, if it has any.
    pub declaration: Option<pvara_domain::merit::Declaration>,
}

#[derive(Debug, Clone)]
pub struct NewNote {
    pub application_id: ApplicationId,
    pub author: UserId,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// A staff note as shown: who wrote it (their name), what, when.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub author_name: String,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// One of an applicant's own applications, for their list.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnApplication {
    pub id: ApplicationId,
    pub reference: Reference,
    pub job_id: JobId,
    pub job_title: String,
    pub status: Status,
    pub submitted_at: DateTime<Utc>,
}

/// A reference as stored: every engine writes only parsed ones.
pub(crate) fn stored_reference(text: &str) -> Result<Reference, StoreError> {
    Reference::parse(text).map_err(|_| StoreError::Corrupt(format!("application reference {text:?}")))
}

/// What an erased person's fields become: values that still parse, and say what happened.
pub const ERASED_NAME: &str = "Erased";
/// The e-mail of every erased application; an erased account's is unique by its id.
pub const ERASED_EMAIL: &str = "erased@erased.invalid";

/// One line of the audit trail.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// A user id, or `operator` for the command line, `system:<task>` for background work.
    pub actor: String,
    /// What was done: `application.read`, `application.step`, `user.deactivate`, ...
    pub action: String,
    /// The record it was done to: `application:<id>`, `user:<id>`, `dlq:<topic>/<partition>/<offset>`.
    pub subject: String,
}

/// Which audit entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub subject: Option<String>,
    pub actor: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub limit: u32,
}

/// How many applications of a job are in a status, kept as the pipeline moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusCount {
    pub job_id: JobId,
    pub status: Status,
    pub count: u64,
}

/// Shards of each (job, status) counter: concurrent writers on one job bump different rows, so
/// they do not queue on one row lock (PostgreSQL). Readers add the shards up.
pub const COUNT_SHARDS: u32 = 8;

/// The counter shard an application's changes go to.
pub fn count_shard(application: ApplicationId) -> i64 {
    i64::from(crate::partition::partition_for(
        application.0.as_bytes(),
        COUNT_SHARDS,
    ))
}

/// A message waiting in the outbox, or one about to be appended to a log. Binary content mode:
/// attributes in `headers`, payload in `value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub topic: String,
    /// The partitioning key: the application id for every pvara event.
    pub key: Option<String>,
    pub value: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

/// A record read from a log partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub topic: String,
    pub partition: u32,
    pub offset: u64,
    pub key: Option<String>,
    pub value: Vec<u8>,
    pub headers: Vec<(String, String)>,
    pub timestamp: DateTime<Utc>,
}

impl Record {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The position a consumer commits after processing this record.
    pub fn next_position(&self) -> Position {
        Position {
            topic: self.topic.clone(),
            partition: self.partition,
            next_offset: self.offset + 1,
        }
    }
}

/// "Everything before `next_offset` in this partition is done": Kafka's committed-offset meaning.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Position {
    pub topic: String,
    pub partition: u32,
    pub next_offset: u64,
}

impl Position {
    /// Where a group resumes after `records`: one past the last record of each partition.
    pub fn after(records: &[Record]) -> Vec<Position> {
        let mut last: std::collections::BTreeMap<(&str, u32), u64> = std::collections::BTreeMap::new();
        for record in records {
            let next = last.entry((record.topic.as_str(), record.partition)).or_default();
            *next = (*next).max(record.offset + 1);
        }
        last.into_iter()
            .map(|((topic, partition), next_offset)| Position {
                topic: topic.to_owned(),
                partition,
                next_offset,
            })
            .collect()
    }
}

/// A consumer group's progress, committed together with the effects it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub group: String,
    pub positions: Vec<Position>,
}

/// The scorer's verdict as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRecord {
    pub total: u8,
    pub breakdown: serde_json::Value,
    pub scorer_version: String,
}

impl ScoreRecord {
    /// Which scorer made this score, and whether a person set it: the one reading of it.
    pub fn version(&self) -> pvara_domain::scoring::ScorerVersion {
        pvara_domain::scoring::ScorerVersion::parse(&self.scorer_version)
    }

    /// The breakdown as the scorer's card, when it is one this build can read.
    pub fn card(&self) -> Option<pvara_domain::scoring::ScoreCard> {
        serde_json::from_value(self.breakdown.clone()).ok()
    }
}

/// What the stores keep of a score's provenance as columns, to count by (a job's re-scoring
/// progress): the rubric it was made under, and whether a person set it. Derived from the one
/// typed reading of the version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreBasis {
    pub rubric: Option<i64>,
    pub by_person: bool,
    /// The rules that made the machine's score (`rules-3`): after a rules change, the scores by
    /// older rules are the ones to score again.
    pub rules: String,
    /// Where the score ranks ([`pvara_domain::scoring::ScoreCard::rank`]): the pipeline's order.
    pub rank: i64,
}

impl ScoreBasis {
    pub fn of(score: &ScoreRecord) -> Self {
        let version = score.version();
        let card = &score.breakdown;
        let number = |path: &str| card.pointer(path).and_then(serde_json::Value::as_f64);
        let nearness = if version.overridden {
            0.5
        } else {
            number("/semantic/similarity")
                .or_else(|| {
                    let max = number("/relevance/maxPoints").filter(|m| *m > 0.0)?;
                    Some(number("/relevance/points")? / max)
                })
                .unwrap_or(0.0)
        };
        ScoreBasis {
            rubric: version.rubric.map(i64::from),
            by_person: version.overridden,
            rules: version.rules,
            rank: pvara_domain::scoring::rank(score.total, nearness),
        }
    }
}

mod scores;
pub use scores::*;

/// A conditional status change: applied only while the application is still in `from`.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub application_id: ApplicationId,
    /// The application's job, whose counts the change moves.
    pub job_id: JobId,
    pub from: Status,
    pub to: Status,
    /// A user id, or `system:<worker>` for automatic changes.
    pub actor: String,
    pub reason: String,
    pub details: Option<serde_json::Value>,
    pub at: DateTime<Utc>,
    pub score: Option<ScoreRecord>,
    /// Events caused by the change; written only if the change is applied.
    pub messages: Vec<OutboxMessage>,
}

/// One row of the application history, as both engines write it.
pub(crate) struct HistoryRow<'a> {
    pub application_id: ApplicationId,
    pub from: Option<Status>,
    pub to: Status,
    pub actor: &'a str,
    pub reason: &'a str,
    pub details: Option<&'a serde_json::Value>,
    pub at: DateTime<Utc>,
}

impl Transition {
    /// The history row an applied transition leaves.
    pub(crate) fn history_row(&self) -> HistoryRow<'_> {
        HistoryRow {
            application_id: self.application_id,
            from: Some(self.from),
            to: self.to,
            actor: &self.actor,
            reason: &self.reason,
            details: self.details.as_ref(),
            at: self.at,
        }
    }
}

/// A mail that went out, so that a redelivered notification is not sent twice.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub event_id: EventId,
    pub application_id: ApplicationId,
    pub template: String,
    pub message_id: String,
    /// When the relay accepted the message, or refused it for good.
    pub delivered_at: DateTime<Utc>,
    /// The relay's permanent refusal (its reply, with the recipient's address taken out), if it
    /// refused; such a mail is not tried again.
    pub failure: Option<String>,
}

/// What a worker commits for one batch of records, in one transaction.
#[derive(Debug, Clone, Default)]
pub struct WorkBatch {
    pub transitions: Vec<Transition>,
    /// Score versions to apply, each application at most once per batch.
    pub rescores: Vec<Rescore>,
    /// Written unconditionally (dead letters).
    pub messages: Vec<OutboxMessage>,
    pub deliveries: Vec<Delivery>,
    /// Account mails handed to the mailer: their tokens are marked mailed, so a redelivered
    /// event sends nothing.
    pub account_mails: Vec<TokenId>,
    /// The group's positions after the batch, when they live in this database (the embedded
    /// logs): stored in the same transaction, so effects and progress commit together.
    pub checkpoint: Option<Checkpoint>,
    /// The scoring worker's guard against a rubric change racing it: an applied transition
    /// scored under a rubric its job has replaced by then gets a re-score event, written by the
    /// store in the same transaction (it reads the job's rubric with a lock against the change).
    pub stale_rubric: bool,
}

impl WorkBatch {
    /// The jobs of applied transitions that carry a machine score, if the batch asks for the
    /// stale-rubric guard: whose current rubric version the store must read.
    pub(crate) fn scored_jobs(&self, applied: &[bool]) -> Vec<JobId> {
        if !self.stale_rubric {
            return Vec::new();
        }
        let mut jobs: Vec<JobId> = self.scored_under(applied).map(|(t, _)| t.job_id).collect();
        jobs.sort();
        jobs.dedup();
        jobs
    }

    /// Applied transitions with a machine score, and the rubric version it was made under.
    fn scored_under<'a>(&'a self, applied: &'a [bool]) -> impl Iterator<Item = (&'a Transition, u32)> + 'a {
        self.transitions
            .iter()
            .zip(applied)
            .filter(|(_, applied)| **applied)
            .filter_map(|(t, _)| Some((t, t.score.as_ref()?.version().machine_rubric()?)))
    }

    /// The re-score events of applied transitions scored under a rubric older than their job's
    /// `current` one (one engine reads the versions, this decides: one rule for both).
    pub(crate) fn stale_rubric_events(
        &self,
        applied: &[bool],
        current: &std::collections::HashMap<JobId, u32>,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        if !self.stale_rubric {
            return Ok(Vec::new());
        }
        let at = crate::clock::now();
        self.scored_under(applied)
            .filter_map(|(t, used)| {
                let now = *current.get(&t.job_id)?;
                (now != used).then_some((t, now))
            })
            .map(|(t, now)| {
                let event =
                    pvara_domain::event::Event::RescoreRequested(pvara_domain::event::RescoreRequested {
                        application_id: t.application_id,
                        job_id: t.job_id,
                        rubric_version: now,
                    });
                crate::outbox::one_message(event, crate::outbox::SOURCE_SCORING, None, at)
            })
            .collect()
    }
}

/// Which of a batch's conditional changes were applied, each in the batch's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    pub transitions: Vec<bool>,
    pub rescores: Vec<bool>,
}

/// Rows ordered by application into one list per application, in order: both engines read a
/// job's histories and equality answers this way.
pub(crate) fn group_by_application<K: PartialEq, T>(rows: Vec<(K, T)>) -> Vec<(K, Vec<T>)> {
    let mut groups: Vec<(K, Vec<T>)> = Vec::new();
    for (key, row) in rows {
        match groups.last_mut() {
            Some((previous, group)) if *previous == key => group.push(row),
            _ => groups.push((key, vec![row])),
        }
    }
    groups
}

/// History rows (application, machine score, step), ordered by application, as histories.
pub(crate) fn histories(
    rows: Vec<(ApplicationId, Option<u8>, pvara_domain::report::Step)>,
) -> Vec<pvara_domain::report::History> {
    let keyed = rows
        .into_iter()
        .map(|(id, score, step)| ((id, score), step))
        .collect();
    group_by_application(keyed)
        .into_iter()
        .map(
            |((application, machine_score), steps)| pvara_domain::report::History {
                application,
                machine_score,
                steps,
            },
        )
        .collect()
}

/// Answer rows (application, dimension, answer), ordered by application, as answer sets.
pub(crate) fn answer_sets(
    rows: Vec<(ApplicationId, (String, String))>,
) -> Vec<(ApplicationId, pvara_domain::equality::Answers)> {
    group_by_application(rows)
        .into_iter()
        .map(|(id, pairs)| (id, pvara_domain::equality::Answers(pairs.into_iter().collect())))
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub from: Option<Status>,
    pub to: Status,
    pub actor: String,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
    pub at: DateTime<Utc>,
}

impl HistoryEntry {
    /// The step this entry records, typed ([`pvara_domain::pipeline::Step::from_history`]).
    pub fn step(&self) -> Option<pvara_domain::pipeline::Step> {
        pvara_domain::pipeline::Step::from_history(self.to, self.details.as_ref())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationRecord {
    pub id: ApplicationId,
    pub reference: Reference,
    pub job_id: JobId,
    pub applicant_id: UserId,
    pub candidate: Candidate,
    pub status: Status,
    pub score: Option<ScoreRecord>,
    pub submitted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The name of the uploaded CV file, if the application came with one.
    pub cv_file_name: Option<String>,
    /// The privacy notice the applicant accepted (none for applications from before it was asked).
    pub consent_version: Option<String>,
    pub history: Vec<HistoryEntry>,
    /// Changes of the score after the first (refinements), oldest first.
    pub score_changes: Vec<ScoreChange>,
}

/// A row of the staff listing: no CV text, so a page of 100 stays small.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationSummary {
    pub id: ApplicationId,
    pub job_id: JobId,
    pub full_name: String,
    pub status: Status,
    pub ai_score: Option<u8>,
    pub submitted_at: DateTime<Utc>,
    /// Which scorer gave `ai_score`: says whether the model has refined it.
    pub scorer_version: Option<String>,
    /// Where the score ranks among equal totals too ([`ScoreBasis::rank`]).
    pub rank: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    /// Best score first; unscored last; ties in submission order.
    #[default]
    ScoreDesc,
    ScoreAsc,
    SubmittedAsc,
    SubmittedDesc,
}

/// Where the previous page ended. The score is -1 for unscored applications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub score: i64,
    pub id: ApplicationId,
}

impl Cursor {
    /// After `summary`: its rank (the score order's key), or -1 unscored.
    pub fn after(summary: &ApplicationSummary) -> Self {
        Cursor {
            score: summary.rank.unwrap_or(-1),
            id: summary.id,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ApplicationQuery {
    pub job_id: Option<JobId>,
    pub status: Option<Status>,
    pub min_score: Option<u8>,
    pub sort: SortOrder,
    pub limit: u32,
    pub after: Option<Cursor>,
}

/// What a mail template needs: the personal data stays in the database until this moment.
#[derive(Debug, Clone)]
pub struct MailContext {
    pub application_id: ApplicationId,
    pub reference: Reference,
    pub full_name: String,
    pub email: String,
    pub job_title: String,
    pub ai_score: Option<u8>,
    /// The history entry of the status the mail is about, with its details.
    pub entry: Option<HistoryEntry>,
    /// How many history entries the application had up to and including `entry`: it grows
    /// with every step, so it orders versions of one thing (an interview's calendar SEQUENCE).
    pub step: u32,
    /// The round of the application's latest interview with a panel of users, if any: the
    /// calendar entry a rejection or withdrawal cancels.
    pub interview_round: Option<u8>,
    /// The candidate's language: the mail is written in it.
    pub language: Language,
}

/// Row counts, for operators and for tests that check a refused request changed nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub users: u64,
    pub jobs: u64,
    pub applications: u64,
    pub history: u64,
    pub outbox: u64,
    pub deliveries: u64,
}

/// What waits in the outbox for the relay. A growing age means the log is not taking events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutboxBacklog {
    pub rows: u64,
    pub oldest: Option<DateTime<Utc>>,
}

/// Durable write work since some fixed point, for the benchmark's commits/s and rows per commit.
/// Counters only grow; a reader takes the difference of two readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriteStats {
    pub commits: u64,
    pub rows: u64,
}

/// One partition of a topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionInfo {
    pub partition: u32,
    /// Offset the next record will get; equals the record count while nothing is deleted.
    pub end_offset: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicInfo {
    pub name: String,
    pub partitions: Vec<PartitionInfo>,
}

/// Where `pvara groups reset-offsets` moves a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetReset {
    Earliest,
    Latest,
    /// The same offset in every partition (capped at each partition's end).
    Offset(u64),
}

impl OffsetReset {
    /// The position in a partition whose records run from 0 to `end`.
    pub fn position(self, end: u64) -> u64 {
        match self {
            OffsetReset::Earliest => 0,
            OffsetReset::Latest => end,
            OffsetReset::Offset(n) => n.min(end),
        }
    }
}

/// A consumer group's committed position in one partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupOffset {
    pub group: String,
    pub topic: String,
    pub partition: u32,
    pub committed: u64,
    pub end_offset: u64,
    /// The member holding the partition, where the engine shares partitions between processes.
    pub owner: Option<String>,
}

impl GroupOffset {
    pub fn lag(&self) -> u64 {
        self.end_offset.saturating_sub(self.committed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_point_past_the_last_record_of_each_partition() {
        let record = |partition, offset| Record {
            topic: "t".to_owned(),
            partition,
            offset,
            key: None,
            value: vec![],
            headers: vec![],
            timestamp: crate::clock::now(),
        };
        let positions = Position::after(&[record(1, 7), record(0, 3), record(1, 9), record(0, 2)]);
        let got: Vec<(u32, u64)> = positions.iter().map(|p| (p.partition, p.next_offset)).collect();
        assert_eq!(got, vec![(0, 4), (1, 10)]);
    }
}
