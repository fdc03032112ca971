//! What erasing a person does to the rows that hold them, written once as data that both engines
//! turn into their SQL: which tables lose a person's rows, which columns are blanked and to what,
//! how their account loses its way in. An engine supplies only its dialect (how a set of
//! applications is named, how parameters are written, an empty JSON value); a personal-data
//! column added to the schema is added here, once, for every engine.
//!
//! Parameters of the application statements: 1 the applications, 2 the erased name, 3 the erased
//! e-mail, 4 the time. Of the account statements: 1 the user, 2 the time, 3 the account's erased
//! e-mail.

/// Rows of an application that are removed whole: its CV file, staff notes, equality answers
/// and what was declared for a drive's rules (date of birth, domicile, claims). Marks and
/// published merit lines stay: they hold no name, and a published list never changes.
const REMOVED: [&str; 4] = [
    "application_files",
    "application_notes",
    "equality_answers",
    "application_declarations",
];

/// The CV's text and cover letter; free text of an application's history, score history and
/// interviewers' ratings, written by staff about the person (a scorecard's recommendation stays,
/// as a score does), and of the person's representations and their decisions (whether upheld
/// stays). The text's row stays, blank, so that every read joining it still finds the
/// application.
const BLANKED: [&str; 5] = [
    "UPDATE application_texts SET resume_text = '', cover_letter = NULL WHERE application_id {ids}",
    "UPDATE representations SET body = 'erased', reason = CASE WHEN reason IS NULL THEN NULL ELSE 'erased' END WHERE application_id {ids}",
    "UPDATE application_history SET details = NULL, reason = 'erased' WHERE application_id {ids}",
    "UPDATE score_changes SET reason = 'erased' WHERE application_id {ids}",
    "UPDATE interview_panel SET ratings = NULL WHERE application_id {ids}",
];

/// The application's own personal columns and what they become; ids, statuses, scores and times
/// stay, so counts, events and the audit trail still add up. The score's card (which quotes the
/// CV) becomes an empty object.
const APPLICATION: &str =
    "UPDATE applications SET full_name = {p}2, email = {p}3, phone = NULL, skills = '[]',
        updated_at = {p}4, erased_at = {p}4,
        score_breakdown = CASE WHEN score_breakdown IS NULL THEN NULL ELSE {empty_json} END
    WHERE id {ids}";

/// The account: its name and address replaced, no password, deactivated.
const ACCOUNT: &str = "UPDATE users SET email = {p}3, full_name = 'Erased', password_hash = '!',
        deactivated_at = coalesce(deactivated_at, {p}2) WHERE id = {p}1";

/// An account that is erased or deactivated keeps no way in: its sessions end, every link
/// mailed to it is spent and its unsent application drafts (with their CV files) go.
const END_ACCESS: [&str; 3] = [
    "DELETE FROM sessions WHERE user_id = {p}1",
    "DELETE FROM application_drafts WHERE user_id = {p}1",
    "UPDATE account_tokens SET used_at = coalesce(used_at, {p}2) WHERE user_id = {p}1",
];

/// The erasure ledger's line, in the erasure's transaction: ids and a time, nothing personal.
const LEDGER: &str =
    "INSERT INTO erasure_ledger (user_id, erased_at) VALUES ({p}1, {p}2) ON CONFLICT DO NOTHING";

/// How an engine writes what the plan needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dialect {
    /// Before a parameter's number: `?` (SQLite) or `$` (PostgreSQL).
    pub placeholder: char,
    /// "the application is one of parameter 1": `IN (SELECT value FROM json_each(?1))`,
    /// `= ANY($1)`.
    pub ids: &'static str,
    /// An empty JSON object of the card's column type.
    pub empty_json: &'static str,
}

impl Dialect {
    fn render(&self, template: &str) -> String {
        template
            .replace("{ids}", self.ids)
            .replace("{p}", &self.placeholder.to_string())
            .replace("{empty_json}", self.empty_json)
    }

    /// The statements that erase a set of applications, in order.
    pub fn erase_applications(&self) -> Vec<String> {
        REMOVED
            .iter()
            .map(|table| format!("DELETE FROM {table} WHERE application_id {}", self.ids))
            .chain(BLANKED.iter().map(|s| self.render(s)))
            .chain(std::iter::once(self.render(APPLICATION)))
            .collect()
    }

    /// The statement that erases the account itself.
    pub fn erase_account(&self) -> String {
        self.render(ACCOUNT)
    }

    /// How many parameters `sql` (one of this plan's statements) takes: the highest number.
    pub fn parameters(&self, sql: &str) -> usize {
        sql.split(self.placeholder)
            .skip(1)
            .filter_map(|rest| {
                rest.split(|c: char| !c.is_ascii_digit())
                    .next()?
                    .parse::<usize>()
                    .ok()
            })
            .max()
            .unwrap_or(0)
    }

    /// The statement that notes the erasure in the ledger a restore replays.
    pub fn record_erasure(&self) -> String {
        self.render(LEDGER)
    }

    /// The statements that end an account's access (erasure and deactivation alike).
    pub fn end_access(&self) -> Vec<String> {
        END_ACCESS.iter().map(|s| self.render(s)).collect()
    }
}

/// The e-mail an erased account is left with: unique (the column is), and saying what happened.
pub(crate) fn erased_account_email(user: pvara_domain::ids::UserId) -> String {
    format!("erased-{user}@erased.invalid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_engine_gets_the_same_plan_in_its_own_dialect() {
        let sqlite = Dialect {
            placeholder: '?',
            ids: "IN (SELECT value FROM json_each(?1))",
            empty_json: "'{}'",
        };
        let postgres = Dialect {
            placeholder: '$',
            ids: "= ANY($1)",
            empty_json: "'{}'::jsonb",
        };
        let (a, b) = (sqlite.erase_applications(), postgres.erase_applications());
        assert_eq!(a.len(), b.len());
        for (a, b) in a.iter().zip(&b) {
            assert!(!a.contains('$') && !b.contains('?') && !a.contains('{') || a.contains("'{}'"));
            assert_eq!(a.split_whitespace().next(), b.split_whitespace().next());
        }
        assert!(a.last().unwrap().contains("full_name = ?2"));
        assert!(b.last().unwrap().contains("full_name = $2"));
    }
}
