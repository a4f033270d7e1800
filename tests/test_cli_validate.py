"""gdc validate as users run it: exit codes, formats, languages, bad input without tracebacks."""
import json
import os

import pytest

from tests.conftest import DATASET, EXAMPLES, REPO, run_gdc_process


def test_example_catalog_is_green(gdc):
    result = gdc("validate", str(EXAMPLES))
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output


def test_default_path_is_datasets_folder(gdc, monkeypatch):
    monkeypatch.chdir(REPO)
    assert gdc("validate").exit_code == 0


def test_three_mistakes_three_findings_with_lines(factory, gdc):
    text = DATASET.replace("data_source: หน่วยงานทดสอบ\n", "")
    text = text.replace("geo_coverage: country", "geo_coverage: ประเทส")
    text = text.replace("data@demo.go.th", "data-demo.go.th")
    factory.dataset(text=text)
    result = gdc("validate", str(factory.catalog))
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if "dataset.yaml:" in ln]
    assert len(lines) == 3, result.output
    assert "[FIELD_REQUIRED]" in lines[0] and "data_source" in lines[0]
    assert "dataset.yaml:9:" in lines[1] and "[CHOICE_INVALID]" in lines[1]
    assert "dataset.yaml:15:" in lines[2] and "[EMAIL_INVALID]" in lines[2]
    assert "3 error(s)" in result.output


def test_json_output_shape(factory, gdc):
    factory.dataset(text=DATASET.replace("data@demo.go.th", "nope"))
    result = gdc("validate", "--format", "json", str(factory.catalog))
    assert result.exit_code == 1
    data = json.loads(result.output)
    [finding] = data["findings"]
    assert {"code", "severity", "file", "line", "message", "hint"} <= set(finding)
    assert finding["code"] == "EMAIL_INVALID" and finding["line"] == 16
    assert data["summary"]["error"] == 1 and data["summary"]["blocking"] is True


def test_thai_messages_by_flag_and_by_environment(factory, gdc):
    factory.dataset(text=DATASET.replace("data@demo.go.th", "nope"))
    by_flag = gdc("validate", "--lang", "th", str(factory.catalog)).output
    by_env = gdc("validate", str(factory.catalog), env={"GDC_LANG": "th"}).output
    assert "ไม่ใช่อีเมลที่ถูกต้อง" in by_flag and by_flag == by_env


def test_usage_errors_exit_2(gdc, tmp_path):
    assert gdc("validate", str(tmp_path / "missing")).exit_code == 2
    assert gdc("validate", "--format", "xml", str(tmp_path)).exit_code == 2


def test_warnings_alone_do_not_fail(factory, gdc):
    factory.dataset(text=DATASET + "maintainer_emial: x\n")
    result = gdc("validate", str(factory.catalog))
    assert result.exit_code == 0 and "UNKNOWN_KEY" in result.output
    assert "UNKNOWN_KEY" not in gdc("validate", "-q", str(factory.catalog)).output


BAD_INPUTS = {
    "invalid_yaml": ("YAML_SYNTAX", b"name: x\ntitle: [unclosed\nnotes: y\n"),
    "yaml_bomb": ("YAML_TOO_LARGE", ("a: &a [" + ",".join(["x"] * 10) + "]\n" + "".join(
        f"{n}: &{n} [" + ",".join([f"*{p}"] * 10) + "]\n" for p, n in zip("abcdefgh", "bcdefghi"))).encode()),
    "wrong_types": ("FIELD_WRONG_TYPE", DATASET.replace("title: ชุดข้อมูลทดสอบ", "title: [a, b]").encode()),
    "not_utf8": ("YAML_NOT_UTF8", "name: x\ntitle: ชุดข้อมูล\n".encode("cp874")),
    "empty": ("YAML_EMPTY", b""),
    "duplicated_key": ("YAML_DUPLICATE_KEY", (DATASET + "title: again\n").encode()),
    "unknown_key": ("UNKNOWN_KEY", (DATASET + "licence_id: x\n").encode()),
    "list_not_mapping": ("MANIFEST_NOT_MAPPING", b"- a\n- b\n"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_a_finding_not_a_traceback(factory, case):
    code, raw = BAD_INPUTS[case]
    factory.dataset(raw=raw)
    proc = run_gdc_process("validate", str(factory.catalog))
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out
    assert f"[{code}]" in out, out
    assert "dataset.yaml:" in out
    assert proc.returncode == (0 if code == "UNKNOWN_KEY" else 1), out


def test_folder_without_manifests(tmp_path, gdc):
    (tmp_path / "empty").mkdir()
    result = gdc("validate", str(tmp_path / "empty"))
    assert result.exit_code == 1 and "[NO_MANIFESTS]" in result.output


def test_help_is_fast_and_does_not_import_heavy_libraries():
    code = ("import sys; from catalog.cli import main; sys.argv=['gdc','--help'];\n"
            "try: main()\nexcept SystemExit: pass\n"
            "heavy=[m for m in ('great_expectations','frictionless','pandas','ckanapi','pyarrow') if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    import subprocess, sys
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert "HEAVY []" in proc.stdout, proc.stdout + proc.stderr
    assert "validate" in proc.stdout


def test_validate_help_teaches(gdc):
    out = gdc("validate", "--help").output
    assert "Examples:" in out and "--lang" in out and "Exit code" in out


def test_python_dash_m_entry_point():
    proc = run_gdc_process("--version")
    assert proc.returncode == 0 and "gdc" in proc.stdout
