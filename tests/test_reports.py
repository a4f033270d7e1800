"""gdc report: the four files, GitHub annotations, masking, and the HTML in a real browser."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from catalog import findings as F
from catalog import governance, pipeline
from catalog.reports import github, markdown, model
from tests.conftest import DATASET, EXAMPLES, run_gdc_process

TODAY = "2025-03-01"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
RAW_ID = "1234567890121"  # valid check digit
RAW_PHONE = "0812345678"


@pytest.fixture
def governed(example_copy: Path) -> Path:
    """The example catalog with one dataset blocked (personal category) and one waiver in force."""
    labour = example_copy / "nso" / "labour-force" / "dataset.yaml"
    labour.write_text(labour.read_text(encoding="utf-8").replace("data_category: public", "data_category: personal")
                      .replace("data_classification: open", "data_classification: confidential"), encoding="utf-8")
    docs = example_copy / "nso" / "survey-documents" / "dataset.yaml"
    docs.write_text(docs.read_text(encoding="utf-8").replace(
        "license_id: Creative Commons Attributions", "license_id: License not specified")
        + 'waivers:\n  - rule: licence_allowlist\n    reason: "licence of the 2550 questionnaires, under review"\n'
          '    approver: ผอ.กองนโยบายและวิชาการสถิติ\n    expires: "2025-06-30"\n', encoding="utf-8")
    return example_copy


def write_report(gdc, catalog: Path, out: Path, *extra: str):
    return gdc("report", "--date", TODAY, "--out", str(out), *extra, str(catalog))


def test_report_writes_the_four_files(gdc, governed, tmp_path):
    out = tmp_path / "out"
    result = write_report(gdc, governed, out)
    assert result.exit_code == 1  # a dataset is blocked
    assert sorted(p.name for p in out.iterdir()) == ["junit.xml", "report.html", "report.json", "report.md"]
    assert str(out / "report.html") in result.output

    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert doc["date"] == TODAY and doc["summary"]["blocked"] == 1
    assert [b["dataset"] for b in doc["blocked"]] == ["nso-labour-force-survey"]
    assert {r["code"] for r in doc["blocked"][0]["reasons"]} == {"POLICY_CATEGORY_NOT_PUBLIC",
                                                                   "POLICY_CLASSIFICATION_NOT_OPEN"}
    [w] = doc["waivers"]
    assert (w["rule"], w["used"], w["expires"]) == ("licence_allowlist", True, "2025-06-30")
    assert all(f["where"] for f in doc["findings"])

    junit = ET.fromstring((out / "junit.xml").read_text(encoding="utf-8"))
    cases = junit.findall(".//testcase")
    assert len(cases) == 9 and {c.get("name") for c in cases} >= {"nso-labour-force-survey", "dopa-district-registry"}
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    assert failed == ["nso-labour-force-survey"] and junit.get("failures") == "1"
    assert "POLICY_CATEGORY_NOT_PUBLIC" in junit.find(".//failure").get("message")

    md = (out / "report.md").read_text(encoding="utf-8")
    assert len(md) < 65_536
    assert "nso-labour-force-survey" in md and "licence_allowlist" in md and "| **nso**" in md


def test_html_is_self_contained_bilingual_and_complete(gdc, governed, tmp_path):
    write_report(gdc, governed, tmp_path)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    for text in ("รายงานธรรมาภิบาลข้อมูล", "Data governance report", "สิ่งที่ควรแก้ก่อน", "Fix first",
                 "การยกเว้นที่มีผลอยู่", "Waivers in force", "<svg", "polyline" if False else "<svg class=\"trend\"",
                 "nso-labour-force-survey", "ผอ.กองนโยบายและวิชาการสถิติ"):
        assert text in page, text
    assert page.count('<article class="card"') == 4
    assert re.search(r"datasets/nso/labour-force/dataset\.yaml:15", page)  # file:line of a finding


def test_html_shows_the_trend_from_history(gdc, governed, tmp_path):
    history = tmp_path / "h.jsonl"
    for day in ("2025-01-01", "2025-02-01"):
        gdc("score", "--date", day, "--history", str(history), str(governed))
    write_report(gdc, governed, tmp_path, "--history", str(history))
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count("<polyline") == 4 and "2025-01-01" in page


def test_findings_name_row_and_column_and_personal_data_is_masked(factory, monkeypatch):
    factory.dataset()
    real = pipeline.validate

    def with_data_stage(paths, **kw):  # a later data stage whose finding quotes cell values
        result = real(paths, **kw)
        result.findings.append(F.error("EMAIL_INVALID", file="datasets/demo/demo-dataset/data.csv",
                                       dataset="demo-dataset", resource="ตาราง", row=7, field="citizen_id",
                                       stage="quality", field_name="citizen_id", value=f"{RAW_ID} / {RAW_PHONE}"))
        return result

    monkeypatch.setattr(pipeline, "validate", with_data_stage)
    ev = governance.evaluate([factory.catalog], dt.date(2025, 3, 1))
    assert ev.scorecard.datasets[0].blocked
    doc = model.build(ev, "en")
    [f] = [f for f in doc["findings"] if f["code"] == "EMAIL_INVALID"]
    assert f["where"] == "datasets/demo/demo-dataset/data.csv row 7 column 'citizen_id'"
    from catalog.reports import html, junit
    for text in (json.dumps(doc, ensure_ascii=False), html.render(doc), markdown.render(doc), junit.render(doc),
                 github.render(doc["findings"])):
        assert RAW_ID not in text and RAW_PHONE not in text
        assert "1-2345-xxxxx-xx-1" in text and "08x-xxx-x678" in text


def test_github_annotations(gdc, governed, tmp_path):
    result = gdc("report", "--date", TODAY, "--out", str(tmp_path), "--format", "github", str(governed))
    lines = [ln for ln in result.output.splitlines() if ln.startswith("::")]
    errors = [ln for ln in lines if ln.startswith("::error ")]
    assert len(errors) == 2 and all("nso/labour-force/dataset.yaml,line=" in ln for ln in errors)
    assert re.match(r"::error file=[^,]+,line=\d+,title=\[POLICY_[A-Z_]+\] nso-labour-force-survey::", errors[0])
    assert any(ln.startswith("::warning ") for ln in lines) and any(ln.startswith("::notice ") for ln in lines) is False


def test_github_escaping():
    line = github.annotation({"severity": "error", "file": "a,b:c.yaml", "line": 3, "code": "X",
                              "message": "50% done\nnext, line", "hint": "", "where": "a:3"})
    assert line == "::error file=a%2Cb%3Ac.yaml,line=3,title=[X]::50%25 done%0Anext, line"


def test_markdown_fits_a_pull_request_comment_for_a_large_catalog(tmp_path):
    from tests.test_scoring import bench_module

    catalog = bench_module().generate(tmp_path, 1500, 30, seed=3)
    ev = governance.evaluate([catalog], dt.date(2025, 6, 30))
    md = markdown.render(model.build(ev, "th"))
    assert len(md) <= markdown.MAX_CHARS and "report.html" in md  # "… N more in report.html"


def test_thai_report(gdc, governed, tmp_path):
    write_report(gdc, governed, tmp_path, "--lang", "th")
    doc = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert doc["lang"] == "th"
    assert "เผยแพร่บนพอร์ทัลข้อมูลเปิดไม่ได้" in doc["blocked"][0]["reasons"][0]["message"] + \
        doc["blocked"][0]["reasons"][1]["message"]


def test_report_through_the_real_entry_point(governed, tmp_path):
    proc = run_gdc_process("report", "--date", TODAY, "--out", str(tmp_path / "r"), str(governed))
    assert proc.returncode == 1 and proc.stderr == ""
    assert (tmp_path / "r" / "report.html").stat().st_size > 10_000


# --------------------------------------------------------------------------------- the browser


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp / "chromium-profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
         f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args],
        capture_output=True, text=True, timeout=180)


def console_messages(stderr: str) -> list[str]:
    """What the page wrote to the console (errors, CSP refusals, uncaught exceptions)."""
    return [ln for ln in stderr.splitlines() if ":CONSOLE" in ln]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.slow
# In CI (make test installs chromium first) a missing browser is a failure, never a silent skip.
@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed: run tests/tools/install-chromium.sh "
                                             "(Debian's chromium) to run the browser test")
def test_html_report_renders_in_a_real_browser(gdc, governed, tmp_path):
    history = tmp_path / "history.jsonl"
    for day in ("2024-12-01", "2025-01-15", "2025-02-10"):
        gdc("score", "--date", day, "--history", str(history), str(governed))
    write_report(gdc, governed, tmp_path, "--history", str(history))
    url = (tmp_path / "report.html").resolve().as_uri()

    # the detector works: a page with a script error is caught
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><body><script>notDefined();</script></body>", encoding="utf-8")
    assert any("notDefined" in m for m in console_messages(chromium(tmp_path, "--dump-dom", broken.as_uri()).stderr))

    dom = chromium(tmp_path, "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    body = re.search(r"<body[^>]*>", dom.stdout).group(0)
    assert 'data-js="ok"' in body and "data-js-error" not in body  # the script ran, without an error
    assert "สำนักงานสถิติแห่งชาติ" in dom.stdout and "nso-labour-force-survey" in dom.stdout
    assert console_messages(dom.stderr) == []

    shot = tmp_path / "report.png"
    run = chromium(tmp_path, "--window-size=1280,3200", f"--screenshot={shot}", url)
    assert run.returncode == 0 and shot.is_file(), run.stderr[-2000:]
    assert png_size(shot) == (1280, 3200) and shot.stat().st_size > 50_000
    assert console_messages(run.stderr) == []
