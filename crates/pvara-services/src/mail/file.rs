//! Delivery into a folder of mbox files, one per delivered batch: the embedded default, so a
//! newcomer can read the mail pvara would have sent (`mutt -f mail/<file>.mbox`, or any text
//! viewer).
//!
//! One file per batch, not per message: creating a file costs 125-280 µs of kernel time on the
//! benchmark machine's ext4 (BENCHMARKS.md), more than everything else an application costs, and
//! every application sends two mails. A batch of 500 mails now costs one file and one `fsync`.

use std::io::Write;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use lettre::message::Mailbox;

use super::{MailError, MailMessage, Mailer, to_message};

#[derive(Debug, Clone)]
pub struct FileMailer {
    dir: PathBuf,
    from: Mailbox,
}

/// Messages per mbox file: the most a crash can deliver twice, and one file and fsync each.
const CHUNK: usize = 100;

impl FileMailer {
    pub fn new(dir: impl Into<PathBuf>, from: Mailbox) -> Self {
        Self {
            dir: dir.into(),
            from,
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

    /// Removes every delivered message addressed to one of `addresses` (erasure): each mbox file
    /// holding one is rewritten without it, atomically, or removed when nothing else is left.
    /// Returns how many messages were removed.
    pub fn erase_recipients(&self, addresses: &[String]) -> std::io::Result<usize> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e),
        };
        let wanted: Vec<String> = addresses
            .iter()
            .map(|a| format!("<{}>", a.to_lowercase()))
            .collect();
        let mut removed = 0;
        for entry in entries {
            let path = entry?.path();
            if path.extension().is_none_or(|x| x != "mbox") {
                continue;
            }
            let text = std::fs::read_to_string(&path)?;
            let (kept, dropped) = without_recipients(&text, &wanted);
            if dropped == 0 {
                continue;
            }
            removed += dropped;
            if kept.is_empty() {
                std::fs::remove_file(&path)?;
            } else {
                write_atomically(&self.dir, &path, kept.as_bytes())?;
            }
        }
        Ok(removed)
    }

    /// Every delivered message as it was handed over (RFC 5322, CRLF), in delivery order: the
    /// separator lines dropped and the mboxrd quoting undone. For `pvara mail show`.
    pub fn messages(&self) -> std::io::Result<Vec<String>> {
        let mut files: Vec<PathBuf> = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries
                .map(|e| e.map(|e| e.path()))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .filter(|p| p.extension().is_some_and(|x| x == "mbox"))
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        files.sort();
        let mut messages: Vec<String> = Vec::new();
        for file in files {
            for line in std::fs::read_to_string(&file)?.lines() {
                if line.starts_with("From ") {
                    messages.push(String::new());
                    continue;
                }
                let Some(message) = messages.last_mut() else {
                    continue;
                };
                let unquoted = match line.strip_prefix('>') {
                    Some(rest) if rest.trim_start_matches('>').starts_with("From ") => rest,
                    _ => line,
                };
                message.push_str(unquoted);
                message.push_str("\r\n");
            }
        }
        Ok(messages)
    }

    /// The file a batch goes to: named by time, then by the first message's event, so names sort
    /// in delivery order and never collide.
    fn path_for(&self, first: &MailMessage) -> PathBuf {
        let at = crate::now().format("%Y%m%dT%H%M%S%.6fZ");
        self.dir.join(format!("{at}-{}.mbox", first.id))
    }
}

/// A header value on one line: CR and LF would let input start a new header.
fn one_line(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The mbox separator line that starts each message of a batch: `From <sender> <asctime>`.
fn mbox_separator(from: &Mailbox) -> String {
    let date = crate::now().format("%a %b %e %H:%M:%S %Y");
    format!("From {} {date}\n", one_line(from.email.as_ref()).replace(' ', ""))
}

/// Appends `message` to an mbox in the mboxrd flavour: the separator line, LF line endings, and
/// `>` added to every line that starts with `>*From `, so a body line can never be taken for the
/// start of the next message.
fn append_mbox(mbox: &mut String, separator: &str, message: &[u8]) {
    mbox.push_str(separator);
    for line in String::from_utf8_lossy(message).split("\r\n") {
        if line.trim_start_matches('>').starts_with("From ") {
            mbox.push('>');
        }
        mbox.push_str(line);
        mbox.push('\n');
    }
    mbox.push('\n');
}

/// `mbox` without the messages whose `To:` header names one of `wanted` (`<address>`, lower
/// case), and how many were dropped. Messages start at separator lines (`From `); body lines
/// that begin so are quoted (`>From `), so the split is exact.
fn without_recipients(mbox: &str, wanted: &[String]) -> (String, usize) {
    let mut kept = String::with_capacity(mbox.len());
    let mut dropped = 0;
    let mut message = String::new();
    let flush = |message: &mut String, kept: &mut String, dropped: &mut usize| {
        let headers = message.split("\n\n").next().unwrap_or_default().to_lowercase();
        let addressed = headers
            .lines()
            .filter(|line| line.starts_with("to:"))
            .any(|line| wanted.iter().any(|w| line.contains(w.as_str())));
        if addressed {
            *dropped += 1;
        } else {
            kept.push_str(message);
        }
        message.clear();
    };
    for line in mbox.split_inclusive('\n') {
        if line.starts_with("From ") && !message.is_empty() {
            flush(&mut message, &mut kept, &mut dropped);
        }
        message.push_str(line);
    }
    if !message.is_empty() {
        flush(&mut message, &mut kept, &mut dropped);
    }
    (kept, dropped)
}

/// Writes to a temporary name, syncs, renames: a reader never sees half a batch.
fn write_atomically(dir: &Path, target: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut tmp = tempfile_in(dir)?;
    tmp.1.write_all(contents)?;
    tmp.1.sync_data()?;
    std::fs::rename(&tmp.0, target)
}

const TEMP_PREFIX: &str = ".tmp-";

fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let path = dir.join(format!("{TEMP_PREFIX}{}", uuid::Uuid::new_v4()));
    let file = pvara_storage::private_fs::file_options()
        .write(true)
        .create_new(true)
        .open(&path)?;
    Ok((path, file))
}

/// The whole batch lands in one file or not at all, so every message shares one outcome.
#[async_trait]
impl Mailer for FileMailer {
    async fn deliver(&self, messages: &[MailMessage]) -> Vec<Result<(), MailError>> {
        let Some(first) = messages.first() else {
            return Vec::new();
        };
        let target = self.path_for(first);
        let separator = mbox_separator(&self.from);
        let mut mbox = String::with_capacity(messages.len() * 4096);
        let mut outcomes = Vec::with_capacity(messages.len());
        for message in messages {
            match to_message(message, &self.from) {
                Ok(email) => {
                    append_mbox(&mut mbox, &separator, &email.formatted());
                    outcomes.push(Ok(()));
                }
                Err(error) => outcomes.push(Err(error)),
            }
        }
        let dir = self.dir.clone();
        let written = tokio::task::spawn_blocking(move || {
            pvara_storage::private_fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            write_atomically(&dir, &target, mbox.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
            // The directory sync makes the rename durable.
            if let Err(e) = std::fs::File::open(&dir).and_then(|d| d.sync_all()) {
                tracing::warn!(error = %e, "cannot sync the mail directory");
            }
            Ok::<_, String>(())
        })
        .await
        .unwrap_or_else(|e| Err(format!("mail task failed: {e}")));
        match written {
            Ok(()) => outcomes,
            Err(error) => vec![Err(MailError::Transient(error)); messages.len()],
        }
    }

    fn chunk_size(&self) -> usize {
        CHUNK
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
            subject: "Hello".to_owned(),
            text: "Line one\nLine two\n".to_owned(),
            html: "<p>Line one</p>".to_owned(),
            calendar: None,
        }
    }

    fn from() -> Mailbox {
        "PVARA <noreply@pvara.example>".parse().expect("valid")
    }

    #[tokio::test]
    async fn a_batch_is_one_mbox_whose_bodies_cannot_start_a_message() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = FileMailer::new(dir.path(), from());
        let mut second = message();
        second.id = EventId::new();
        second.text = "From the committee:\n>From earlier\nbye\n".to_owned();
        let outcomes = mailer.deliver(&[message(), second.clone()]).await;
        assert_eq!(outcomes.len(), 2);
        assert!(outcomes.iter().all(Result::is_ok));
        let files: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1);
        assert!(files[0].to_string_lossy().ends_with(".mbox"));
        let mbox = std::fs::read_to_string(&files[0]).unwrap();
        let separators: Vec<&str> = mbox.lines().filter(|l| l.starts_with("From ")).collect();
        assert_eq!(separators.len(), 2, "{mbox}");
        assert!(separators[0].starts_with("From noreply@pvara.example "));
        assert!(
            mbox.contains("\n>From the committee:\n>>From earlier\nbye\n"),
            "{mbox}"
        );
        assert!(mbox.contains(&format!("Message-ID: {}\n", second.message_id())));
        assert!(!mbox.contains('\r'));
        assert!(mailer.deliver(&[]).await.is_empty());
    }

    #[tokio::test]
    async fn an_unwritable_folder_fails_every_message_of_the_batch() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("not-a-folder");
        std::fs::write(&blocker, "a file").unwrap();
        let mailer = FileMailer::new(&blocker, from());
        let outcomes = mailer.deliver(&[message(), message()]).await;
        assert_eq!(outcomes.len(), 2);
        assert!(outcomes.iter().all(Result::is_err), "{outcomes:?}");
    }

    #[test]
    fn stale_temporaries_are_removed_and_mail_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".tmp-crashed"), "half a mail").unwrap();
        std::fs::write(dir.path().join("kept.mbox"), "a mail").unwrap();
        let mailer = FileMailer::new(dir.path(), from());
        assert_eq!(mailer.remove_stale_temporaries().unwrap(), 1);
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("kept.mbox")]);
        assert_eq!(
            FileMailer::new(dir.path().join("missing"), from())
                .remove_stale_temporaries()
                .unwrap(),
            0
        );
    }

    #[tokio::test]
    async fn erasing_a_recipient_removes_their_messages_only() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = FileMailer::new(dir.path(), from());
        let mut other = message();
        other.id = EventId::new();
        other.to_address = "omar@example.org".to_owned();
        mailer.deliver(&[message(), other.clone()]).await;
        mailer.deliver(&[message()]).await;
        assert_eq!(
            mailer.erase_recipients(&["ZOE@example.org".to_owned()]).unwrap(),
            2
        );
        let files: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1, "the file left with nobody in it is gone");
        let left = std::fs::read_to_string(&files[0]).unwrap();
        assert!(
            !left.contains("zoe@example.org") && left.contains("omar@example.org"),
            "{left}"
        );
        assert_eq!(
            mailer.erase_recipients(&["zoe@example.org".to_owned()]).unwrap(),
            0
        );
    }
}
