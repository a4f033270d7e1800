"""gdc init (interactive, as on a terminal) and gdc schema infer, through the command line."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from catalog import i18n
from catalog.cli import cli
from tests.conftest import EXAMPLES, REPO, invoke


run = invoke


def answers(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def test_interactive_agency(repo):
    result = run("init", "agency", "--interactive", "--catalog", str(repo / "datasets"),
                 input=answers("Bad Name", "pcd", "กรมควบคุมมลพิษ", "Pollution Control Department", ""))
    assert result.exit_code == 0, result.output
    assert "ชื่อหน่วยงาน (URL) / Organization name (URL)" in result.output  # labels in Thai and English
    assert "bad-name" in result.output  # the slug problem was explained (with a fix), then re-asked
    data = yaml.safe_load((repo / "datasets/pcd/agency.yaml").read_text(encoding="utf-8"))
    assert data == {"name": "pcd", "title": "กรมควบคุมมลพิษ", "title_en": "Pollution Control Department"}


def test_interactive_dataset_numbers_thai_values_aliases_and_retries(repo):
    run("init", "agency", "--catalog", str(repo / "datasets"), "--name", "pcd", "--title", "กรมควบคุมมลพิษ")
    data_file = EXAMPLES / "pcd/pollution-complaints/complaints-2567.csv"
    result = run("init", "dataset", "--interactive", "--catalog", str(repo / "datasets"), input=answers(
        str(data_file),         # data file
        "",                     # name: default pcd-complaints-2567
        "เรื่องร้องเรียนมลพิษ ปี 2567",  # title
        "ข้อมูลสถิติ",            # data_type by Thai value
        "",                     # notes: default = the title
        "มลพิษ, ร้องเรียน",        # tags
        "",                     # maintainer: default = the agency
        "not-an-email",         # refused, asked again
        "complaints@pcd.go.th",
        "99",                   # not a choice
        "9,agency_mission",     # by number and by English name
        "monthly",              # update frequency by alias
        "จังหวัด",               # geo coverage by Thai value
        "",                     # data source: default
        "",                     # data format: default from the file (CSV)
        "3",                    # data category: personal
        "2",                    # classification, offered only what fits personal data
        "",                     # licence: default
        "y",                    # type-specific fields: yes
        "2567", "", "14", "ตามประเภทเรื่อง",  # first year, (skip), disaggregate other + its text
        "เรื่อง", "", "", "", "false", "",
    ))
    # The steward chose personal data classified ลับ: written as asked, but init's closing
    # validation says the governance policy will not let it be published (exit 1).
    assert result.exit_code == 1, result.output
    assert "rule public_category" in result.output
    assert "1. ข้อมูลระเบียน (record)" in result.output
    assert "'99' is not one of the choices" in result.output
    assert "not a valid e-mail" in result.output
    folder = repo / "datasets/pcd/complaints-2567"
    data = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8"))
    assert data["name"] == "pcd-complaints-2567" and data["data_type"] == "ข้อมูลสถิติ"
    assert data["notes"] == "เรื่องร้องเรียนมลพิษ ปี 2567" and data["maintainer"] == "กรมควบคุมมลพิษ"
    assert data["objective"] == ["เพื่อการให้บริการประชาชน", "พันธกิจหน่วยงาน"]
    assert data["update_frequency_unit"] == "เดือน" and data["geo_coverage"] == "จังหวัด"
    assert data["data_category"] == "ข้อมูลส่วนบุคคล" and data["data_classification"] == "ลับ"
    assert data["disaggregate"] == ["อื่นๆ"] and data["disaggregate_other"] == "ตามประเภทเรื่อง"
    assert data["first_year_of_data"] == "2567" and data["official_statistics"] is False
    assert (folder / "schema.json").exists() and (folder / "complaints-2567.csv").exists()
    # valid for data.go.th; only the governance policy refuses it (personal, ลับ)
    assert run("validate", "--metadata-only", str(repo / "datasets")).exit_code == 1
    codes = {f["code"] for f in json.loads(run("validate", "--format", "json", str(repo / "datasets")).output)["findings"]
             if f["severity"] == "error"}
    assert codes == {"POLICY_CATEGORY_NOT_PUBLIC", "POLICY_CLASSIFICATION_NOT_OPEN"}


def test_yes_on_a_terminal_asks_only_what_has_no_default(repo):
    run("init", "agency", "--catalog", str(repo / "datasets"), "--name", "pcd", "--title", "กรมควบคุมมลพิษ")
    result = run("init", "dataset", "--interactive", "--yes", "--catalog", str(repo / "datasets"),
                 input=answers("", "pcd-noise", "ระดับเสียง", "noise@pcd.go.th"))
    assert result.exit_code == 0, result.output
    assert "วัตถุประสงค์" not in result.output  # defaults accepted without asking
    assert "The dataset has no resources" in result.output  # a warning, not a failure


def test_agency_menu_when_several(repo):
    for name in ("mnre", "pcd"):
        run("init", "agency", "--catalog", str(repo / "datasets"), "--name", name, "--title", f"หน่วยงาน {name}")
    result = run("init", "dataset", "--interactive", "--yes", "--catalog", str(repo / "datasets"),
                 input=answers("2", "", "pcd-x", "ชุดข้อมูล", "x@pcd.go.th"))
    assert result.exit_code == 0, result.output
    assert (repo / "datasets/pcd/x/dataset.yaml").exists()
    scripted = run("init", "dataset", "--catalog", str(repo / "datasets"), "--name", "a-b", "--yes")
    assert scripted.exit_code == 2 and "--agency" in scripted.output


# ----------------------------------------------------------------------------- gdc schema infer


def test_schema_infer_prints_json_and_notes_apart():
    result = CliRunner().invoke(cli, ["schema", "infer", str(EXAMPLES / "dopa/registered-population/population-by-province.csv")])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["primaryKey"] == ["province_code", "year_be"]
    assert "draft" in result.stderr and "{" not in result.stderr


def test_schema_infer_out_refuses_to_overwrite_unless_forced(tmp_path):
    out = tmp_path / "schema.json"
    source = str(EXAMPLES / "pcd/air-quality-stations/stations.csv")
    assert run("schema", "infer", source, "--out", str(out)).exit_code == 0
    first = json.loads(out.read_text(encoding="utf-8"))
    assert first["fields"][0]["name"] == "station_id"
    again = run("schema", "infer", source, "--out", str(out))
    assert again.exit_code == 2 and "already exists" in again.output
    assert run("schema", "infer", source, "--out", str(out), "--force").exit_code == 0


def test_schema_infer_problems(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert run("schema", "infer", str(empty)).exit_code == 1
    assert run("schema", "infer", str(tmp_path / "missing.csv")).exit_code == 2
    ok = tmp_path / "ok.csv"
    ok.write_text("a\n1\n", encoding="utf-8")
    assert run("schema", "infer", str(ok), "--encoding", "klingon").exit_code == 2


def test_schema_infer_then_validate_a_catalog_that_uses_it(factory):
    data = "year_be,province_code,value\n" + "".join(f"{2560 + i % 5},{10 + i % 7},{i}\n" for i in range(40))
    path = factory.dataset(data=data)
    schema_path = path.parent / "schema.json"
    assert run("schema", "infer", str(path.parent / "data.csv"), "-o", str(schema_path)).exit_code == 0
    text = path.read_text(encoding="utf-8") + "    schema: schema.json\n"
    path.write_text(text, encoding="utf-8")
    assert run("validate", str(factory.catalog)).exit_code == 0
    # and the drafted constraints bite: a CE year in the BE column
    (path.parent / "data.csv").write_text(data + "2023,10,1\n", encoding="utf-8")
    failed = run("validate", str(factory.catalog))
    assert failed.exit_code == 1 and "year_be" in failed.output


def test_commands_listed_and_help_works():
    top = run("--help").output
    assert "init" in top and "schema" in top
    assert "--data-type" in run("init", "dataset", "--help").output
    assert "--sample-rows" in run("schema", "infer", "--help").output


def test_real_process_is_not_interactive(tmp_path):
    (tmp_path / ".git").mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "catalog", "init", "agency", "--catalog", str(tmp_path / "datasets")],
                          cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "--name" in proc.stderr


def test_every_new_message_has_english_and_thai():
    texts = i18n.catalog()
    codes = [c for c in texts if c.startswith(("INIT_", "INFER_"))]
    assert len(codes) > 20
    for code in codes:
        assert texts[code]["en"]["message"] and texts[code]["th"]["message"], code
