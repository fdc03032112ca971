//! The keyset pagination cursor, opaque to clients: the API's `nextCursor` and the pipeline
//! page's "Next" link carry the same.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use pvara_storage::model::{ApplicationSummary, Cursor};

/// The cursor of the page after `page`, when `page` is full: opaque to clients.
pub fn next_cursor(page: &[ApplicationSummary], limit: u32) -> Option<String> {
    if page.len() as u32 != limit {
        return None;
    }
    let cursor = Cursor::after(page.last()?);
    serde_json::to_vec(&cursor)
        .ok()
        .map(|bytes| URL_SAFE_NO_PAD.encode(bytes))
}

/// A cursor this server handed out, or `None`.
pub fn decode_cursor(text: &str) -> Option<Cursor> {
    URL_SAFE_NO_PAD
        .decode(text.as_bytes())
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Cursor>(&bytes).ok())
}
