"""Metadata and resource rules of the profile, one behaviour per test."""
import os
from pathlib import Path

import pytest

from catalog import pipeline
from tests.conftest import LAST_UPDATED, DATASET


def run(*paths):
    """Metadata stages only: these tests are about manifests, not file contents."""
    return pipeline.validate([Path(p) for p in paths], data=False, gate=False)


def codes(result, severity=None):
    return sorted(f.code for f in result.findings if severity is None or f.severity.value == severity)


def edit(text, old, new):
    assert old in text, old
    return text.replace(old, new)


def test_minimal_dataset_is_valid(factory):
    factory.dataset()
    result = run(factory.catalog)
    assert codes(result) == []
    [ds] = result.catalog.datasets
    assert ds.metadata["data_type"] == "ข้อมูลระเบียน"
    assert ds.metadata["geo_coverage"] == "ประเทศ"
    assert ds.metadata["update_frequency_interval"] == "1"
    assert ds.metadata["tags"] == ["ทดสอบ", "demo"]


def test_every_mandatory_field_missing_is_reported_with_the_manifest_line(factory):
    text = "name: only-a-name\nresources: []\n"
    factory.dataset(text=text)
    result = run(factory.catalog)
    required = [f for f in result.findings if f.code == "FIELD_REQUIRED"]
    assert len(required) == 13
    assert all(f.file.endswith("dataset.yaml") and f.line == 1 for f in required)


def test_wrong_choice_suggests_the_nearest(factory):
    factory.dataset(text=edit(DATASET, "geo_coverage: country", "geo_coverage: countri"))
    [f] = run(factory.catalog).findings
    assert f.code == "CHOICE_INVALID" and f.line == 9 and f.params["suggestion"] == "country"


def test_multi_fields_accept_a_single_value_and_normalise_to_a_list(factory):
    factory.dataset(text=edit(DATASET, "objective: [agency_mission]", "objective: พันธกิจหน่วยงาน"))
    result = run(factory.catalog)
    assert codes(result) == []
    assert result.catalog.datasets[0].metadata["objective"] == ["พันธกิจหน่วยงาน"]


def test_other_choice_requires_other_text(factory):
    factory.dataset(text=edit(DATASET, "objective: [agency_mission]", "objective: [other]"))
    assert codes(run(factory.catalog)) == ["OTHER_REQUIRED"]


def test_other_text_without_other_choice_warns(factory):
    factory.dataset(text=DATASET + "objective_other: something\n")
    assert codes(run(factory.catalog)) == ["OTHER_UNUSED"]


def test_name_rules(factory):
    long = "a" * 71
    factory.dataset(text=edit(DATASET, "name: demo-dataset", f"name: {long}"))
    assert codes(run(factory.catalog)) == ["FIELD_TOO_LONG"]
    factory.dataset(text=edit(DATASET, "name: demo-dataset", "name: Demo Dataset"))
    result = run(factory.catalog)
    assert codes(result) == ["SLUG_INVALID"]
    assert result.findings[0].params["suggestion"] == "demo-dataset"


def test_unique_name_and_title_across_the_catalog(factory):
    factory.dataset("one")
    factory.dataset("two")
    assert codes(run(factory.catalog)) == ["DUPLICATE_NAME", "DUPLICATE_TITLE"]


def test_email_dates_and_buddhist_era_dates(factory):
    text = edit(DATASET, "data@demo.go.th", "data at demo")
    text = edit(text, f'"{LAST_UPDATED}"', '"2568-01-31"')
    factory.dataset(text=text + "created_date: 31/01/2025\n")
    result = run(factory.catalog)
    assert codes(result) == ["DATE_BUDDHIST_ERA", "DATE_INVALID", "EMAIL_INVALID"]
    be = next(f for f in result.findings if f.code == "DATE_BUDDHIST_ERA")
    assert be.params["ce"] == "2025-01-31"


def test_type_specific_field_on_another_type_warns(factory):
    factory.dataset(text=DATASET + "unit_of_measure: คน\n")
    [f] = run(factory.catalog).findings
    assert f.code == "FIELD_NOT_FOR_TYPE" and f.severity.value == "warning"


def test_classification_must_match_category(factory):
    factory.dataset(text=edit(DATASET, "data_classification: open", "data_classification: ลับ"))
    assert codes(run(factory.catalog)) == ["CLASSIFICATION_MISMATCH"]


def test_unknown_key_warns_with_did_you_mean(factory):
    factory.dataset(text=DATASET + "maintainer_emial: x@y.go.th\n")
    [f] = run(factory.catalog).findings
    assert f.code == "UNKNOWN_KEY" and f.params["suggestion"] == "maintainer_email"


def test_wrong_types(factory):
    text = edit(DATASET, "title: ชุดข้อมูลทดสอบ", "title: {th: x}")
    text = edit(text, "tags: [ทดสอบ, demo]", "tags: 5")
    factory.dataset(text=text)
    assert codes(run(factory.catalog)) == ["FIELD_WRONG_TYPE", "FIELD_WRONG_TYPE"]


def test_dataset_without_agency(factory):
    path = factory.dataset()
    (path.parent.parent / "agency.yaml").unlink()
    assert "AGENCY_MISSING" in codes(run(factory.catalog))


def test_agency_parent_must_exist(factory):
    factory.agency(text="name: demo\ntitle: ทดสอบ\nparent: nowhere\n")
    assert codes(run(factory.catalog)) == ["AGENCY_PARENT_UNKNOWN"]


# --- resources -------------------------------------------------------------------------

def with_resource(block):
    return DATASET.split("resources:")[0] + "resources:\n" + block


def test_resource_needs_exactly_one_of_path_and_url(factory):
    factory.dataset(text=with_resource("  - name: a\n    format: CSV\n"))
    assert codes(run(factory.catalog)) == ["RESOURCE_NO_LOCATION"]
    factory.dataset(text=with_resource("  - name: a\n    path: data.csv\n    url: https://x.go.th/a.csv\n    format: CSV\n"))
    assert codes(run(factory.catalog)) == ["RESOURCE_PATH_AND_URL"]


@pytest.mark.parametrize("path", ["../../../etc/passwd", "/etc/passwd", "sub/../../x.csv"])
def test_paths_may_not_escape(factory, path):
    factory.dataset(text=with_resource(f"  - name: a\n    path: {path}\n    format: CSV\n"))
    assert codes(run(factory.catalog)) == ["PATH_ESCAPES"]


def test_symlink_escaping_the_repository_is_refused(factory, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "secret.csv"
    outside.write_text("a\n1\n")
    path = factory.dataset(text=with_resource("  - name: a\n    path: link.csv\n    format: CSV\n"))
    os.symlink(outside, path.parent / "link.csv")
    assert codes(run(factory.catalog)) == ["PATH_ESCAPES"]


def test_symlink_inside_the_repository_is_fine(factory):
    path = factory.dataset(text=with_resource("  - name: a\n    path: link.csv\n    format: CSV\n"))
    os.symlink(path.parent / "data.csv", path.parent / "link.csv")
    assert codes(run(factory.catalog)) == []


def test_missing_file_suggests_a_close_name(factory):
    factory.dataset(text=with_resource("  - name: a\n    path: dta.csv\n    format: CSV\n"))
    [f] = run(factory.catalog).findings
    assert f.code == "FILE_NOT_FOUND" and f.params["suggestion"] == "data.csv" and f.line == 20


def test_urls_must_be_http(factory):
    factory.dataset(text=with_resource("  - name: a\n    url: ftp://x.go.th/a.csv\n    format: CSV\n"))
    assert codes(run(factory.catalog)) == ["URL_INVALID"]


def test_format_is_guessed_from_the_file_name(factory):
    factory.dataset(text=with_resource("  - name: a\n    path: data.csv\n"))
    result = run(factory.catalog)
    assert codes(result) == ["FORMAT_GUESSED"]
    assert result.catalog.datasets[0].resources[0].metadata["format"] == "CSV"


def test_checks_and_schema_are_kept(factory):
    path = factory.dataset(text=with_resource(
        "  - name: a\n    path: data.csv\n    format: CSV\n    schema: schema.json\n"
        "    checks:\n      - expect_column_values_to_not_be_null: {column: year_be}\n"))
    (path.parent / "schema.json").write_text('{"fields": [{"name": "year_be", "type": "integer"}]}')
    result = run(factory.catalog)
    assert codes(result) == []
    res = result.catalog.datasets[0].resources[0]
    assert res.metadata["checks"] == [{"expect_column_values_to_not_be_null": {"column": "year_be"}}]
    assert res.metadata["table_schema"]["fields"][0]["name"] == "year_be"


def test_bad_table_schema_file(factory):
    path = factory.dataset(text=with_resource("  - name: a\n    path: data.csv\n    format: CSV\n    schema: s.json\n"))
    (path.parent / "s.json").write_text("{not json")
    assert codes(run(factory.catalog)) == ["TABLE_SCHEMA_UNREADABLE"]
    (path.parent / "s.json").write_text('{"fields": []}')
    assert codes(run(factory.catalog)) == ["TABLE_SCHEMA_NO_FIELDS"]


def test_example_catalog_is_valid():
    from tests.conftest import EXAMPLES

    result = run(EXAMPLES)
    assert [f.code for f in result.findings] == []
    types = {ds.metadata["data_type"] for ds in result.catalog.datasets}
    assert len(types) == 5 and len(result.catalog.datasets) >= 8 and len(result.catalog.agencies) >= 3
