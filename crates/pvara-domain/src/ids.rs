//! Typed identifiers. All are UUIDv7 so that ids sort by creation time, which keeps B-tree inserts
//! append-only and gives keyset pagination a stable tie-breaker.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = Uuid))]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A registered user: applicant or staff.
    UserId
);
id_type!(
    /// A job posting.
    JobId
);
id_type!(
    /// One application of one applicant to one job; also the key of every event about it.
    ApplicationId
);
id_type!(
    /// A CloudEvents `id`, unique per event; consumers use it to recognise redeliveries.
    EventId
);
id_type!(
    /// A single-use token sent by mail (address verification, password reset). The link carries
    /// it with a MAC, so the id alone opens nothing.
    TokenId
);
