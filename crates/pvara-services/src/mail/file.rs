//! Delivery into a folder of RFC 5322 `.eml` files: the embedded default, so a newcomer can open
//! the mail pvara would have sent with any mail client.

use std::io::Write;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::{MailError, MailMessage, Mailer};

#[derive(Debug, Clone)]
pub struct FileMailer {
    dir: PathBuf,
    from: String,
}

impl FileMailer {
    pub fn new(dir: impl Into<PathBuf>, from: impl Into<String>) -> Self {
        Self {
            dir: dir.into(),
            from: from.into(),
        }
    }

    /// Removes temporary files a crash left half-written; their messages were not acknowledged,
    /// so the events behind them are delivered again.
    pub fn remove_stale_temporaries(&self) -> std::io::Result<usize> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e),
        };
        let mut removed = 0;
        for entry in entries {
            let path = entry?.path();
            if path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(TEMP_PREFIX))
            {
                std::fs::remove_file(&path)?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// The file a message goes to: named after the event, so a redelivery overwrites, never adds.
    pub fn path_for(&self, message: &MailMessage) -> PathBuf {
        self.dir.join(format!("{}-{}.eml", message.id, message.template))
    }
}

/// A header value on one line: CR and LF would let input start a new header.
fn one_line(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// RFC 2047 encoded-word for non-ASCII header text.
fn encode_header(value: &str) -> String {
    let value = one_line(value);
    if value.is_ascii() {
        value
    } else {
        format!("=?UTF-8?B?{}?=", STANDARD.encode(value.as_bytes()))
    }
}

fn mailbox(name: &str, address: &str) -> String {
    let name = one_line(name);
    let name = if name.is_ascii() {
        format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        encode_header(&name)
    };
    format!("{name} <{}>", one_line(address))
}

/// The whole message, CRLF line endings as RFC 5322 requires.
pub fn to_rfc5322(message: &MailMessage, from: &str) -> String {
    let headers = [
        format!("From: {}", mailbox("PVARA Recruitment", from)),
        format!("To: {}", mailbox(&message.to_name, &message.to_address)),
        format!("Subject: {}", encode_header(&message.subject)),
        format!("Date: {}", crate::now().to_rfc2822()),
        format!("Message-ID: {}", message.message_id()),
        format!("X-Pvara-Template: {}", message.template),
        "MIME-Version: 1.0".to_owned(),
        "Content-Type: text/plain; charset=utf-8".to_owned(),
        "Content-Transfer-Encoding: 8bit".to_owned(),
    ];
    let body = message.body.replace("\r\n", "\n").replace('\n', "\r\n");
    format!("{}\r\n\r\n{body}", headers.join("\r\n"))
}

/// Writes to a temporary name, syncs, renames: a reader never sees half a message.
fn write_atomically(dir: &Path, target: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut tmp = tempfile_in(dir)?;
    tmp.1.write_all(contents)?;
    tmp.1.sync_data()?;
    std::fs::rename(&tmp.0, target)
}

const TEMP_PREFIX: &str = ".tmp-";

fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let path = dir.join(format!("{TEMP_PREFIX}{}", uuid::Uuid::new_v4()));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    Ok((path, file))
}

#[async_trait]
impl Mailer for FileMailer {
    async fn deliver(&self, messages: &[MailMessage]) -> Vec<Result<(), MailError>> {
        let jobs: Vec<(PathBuf, String)> = messages
            .iter()
            .map(|m| (self.path_for(m), to_rfc5322(m, &self.from)))
            .collect();
        let dir = self.dir.clone();
        let n = jobs.len();
        let result = tokio::task::spawn_blocking(move || {
            if let Err(e) = std::fs::create_dir_all(&dir) {
                return vec![
                    Err(MailError::Delivery(format!(
                        "cannot create {}: {e}",
                        dir.display()
                    )));
                    n
                ];
            }
            let results: Vec<_> = jobs
                .iter()
                .map(|(path, text)| {
                    write_atomically(&dir, path, text.as_bytes())
                        .map_err(|e| MailError::Delivery(e.to_string()))
                })
                .collect();
            // One directory sync makes all the renames of the batch durable.
            if let Err(e) = std::fs::File::open(&dir).and_then(|d| d.sync_all()) {
                tracing::warn!(error = %e, "cannot sync the mail directory");
            }
            results
        })
        .await;
        result.unwrap_or_else(|e| {
            (0..n)
                .map(|_| Err(MailError::Delivery(format!("mail task failed: {e}"))))
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use pvara_domain::ids::EventId;

    use super::*;

    fn message() -> MailMessage {
        MailMessage {
            id: EventId::new(),
            template: "rejection",
            to_name: "Zoë \"Z\" Ahmed".to_owned(),
            to_address: "zoe@example.org".to_owned(),
            subject: "Hello\r\nBcc: evil@example.org".to_owned(),
            body: "Line one\nLine two\n".to_owned(),
        }
    }

    #[test]
    fn headers_cannot_be_injected_and_non_ascii_is_encoded() {
        let text = to_rfc5322(&message(), "noreply@pvara.example");
        assert!(!text.contains("\r\nBcc:"));
        assert!(text.contains("To: =?UTF-8?B?"));
        assert!(text.contains("\r\n\r\nLine one\r\nLine two\r\n"));
    }

    #[tokio::test]
    async fn redelivery_overwrites_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = FileMailer::new(dir.path(), "noreply@pvara.example");
        let m = message();
        assert!(
            mailer
                .deliver(std::slice::from_ref(&m))
                .await
                .iter()
                .all(Result::is_ok)
        );
        assert!(
            mailer
                .deliver(std::slice::from_ref(&m))
                .await
                .iter()
                .all(Result::is_ok)
        );
        let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(files.len(), 1);
        assert!(mailer.path_for(&m).exists());
    }

    #[test]
    fn stale_temporaries_are_removed_and_mail_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".tmp-crashed"), "half a mail").unwrap();
        std::fs::write(dir.path().join("kept.eml"), "a mail").unwrap();
        let mailer = FileMailer::new(dir.path(), "noreply@pvara.example");
        assert_eq!(mailer.remove_stale_temporaries().unwrap(), 1);
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("kept.eml")]);
        assert_eq!(
            FileMailer::new(dir.path().join("missing"), "x@y.z")
                .remove_stale_temporaries()
                .unwrap(),
            0
        );
    }
}
