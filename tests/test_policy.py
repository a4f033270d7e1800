"""The governance policy: rules as data, overrides, waivers with expiry, the publish gate."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from catalog import findings as F
from catalog import i18n, pipeline, policy, rules
from catalog.findings import Severity
from tests.conftest import LAST_UPDATED, DATASET, EXAMPLES, REPO

TODAY = dt.date(2025, 3, 1)


def gate_of(catalog: Path, today: dt.date = TODAY, extra=()):
    """Run the pipeline, add ``extra`` findings (e.g. a PII scan's), then the policy gate."""
    result = pipeline.validate([catalog], gate=False)  # the gate runs below, with the test's date
    result.findings.extend(extra)
    pol, problems = policy.load(result.catalog.root)
    found = policy.gate(result, pol, today)
    policy.apply(result, pol, today, problems)
    return result, found, problems


def codes(found, severity=None):
    return sorted(f.code for f in found if severity is None or f.severity is severity)


def with_waiver(text: str, rule: str, expires: str, **extra: str) -> str:
    lines = [f"  - rule: {rule}", "    reason: under review by the data owner", "    approver: CDO กรมทดสอบ",
             f'    expires: "{expires}"'] + [f"    {k}: {v}" for k, v in extra.items()]
    return text + "waivers:\n" + "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------ the policy data


def test_default_policy_is_valid_and_every_rule_kind_is_implemented():
    import jsonschema

    data = yaml.safe_load((REPO / "schemas" / "policy.yaml").read_text(encoding="utf-8"))
    schema = json.loads((REPO / "schemas" / "policy.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(data)
    pol, problems = policy.load(None)
    assert problems == []
    assert {r.kind for r in pol.rules} == set(rules.KINDS)
    assert {r.id for r in pol.rules} >= {"public_category", "personal_data", "licence_allowlist", "freshness",
                                         "machine_readable", "maintainer_mailbox"}
    assert sum(pol.scoring["weights"].values()) == 100


def test_policy_and_scoring_messages_exist_in_english_and_thai():
    for name in ("policy.yaml", "scoring.yaml", "report.yaml"):
        data = yaml.safe_load((REPO / "catalog" / "messages" / name).read_text(encoding="utf-8"))
        for code, texts in data.items():
            assert texts["en"]["message"] and texts["th"]["message"], code
            assert ("hint" in texts["en"]) == ("hint" in texts["th"]), code


def test_choice_params_accept_english_aliases_and_store_thai_values():
    pol, _ = policy.load(None)
    assert pol.rule("public_category").params["categories"] == ["ข้อมูลสาธารณะ"]
    assert pol.rule("public_category").params["classifications"] == ["เปิดเผย"]
    assert "Creative Commons Attributions" in pol.rule("licence_allowlist").params["allowed"]


def test_example_catalog_passes_the_gate():
    result, found, problems = gate_of(EXAMPLES)
    assert problems == []
    assert codes(found, Severity.ERROR) == []
    assert all(f.stage == "policy" for f in found)
    assert not result.blocking


# ------------------------------------------------------------------------------------- rules


@pytest.mark.parametrize("category, classification, expected", [
    ("personal", "confidential", ["POLICY_CATEGORY_NOT_PUBLIC", "POLICY_CLASSIFICATION_NOT_OPEN"]),
    ("internal", "internal", ["POLICY_CATEGORY_NOT_PUBLIC", "POLICY_CLASSIFICATION_NOT_OPEN"]),
    ("official_secret", "top_secret", ["POLICY_CATEGORY_NOT_PUBLIC", "POLICY_CLASSIFICATION_NOT_OPEN"]),
    ("public", "confidential", ["POLICY_CLASSIFICATION_NOT_OPEN"]),
])
def test_only_public_and_open_may_be_published(factory, category, classification, expected):
    text = DATASET.replace("data_category: public", f"data_category: {category}")
    text = text.replace("data_classification: open", f"data_classification: {classification}")
    factory.dataset(text=text)
    result, found, _ = gate_of(factory.catalog)
    assert codes(found, Severity.ERROR) == expected
    assert result.blocked(result.catalog.datasets[0])
    if category == "public":  # a contradiction of category and classification is an error as well
        assert "CLASSIFICATION_MISMATCH" in codes(result.findings, Severity.ERROR)


def test_missing_classification_is_not_open(factory):
    factory.dataset(text=DATASET.replace("data_classification: open\n", ""))
    _, found, _ = gate_of(factory.catalog)
    [f] = [f for f in found if f.severity is Severity.ERROR]
    assert f.code == "POLICY_CLASSIFICATION_MISSING" and f.params["rule"] == "public_category"


def pii(dataset: str, code: str = "PII_NATIONAL_ID", severity=F.error, **kw):
    return severity(code, file="x.csv", dataset=dataset, resource="ตาราง", field="citizen_id", row=2,
                    column_name="citizen_id", count=3, examples=["1-2345-xxxxx-xx-1"], **kw)


@pytest.mark.parametrize("finding", [
    pii("demo-dataset"), pii("demo-dataset", stage="pii"), pii("demo-dataset", "PII_PHONE", F.warning),
    F.error("SOMETHING", dataset="demo-dataset", stage="pii"),
])
def test_personal_data_found_by_the_pii_scan_blocks(factory, finding):
    factory.dataset()
    result, found, _ = gate_of(factory.catalog, extra=[finding])
    [f] = [f for f in found if f.code == "POLICY_PERSONAL_DATA"]
    assert f.severity is Severity.ERROR and f.dataset == "demo-dataset" and f.params["count"] == 1
    assert result.blocked(result.catalog.datasets[0])


def test_reviewed_pii_column_does_not_count_as_personal_data(factory):
    factory.dataset()
    _, found, _ = gate_of(factory.catalog, extra=[pii("demo-dataset", severity=F.info)])
    assert "POLICY_PERSONAL_DATA" not in codes(found)


@pytest.mark.parametrize("licence, blocked", [
    ("Open Data Common", False), ("cc-by-nc", False), ("ogl", False), ("License not specified", True),
    ("gfdl", True)])
def test_licence_allowlist(factory, licence, blocked):
    factory.dataset(text=DATASET.replace("license_id: Open Data Common", f"license_id: {licence}"))
    _, found, _ = gate_of(factory.catalog)
    assert ("POLICY_LICENCE_NOT_ALLOWED" in codes(found, Severity.ERROR)) is blocked


def test_licence_other_text_may_be_allowlisted_by_override(factory):
    text = DATASET.replace("license_id: Open Data Common", "license_id: other\nlicense_id_other: CC0 1.0")
    factory.dataset(text=text)
    assert "POLICY_LICENCE_NOT_ALLOWED" in codes(gate_of(factory.catalog)[1])
    (factory.catalog / "policy.yaml").write_text(
        "rules:\n  - id: licence_allowlist\n    params:\n      allowed: [Open Data Common, CC0 1.0]\n",
        encoding="utf-8")
    assert "POLICY_LICENCE_NOT_ALLOWED" not in codes(gate_of(factory.catalog)[1])


@pytest.mark.parametrize("days_ago, stale", [(30, False), (37, False), (38, True), (400, True)])
def test_freshness_uses_the_overdue_ratio_with_grace(factory, days_ago, stale):
    last = (TODAY - dt.timedelta(days=days_ago)).isoformat()
    text = DATASET.replace("update_frequency_unit: yearly", "update_frequency_unit: monthly")
    factory.dataset(text=text.replace(f'"{LAST_UPDATED}"', f'"{last}"'))
    _, found, _ = gate_of(factory.catalog)
    # monthly = 30 days; grace 0.25 -> stale after 30 + 7.5 days
    assert ("POLICY_STALE" in codes(found, Severity.WARNING)) is stale


def test_freshness_without_date_and_not_periodic(factory):
    factory.dataset(text=DATASET.replace(f'last_updated_date: "{LAST_UPDATED}"\n', ""))
    assert "POLICY_FRESHNESS_NO_DATE" in codes(gate_of(factory.catalog)[1], Severity.WARNING)
    text = DATASET.replace("update_frequency_unit: yearly", "update_frequency_unit: never")
    factory.dataset(text=text.replace(f'"{LAST_UPDATED}"', '"2001-01-01"'))
    assert codes(gate_of(factory.catalog)[1]) == []


def test_freshness_ratio_against_interval():
    state = rules._freshness  # the pure computation
    profile = __import__("catalog.profile", fromlist=["load"]).load()
    ctx = rules.Context(today=TODAY, profile=profile)
    from catalog.facts import DatasetFacts

    facts = DatasetFacts(name="x", file="x", agency="a", data_type="record", resources=(), findings=(),
                         metadata={"update_frequency_unit": "ปี", "update_frequency_interval": "2",
                                   "last_updated_date": "2023-03-01"})
    got = state(facts, ctx)
    assert got.cycle_days == 730 and got.status == "overdue" and got.ratio == pytest.approx(1 / 730)


@pytest.mark.parametrize("data_type, fmt, blocked", [
    ("statistical", "PDF", True), ("record", "PNG", True), ("statistical", "XLSX", False),
    ("other", "PDF", False), ("statistical", "csv", False)])
def test_tabular_data_needs_a_machine_readable_format(factory, data_type, fmt, blocked):
    text = DATASET.replace("data_type: record", f"data_type: {data_type}")
    text = text.replace("path: data.csv\n    format: CSV", f"url: https://example.go.th/d.{fmt.lower()}\n    format: {fmt}")
    if data_type == "other":
        text += "data_type_other: เอกสาร\n"
    factory.dataset(text=text)
    _, found, _ = gate_of(factory.catalog)
    assert ("POLICY_NOT_MACHINE_READABLE" in codes(found, Severity.ERROR)) is blocked


@pytest.mark.parametrize("email, code", [
    ("opendata@dopa.go.th", None), ("stat@nso.go.th", None), ("air.quality@pcd.go.th", None),
    ("somchai.k@gmail.com", "POLICY_MAILBOX_NOT_ORGANIZATIONAL"),
    ("data@company.co.th", "POLICY_MAILBOX_NOT_ORGANIZATIONAL"),
    ("somchai.k@nso.go.th", "POLICY_MAILBOX_PERSONAL_NAME")])
def test_maintainer_mailbox_must_be_organizational(factory, email, code):
    factory.dataset(text=DATASET.replace("data@demo.go.th", email))
    _, found, _ = gate_of(factory.catalog)
    got = [f for f in found if f.code.startswith("POLICY_MAILBOX")]
    assert [f.code for f in got] == ([code] if code else [])
    for f in got:
        assert f.severity is Severity.WARNING and f.line == 16
        assert email not in f.message() and email.split("@")[1] in f.message()  # masked local part


# ------------------------------------------------------------------------------- the override


def write_override(factory, text: str) -> None:
    (factory.catalog / "policy.yaml").write_text(text, encoding="utf-8")


def test_a_rule_changed_to_warn_in_policy_yaml_is_followed_by_the_gate(factory):
    factory.dataset(text=DATASET.replace("license_id: Open Data Common", "license_id: License not specified"))
    result, found, _ = gate_of(factory.catalog)
    assert "POLICY_LICENCE_NOT_ALLOWED" in codes(found, Severity.ERROR) and result.blocking
    write_override(factory, "rules:\n  - id: licence_allowlist\n    severity: warn\n")
    result, found, problems = gate_of(factory.catalog)
    assert problems == []
    assert "POLICY_LICENCE_NOT_ALLOWED" in codes(found, Severity.WARNING)
    assert not result.blocking


def test_rules_can_be_disabled_and_added_by_kind(factory):
    factory.dataset(text=DATASET.replace("data@demo.go.th", "someone@gmail.com"))
    write_override(factory, """\
rules:
  - id: maintainer_mailbox
    enabled: false
  - id: strict_licence
    kind: licence_allowlist
    severity: block
    params: {allowed: [cc-by]}
""")
    _, found, problems = gate_of(factory.catalog)
    assert problems == []
    assert [f.code for f in found] == ["POLICY_LICENCE_NOT_ALLOWED"]
    assert found[0].params["rule"] == "strict_licence" and found[0].params["allowed"] == ["Creative Commons Attributions"]


@pytest.mark.parametrize("text, line, code", [
    ("rules:\n  - id: freshness\n    severity: maybe\n", 3, "POLICY_OVERRIDE_INVALID"),
    ("rules:\n  - id: freshness\n    params:\n      grace: soon\n", 4, "POLICY_OVERRIDE_INVALID"),
    ("scoring:\n  weights:\n    openess: 10\n", 2, "POLICY_OVERRIDE_INVALID"),
    ("rules:\n  - id: licence_alowlist\n    severity: warn\n", 2, "POLICY_OVERRIDE_UNKNOWN_RULE"),
    ("rules: [\n", 2, "YAML_SYNTAX"),
])
def test_invalid_override_is_reported_with_file_and_line_and_not_used(factory, text, line, code):
    factory.dataset(text=DATASET.replace("license_id: Open Data Common", "license_id: License not specified"))
    write_override(factory, text)
    result, found, problems = gate_of(factory.catalog)
    assert [p.code for p in problems] == [code]
    assert problems[0].file.endswith("policy.yaml") and problems[0].line == line
    assert problems[0].severity is Severity.ERROR
    assert "POLICY_LICENCE_NOT_ALLOWED" in codes(found, Severity.ERROR)  # defaults still apply
    assert result.blocking
    if code == "POLICY_OVERRIDE_UNKNOWN_RULE":
        assert "licence_allowlist" in problems[0].hint()


def test_scoring_override_merges_key_by_key():
    base, _ = policy.load(None)
    merged = policy.merge({"scoring": {"weights": {"a": 1, "b": 2}, "grades": [1, 2]}},
                          {"scoring": {"weights": {"b": 5}, "grades": [3]}})
    assert merged == {"scoring": {"weights": {"a": 1, "b": 5}, "grades": [3]}}
    assert base.rule("freshness").params["grace"] == 0.25


# ----------------------------------------------------------------------------------- waivers


BAD_LICENCE = DATASET.replace("license_id: Open Data Common", "license_id: License not specified")


def test_waiver_in_force_waives_and_is_listed(factory):
    factory.dataset(text=with_waiver(BAD_LICENCE, "licence_allowlist", "2025-03-01"))
    result, found, _ = gate_of(factory.catalog)
    assert codes(found) == ["POLICY_WAIVED"]
    assert not result.blocking
    pol, _ = policy.load(result.catalog.root)
    [w] = policy.waivers_in_force(result, pol, TODAY)
    assert (w.rule, w.used, w.expires, w.approver) == ("licence_allowlist", True, TODAY, "CDO กรมทดสอบ")
    assert "CDO" in found[0].message("th")


def test_expired_waiver_stops_waiving_and_says_so(factory):
    path = factory.dataset(text=with_waiver(BAD_LICENCE, "licence_allowlist", "2025-02-28"))
    result, found, _ = gate_of(factory.catalog)
    assert codes(found, Severity.ERROR) == ["POLICY_LICENCE_NOT_ALLOWED"]
    [expired] = [f for f in found if f.code == "POLICY_WAIVER_EXPIRED"]
    assert expired.severity is Severity.WARNING and "2025-02-28" in expired.message()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[expired.line - 1].strip().startswith("expires:")  # points at the waiver's expiry
    assert result.blocking
    pol, _ = policy.load(result.catalog.root)
    assert policy.waivers_in_force(result, pol, TODAY) == []


@pytest.mark.parametrize("rule, expires, code, severity", [
    ("licence_alowlist", "2025-06-01", "POLICY_WAIVER_UNKNOWN_RULE", Severity.ERROR),
    ("licence_allowlist", "next year", "POLICY_WAIVER_DATE_INVALID", Severity.ERROR),
    ("licence_allowlist", "", "POLICY_WAIVER_INCOMPLETE", Severity.ERROR),
    ("personal_data", "2025-06-01", "POLICY_WAIVER_NOT_WAIVABLE", Severity.WARNING),
    ("licence_allowlist", "2027-01-01", "POLICY_WAIVER_TOO_LONG", Severity.WARNING),
    ("freshness", "2025-06-01", "POLICY_WAIVER_UNUSED", Severity.INFO),
])
def test_waiver_problems_are_reported(factory, rule, expires, code, severity):
    factory.dataset(text=with_waiver(DATASET, rule, expires))
    _, found, _ = gate_of(factory.catalog)
    [f] = [f for f in found if f.code == code]
    assert f.severity is severity and f.file.endswith("dataset.yaml") and f.line
    assert i18n.message(code, "th", f.params) != code


def test_waiver_cannot_lift_a_non_waivable_rule(factory):
    text = DATASET.replace("data_category: public", "data_category: personal")
    text = text.replace("data_classification: open", "data_classification: confidential")
    factory.dataset(text=with_waiver(text, "public_category", "2025-06-01"))
    result, found, _ = gate_of(factory.catalog)
    assert "POLICY_CATEGORY_NOT_PUBLIC" in codes(found, Severity.ERROR) and result.blocking


def test_waivers_not_a_list(factory):
    factory.dataset(text=DATASET + "waivers: licence_allowlist\n")
    _, found, _ = gate_of(factory.catalog)
    assert "POLICY_WAIVERS_NOT_LIST" in codes(found, Severity.ERROR)
