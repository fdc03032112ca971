//! Calendar invitations for interviews (iCalendar, RFC 5545, with the iTIP methods of RFC 5546):
//! a REQUEST when an interview is scheduled or moved, a CANCEL when the application ends before
//! it. Every version of one application's interview shares a UID, and a later version carries a
//! higher SEQUENCE, so calendar programs update or remove the entry they already hold.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};
use pvara_domain::ids::ApplicationId;

/// The calendar part of a mail: its iTIP method (for the MIME type) and the iCalendar text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub method: &'static str,
    pub ics: String,
}

#[derive(Debug, Clone)]
pub struct Party {
    pub name: String,
    pub address: String,
}

/// What every version of one interview shares.
#[derive(Debug, Clone)]
pub struct Interview {
    pub application: ApplicationId,
    pub job: String,
    pub organiser: Party,
    pub attendee: Party,
    /// When this version was decided (the history entry's time).
    pub changed_at: DateTime<Utc>,
    /// The application's step at this version (`MailContext::step`): later versions have
    /// higher ones, and the same event always renders the same invitation.
    pub sequence: u32,
    /// The job's interview round: each round is an entry of its own in the calendar.
    pub round: u8,
}

impl Interview {
    fn uid(&self) -> String {
        // The first round keeps the UID interviews had before rounds existed.
        match self.round {
            0 | 1 => format!("interview-{}@pvara", self.application),
            round => format!("interview-{}-round-{round}@pvara", self.application),
        }
    }

    fn event(&self) -> Event {
        let mut event = Event::new();
        event
            .uid(&self.uid())
            .sequence(self.sequence)
            .timestamp(self.changed_at)
            .summary(&format!("Interview for {}", self.job))
            .append_property(
                Property::new("ORGANIZER", format!("mailto:{}", self.organiser.address))
                    .add_parameter("CN", &self.organiser.name)
                    .done(),
            )
            .append_property(
                Property::new("ATTENDEE", format!("mailto:{}", self.attendee.address))
                    .add_parameter("CN", &self.attendee.name)
                    .add_parameter("ROLE", "REQ-PARTICIPANT")
                    .add_parameter("RSVP", "FALSE")
                    .done(),
            );
        event
    }
}

fn calendar(method: &'static str, event: Event) -> Invitation {
    let mut calendar = Calendar::new();
    calendar.append_property(Property::new("METHOD", method));
    calendar.push(event);
    Invitation {
        method,
        ics: calendar.done().to_string(),
    }
}

/// The invitation to `interview` from `start` to `end` (in UTC) at `location`.
pub fn request(
    interview: &Interview,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    location: &str,
) -> Invitation {
    let mut event = interview.event();
    event
        .starts(start)
        .ends(end)
        .location(location)
        .status(EventStatus::Confirmed);
    calendar("REQUEST", event.done())
}

/// The cancellation of `interview`.
pub fn cancel(interview: &Interview) -> Invitation {
    let mut event = interview.event();
    event.status(EventStatus::Cancelled);
    calendar("CANCEL", event.done())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn interview(changed_at: DateTime<Utc>, sequence: u32) -> Interview {
        let party = |name: &str, address: &str| Party {
            name: name.to_owned(),
            address: address.to_owned(),
        };
        Interview {
            application: ApplicationId::new(),
            job: "Data Engineer".to_owned(),
            organiser: party("PVARA Recruitment", "noreply@pvara.example"),
            attendee: party("Ayesha Khan", "ayesha@example.org"),
            changed_at,
            sequence,
            round: 1,
        }
    }

    #[test]
    fn a_request_names_time_place_and_people_in_utc() {
        let at = |h| {
            Utc.with_ymd_and_hms(2030, 2, 14, h, 0, 0)
                .single()
                .expect("valid")
        };
        let invitation = request(&interview(at(1), 4), at(5), at(6), "PVARA HQ, Room 4");
        assert_eq!(invitation.method, "REQUEST");
        let ics = invitation.ics.replace("\r\n ", "");
        for line in [
            "METHOD:REQUEST",
            "DTSTART:20300214T050000Z",
            "DTEND:20300214T060000Z",
            "LOCATION:PVARA HQ\\, Room 4",
            "ORGANIZER;CN=PVARA Recruitment:mailto:noreply@pvara.example",
            "STATUS:CONFIRMED",
        ] {
            assert!(ics.contains(line), "{line} in {ics}");
        }
    }

    #[test]
    fn a_cancellation_keeps_the_uid_and_raises_the_sequence() {
        let first = Utc.with_ymd_and_hms(2030, 2, 1, 9, 0, 0).single().expect("valid");
        let original = interview(first, 4);
        let later = Interview {
            changed_at: first,
            sequence: 5,
            ..original.clone()
        };
        let start = first + chrono::Duration::days(3);
        let sent = request(&original, start, start, "Room 4").ics;
        let cancelled = cancel(&later).ics;
        let field = |ics: &str, name: &str| -> String {
            ics.lines()
                .find_map(|l| l.strip_prefix(&format!("{name}:")))
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(field(&sent, "UID"), field(&cancelled, "UID"));
        let sequence = |ics: &str| field(ics, "SEQUENCE").parse::<u64>().expect("a number");
        assert!(sequence(&cancelled) > sequence(&sent));
        assert!(cancelled.contains("METHOD:CANCEL") && cancelled.contains("STATUS:CANCELLED"));
    }
}
