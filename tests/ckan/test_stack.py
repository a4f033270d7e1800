"""The local CKAN stack works end to end: organizations, datasets with uploaded and linked
resources, Solr indexing (private datasets found by search), scheming validation, and the
stack scripts never leak the API token.

Payloads are built from the schema CKAN reports (scheming_dataset_schema_show), so the tests
hold for the project's generated data.go.th schema and for scheming's bundled fallback alike.
"""
from __future__ import annotations

import io
import json
import os
import stat
import urllib.request

import ckanapi
import pytest
import yaml

pytestmark = pytest.mark.ckan

CSV = "year_be,value\n2566,1\n2567,2\n".encode()
MULTI_PRESETS = {"multiple_select", "multiple_checkbox", "multiple_text"}


def is_required(field: dict) -> bool:
    return bool(field.get("required")) or "not_empty" in (field.get("validators") or "").split()


def sample_value(field: dict):
    """A value the schema accepts for one field."""
    name = field["field_name"]
    validators = (field.get("validators") or "").split()
    multi = field.get("preset") in MULTI_PRESETS or "scheming_multiple_choice" in validators
    if field.get("choices"):
        value = field["choices"][0]["value"]
        return [value] if multi else value
    if field.get("preset") == "date" or "isodate" in validators:
        return "2025-01-31"
    if "email" in name or "email_validator" in validators:
        return "devstack@example.org"
    if name == "tag_string":
        return "devstack,ทดสอบ"
    return ["devstack"] if multi else "devstack test value"


def valid_dataset(schema: dict, org_id: str, name: str, **extra) -> dict:
    data = {"name": name, "title": f"devstack test {name}", "owner_org": org_id}
    for field in schema["dataset_fields"]:
        if field["field_name"] not in data and is_required(field):
            data[field["field_name"]] = sample_value(field)
    data.update(extra)
    return data


def valid_resource(schema: dict, **given) -> dict:
    res = dict(given)
    for field in schema["resource_fields"]:
        if field["field_name"] not in res and field["field_name"] not in ("url", "upload") \
                and is_required(field):
            res[field["field_name"]] = sample_value(field)
    return res


@pytest.fixture(scope="module")
def schema(ckan_stack):
    return ckan_stack.client().action.scheming_dataset_schema_show(type="dataset")


@pytest.fixture
def org(ckan, unique, cleanup):
    org = ckan.action.organization_create(name=f"devstack-org-{unique}", title=f"หน่วยงานทดสอบ {unique}")
    cleanup.append(("organization", org["id"]))
    return org


def test_status_and_plugins(ckan_stack, ckan):
    status = ckan.action.status_show()
    assert status["ckan_version"].startswith("2.11.")
    assert status["site_url"] == ckan_stack.url  # download URLs are built from it
    assert {"activity", "scheming_datasets"} <= set(status["extensions"])


def test_organization_create_and_hierarchy(ckan, org, unique, cleanup):
    shown = ckan.action.organization_show(id=org["name"])
    assert shown["title"] == f"หน่วยงานทดสอบ {unique}"
    if "hierarchy_display" not in ckan.action.status_show()["extensions"]:
        pytest.skip("ckanext-hierarchy not loaded")
    child = ckan.action.organization_create(name=f"devstack-sub-{unique}", title="กองย่อย",
                                            groups=[{"name": org["name"]}])
    cleanup.append(("organization", child["id"]))
    tree = ckan.action.group_tree_section(id=child["id"], type="organization")
    assert tree["name"] == org["name"]
    assert [c["name"] for c in tree["children"]] == [child["name"]]


def tag_string_blocks_resource_create(schema: dict) -> bool:
    """resource_create re-validates the whole dataset from package_show, which has `tags` but no
    `tag_string`: a required tag_string then fails with 'Missing value' (ckanext-scheming #193)."""
    tags = next((f for f in schema["dataset_fields"] if f["field_name"] == "tag_string"), {})
    return is_required(tags) and "ignore_missing" not in (tags.get("validators") or "").split()


def check_resources(ckan_stack, ckan, pkg_name: str, upload_url: str) -> None:
    shown = ckan.action.package_show(id=pkg_name)
    by_name = {r["name"]: r for r in shown["resources"]}
    assert by_name["ลิงก์"]["url"] == "https://example.org/data.csv"
    assert by_name["ลิงก์"].get("url_type") in (None, "")
    assert by_name["ไฟล์"]["url_type"] == "upload"
    assert by_name["ไฟล์"]["url"] == upload_url
    assert upload_url.startswith(ckan_stack.url + "/dataset/")  # built from ckan.site_url
    with urllib.request.urlopen(upload_url, timeout=10) as r:
        assert r.read() == CSV


def test_package_create_then_resource_create_upload(request, ckan_stack, ckan, schema, org, unique,
                                                     cleanup):
    """The plain API path: package_create with a link resource, then a multipart upload."""
    if tag_string_blocks_resource_create(schema):
        request.applymarker(pytest.mark.xfail(strict=True, raises=ckanapi.ValidationError, reason=(
            "the active scheming schema makes tag_string required without ignore_missing, so "
            "resource_create/package_patch fail with tag_string: Missing value (scheming #193)")))
    data = valid_dataset(schema, org["id"], f"devstack-ds-{unique}", resources=[
        valid_resource(schema, name="ลิงก์", url="https://example.org/data.csv", format="CSV")])
    pkg = ckan.action.package_create(**data)
    cleanup.append(("dataset", pkg["id"]))
    shown = ckan.action.package_show(id=pkg["name"])
    for key, value in data.items():  # custom schema fields come back top-level
        if key not in ("resources", "owner_org", "tag_string"):
            assert shown[key] == value, key
    uploaded = ckan.action.resource_create(**valid_resource(
        schema, package_id=pkg["id"], name="ไฟล์", format="CSV", upload=("data.csv", io.BytesIO(CSV))))
    check_resources(ckan_stack, ckan, pkg["name"], uploaded["url"])


def test_package_revise_uploads_a_file(ckan_stack, ckan, schema, org, unique, cleanup):
    """A multipart upload that works with any schema: package_revise re-sends tag_string."""
    data = valid_dataset(schema, org["id"], f"devstack-rev-{unique}", resources=[
        valid_resource(schema, name="ลิงก์", url="https://example.org/data.csv", format="CSV")])
    pkg = ckan.action.package_create(**data)
    cleanup.append(("dataset", pkg["id"]))
    update = {"tag_string": data["tag_string"]} if "tag_string" in data else {}
    revised = ckan.action.package_revise(
        match=json.dumps({"id": pkg["id"]}), update=json.dumps(update),
        update__resources__extend=json.dumps([valid_resource(schema, name="ไฟล์", format="CSV")]),
        update__resources__1__upload=("data.csv", io.BytesIO(CSV)))
    upload = revised["package"]["resources"][1]
    check_resources(ckan_stack, ckan, pkg["name"], upload["url"])


def test_private_dataset_is_indexed_by_solr(ckan_stack, ckan, schema, org, unique, cleanup):
    pkg = ckan.action.package_create(**valid_dataset(schema, org["id"], f"devstack-priv-{unique}",
                                                     private=True))
    cleanup.append(("dataset", pkg["id"]))
    found = ckan.action.package_search(q=f"name:{pkg['name']}", include_private=True)
    assert [p["id"] for p in found["results"]] == [pkg["id"]]
    anonymous = ckan_stack.client(token="")
    assert anonymous.action.package_search(q=f"name:{pkg['name']}", include_private=True)["count"] == 0


def test_scheming_rejects_missing_required_field(ckan, schema, org, unique, cleanup):
    data = valid_dataset(schema, org["id"], f"devstack-bad-{unique}")
    required = [f["field_name"] for f in schema["dataset_fields"] if is_required(f)
                and f["field_name"] not in ("name", "title", "owner_org")] or ["name"]
    missing = required[0]
    del data[missing]
    with pytest.raises(ckanapi.ValidationError) as exc:
        pkg = ckan.action.package_create(**data)
        cleanup.append(("dataset", pkg["id"]))
    assert missing in exc.value.error_dict, exc.value.error_dict


def test_scheming_rejects_unknown_choice(ckan, schema, org, unique, cleanup):
    select = next((f for f in schema["dataset_fields"] if f.get("choices") and is_required(f)), None)
    if select is None:
        pytest.skip("the active schema has no required choice field")
    data = valid_dataset(schema, org["id"], f"devstack-choice-{unique}")
    data[select["field_name"]] = ["not-a-choice"] if isinstance(data[select["field_name"]], list) \
        else "not-a-choice"
    with pytest.raises(ckanapi.ValidationError) as exc:
        pkg = ckan.action.package_create(**data)
        cleanup.append(("dataset", pkg["id"]))
    assert select["field_name"] in exc.value.error_dict


def test_active_schema_is_the_projects(ckan_stack, schema):
    generator = ckan_stack.repo / "catalog" / "profile" / "scheming.py"
    if os.environ.get("GDC_SCHEMING_SCHEMA"):
        pytest.skip("schema overridden by GDC_SCHEMING_SCHEMA")
    if not generator.exists():
        assert schema["dataset_type"] == "dataset"  # scheming's bundled fallback
        return
    generated = yaml.safe_load((ckan_stack.state / "datagoth_scheming.yaml").read_text(encoding="utf-8"))
    assert [f["field_name"] for f in schema["dataset_fields"]] == \
        [f["field_name"] for f in generated["dataset_fields"]]
    assert [f["field_name"] for f in schema["resource_fields"]] == \
        [f["field_name"] for f in generated["resource_fields"]]


def test_scripts_never_print_the_token(ckan_stack, stack_cli):
    for args in (("up",), ("status",)):
        res = stack_cli(*args, timeout=300)
        assert res.returncode == 0, res.stderr
        assert ckan_stack.token not in res.stdout + res.stderr, args
    env = stack_cli("env")
    assert env.stdout.splitlines() == [f"export CKAN_URL={ckan_stack.url}",
                                       f"export CKAN_API_TOKEN={ckan_stack.token}"]
    token_file = ckan_stack.state / "ckan_api_token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    for log in ckan_stack.state.rglob("*.log"):
        assert ckan_stack.token not in log.read_text(errors="replace"), log


def test_bad_token_is_rejected(ckan_stack):
    with pytest.raises(ckanapi.NotAuthorized):
        ckan_stack.client(token="not-a-token").action.api_token_list(user_id="devstack_admin")


def test_project_extension_accepts_thai_tags_with_marks(ckan, schema, org, unique, cleanup):
    """devstack/ckanext-gdc (gdc_datagoth) is loaded when present: stock CKAN rejects Thai tags
    with vowel/tone marks, data.go.th holds them."""
    if "gdc_datagoth" not in ckan.action.status_show()["extensions"]:
        pytest.skip("devstack/ckanext-gdc not present")
    pkg = ckan.action.package_create(**valid_dataset(schema, org["id"], f"devstack-tag-{unique}",
                                                     tag_string="คุณภาพอากาศ,น้ำประปา"))
    cleanup.append(("dataset", pkg["id"]))
    assert {"คุณภาพอากาศ", "น้ำประปา"} <= {t["name"] for t in pkg["tags"]}
