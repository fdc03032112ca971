//! Reading a document's text: what runs inside the sandbox's child process, never in the server.
//! Each reader gets the whole file and returns its text, or `None` when it holds none.

use std::io::Read;

use super::Kind;

/// Most bytes a DOCX's document part may inflate to (a zip bomb stops here).
const MAX_DOCX_XML_BYTES: u64 = 20 * 1024 * 1024;

/// What a document gave.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reading {
    /// The text as read, before normalising.
    pub text: String,
    /// Pages (PDF) or 1; 0 when unknown.
    pub pages: u32,
}

/// Reads `bytes` as a document of `kind`.
pub fn read(kind: Kind, bytes: &[u8]) -> Option<Reading> {
    match kind {
        Kind::Pdf => pdf(bytes),
        Kind::Docx => docx_text(bytes).map(|text| Reading { text, pages: 1 }),
        Kind::Text => std::str::from_utf8(bytes).ok().map(|text| Reading {
            text: text.to_owned(),
            pages: 1,
        }),
    }
}

fn pdf(bytes: &[u8]) -> Option<Reading> {
    let text = pdf_extract::extract_text_from_mem(bytes).ok()?;
    let pages = text.matches('\u{c}').count() as u32;
    Some(Reading { text, pages })
}

/// The text runs (`<w:t>`) of `word/document.xml`, a paragraph per `</w:p>`.
pub(super) fn docx_text(bytes: &[u8]) -> Option<String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let part = archive.by_name("word/document.xml").ok()?;
    let mut xml = String::new();
    part.take(MAX_DOCX_XML_BYTES).read_to_string(&mut xml).ok()?;
    let mut text = String::new();
    let mut rest = xml.as_str();
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>')? + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if tag == "w:t" || tag.starts_with("w:t ") {
            let close = rest.find("</w:t>")?;
            text.push_str(&unescape_xml(&rest[..close]));
            rest = &rest[close..];
        } else if tag == "/w:p" {
            text.push('\n');
        } else if tag == "w:tab/" {
            text.push('\t');
        }
    }
    Some(text)
}

fn unescape_xml(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}
