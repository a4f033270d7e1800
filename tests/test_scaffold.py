"""gdc init from flags (the scripted path): what it writes, that it validates, what it refuses."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from catalog import profile as profile_mod
from catalog import scaffold
from tests.conftest import EXAMPLES, invoke

PROFILE = profile_mod.load()


run = invoke


def init_agency(repo: Path, name: str = "pcd", *extra: str):
    return run("init", "agency", "--catalog", str(repo / "datasets"), "--name", name,
               "--title", f"หน่วยงาน {name}", *extra)


def init_dataset(repo: Path, *extra: str, name: str = "pcd-noise", title: str = "ระดับเสียงเฉลี่ยรายปี"):
    return run("init", "dataset", "--catalog", str(repo / "datasets"), "--agency", "pcd", "--name", name,
               "--title", title, "--maintainer-email", "noise@pcd.go.th", *extra)


def validate(path: Path):
    return run("validate", str(path))


def test_agency_from_flags_validates_and_brings_editor_schemas(repo):
    result = init_agency(repo, "pcd", "--title-en", "Pollution Control Department")
    assert result.exit_code == 0, result.output
    text = (repo / "datasets/pcd/agency.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/agency.schema.json\n")
    assert yaml.safe_load(text) == {"name": "pcd", "title": "หน่วยงาน pcd", "title_en": "Pollution Control Department"}
    assert "# parent:" in text  # optional fields offered, commented
    assert json.loads((repo / "schemas/agency.schema.json").read_text(encoding="utf-8"))["title"]
    assert validate(repo / "datasets").exit_code == 0


def test_dataset_with_file_validates_through_the_cli(repo):
    init_agency(repo)
    result = init_dataset(repo, "--file", str(EXAMPLES / "pcd/pm25-daily/pm25-2567-q1.csv"), "--yes")
    assert result.exit_code == 0, result.output
    folder = repo / "datasets/pcd/noise"
    assert sorted(p.name for p in folder.iterdir()) == ["dataset.yaml", "pm25-2567-q1.csv", "schema.json"]
    text = (folder / "dataset.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../schemas/dataset.schema.json\n")
    data = yaml.safe_load(text)
    assert data["data_type"] == "ข้อมูลระเบียน" and data["objective"] == ["พันธกิจหน่วยงาน"]
    assert data["maintainer"] == "หน่วยงาน pcd" and data["data_format"] == ["CSV"]
    assert data["resources"] == [{"name": "pm25-2567-q1", "path": "pm25-2567-q1.csv", "format": "CSV",
                                  "schema": "schema.json", "encoding": "utf-8"}]
    assert "(default: review)" in text and "# data_support:" in text
    assert "0 error(s)" in result.output
    checked = validate(repo / "datasets")
    assert checked.exit_code == 0 and "0 error(s), 0 warning(s)" in checked.output, checked.output


@pytest.mark.parametrize("data_type", PROFILE.data_types)
def test_every_data_type_scaffolds_green(repo, data_type):
    init_agency(repo)
    extra = ["--set", "data_type_other=ข้อมูลแผนที่"] if data_type == "other" else []
    result = init_dataset(repo, "--data-type", data_type, "--yes", *extra)
    assert result.exit_code == 0, result.output
    text = (repo / "datasets/pcd/noise/dataset.yaml").read_text(encoding="utf-8")
    specific = [f.name for f in PROFILE.dataset_fields.values()
                if f.types and data_type in f.types and f.name not in PROFILE.other_fields]
    assert specific and all(f"# {name}:" in text for name in specific)
    others = [f.name for f in PROFILE.dataset_fields.values() if f.types and data_type not in f.types]
    assert not any(f"{name}:" in text for name in others)
    assert validate(repo / "datasets").exit_code == 0


def test_type_specific_fields_and_any_field_by_set(repo):
    init_agency(repo)
    result = init_dataset(repo, "--data-type", "statistical", "--yes", "--set", "unit_of_measure=เดซิเบล",
                          "--set", "disaggregate=geography,sex", "--set", "title_en=Noise", "--set",
                          "official_statistics=yes", "--geo-coverage", "จังหวัด")
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((repo / "datasets/pcd/noise/dataset.yaml").read_text(encoding="utf-8"))
    assert data["unit_of_measure"] == "เดซิเบล" and data["disaggregate"] == ["เพศ", "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่"]
    assert data["title_en"] == "Noise" and data["official_statistics"] is True and data["geo_coverage"] == "จังหวัด"


def test_classification_follows_the_category(repo):
    init_agency(repo)
    # written as asked; the closing validation reports the policy refusing internal data (exit 1)
    assert init_dataset(repo, "--data-category", "internal", "--yes").exit_code == 1
    data = yaml.safe_load((repo / "datasets/pcd/noise/dataset.yaml").read_text(encoding="utf-8"))
    assert data["data_classification"] in PROFILE.category_classification["ข้อมูลใช้ภายใน"]


def test_never_overwrites(repo):
    assert init_agency(repo).exit_code == 0
    path = repo / "datasets/pcd/agency.yaml"
    before = path.read_bytes()
    again = init_agency(repo, "pcd", "--title-en", "x")
    assert again.exit_code == 2 and "already exists" in again.output and path.read_bytes() == before
    assert init_dataset(repo, "--yes").exit_code == 0
    again = init_dataset(repo, "--yes", name="pcd-noise", title="อื่น")
    assert again.exit_code == 2 and "already used" in again.output  # the name is taken
    again = init_dataset(repo, "--yes", "--folder", "noise", name="pcd-noise2", title="อื่น")
    assert again.exit_code == 2 and "already exists" in again.output


def test_existing_schema_json_is_not_overwritten(repo):
    init_agency(repo)
    folder = repo / "datasets/pcd/noise"
    folder.mkdir(parents=True)
    (folder / "schema.json").write_text("{}", encoding="utf-8")
    result = init_dataset(repo, "--yes", "--file", str(EXAMPLES / "pcd/pm25-daily/pm25-2567-q1.csv"))
    assert result.exit_code == 2 and "schema.json already exists" in result.output
    assert not (folder / "dataset.yaml").exists() and (folder / "schema.json").read_text() == "{}"


def test_scripts_are_never_prompted_and_defaults_need_yes(repo):
    init_agency(repo)
    result = init_dataset(repo)
    assert result.exit_code == 2
    assert "--data-type" in result.output and "--yes" in result.output and "record" in result.output
    no_title = run("init", "dataset", "--catalog", str(repo / "datasets"), "--name", "x-y", "--yes")
    assert no_title.exit_code == 2 and "--title" in no_title.output and "--maintainer-email" in no_title.output


@pytest.mark.parametrize("args, expected", [
    (["--data-type", "statstical"], "statistical"),          # did you mean
    (["--maintainer-email", "nobody"], "e-mail"),
    (["--data-type", "other"], "data_type_other"),           # "other" needs its text
    (["--set", "colour=blue"], "colour"),
    (["--set", "nonsense"], "FIELD=VALUE"),
    (["--name", "PCD Noise"], "pcd-noise"),                  # slug, with the fix
])
def test_bad_values_are_refused_with_the_option_named(repo, args, expected):
    init_agency(repo)
    result = init_dataset(repo, "--yes", *args)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert not (repo / "datasets/pcd/noise/dataset.yaml").exists()


def test_unknown_agency_and_parent(repo):
    result = init_dataset(repo, "--yes")
    assert result.exit_code == 2 and "gdc init agency" in result.output
    result = init_agency(repo, "pcd", "--parent", "mnre")
    assert result.exit_code == 2 and "mnre" in result.output
    assert init_agency(repo, "mnre").exit_code == 0 and init_agency(repo, "pcd", "--parent", "mnre").exit_code == 0


def test_refusals_in_thai(repo):
    init_agency(repo)
    result = init_agency(repo, "pcd", "--lang", "th")
    assert result.exit_code == 2 and "ไม่เขียนทับ" in result.output


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*/*/*.csv")) + sorted(EXAMPLES.glob("*/*/*.xlsx")),
                         ids=lambda p: p.name)
def test_example_files_scaffold_a_green_dataset(repo, path):
    init_agency(repo)
    result = init_dataset(repo, "--yes", "--file", str(path))
    assert result.exit_code == 0, result.output
    assert validate(repo / "datasets").exit_code == 0


def test_cp874_file_scaffolds_a_green_dataset(repo):
    init_agency(repo)
    data = repo / "export.csv"
    rows = ["รหัสจังหวัด,จังหวัด,ปี,จำนวน"] + [f"{10 + i % 3},จังหวัดที่{i % 3},{2560 + i % 4},{i * 3}" for i in range(30)]
    data.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp874"))
    assert init_dataset(repo, "--yes", "--file", str(data)).exit_code == 0
    manifest = yaml.safe_load((repo / "datasets/pcd/noise/dataset.yaml").read_text(encoding="utf-8"))
    assert manifest["resources"][0]["encoding"] == "cp874"
    schema = json.loads((repo / "datasets/pcd/noise/schema.json").read_text(encoding="utf-8"))
    assert schema["fields"][0]["name"] == "รหัสจังหวัด"
    assert validate(repo / "datasets").exit_code == 0


def test_scaffold_into_the_example_catalog_keeps_it_green(example_copy):
    repo = example_copy.parent
    result = run("init", "dataset", "--catalog", str(example_copy), "--agency", "nso", "--name", "nso-new",
                 "--title", "ชุดข้อมูลใหม่", "--maintainer-email", "stat@nso.go.th", "--yes",
                 "--file", str(EXAMPLES / "nso/household-income/household-income.csv"))
    assert result.exit_code == 0, result.output
    assert not (repo / "schemas").exists() or (repo / "schemas/dataset.schema.json").exists()
    assert validate(example_copy).exit_code == 0


def test_render_and_slug_helpers():
    assert scaffold.slugify("Noise Levels 2567 (ระดับเสียง)") == "noise-levels-2567"
    manifest = scaffold.Manifest("agency", {"name": "x", "title": "ทดสอบ\nสองบรรทัด"})
    text = scaffold.render(PROFILE, manifest, Path("/r/datasets/x/agency.yaml"), Path("/r"), "gdc init agency")
    assert yaml.safe_load(text)["title"] == "ทดสอบ\nสองบรรทัด"
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../schemas/agency.schema.json"


def test_every_profile_default_passes_its_own_check():
    ctx = scaffold.context(title="ชื่อ", agency_title="หน่วยงาน")
    for f in PROFILE.dataset_fields.values():
        if f.default is not None:
            stored, errors = scaffold.parse(PROFILE, f, scaffold.default(f, ctx))
            assert stored is not None and not errors, f.name
