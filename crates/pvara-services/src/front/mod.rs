//! What the two front ends (the JSON API and the pages) share, above the use cases: reading a
//! request (its id, the client's address, the multipart application form) and writing the
//! answers both give alike (applications as JSON, files to download, pagination cursors). Neither
//! front end imports the other; both import this.
//!
//! # Layout
//! - [`request`]: the request id and the client's address (behind trusted proxies).
//! - [`upload`]: the application form as `multipart/form-data`.
//! - [`views`]: applications as JSON, for the API and the candidate's data download.
//! - [`download`]: CV files and CSV reports as attachments.
//! - [`cursor`]: keyset pagination cursors.

pub mod cursor;
pub mod download;
pub mod request;
pub mod upload;
pub mod views;
