//! Timestamps at the precision every storage engine keeps (microseconds, as PostgreSQL does), so
//! a value reads back equal to what was written and the API shows one spelling of each instant.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

pub fn to_stored_precision(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use chrono::Timelike;

    use super::*;

    #[test]
    fn nanoseconds_are_cut_to_microseconds() {
        let at = Utc::now().with_nanosecond(123_456_789).unwrap();
        assert_eq!(to_stored_precision(at).nanosecond(), 123_456_000);
    }
}
