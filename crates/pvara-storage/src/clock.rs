//! The one clock every timestamp pvara stores is read from: the current time at the precision
//! both engines keep (microseconds), so that a time written and read back compares equal, and no
//! row is stamped with a finer time than its neighbours.

use chrono::{DateTime, Utc};

/// Now, at stored precision.
pub fn now() -> DateTime<Utc> {
    pvara_domain::time::to_stored_precision(Utc::now())
}
