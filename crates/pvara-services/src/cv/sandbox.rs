//! The server's side of the sandbox: each untrusted document is read by a child process of its
//! own ([`super::child`]), started from pvara's own binary with an empty environment (no
//! secret, no database URL), given the bytes on stdin and read back on stdout. The child is
//! killed at its deadline and when the request that wanted it goes away; what it writes is
//! capped; at most a few run at once. Whatever a hostile file does to its child (overflow the
//! stack, loop for ever, inflate to gigabytes), the server sees a refused upload and nothing
//! else: a thread cannot be stopped from outside, a process can.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;
use tokio::sync::Semaphore;

use super::Kind;
use super::child;
use super::read::Reading;

/// How much one child may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Its address space, in MiB: a compression bomb stops here.
    pub memory_mb: u64,
    /// Its CPU time, in seconds.
    pub cpu_seconds: u64,
    /// From start to answer, whatever it is doing: killed then.
    pub deadline: Duration,
    /// The most it may write back: far over the longest CV text the domain keeps.
    pub output_bytes: usize,
    /// Children at once; a document waits for a place at most `deadline`.
    pub concurrent: usize,
}

impl Default for Limits {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Limits {
            memory_mb: 512,
            cpu_seconds: 10,
            deadline: Duration::from_secs(10),
            output_bytes: 4 * pvara_domain::application::MAX_RESUME_CHARS + 1024,
            concurrent: 2 * cores,
        }
    }
}

/// The name of the small binary built to be the child (`crates/pvara/src/bin`): starting it
/// costs a fraction of starting `pvara` (issue 28).
pub const READER: &str = "pvara-cv-reader";

/// `READER` in the directory of `program` if it is there, else `program` itself.
pub fn reader_beside(program: PathBuf) -> PathBuf {
    let reader = program.with_file_name(READER);
    if reader.is_file() { reader } else { program }
}

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// The child read it and found no text.
    #[error("the document holds no text")]
    NoText,
    /// The child crashed, was killed for its limits, or wrote what is not an answer.
    #[error("the reader failed: {0}")]
    Crashed(String),
    /// Over its time: killed.
    #[error("the reader took longer than its deadline")]
    TimedOut,
    /// No place free within the deadline.
    #[error("every reader is busy")]
    Busy,
    /// The child could not be started, or could not limit itself: an installation fault.
    #[error("the sandbox does not work here: {0}")]
    Broken(String),
}

/// Starts children to read documents.
#[derive(Debug, Clone)]
pub struct Sandbox {
    program: PathBuf,
    limits: Limits,
    places: Arc<Semaphore>,
}

impl Sandbox {
    /// Children are `program sandbox-extract ...`: pvara's own binary.
    pub fn new(program: PathBuf, limits: Limits) -> Self {
        Sandbox {
            program,
            places: Arc::new(Semaphore::new(limits.concurrent.max(1))),
            limits,
        }
    }

    /// The reader binary installed beside the running one ([`READER`]), or the running binary
    /// itself (`pvara sandbox-extract`) where there is none: the default of every installation.
    pub fn beside_current_exe(limits: Limits) -> std::io::Result<Self> {
        Ok(Sandbox::new(reader_beside(std::env::current_exe()?), limits))
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Reads `document` as `kind` in a child process.
    pub async fn read(&self, kind: Kind, document: Vec<u8>) -> Result<Reading, Failure> {
        let _place = tokio::time::timeout(self.limits.deadline, self.places.acquire())
            .await
            .map_err(|_| Failure::Busy)?
            .map_err(|_| Failure::Busy)?;
        let mut child = Command::new(&self.program)
            .arg(child::SUBCOMMAND)
            .arg(kind.as_arg())
            .arg(self.limits.memory_mb.to_string())
            .arg(self.limits.cpu_seconds.to_string())
            .env_clear()
            .current_dir("/")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // A parser's panic message may quote the document: it goes nowhere.
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| Failure::Broken(format!("cannot start {}: {e}", self.program.display())))?;
        let mut stdin = child
            .stdin
            .take()
            .ok_or_else(|| Failure::Broken("no stdin".into()))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| Failure::Broken("no stdout".into()))?;
        let cap = self.limits.output_bytes as u64;
        let talk = async {
            // A child that dies before reading everything closes the pipe: not an error here.
            let feed = async move {
                let _ = stdin.write_all(&document).await;
                drop(stdin);
            };
            let mut output = Vec::new();
            let mut capped = stdout.take(cap + 1);
            let collect = capped.read_to_end(&mut output);
            let (_, collected) = tokio::join!(feed, collect);
            collected.map_err(|e| Failure::Crashed(format!("reading its answer: {e}")))?;
            let status = child
                .wait()
                .await
                .map_err(|e| Failure::Crashed(format!("waiting for it: {e}")))?;
            Ok::<_, Failure>((status, output))
        };
        let (status, mut output) = match tokio::time::timeout(self.limits.deadline, talk).await {
            Ok(done) => done?,
            Err(_) => {
                // kill_on_drop would too; killing here also reaps it before the place is freed.
                let _ = child.kill().await;
                return Err(Failure::TimedOut);
            }
        };
        if output.len() as u64 > cap {
            output.truncate(self.limits.output_bytes);
        }
        match status.code() {
            Some(0) => serde_json::from_slice(&output)
                .map_err(|e| Failure::Crashed(format!("its answer is not a reading: {e}"))),
            Some(code) if code == i32::from(child::NO_TEXT) => Err(Failure::NoText),
            Some(code) if code == i32::from(child::NO_SANDBOX) || code == i32::from(child::USAGE) => {
                Err(Failure::Broken(format!("the child exited with {code}")))
            }
            _ => Err(Failure::Crashed(describe(status))),
        }
    }

    /// Reads a known text document once: at start, so that an installation where children
    /// cannot start or limit themselves fails then, not at a candidate's upload.
    pub async fn check(&self) -> Result<(), Failure> {
        let reading = self
            .read(
                Kind::Text,
                b"A sandbox self-check, read by a child process.".to_vec(),
            )
            .await?;
        if reading.text.starts_with("A sandbox self-check") {
            Ok(())
        } else {
            Err(Failure::Broken("the self-check came back changed".into()))
        }
    }
}

#[cfg(unix)]
fn describe(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (_, Some(signal)) => format!("ended by signal {signal}"),
        (Some(code), None) => format!("exited with {code}"),
        (None, None) => "ended".to_owned(),
    }
}

#[cfg(not(unix))]
fn describe(status: std::process::ExitStatus) -> String {
    status.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reader_beside_the_binary_is_chosen_when_it_is_there() {
        let dir = tempfile::tempdir().unwrap();
        let pvara = dir.path().join("pvara");
        assert_eq!(reader_beside(pvara.clone()), pvara, "no reader: pvara itself");
        std::fs::create_dir(dir.path().join(READER)).unwrap();
        assert_eq!(reader_beside(pvara.clone()), pvara, "a directory is not a reader");
        std::fs::remove_dir(dir.path().join(READER)).unwrap();
        std::fs::write(dir.path().join(READER), b"").unwrap();
        assert_eq!(reader_beside(pvara), dir.path().join(READER));
    }
}
