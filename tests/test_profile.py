"""The profile is data: aliases, vocabularies, required fields and derived schemas."""
import json

import yaml

from catalog import profile
from catalog.profile import jsonschema, scheming


def test_aliases_resolve_to_thai_stored_values():
    p = profile.load()
    assert p.vocabularies["data_type"].resolve("record").value == "ข้อมูลระเบียน"
    assert p.vocabularies["data_type"].resolve("Statistical").value == "ข้อมูลสถิติ"
    assert p.vocabularies["update_frequency_unit"].resolve("yearly").value == "ปี"
    assert p.vocabularies["geo_coverage"].resolve("province").value == "จังหวัด"
    assert p.vocabularies["data_category"].resolve("public").value == "ข้อมูลสาธารณะ"
    assert p.vocabularies["data_classification"].resolve("open").value == "เปิดเผย"
    assert p.vocabularies["license_id"].resolve("cc-by").value == "Creative Commons Attributions"


def test_thai_values_resolve_to_themselves_and_unknowns_to_none():
    p = profile.load()
    vocab = p.vocabularies["geo_coverage"]
    for value in vocab.values:
        assert vocab.resolve(value).value == value
    assert vocab.resolve("จังหวัดด") is None
    assert vocab.resolve("nowhere") is None


def test_alias_matching_ignores_case_and_separators():
    vocab = profile.load().vocabularies["update_frequency_unit"]
    assert vocab.resolve("Half-Year").value == "ครึ่งปี"
    assert vocab.resolve("half year").value == "ครึ่งปี"
    assert vocab.resolve("REAL_TIME").value == "ตามเวลาจริง"


def test_fourteen_mandatory_items():
    p = profile.load()
    mandatory = {f.name for f in p.mandatory_fields()}
    # owner_org is the 14th item: it comes from the agency folder, not a manifest key.
    assert mandatory == {"data_type", "title", "maintainer", "maintainer_email", "tags", "notes",
                         "objective", "update_frequency_unit", "geo_coverage", "data_source",
                         "data_format", "data_category", "license_id"}


def test_every_other_field_exists_and_every_vocabulary_is_used():
    p = profile.load()
    used = set()
    for fields in (p.dataset_fields, p.resource_fields):
        for f in fields.values():
            if f.other_field:
                assert f.other_field in fields, f.other_field
                assert p.vocab(f).other_value is not None, f.name
            if f.vocabulary:
                assert f.vocabulary in p.vocabularies
                used.add(f.vocabulary)
    assert used | {"bool"} == set(p.vocabularies)


def test_type_specific_fields_name_known_types():
    p = profile.load()
    for f in list(p.dataset_fields.values()) + list(p.resource_fields.values()):
        assert set(f.types) <= set(p.data_types), f.name


def test_committed_json_schemas_are_current():
    p = profile.load()
    for name, text in jsonschema.rendered(p).items():
        committed = (p.path.parent / name).read_text(encoding="utf-8")
        assert committed == text, f"schemas/{name} is stale: run `make schemas`"


def test_dataset_json_schema_offers_thai_and_english_spellings():
    schema = json.loads(jsonschema.rendered(profile.load())["dataset.schema.json"])
    enum = schema["properties"]["geo_coverage"]["enum"]
    assert "จังหวัด" in enum and "province" in enum
    assert "data_source" in schema["required"]


def test_scheming_schema_mirrors_profile(tmp_path):
    out = scheming.write(tmp_path / "s.yaml")
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    fields = {f["field_name"]: f for f in data["dataset_fields"]}
    p = profile.load()
    for f in p.mandatory_fields():
        key = "tag_string" if f.name == "tags" else f.name
        assert fields[key].get("required") is True, key
    assert [c["value"] for c in fields["data_type"]["choices"]] == p.vocabularies["data_type"].values
    assert fields["objective"]["preset"] == "multiple_select"
    assert "email_validator" in fields["maintainer_email"]["validators"]
