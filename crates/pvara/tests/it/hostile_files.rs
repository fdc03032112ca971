//! Hostile CV files, made here byte by byte, uploaded while a client keeps asking for health:
//! every one is refused with a clear 422 on `cv` (or read, for the good control), the server
//! answers health throughout, no reader process outlives its upload, and the process's memory
//! comes back to its baseline. Before the sandbox, the first of these aborted the server.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::helpers::{PASSWORD, cv_form, error_of, job_body};
use crate::processes::{Process, create_staff, get_json, login, post, spawn};

/// A PDF from its objects (numbered from 1), with a correct cross-reference table.
pub(crate) fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

pub(crate) fn stream(dictionary: &str, content: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dictionary} /Length {} >>\nstream\n", content.len()).into_bytes();
    out.extend_from_slice(content);
    out.extend_from_slice(b"\nendstream");
    out
}

/// Catalog, pages, one page with `resources` drawing `content`, and Helvetica as F1.
pub(crate) fn one_page(resources: &str, content: Vec<u8>, more: Vec<Vec<u8>>) -> Vec<u8> {
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> {resources} >> /Contents 4 0 R >>"
        )
        .into_bytes(),
        content,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    objects.extend(more);
    pdf(&objects)
}

const TEXT: &[u8] = b"BT /F1 12 Tf 72 700 Td (Seven years of Rust services and PostgreSQL on call.) Tj ET";

fn good_pdf() -> Vec<u8> {
    one_page("", stream("", TEXT), vec![])
}

/// A form XObject whose resources name itself, drawn by itself (808 bytes took the old
/// extractor's stack).
fn self_drawing_form() -> Vec<u8> {
    one_page(
        "/XObject << /F 6 0 R >>",
        stream("", b"/F Do"),
        vec![stream(
            "/Type /XObject /Subtype /Form /BBox [0 0 100 100] /Resources << /XObject << /F 6 0 R >> >>",
            b"/F Do",
        )],
    )
}

/// Forms that each draw the next twice, 40 deep: 2^40 drawings of a few bytes.
fn doubling_forms() -> Vec<u8> {
    let depth = 40;
    let forms = (0..depth)
        .map(|level| {
            let first = 6 + level;
            if level + 1 == depth {
                stream("/Type /XObject /Subtype /Form /BBox [0 0 9 9] /Resources << /Font << /F1 5 0 R >> >>", TEXT)
            } else {
                stream(
                    &format!(
                        "/Type /XObject /Subtype /Form /BBox [0 0 9 9] /Resources << /XObject << /A {} 0 R >> >>",
                        first + 1
                    ),
                    b"/A Do /A Do",
                )
            }
        })
        .collect();
    one_page("/XObject << /A 6 0 R >>", stream("", b"/A Do"), forms)
}

/// A content stream of 1 GiB of spaces, deflated to about a megabyte.
fn zlib_bomb() -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..1024 {
        encoder.write_all(&chunk).unwrap();
    }
    encoder.write_all(TEXT).unwrap();
    let deflated = encoder.finish().unwrap();
    one_page("", stream("/Filter /FlateDecode", &deflated), vec![])
}

/// An array nested 200,000 deep in the page's content.
fn deep_nesting() -> Vec<u8> {
    let depth = 200_000;
    let mut content = b"BT /F1 12 Tf ".to_vec();
    content.extend(std::iter::repeat_n(b'[', depth));
    content.extend(std::iter::repeat_n(b']', depth));
    content.extend_from_slice(b" TJ ET");
    let mut nested = b"<< /Type /Catalog /Pages 2 0 R /Deep ".to_vec();
    nested.extend(std::iter::repeat_n(b'[', depth));
    nested.extend(std::iter::repeat_n(b']', depth));
    nested.extend_from_slice(b" >>");
    let mut file = one_page("", stream("", &content), vec![]);
    // The catalog too: a parser that recurses on arrays meets it before any page.
    let catalog = b"<< /Type /Catalog /Pages 2 0 R >>";
    if let Some(at) = file.windows(catalog.len()).position(|w| w == catalog) {
        file.splice(at..at + catalog.len(), nested);
    }
    file
}

fn truncated() -> Vec<u8> {
    let whole = good_pdf();
    whole[..whole.len() / 2].to_vec()
}

fn malformed() -> Vec<u8> {
    let mut file = b"%PDF-1.7\n".to_vec();
    file.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    file
}

/// A page with an image and no text: a scan.
fn image_only() -> Vec<u8> {
    let pixels = vec![0x80u8; 64 * 64];
    one_page(
        "/XObject << /Im 6 0 R >>",
        stream("", b"q 200 0 0 200 72 500 cm /Im Do Q"),
        vec![stream(
            "/Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 8",
            &pixels,
        )],
    )
}

fn docx(document_xml: impl FnOnce(&mut zip::ZipWriter<std::io::Cursor<Vec<u8>>>)) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    document_xml(&mut zip);
    zip.finish().unwrap().into_inner()
}

/// `word/document.xml` inflating to 1 GiB.
fn docx_bomb() -> Vec<u8> {
    docx(|zip| {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        zip.start_file("word/document.xml", options).unwrap();
        zip.write_all(b"<w:document><w:body><w:p><w:r><w:t>").unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..1024 {
            zip.write_all(&chunk).unwrap();
        }
        zip.write_all(b"</w:t></w:r></w:p></w:body></w:document>")
            .unwrap();
    })
}

/// A billion laughs and an external entity naming a file of the server's.
fn docx_entities() -> Vec<u8> {
    let mut xml = String::from("<?xml version=\"1.0\"?><!DOCTYPE w:document [<!ENTITY lol \"lol\">");
    for level in 1..10 {
        let previous = if level == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", level - 1)
        };
        xml.push_str(&format!(
            "<!ENTITY lol{level} \"{}\">",
            format!("&{previous};").repeat(10)
        ));
    }
    xml.push_str("<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>");
    xml.push_str("<w:document><w:body><w:p><w:r><w:t>Ten years of Rust services. &lol9; &xxe;</w:t></w:r></w:p></w:body></w:document>");
    docx(|zip| {
        zip.start_file("word/document.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
    })
}

/// The small reader binary and `pvara sandbox-extract` are the same child: the same arguments
/// get the same answer, and the same refusal.
#[test]
fn the_reader_binary_answers_as_pvara_does() {
    let read = |program: &str, (kind, document): (&str, &[u8])| {
        let mut child = std::process::Command::new(program)
            .args(["sandbox-extract", kind, "512", "10"])
            .env_clear()
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(document).unwrap();
        let output = child.wait_with_output().unwrap();
        (output.status.code(), output.stdout)
    };
    let cv: (&str, &[u8]) = (
        "text",
        b"Amina Khan. Eight years of Rust services and PostgreSQL for a national registry.",
    );
    let by_pvara = read(env!("CARGO_BIN_EXE_pvara"), cv);
    assert_eq!(by_pvara.0, Some(0));
    assert!(String::from_utf8_lossy(&by_pvara.1).contains("national registry"));
    assert_eq!(read(env!("CARGO_BIN_EXE_pvara-cv-reader"), cv), by_pvara);
    let not_a_pdf: (&str, &[u8]) = ("pdf", b"%PDF-1.4 and then nothing a reader can use");
    let refused = read(env!("CARGO_BIN_EXE_pvara"), not_a_pdf);
    assert_ne!(refused.0, Some(0), "{refused:?}");
    assert_eq!(read(env!("CARGO_BIN_EXE_pvara-cv-reader"), not_a_pdf), refused);
}

/// Resident memory of process `pid`, in MiB.
fn rss_mib(pid: u32) -> u64 {
    let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096 / (1024 * 1024)
}

/// Children of `pid` still running a reader.
fn readers_alive(pid: u32) -> usize {
    let parent_pid = pid.to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let stat = std::fs::read_to_string(path.join("stat")).ok()?;
            let parent = stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.to_owned();
            let cmdline = std::fs::read(path.join("cmdline")).ok()?;
            let reader = String::from_utf8_lossy(&cmdline).contains("sandbox-extract");
            (parent == parent_pid && reader).then_some(())
        })
        .count()
}

/// The real binary (with its own allocator) serving on port 0, with one job and a way to make
/// applicants.
struct Server {
    process: Process,
    client: reqwest::Client,
    staff: String,
    job: String,
    _data: tempfile::TempDir,
}

impl Server {
    async fn start() -> Server {
        let data = tempfile::tempdir().unwrap();
        create_staff(data.path(), None, "r@pvara.gov").await;
        let process = spawn(data.path(), None, &["serve", "--listen", "127.0.0.1:0"], "server").await;
        let client = reqwest::Client::new();
        let staff = login(&client, process.base(), "r@pvara.gov").await;
        let (status, job) = post(
            &client,
            format!("{}/api/jobs", process.base()),
            Some(&staff),
            &job_body("Engineer", "Rust services", &["Rust"], &[], 0.0),
        )
        .await
        .unwrap();
        assert_eq!(status, StatusCode::CREATED);
        let job = job["id"].as_str().unwrap().to_owned();
        Server {
            process,
            client,
            staff,
            job,
            _data: data,
        }
    }

    fn pid(&self) -> u32 {
        self.process.child.id().unwrap()
    }

    async fn applicant(&self, n: usize) -> (String, String) {
        let email = format!("hostile{n}@example.org");
        let body =
            serde_json::json!({ "email": email, "password": PASSWORD, "fullName": format!("Applicant {n}") });
        let (status, _) = post(
            &self.client,
            format!("{}/api/auth/register", self.process.base()),
            None,
            &body,
        )
        .await
        .unwrap();
        assert_eq!(status, StatusCode::ACCEPTED);
        let token = login(&self.client, self.process.base(), &email).await;
        (format!("Applicant {n}"), token)
    }

    async fn upload(
        &self,
        (name, token): &(String, String),
        file_name: &str,
        file: Vec<u8>,
    ) -> reqwest::Response {
        let form = cv_form(&self.job, name, file_name, file);
        self.client
            .post(format!("{}/api/applications", self.process.base()))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
            .unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_files_cost_the_upload_and_nothing_else() {
    let server = Server::start().await;
    let corpus: Vec<(&str, &str, Vec<u8>)> = vec![
        ("a self-drawing form", "cv.pdf", self_drawing_form()),
        ("doubling forms", "cv.pdf", doubling_forms()),
        ("a zlib bomb", "cv.pdf", zlib_bomb()),
        ("deep nesting", "cv.pdf", deep_nesting()),
        ("a truncated PDF", "cv.pdf", truncated()),
        ("a malformed PDF", "cv.pdf", malformed()),
        ("an image-only PDF", "scan.pdf", image_only()),
        ("a DOCX zip bomb", "cv.docx", docx_bomb()),
    ];
    // Warm up (first child, first multipart body), then the baseline.
    let good = server.applicant(0).await;
    let warm = server.upload(&good, "cv.pdf", good_pdf()).await;
    assert_eq!(warm.status(), StatusCode::CREATED, "a plain PDF is read");
    let baseline = rss_mib(server.pid());

    let stop = Arc::new(AtomicBool::new(false));
    let slowest = Arc::new(AtomicU64::new(0));
    let poller = {
        let url = format!("{}/api/health", server.process.base());
        let (client, stop, slowest) = (server.client.clone(), stop.clone(), slowest.clone());
        tokio::spawn(async move {
            let mut answered = 0;
            while !stop.load(Ordering::Relaxed) {
                let started = Instant::now();
                let response = client.get(&url).timeout(Duration::from_secs(5)).send().await;
                assert_eq!(
                    response.map(|r| r.status()).ok(),
                    Some(StatusCode::OK),
                    "health answered"
                );
                slowest.fetch_max(started.elapsed().as_micros() as u64, Ordering::Relaxed);
                answered += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            answered
        })
    };
    let mut peak = baseline;
    for (n, (what, name, file)) in corpus.into_iter().enumerate() {
        let who = server.applicant(n + 1).await;
        let started = Instant::now();
        let (status, error) = error_of(server.upload(&who, name, file).await).await;
        eprintln!("{what}: {status} in {:?}", started.elapsed());
        assert_eq!(
            (status, error["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("cv")),
            "{what}: {error}"
        );
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("paste the text"),
            "{what}: {error}"
        );
        assert_eq!(
            readers_alive(server.pid()),
            0,
            "{what}: no reader outlives its upload"
        );
        peak = peak.max(rss_mib(server.pid()));
    }
    // The entities are not expanded, and no file of the server's is read into the CV.
    let tricks = server.applicant(99).await;
    let response = server.upload(&tricks, "cv.docx", docx_entities()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let id = response.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = format!("{}/api/applications/{id}", server.process.base());
    let record = get_json(&server.client, url, &server.staff).await.unwrap();
    let text = record["resumeText"].as_str().unwrap();
    assert!(text.contains("Ten years of Rust"), "{text}");
    assert!(!text.contains("root:") && !text.contains("lollollol"), "{text}");

    stop.store(true, Ordering::Relaxed);
    let answered = poller.await.unwrap();
    let after = rss_mib(server.pid());
    eprintln!(
        "health answered {answered} times, slowest {} ms; server memory {baseline} MiB before, \
         {peak} MiB at most between uploads, {after} MiB after",
        slowest.load(Ordering::Relaxed) / 1000
    );
    assert!(answered > 10);
    assert!(
        after < baseline + 64,
        "memory back near its baseline: {baseline} -> {after} MiB"
    );
    server.process.stop().await;
}
