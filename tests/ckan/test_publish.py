"""gdc plan / publish / import against the real local CKAN (PostgreSQL, Redis, Solr, scheming)."""
from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from catalog import pipeline
from tests.ckan.helpers import AGENCIES, REPO, gdc, gdc_json, org_packages, snapshot, unique_catalog

pytestmark = pytest.mark.ckan


@pytest.fixture
def published(ckan_stack, tmp_path):
    catalog, sfx = unique_catalog(tmp_path)
    out = gdc_json(ckan_stack, "publish", str(catalog))
    assert out["summary"]["failures"] == 0, out
    return catalog, sfx, out


def test_publish_sends_the_thai_values_of_each_manifest(ckan_stack, published):
    catalog, sfx, out = published
    assert out["summary"]["datasets"] == {"create": 9}
    result = pipeline.validate([catalog], data=False)
    api = ckan_stack.client()
    for dataset in result.catalog.datasets:
        pkg = api.action.package_show(id=dataset.name)
        meta = dataset.metadata
        for key in ("title", "data_type", "objective", "update_frequency_unit", "geo_coverage",
                    "data_category", "data_classification", "license_id", "maintainer_email", "data_format"):
            assert pkg[key] == meta[key], (dataset.name, key)
        assert sorted(t["name"] for t in pkg["tags"]) == sorted(meta["tags"])
        assert pkg["organization"]["name"] == dataset.agency.name
        assert [r["name"] for r in pkg["resources"]] == [r.name for r in dataset.resources]
        assert pkg["private"] is False and pkg["gdc_state"] == "active"
        assert '"commit"' in pkg["gdc_provenance"] and "gdc-publisher" in pkg["gdc_provenance"]
    stats = api.action.package_show(id=f"pcd-pm25-daily-{sfx}")
    assert stats["data_type"] == "ข้อมูลสถิติ" and stats["official_statistics"] == "False"
    upload = stats["resources"][0]
    assert upload["url_type"] == "upload" and len(upload["gdc_sha256"]) == 64
    link = api.action.package_show(id=f"nso-survey-questionnaires-{sfx}")["resources"][0]
    assert link["url"].startswith("https://www.nso.go.th/") and link.get("url_type") in (None, "")
    child = api.action.organization_show(id=f"pcd-{sfx}")
    assert [g["name"] for g in child["groups"]] == [f"mnre-{sfx}"]


def test_second_publish_writes_nothing_and_changes_nothing(ckan_stack, published):
    catalog, sfx, _ = published
    before = {n: p["metadata_modified"] for a in AGENCIES for n, p in org_packages(ckan_stack, f"{a}-{sfx}").items()}
    again = gdc_json(ckan_stack, "publish", str(catalog))
    assert again["summary"]["write_calls"] == 0 and again["summary"]["datasets"] == {"unchanged": 9}
    after = {n: p["metadata_modified"] for a in AGENCIES for n, p in org_packages(ckan_stack, f"{a}-{sfx}").items()}
    assert before == after
    text = gdc(ckan_stack, "publish", str(catalog), check=True).stdout
    assert "0 write call(s)" in text and "Nothing to change" in text


def test_one_edited_field_is_exactly_one_update_with_its_diff(ckan_stack, published):
    catalog, sfx, _ = published
    manifest = next(catalog.glob("nso-*/household-income/dataset.yaml"))
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "maintainer: กองสถิติเศรษฐกิจ", "maintainer: กองสถิติเศรษฐกิจและสังคม"), encoding="utf-8")
    plan = gdc_json(ckan_stack, "plan", str(catalog))
    changed = [d for d in plan["datasets"] if d["action"] != "unchanged"]
    assert [(d["name"], d["action"]) for d in changed] == [(f"nso-household-income-expenditure-{sfx}", "update")]
    assert changed[0]["changes"] == {"maintainer": {"old": "กองสถิติเศรษฐกิจ", "new": "กองสถิติเศรษฐกิจและสังคม"}}
    assert changed[0]["resources"] == []
    markdown = gdc(ckan_stack, "plan", "--format", "markdown", str(catalog)).stdout
    assert "`maintainer`" in markdown and "1** to update" in markdown


def test_changed_file_is_reuploaded_and_unchanged_files_are_not(ckan_stack, published):
    catalog, sfx, _ = published
    csv = next(catalog.glob("dopa-*/district-registry/districts.csv"))
    csv.write_text(csv.read_text(encoding="utf-8").replace(",25,", ",26,", 1), encoding="utf-8")
    out = gdc_json(ckan_stack, "publish", str(catalog))
    assert out["summary"]["datasets"].get("update") == 1
    [change] = [d for d in out["plan"]["datasets"] if d["action"] == "update"]
    assert [(r["op"], list(r["changes"])) for r in change["resources"]] == [("update", ["gdc_sha256"])]
    assert out["summary"]["write_calls"] == 2  # the re-upload and the package's content hash
    api = ckan_stack.client()
    res = api.action.package_show(id=f"dopa-district-registry-{sfx}")["resources"][0]
    from catalog.ckan.mapping import file_sha256
    assert res["gdc_sha256"] == file_sha256(csv)


def test_removed_manifest_is_retired_not_deleted(ckan_stack, published):
    catalog, sfx, _ = published
    shutil.rmtree(next(catalog.glob("pcd-*/pollution-complaints")))
    plan = gdc_json(ckan_stack, "plan", str(catalog))
    assert [(d["name"], d["action"]) for d in plan["datasets"] if d["action"] == "retire"] == [
        (f"pcd-pollution-complaints-2567-{sfx}", "retire")]
    gdc(ckan_stack, "publish", str(catalog), check=True)
    pkg = ckan_stack.client().action.package_show(id=f"pcd-pollution-complaints-2567-{sfx}")
    assert pkg["state"] == "active" and pkg["private"] is True and pkg["gdc_state"] == "retired"
    assert gdc_json(ckan_stack, "publish", str(catalog))["summary"]["write_calls"] == 0


def test_mass_retirement_needs_the_flag(ckan_stack, published):
    catalog, sfx, _ = published
    for folder in ("pm25-daily", "pollution-complaints"):
        shutil.rmtree(next(catalog.glob(f"pcd-*/{folder}")))
    proc = gdc(ckan_stack, "publish", str(catalog))
    assert proc.returncode == 1 and "MASS_RETIRE" in proc.stdout
    assert org_packages(ckan_stack, f"pcd-{sfx}")[f"pcd-pm25-daily-{sfx}"]["private"] is False
    gdc(ckan_stack, "publish", "--allow-mass-retire", str(catalog), check=True)
    assert org_packages(ckan_stack, f"pcd-{sfx}")[f"pcd-pm25-daily-{sfx}"]["private"] is True


def test_blocked_dataset_is_not_published(ckan_stack, tmp_path):
    catalog, sfx = unique_catalog(tmp_path)
    manifest = next(catalog.glob("nso-*/labour-force/dataset.yaml"))
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("lfs@nso.go.th", "not-an-email"),
                        encoding="utf-8")
    out = gdc_json(ckan_stack, "publish", str(catalog))
    actions = {d["name"]: d["action"] for d in out["plan"]["datasets"]}
    assert actions[f"nso-labour-force-survey-{sfx}"] == "blocked"
    assert out["summary"]["datasets"] == {"blocked": 1, "create": 8}
    assert f"nso-labour-force-survey-{sfx}" not in org_packages(ckan_stack, f"nso-{sfx}")


def test_killed_publish_converges_to_the_uninterrupted_state(ckan_stack, tmp_path):
    reference_catalog, ref_sfx = unique_catalog(tmp_path / "ref")
    gdc(ckan_stack, "publish", str(reference_catalog), check=True)
    expected = {k.replace(ref_sfx, "SFX"): _canon(v, ref_sfx) for k, v in snapshot(ckan_stack, ref_sfx).items()}
    rng = random.Random(2567)
    catalog, sfx = unique_catalog(tmp_path / "killed")
    env_cmd = [sys.executable, "-m", "catalog", "publish", "--format", "json", str(catalog)]
    import os
    env = {**os.environ, "CKAN_URL": ckan_stack.url, "CKAN_API_TOKEN": ckan_stack.token}
    for attempt in range(4):
        proc = subprocess.Popen(env_cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.0, 4.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    gdc(ckan_stack, "publish", str(catalog), check=True)
    got = {k.replace(sfx, "SFX"): _canon(v, sfx) for k, v in snapshot(ckan_stack, sfx).items()}
    differences = {name: {k: (got[name].get(k), expected[name].get(k)) for k in set(got[name]) | set(expected[name])
                          if got[name].get(k) != expected[name].get(k)}
                   for name in set(got) & set(expected)}
    assert set(got) == set(expected)
    assert {n: d for n, d in differences.items() if d} == {}
    assert gdc_json(ckan_stack, "publish", str(catalog))["summary"]["write_calls"] == 0


def _canon(pkg: dict, sfx: str) -> dict:
    import json
    return json.loads(json.dumps(pkg, ensure_ascii=False).replace(sfx, "SFX"))


def test_import_of_a_published_organization_plans_as_unchanged(ckan_stack, published, tmp_path):
    _, sfx, _ = published
    out = tmp_path / "imported" / "datasets"
    (tmp_path / "imported" / ".git").mkdir(parents=True)
    for agency in ("mnre", "pcd"):
        gdc(ckan_stack, "import", "--org", f"{agency}-{sfx}", "--out", str(out), check=True)
    assert gdc(ckan_stack, "validate", "--metadata-only", str(out)).returncode == 0
    plan = gdc_json(ckan_stack, "plan", str(out))
    assert plan["summary"]["unchanged"] == 4 and plan["summary"]["create"] == 0
    assert {d["action"] for d in plan["datasets"]} == {"unchanged"}, plan["datasets"]


def test_name_held_by_a_deleted_dataset_is_caught_by_the_plan(ckan_stack, tmp_path):
    catalog, sfx = unique_catalog(tmp_path)
    api = ckan_stack.client()
    api.action.organization_create(name=f"nso-{sfx}", title="ทดสอบ")
    held = f"nso-survey-questionnaires-{sfx}"
    pkg = api.action.package_create(**_minimal(held, f"nso-{sfx}"))
    api.action.package_delete(id=pkg["id"])
    plan = gdc_json(ckan_stack, "plan", str(catalog))
    [change] = [d for d in plan["datasets"] if d["name"] == held]
    assert change["action"] == "blocked" and change["reasons"][0]["code"] == "NAME_HELD_BY_DELETED"


def test_datasets_gdc_did_not_create_are_never_touched(ckan_stack, tmp_path):
    catalog, sfx = unique_catalog(tmp_path)
    api = ckan_stack.client()
    api.action.organization_create(name=f"mnre-{sfx}", title="ทดสอบ")
    foreign = api.action.package_create(**_minimal(f"hand-made-{sfx}", f"mnre-{sfx}"))
    clash = api.action.package_create(**_minimal(f"mnre-national-parks-{sfx}", f"mnre-{sfx}"))
    out = gdc_json(ckan_stack, "publish", str(catalog))
    actions = {d["name"]: d["action"] for d in out["plan"]["datasets"]}
    assert f"hand-made-{sfx}" not in actions
    assert actions[f"mnre-national-parks-{sfx}"] == "blocked"
    for original in (foreign, clash):
        assert api.action.package_show(id=original["id"])["metadata_modified"] == original["metadata_modified"]


def _minimal(name: str, org: str) -> dict:
    return dict(name=name, title=name, owner_org=org, notes="ทดสอบ", tag_string="ทดสอบ",
                data_type="ข้อมูลระเบียน", maintainer="ฝ่าย", maintainer_email="a@b.go.th",
                objective=["พันธกิจหน่วยงาน"], update_frequency_unit="ปี", geo_coverage="ประเทศ",
                data_source="ทดสอบ", data_format=["CSV"], data_category="ข้อมูลสาธารณะ", data_classification="เปิดเผย",
                license_id="Open Data Common")


def test_removing_a_published_column_is_a_breaking_change_until_the_version_is_bumped(ckan_stack, published):
    import json

    catalog, sfx, _ = published
    folder = next(catalog.glob("mnre-*/national-parks"))
    schema = json.loads((folder / "schema.json").read_text(encoding="utf-8"))
    schema["fields"] = [f for f in schema["fields"] if f["name"] != "area_rai"]
    (folder / "schema.json").write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    rows = [line.split(",") for line in (folder / "national-parks.csv").read_text(encoding="utf-8").splitlines()]
    (folder / "national-parks.csv").write_text("\n".join(",".join(r[:4] + r[5:]) for r in rows) + "\n", encoding="utf-8")
    plan = gdc_json(ckan_stack, "plan", str(catalog))
    [change] = [d for d in plan["datasets"] if d["name"] == f"mnre-national-parks-{sfx}"]
    assert change["action"] == "blocked" and change["reasons"][0]["code"] == "SCHEMA_BREAKING"
    [(resource, found)] = change["schema_changes"].items()
    assert {"breaking": True, "field": "area_rai", "what": "column 'area_rai' removed"} in found
    text = gdc(ckan_stack, "plan", str(catalog)).stdout
    assert "BREAKING column 'area_rai' removed" in text
    manifest = folder / "dataset.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + 'version: "2.0"\n', encoding="utf-8")
    out = gdc_json(ckan_stack, "publish", str(catalog))
    assert out["summary"]["datasets"].get("update") == 1 and out["summary"]["failures"] == 0
    assert gdc_json(ckan_stack, "plan", str(catalog))["summary"]["unchanged"] == 9


def test_no_change_publish_reads_no_file_but_a_changed_check_is_judged_again(ckan_stack, published):
    catalog, sfx, first = published
    # 9 local files (one resource is a link, which is never read)
    assert first["summary"]["files"] == {"validated": 9, "already_validated": 0}
    again = gdc_json(ckan_stack, "publish", str(catalog))
    assert again["summary"]["files"] == {"validated": 0, "already_validated": 9}
    manifest = next(catalog.glob("pcd-*/pm25-daily/dataset.yaml"))
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "{column: pm25, min_value: 0, max_value: 1000}", "{column: pm25, min_value: 0, max_value: 1}"),
        encoding="utf-8")
    plan = gdc_json(ckan_stack, "plan", str(catalog))
    assert plan["files"] == {"validated": 1, "already_validated": 8}
    [change] = [d for d in plan["datasets"] if d["name"] == f"pcd-pm25-daily-{sfx}"]
    assert change["action"] == "blocked"
    assert any(r["code"].startswith("QUALITY_") for r in change["reasons"])


def test_import_adopts_a_dataset_gdc_did_not_create(ckan_stack, tmp_path):
    import uuid

    sfx = uuid.uuid4().hex[:6]
    api = ckan_stack.client()
    api.action.organization_create(name=f"legacy-{sfx}", title="หน่วยงานเดิม")
    pkg = api.action.package_create(**_minimal(f"legacy-data-{sfx}", f"legacy-{sfx}"))
    import io
    api.action.resource_create(package_id=pkg["id"], name="ตาราง", format="CSV",
                               upload=("table.csv", io.BytesIO("year_be,value\n2566,1\n".encode())))
    out = tmp_path / "repo" / "datasets"
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    proc = gdc(ckan_stack, "import", "--org", f"legacy-{sfx}", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    blocked = gdc_json(ckan_stack, "plan", str(out))
    assert [d["reasons"][0]["code"] for d in blocked["datasets"]] == ["NOT_MANAGED"]
    import shutil
    shutil.rmtree(out / f"legacy-{sfx}")
    gdc(ckan_stack, "import", "--adopt", "--org", f"legacy-{sfx}", "--out", str(out), check=True)
    assert (out / f"legacy-{sfx}" / f"legacy-data-{sfx}" / "table.csv").read_text() == "year_be,value\n2566,1\n"
    plan = gdc_json(ckan_stack, "plan", str(out))
    [change] = plan["datasets"]
    assert change["action"] == "unchanged", change
    assert not change["reasons"]
