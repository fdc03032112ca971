//! CV files are untrusted input. Each is size-limited, typed by its content (never its name),
//! and its text is extracted on a blocking thread under a time limit; a parser that panics or
//! loops costs that thread's work, not the server. An unreadable file gets a message asking for
//! the text to be pasted instead.

use std::io::Read;
use std::time::Duration;

use pvara_domain::ValidationError;
use pvara_storage::model::CvFile;

use crate::usecase::Error;

/// Largest CV file accepted.
pub const MAX_CV_BYTES: usize = 5 * 1024 * 1024;
/// How long text extraction may take.
const EXTRACT_TIMEOUT: Duration = Duration::from_secs(10);
/// Most bytes a DOCX's document part may inflate to (a zip bomb stops here).
const MAX_DOCX_XML_BYTES: u64 = 20 * 1024 * 1024;

/// A file as uploaded.
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: String,
    pub content: Vec<u8>,
}

/// A readable CV: its text and the file to keep.
#[derive(Debug, Clone)]
pub struct Document {
    pub text: String,
    pub file: CvFile,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Pdf,
    Docx,
    Text,
}

impl Kind {
    fn content_type(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Text => "text/plain; charset=utf-8",
        }
    }

    /// By content: magic numbers, and for plain text valid UTF-8 without control bytes.
    fn sniff(bytes: &[u8]) -> Option<Kind> {
        if bytes.starts_with(b"%PDF-") {
            return Some(Kind::Pdf);
        }
        if bytes.starts_with(b"PK\x03\x04") {
            return Some(Kind::Docx);
        }
        let text = std::str::from_utf8(bytes).ok()?;
        let binary = text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'));
        (!binary).then_some(Kind::Text)
    }
}

fn refused(message: &str) -> Error {
    ValidationError::new("cv", message).into()
}

const UNREADABLE: &str = "could not be read: paste the text of your CV into CV text instead";

/// Checks the upload and extracts its text.
pub async fn extract(upload: Upload) -> Result<Document, Error> {
    if upload.content.len() > MAX_CV_BYTES {
        return Err(refused("must be smaller than 5 MB"));
    }
    if upload.content.is_empty() {
        return Err(refused("is empty"));
    }
    let kind = Kind::sniff(&upload.content)
        .ok_or_else(|| refused("must be a PDF, a Word (DOCX) or a plain text file"))?;
    let content = upload.content;
    let work = tokio::task::spawn_blocking(move || {
        let text = match kind {
            Kind::Pdf => pdf_text(&content),
            Kind::Docx => docx_text(&content),
            Kind::Text => String::from_utf8(content.clone()).ok(),
        };
        (text, content)
    });
    let (text, content) = match tokio::time::timeout(EXTRACT_TIMEOUT, work).await {
        Ok(Ok(done)) => done,
        Ok(Err(panicked)) => {
            tracing::warn!(error = %panicked, "CV text extraction panicked");
            return Err(refused(UNREADABLE));
        }
        Err(_) => {
            tracing::warn!("CV text extraction timed out");
            return Err(refused(UNREADABLE));
        }
    };
    let text = text
        .map(|t| normalise(&t))
        .filter(|t| t.chars().filter(|c| c.is_alphanumeric()).count() >= 20);
    let text = text.ok_or_else(|| refused(UNREADABLE))?;
    let file_name = safe_file_name(&upload.file_name, kind);
    Ok(Document {
        text,
        file: CvFile {
            file_name,
            content_type: kind.content_type().to_owned(),
            content,
        },
    })
}

fn pdf_text(bytes: &[u8]) -> Option<String> {
    pdf_extract::extract_text_from_mem(bytes).ok()
}

/// The text runs (`<w:t>`) of `word/document.xml`, a paragraph per `</w:p>`.
fn docx_text(bytes: &[u8]) -> Option<String> {
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

/// Trims every line, drops runs of blank lines and caps the length at what the domain accepts.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim()
        .chars()
        .take(pvara_domain::application::MAX_RESUME_CHARS)
        .collect()
}

/// The name offered for download: the uploaded name's letters, digits and `.-_ `, with the
/// extension of the detected kind.
fn safe_file_name(name: &str, kind: Kind) -> String {
    let stem = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
    let stem: String = stem
        .chars()
        .filter(|c| c.is_alphanumeric() || " -_".contains(*c))
        .take(80)
        .collect();
    let stem = if stem.trim().is_empty() {
        "cv".to_owned()
    } else {
        stem
    };
    let ext = match kind {
        Kind::Pdf => "pdf",
        Kind::Docx => "docx",
        Kind::Text => "txt",
    };
    format!("{}.{ext}", stem.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(name: &str, content: &[u8]) -> Upload {
        Upload {
            file_name: name.to_owned(),
            content: content.to_vec(),
        }
    }

    fn field(error: Error) -> Option<&'static str> {
        error.field()
    }

    #[tokio::test]
    async fn plain_text_is_read_and_named_by_its_content() {
        let doc = extract(upload(
            "../../etc/cv.pdf",
            b"Built payment systems in Rust and PostgreSQL for ten years.",
        ))
        .await
        .unwrap();
        assert!(doc.text.starts_with("Built payment systems"));
        assert_eq!(doc.file.file_name, "cv.txt");
        assert!(doc.file.content_type.starts_with("text/plain"));
    }

    #[tokio::test]
    async fn executables_oversized_and_broken_files_are_refused() {
        let elf = [b"\x7fELF\x02\x01\x01".as_slice(), &[0u8; 64]].concat();
        assert_eq!(
            field(extract(upload("cv.pdf", &elf)).await.unwrap_err()),
            Some("cv")
        );
        let big = vec![b'a'; MAX_CV_BYTES + 1];
        assert_eq!(
            field(extract(upload("cv.txt", &big)).await.unwrap_err()),
            Some("cv")
        );
        let broken = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage".to_vec();
        assert_eq!(
            field(extract(upload("cv.pdf", &broken)).await.unwrap_err()),
            Some("cv")
        );
        assert_eq!(
            field(
                extract(upload("cv.docx", b"PK\x03\x04nonsense"))
                    .await
                    .unwrap_err()
            ),
            Some("cv")
        );
    }

    #[test]
    fn docx_runs_become_paragraphs() {
        let mut buffer = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut buffer);
            zip.start_file("word/document.xml", zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(
                &mut zip,
                br#"<w:document><w:body><w:p><w:r><w:t>Rust &amp; Kafka</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve">Ten years</w:t></w:r></w:p></w:body></w:document>"#,
            )
            .unwrap();
            zip.finish().unwrap();
        }
        assert_eq!(docx_text(buffer.get_ref()).unwrap(), "Rust & Kafka\nTen years\n");
    }
}
