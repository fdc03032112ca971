//! CV files are untrusted input. Each is size-limited and typed by its content (never its
//! name); its text is read in a child process ([`sandbox`]) that a hostile file can crash, hang
//! or bloat without touching the server. An unreadable file gets a message asking for the text
//! to be pasted instead.
//!
//! # Layout
//! - [`sandbox`]: the server's side: start a child per document, limit it, kill it at its
//!   deadline.
//! - [`child`]: the child's side: limit itself, filter its system calls, read, answer.
//! - [`read`]: the readers of each kind (PDF, DOCX, text), which only ever run in a child.

pub mod child;
pub mod read;
pub mod sandbox;

use pvara_storage::model::CvFile;

pub use sandbox::Sandbox;

/// Largest CV file accepted.
pub const MAX_CV_BYTES: usize = 5 * 1024 * 1024;

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
    /// Pages of the file (1 for DOCX and text).
    pub pages: u32,
}

impl Document {
    /// Words read.
    pub fn words(&self) -> usize {
        self.text.split_whitespace().count()
    }

    /// So few words for its pages (under 25 a page) that the reader probably missed most of the
    /// CV: the candidate is shown what was read before anything is scored on it.
    pub fn reads_little(&self) -> bool {
        self.words() < 25 * self.pages.max(1) as usize
    }
}

/// What a file is, by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
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

    /// The child's argument for this kind.
    pub fn as_arg(self) -> &'static str {
        match self {
            Kind::Pdf => "pdf",
            Kind::Docx => "docx",
            Kind::Text => "text",
        }
    }

    pub fn from_arg(arg: &str) -> Option<Kind> {
        [Kind::Pdf, Kind::Docx, Kind::Text]
            .into_iter()
            .find(|kind| kind.as_arg() == arg)
    }

    /// By content: magic numbers, and for plain text valid UTF-8 without control bytes.
    pub fn sniff(bytes: &[u8]) -> Option<Kind> {
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

/// Why an upload is not a CV pvara can read: each a sentence for the person who sent it, except
/// the two faults of the installation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("must be smaller than 5 MB")]
    TooLarge,
    #[error("is empty")]
    Empty,
    #[error("must be a PDF, a Word (DOCX) or a plain text file")]
    NotADocument,
    #[error("could not be read: paste the text of your CV into CV text instead")]
    Unreadable,
    /// Pages, and not a word on them: a scan or a photograph of a CV.
    #[error(
        "has no text we can read: it looks like a scanned image. Paste the text of your CV into CV text instead"
    )]
    Scanned,
    /// Every reader is busy: try again shortly.
    #[error("every CV reader is busy")]
    Busy,
    /// The sandbox cannot run here.
    #[error("{0}")]
    Broken(String),
}

/// Checks the upload and reads its text in `sandbox`.
pub async fn extract(sandbox: &Sandbox, upload: Upload) -> Result<Document, Refusal> {
    if upload.content.len() > MAX_CV_BYTES {
        return Err(Refusal::TooLarge);
    }
    if upload.content.is_empty() {
        return Err(Refusal::Empty);
    }
    let kind = Kind::sniff(&upload.content).ok_or(Refusal::NotADocument)?;
    let reading = match sandbox.read(kind, upload.content.clone()).await {
        Ok(reading) => reading,
        Err(sandbox::Failure::NoText) => return Err(Refusal::Unreadable),
        Err(sandbox::Failure::Busy) => return Err(Refusal::Busy),
        Err(failure @ sandbox::Failure::Broken(_)) => return Err(Refusal::Broken(failure.to_string())),
        Err(failure) => {
            // No personal data: the reason is the child's status, never the document.
            tracing::warn!(kind = kind.as_arg(), bytes = upload.content.len(), %failure, "a CV could not be read");
            metrics::counter!(crate::metrics::CV_REFUSED).increment(1);
            return Err(Refusal::Unreadable);
        }
    };
    let text = normalise(&reading.text);
    if reading.pages > 0 && !text.chars().any(char::is_alphanumeric) {
        return Err(Refusal::Scanned);
    }
    let text = Some(text)
        .filter(|t| t.chars().filter(|c| c.is_alphanumeric()).count() >= 20)
        .ok_or(Refusal::Unreadable)?;
    let file_name = safe_file_name(&upload.file_name, kind);
    Ok(Document {
        text,
        file: CvFile {
            file_name,
            content_type: kind.content_type().to_owned(),
            content: upload.content,
        },
        pages: reading.pages,
    })
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

    #[test]
    fn plain_text_is_read_and_named_by_its_content() {
        let bytes = b"Built payment systems in Rust and PostgreSQL for ten years.";
        assert_eq!(Kind::sniff(bytes), Some(Kind::Text));
        let reading = read::read(Kind::Text, bytes).unwrap();
        assert!(normalise(&reading.text).starts_with("Built payment systems"));
        assert_eq!(safe_file_name("../../etc/cv.pdf", Kind::Text), "cv.txt");
        assert!(Kind::Text.content_type().starts_with("text/plain"));
    }

    #[test]
    fn content_decides_the_kind() {
        let elf = [b"\x7fELF\x02\x01\x01".as_slice(), &[0u8; 64]].concat();
        assert_eq!(Kind::sniff(&elf), None);
        assert_eq!(Kind::sniff(b"%PDF-1.4\n"), Some(Kind::Pdf));
        assert_eq!(Kind::sniff(b"PK\x03\x04nonsense"), Some(Kind::Docx));
        for kind in [Kind::Pdf, Kind::Docx, Kind::Text] {
            assert_eq!(Kind::from_arg(kind.as_arg()), Some(kind));
        }
    }

    #[test]
    fn broken_files_have_no_reading() {
        let broken = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage";
        assert_eq!(read::read(Kind::Pdf, broken), None);
        assert_eq!(read::read(Kind::Docx, b"PK\x03\x04nonsense"), None);
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
        assert_eq!(
            read::docx_text(buffer.get_ref()).unwrap(),
            "Rust & Kafka\nTen years\n"
        );
    }
}
