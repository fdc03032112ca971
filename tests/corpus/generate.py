#!/usr/bin/env python3
"""CVs made by the tools candidates use, for the reading fidelity test (issue 23).

Each source CV below is written out by every generator that can make it: Ghostscript (ps2pdf,
the engine behind Linux "Print to PDF"), LibreOffice headless (PDF and DOCX from one document),
Chromium's print to PDF, fpdf2 and python-docx; plus a scanned, image-only PDF. Next to each
document goes the text it was made from (`<name>.expected.txt`), which the test compares the
extracted words with, and `manifest.json` says which generator made what.

Usage: tests/corpus/generate.py OUT_DIR        (needs gs, soffice, chromium, pdftoppm)
"""

import html
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SOURCES = {
    "plain": {
        "title": "Ayesha Khan",
        "blocks": [
            ("p", "Senior Software Engineer, Islamabad"),
            ("h", "Summary"),
            ("p", "Nine years building payment systems in Rust and PostgreSQL for a national bank, "
                  "with on-call duty for the settlement ledger and its reconciliation jobs."),
            ("h", "Experience"),
            ("p", "2019 to 2026: Lead engineer at Meezan Payments. Designed the event-sourced ledger, "
                  "moved batch settlement to Apache Kafka streams and cut reconciliation time from six "
                  "hours to eleven minutes."),
            ("p", "2016 to 2019: Backend engineer at Jazz Digital. Wrote the billing service in Go and "
                  "maintained its PostgreSQL schema migrations."),
            ("h", "Education"),
            ("p", "MSc Computer Science, National University of Sciences and Technology, 2016."),
        ],
    },
    "lists-and-table": {
        "title": "Bilal Ahmed",
        "blocks": [
            ("h", "Skills"),
            ("ul", ["Rust and Tokio for asynchronous services",
                    "PostgreSQL tuning, partitioning and logical replication",
                    "Kubernetes deployments with Helm charts",
                    "Efficient profiling of official workloads with flamegraphs"]),
            ("h", "Employment"),
            ("table", [["Years", "Employer", "Role"],
                       ["2020 to 2026", "Systems Limited", "Staff engineer"],
                       ["2017 to 2020", "NetSol Technologies", "Software engineer"],
                       ["2015 to 2017", "Arpatech", "Junior developer"]]),
            ("h", "Certificates"),
            ("ol", ["Certified Kubernetes Administrator", "AWS Solutions Architect Associate"]),
        ],
    },
    "two-columns": {
        "title": "Sana Iqbal",
        "columns": True,
        "blocks": [
            ("h", "Profile"),
            ("p", "Data engineer with seven years of experience in Python, Spark and Airflow pipelines "
                  "for telecom analytics."),
            ("h", "Projects"),
            ("p", "Built the churn prediction feature store serving forty million subscribers. "
                  "Migrated nightly extracts from Oracle to a PostgreSQL warehouse."),
            ("h", "Languages"),
            ("p", "English, Urdu, Punjabi."),
            ("h", "Interests"),
            ("p", "Cricket statistics, open data, mentoring university students."),
        ],
    },
    "two-pages": {
        "title": "Omar Farooq",
        "blocks": [("h", "Career history")] + [
            ("p", f"Role {n}: In {2000 + n} he led a team of {n + 2} engineers delivering the "
                  f"procurement portal release {n}, wrote its integration tests and trained "
                  f"{n * 3} clerks in the provincial offices to use it.")
            for n in range(1, 25)
        ],
    },
    "urdu": {
        "title": "زینب قریشی",
        "rtl": True,
        "blocks": [
            ("p", "سافٹ ویئر انجینئر، لاہور"),
            ("h", "تجربہ"),
            ("p", "سات سال سرکاری محکموں کے لیے ویب نظام بنانے کا تجربہ۔"),
            ("p", "Rust اور PostgreSQL میں ادائیگی کا نظام بنایا۔"),
            ("h", "تعلیم"),
            ("p", "بی ایس کمپیوٹر سائنس، پنجاب یونیورسٹی۔"),
        ],
    },
}


def lines(source):
    """The source's text, a line per paragraph, list item and table row."""
    out = [source["title"]]
    for kind, content in source["blocks"]:
        if kind in ("p", "h"):
            out.append(content)
        elif kind in ("ul", "ol"):
            out.extend(content)
        elif kind == "table":
            out.extend(" ".join(row) for row in content)
    return out


def to_html(source):
    direction = ' dir="rtl" lang="ur"' if source.get("rtl") else ' lang="en"'
    font = "'Noto Nastaliq Urdu', 'Noto Naskh Arabic', serif" if source.get("rtl") else "'DejaVu Serif', serif"
    columns = "column-count: 2; column-gap: 2em;" if source.get("columns") else ""
    # The name as a paragraph of its own: LibreOffice's HTML import leaves an <h1> out of the page.
    body = [f"<p style=\"font-size: 18pt\"><b>{html.escape(source['title'])}</b></p>", f'<div style="{columns}">']
    for kind, content in source["blocks"]:
        if kind == "p":
            body.append(f"<p>{html.escape(content)}</p>")
        elif kind == "h":
            body.append(f"<h2>{html.escape(content)}</h2>")
        elif kind in ("ul", "ol"):
            items = "".join(f"<li>{html.escape(i)}</li>" for i in content)
            body.append(f"<{kind}>{items}</{kind}>")
        elif kind == "table":
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in content)
            body.append(f"<table border=\"1\">{rows}</table>")
    body.append("</div>")
    return (f"<!doctype html><html{direction}><head><meta charset=\"utf-8\">"
            f"<style>body {{ font-family: {font}; font-size: 11pt; }}</style></head>"
            f"<body>{''.join(body)}</body></html>")


def postscript(source):
    """Plain PostScript, a `show` per line, wrapped at 80 characters, pages as needed."""
    text_lines = []
    for line in lines(source):
        words, current = line.split(), ""
        for word in words:
            if len(current) + len(word) + 1 > 80:
                text_lines.append(current)
                current = word
            else:
                current = f"{current} {word}".strip()
        text_lines.append(current)
    escape = lambda s: s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    out = ["%!PS", "/Helvetica findfont 10 scalefont setfont"]
    y = 760
    for line in text_lines:
        if y < 60:
            out.append("showpage /Helvetica findfont 10 scalefont setfont")
            y = 760
        out.append(f"72 {y} moveto ({escape(line)}) show")
        y -= 14
    out.append("showpage")
    return "\n".join(out) + "\n"


def word_document(source, path):
    """The source as python-docx writes it: headings, lists, a table, two columns if asked."""
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt
    document = docx.Document()
    if source.get("rtl"):
        style = document.styles["Normal"]
        style.font.name = "Noto Nastaliq Urdu"
        style.element.rPr.rFonts.set(qn("w:cs"), "Noto Nastaliq Urdu")
    if source.get("columns"):
        columns = document.sections[0]._sectPr.xpath("./w:cols")
        element = columns[0] if columns else document.sections[0]._sectPr.makeelement(qn("w:cols"), {})
        element.set(qn("w:num"), "2")
        if not columns:
            document.sections[0]._sectPr.append(element)
    title = document.add_paragraph()
    run_ = title.add_run(source["title"])
    run_.bold, run_.font.size = True, Pt(18)
    for kind, content in source["blocks"]:
        if kind == "p":
            document.add_paragraph(content)
        elif kind == "h":
            document.add_heading(content, 1)
        elif kind in ("ul", "ol"):
            for item in content:
                document.add_paragraph(item, style="List Bullet" if kind == "ul" else "List Number")
        elif kind == "table":
            table = document.add_table(rows=len(content), cols=len(content[0]))
            for r, row in enumerate(content):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
    document.save(str(path))


def run(*command, cwd=None):
    subprocess.run(command, check=True, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180)


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    manifest = []
    work = Path(tempfile.mkdtemp())
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")

    def add(name, generator, source_name, path):
        expected = out / f"{name}.expected.txt"
        expected.write_text("\n".join(lines(SOURCES[source_name])) + "\n", encoding="utf-8")
        manifest.append({"file": path.name, "generator": generator, "source": source_name,
                         "expected": expected.name, "image_only": False})

    for name, source in SOURCES.items():
        html_file = work / f"{name}.html"
        html_file.write_text(to_html(source), encoding="utf-8")
        # python-docx: the Word document a candidate would write; LibreOffice then saves it as PDF
        # and as its own DOCX (through ODT), as "Export as PDF" and "Save as Word" do.
        written = work / f"{name}.docx"
        word_document(source, written)
        if not source.get("rtl"):
            target = out / f"python-docx-{name}.docx"
            shutil.copy(written, target)
            add(target.name, "python-docx", name, target)
        profile = f"-env:UserInstallation=file://{work}/lo"
        run("soffice", "--headless", "--norestore", profile, "--convert-to", "pdf", "--outdir", str(work), str(written))
        target = out / f"libreoffice-{name}.pdf"
        shutil.move(work / f"{name}.pdf", target)
        add(target.name, "libreoffice-pdf", name, target)
        run("soffice", "--headless", "--norestore", profile, "--convert-to", "odt", "--outdir", str(work), str(written))
        (work / "lo-docx").mkdir(exist_ok=True)
        run("soffice", "--headless", "--norestore", profile, "--convert-to", "docx:MS Word 2007 XML",
            "--outdir", str(work / "lo-docx"), str(work / f"{name}.odt"))
        target = out / f"libreoffice-{name}.docx"
        shutil.move(work / "lo-docx" / f"{name}.docx", target)
        add(target.name, "libreoffice-docx", name, target)
        # Chromium's print to PDF.
        if chromium:
            target = out / f"chromium-{name}.pdf"
            run(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={work}/chromium", "--no-pdf-header-footer",
                f"--print-to-pdf={target}", html_file.as_uri())
            add(target.name, "chromium", name, target)
        if source.get("rtl"):
            continue
        # Ghostscript: PostScript to PDF.
        ps = work / f"{name}.ps"
        ps.write_text(postscript(source), encoding="latin-1")
        target = out / f"ghostscript-{name}.pdf"
        run("ps2pdf", str(ps), str(target))
        add(target.name, "ghostscript", name, target)
        # fpdf2.
        from fpdf import FPDF
        pdf = FPDF()
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        for line in lines(source):
            pdf.multi_cell(0, 6, line)
            pdf.ln(1)
        target = out / f"fpdf2-{name}.pdf"
        pdf.output(str(target))
        add(target.name, "fpdf2", name, target)

    # A scan: the plain CV's first page as a picture, in a PDF with no text at all.
    run("pdftoppm", "-r", "100", "-png", "-singlefile", str(out / "libreoffice-plain.pdf"), str(work / "scan"))
    from fpdf import FPDF
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(work / "scan.png"), x=0, y=0, w=210)
    pdf.output(str(out / "scan-image-only.pdf"))
    manifest.append({"file": "scan-image-only.pdf", "generator": "scan", "source": "plain",
                     "expected": None, "image_only": True})
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    print(f"{len(manifest)} documents in {out}")


if __name__ == "__main__":
    main()
