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

/// Every page's text, a page break between pages. A page that fails to read is left out (its
/// neighbours still count); a document that does not open has no reading.
fn pdf(bytes: &[u8]) -> Option<Reading> {
    let document = pdf_oxide::document::PdfDocument::from_bytes(bytes.to_vec()).ok()?;
    let pages = document.page_count().ok()?;
    let text: Vec<String> = (0..pages)
        .filter_map(|page| document.extract_text(page).ok())
        .collect();
    Some(Reading {
        text: text.join("\n\u{c}\n"),
        pages: u32::try_from(pages).unwrap_or(u32::MAX),
    })
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
