"""Governance scores: dimensions, agency aggregation and grades, exact fix-first gains, history."""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog import findings as F
from catalog import governance, pipeline, policy, scoring
from catalog.facts import collect
from catalog.fixes import _candidates
from catalog.pipeline import CheckOutcome
from tests.conftest import LAST_UPDATED, DATASET, EXAMPLES, REPO

TODAY = dt.date(2025, 3, 1)


def bench_module():
    spec = importlib.util.spec_from_file_location("bench_score", REPO / "bench" / "bench_score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def evaluate(catalog: Path, today: dt.date = TODAY, extra=(), outcomes=()):
    result = pipeline.validate([catalog], gate=False)  # the gate runs below, with the test's date
    result.findings.extend(extra)
    result.check_outcomes.extend(outcomes)
    pol, problems = policy.load(result.catalog.root)
    policy.apply(result, pol, today, problems)
    return result, pol, scoring.score_catalog(result, pol, today)


def only(card: scoring.Scorecard) -> scoring.DatasetScore:
    [d] = card.datasets
    return d


def score_json(gdc, catalog: Path, *extra: str) -> dict:
    out = gdc("score", "--format", "json", "--date", TODAY.isoformat(), *extra, str(catalog))
    return json.loads(out.output)


# --------------------------------------------------------------------------- the example catalog


def test_every_agency_of_the_example_gets_a_score_and_a_grade(gdc):
    data = score_json(gdc, EXAMPLES)
    assert [a["name"] for a in data["agencies"]] == ["dopa", "mnre", "nso", "pcd"]
    for a in data["agencies"]:
        assert 0 <= a["score"] <= 100 and a["grade"] in "ABCDF"
        assert a["publishable"] + a["blocked"] == len(a["datasets"]) > 0
        for d in a["datasets"]:
            assert set(d["dimensions"]) == set(scoring.DIMENSIONS)
            assert 0 <= d["score"] <= 100
    assert data["summary"]["datasets"] == 9 and data["summary"]["blocked"] == 0


def test_scores_are_deterministic(gdc):
    first = gdc("score", "--format", "json", "--date", "2025-03-01", str(EXAMPLES)).output
    second = gdc("score", "--format", "json", "--date", "2025-03-01", str(EXAMPLES)).output
    assert first == second
    later = gdc("score", "--format", "json", "--date", "2026-03-01", str(EXAMPLES)).output
    assert later != first  # --date moves freshness, and only through it


def test_personal_category_blocks_lowers_the_agency_and_tops_fix_first(gdc, example_copy):
    before = {a["name"]: a for a in score_json(gdc, example_copy)["agencies"]}
    manifest = example_copy / "nso" / "labour-force" / "dataset.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("data_category: public", "data_category: personal")
                        .replace("data_classification: open", "data_classification: confidential"), encoding="utf-8")
    result = gdc("score", "--format", "json", "--date", TODAY.isoformat(), str(example_copy))
    assert result.exit_code == 1  # something blocks publication
    after = {a["name"]: a for a in json.loads(result.output)["agencies"]}
    nso = after["nso"]
    assert nso["score"] < before["nso"]["score"] and nso["blocked"] == 1
    [ds] = [d for d in nso["datasets"] if d["name"] == "nso-labour-force-survey"]
    assert ds["blocked"] and "POLICY_CATEGORY_NOT_PUBLIC" in ds["reasons"]
    top = nso["fix_first"][0]
    assert top["kind"] == "make_public" and top["dataset"] == "nso-labour-force-survey" and top["unblocks"]
    assert "data_category" in top["change"] and top["line"] == 15
    assert top["agency_gain"] == max(f["agency_gain"] for f in nso["fix_first"])
    for name in ("dopa", "mnre", "pcd"):
        assert after[name]["score"] == before[name]["score"]


# ----------------------------------------------------------------------- exact fix-first gains


@pytest.mark.parametrize("kind, edit", [
    ("make_public", lambda t: t.replace("data_category: personal", "data_category: ข้อมูลสาธารณะ")
     .replace("data_classification: confidential", "data_classification: เปิดเผย")),
    ("set_licence", lambda t: t.replace("license_id: License not specified", "license_id: Creative Commons Attributions")),
    ("refresh", lambda t: t.replace('last_updated_date: "2024-02-15"', 'last_updated_date: "2025-03-01"')),
    ("add_field", lambda t: t.replace("title: ", "title_en: Labour\ntitle: ", 1).replace("title_en: Labour Force Survey, quarterly\n", "")),
])
def test_fix_gain_is_exactly_what_applying_it_gains(example_copy, kind, edit):
    manifest = example_copy / "nso" / "labour-force" / "dataset.yaml"
    text = manifest.read_text(encoding="utf-8")
    if kind == "make_public":
        text = text.replace("data_category: public", "data_category: personal").replace(
            "data_classification: open", "data_classification: confidential")
    if kind == "set_licence":
        text = text.replace("license_id: Open Data Common", "license_id: License not specified")
    if kind == "add_field":
        text = text.replace("title_en: Labour Force Survey, quarterly\n", "")
    manifest.write_text(text, encoding="utf-8")
    _, _, card = evaluate(example_copy)
    nso = next(a for a in card.agencies if a.name == "nso")
    fix = next(f for d in nso.datasets for f in d.fixes
               if f.kind == kind and f.dataset == "nso-labour-force-survey"
               and (kind != "add_field" or f.params["field_name"] == "title_en"))
    manifest.write_text(edit(text), encoding="utf-8")
    _, _, fixed = evaluate(example_copy)
    nso_fixed = next(a for a in fixed.agencies if a.name == "nso")
    ds_before = next(d for d in nso.datasets if d.name == fix.dataset)
    ds_after = next(d for d in nso_fixed.datasets if d.name == fix.dataset)
    assert ds_after.score - ds_before.score == pytest.approx(fix.gain, abs=1e-9)
    total = sum(d.weight for d in nso.datasets)
    assert nso_fixed.score - nso.score == pytest.approx(fix.gain * ds_before.weight / total, abs=1e-9)


def assert_shortcut_equals_full(result, pol, today=TODAY):
    scorer = scoring.Scorer(pol, today)
    checked = 0
    for facts in collect(result, scorer.ctx.profile):
        waivers = policy.read_waivers(facts, pol, today)
        current = scorer.score(facts, waivers)
        for c in _candidates(facts, current, scorer, waivers):
            fixed = c.apply(facts)
            full = scorer.score(fixed, waivers)
            fast = scorer.score(fixed, waivers, like=current, dims=c.dims, gate=c.gate)
            assert (fast.blocked, fast.reasons, fast.penalty, fast.stars) == (
                full.blocked, full.reasons, full.penalty, full.stars), (facts.name, c.kind)
            assert fast.score == pytest.approx(full.score, abs=1e-9), (facts.name, c.kind)
            assert fast.dimensions == pytest.approx(full.dimensions), (facts.name, c.kind)
            assert scorer.quick(fixed, waivers, current, c.dims, c.gate) == (
                pytest.approx(full.score, abs=1e-9), full.blocked), (facts.name, c.kind)
            checked += 1
    return checked


def test_fix_candidates_declare_every_dimension_they_move(tmp_path):
    """The fix-first shortcut (re-score only what a fix touches) equals a full re-score."""
    catalog = bench_module().generate(tmp_path, 300, 6, seed=11)
    result = pipeline.validate([catalog])
    names = [d.name for d in result.catalog.datasets[:40]]
    result.findings += [F.error("PII_NATIONAL_ID", dataset=n, resource="ตาราง 1", stage="pii") for n in names[:10]]
    result.findings += [F.error("SCHEMA_TYPE", dataset=n, resource="ตาราง 1", stage="schema") for n in names[5:20]]
    result.findings += [F.error("FILE_NOT_FOUND", dataset=n, file="x", line=3) for n in names[15:25]]
    result.check_outcomes += [CheckOutcome(n, "ตาราง 1", "expect_x", i % 2 == 0) for i, n in enumerate(names)]
    pol, _ = policy.load(result.catalog.root)
    assert assert_shortcut_equals_full(result, pol) > 1000


# ------------------------------------------------------------------------------- dimensions


def dataset_score(factory, text: str = DATASET, extra=(), outcomes=(), today=TODAY, data="a,b\n1,2\n"):
    factory.dataset(text=text, data=data)
    return only(evaluate(factory.catalog, today, extra, outcomes)[2])


def test_complete_fresh_open_dataset_scores_high(factory):
    text = DATASET.replace("tags: [ทดสอบ, demo]", "tags: [ทดสอบ, demo, ตัวอย่าง]") + (
        "title_en: Demo\nnotes_en: Demo dataset\ndata_language: [thai]\naccessible_condition: ไม่มี\n"
        "created_date: \"2020-01-01\"\ndata_collect: none\ndata_support: none\n")
    text = text.replace("    format: CSV\n", "    format: CSV\n    schema: schema.json\n    checks:\n"
                        "      - expect_column_values_to_not_be_null: {column: a}\n")
    (factory.catalog / "demo" / "demo-dataset").mkdir(parents=True, exist_ok=True)
    (factory.catalog / "demo" / "demo-dataset" / "schema.json").write_text('{"fields": [{"name": "a"}, {"name": "b"}]}')
    d = dataset_score(factory, text)
    assert d.score == pytest.approx(100.0) and d.stars == 3 and not d.fixes


def test_dimensions_respond_to_what_they_measure(factory):
    base = dataset_score(factory)
    assert base.dimensions["completeness"] < 1 and base.dimensions["findability"] < 1
    no_tags = dataset_score(factory, DATASET.replace("tags: [ทดสอบ, demo]", "tags: [ทดสอบ]"))
    assert no_tags.dimensions["findability"] < base.dimensions["findability"]
    nc = dataset_score(factory, DATASET.replace("license_id: Open Data Common", "license_id: cc-by-nc"))
    assert nc.dimensions["openness"] == pytest.approx(0.4 * 0.5 + 0.6)
    pdf = dataset_score(factory, DATASET.replace("data_type: record", "data_type: other\ndata_type_other: เอกสาร")
                        .replace("path: data.csv\n    format: CSV", "url: https://x.go.th/a.pdf\n    format: PDF"))
    assert pdf.stars == 1 and pdf.dimensions["openness"] == pytest.approx(0.4 + 0.6 / 3)
    assert pdf.dimensions["validity"] is None and pdf.dimensions["quality"] is None  # not applicable
    stale = dataset_score(factory, today=dt.date.fromisoformat(LAST_UPDATED) + dt.timedelta(days=546))  # yearly
    assert stale.dimensions["timeliness"] == pytest.approx(1 - 181 / 365)
    never = dataset_score(factory, DATASET.replace("update_frequency_unit: yearly", "update_frequency_unit: never"))
    assert never.dimensions["timeliness"] is None


def test_validity_and_quality_come_from_the_data_stages(factory):
    base = dataset_score(factory)
    assert base.dimensions["validity"] == pytest.approx(0.25)  # no Table Schema declared
    assert base.dimensions["quality"] == pytest.approx(0.25)   # no checks declared
    errors = [F.error("SCHEMA_TYPE", dataset="demo-dataset", resource="ตาราง", stage="schema", row=3, field="a")]
    text = DATASET.replace("    format: CSV\n", "    format: CSV\n    schema: schema.json\n")
    (factory.catalog / "demo" / "demo-dataset").mkdir(parents=True, exist_ok=True)
    (factory.catalog / "demo" / "demo-dataset" / "schema.json").write_text('{"fields": [{"name": "a"}, {"name": "b"}]}')
    assert dataset_score(factory, text).dimensions["validity"] == 1.0
    bad = dataset_score(factory, text, extra=errors)
    assert bad.dimensions["validity"] == pytest.approx(0.75) and bad.blocked
    outcomes = [CheckOutcome("demo-dataset", "ตาราง", f"c{i}", i < 3) for i in range(4)]
    assert dataset_score(factory, extra=(), outcomes=outcomes).dimensions["quality"] == pytest.approx(0.75)
    fix = next(f for f in dataset_score(factory, outcomes=outcomes).fixes if f.kind == "fix_checks")
    assert fix.params["count"] == 1


def test_personal_data_penalty_and_blocked_factor(factory):
    clean = dataset_score(factory)
    found = dataset_score(factory, extra=[F.error("PII_PHONE", dataset="demo-dataset", resource="ตาราง", stage="pii")])
    assert found.penalty == 30 and found.blocked
    assert found.score == pytest.approx((clean.base - 30) * 0.5)
    top = found.fixes[0]
    assert top.kind == "remove_personal_data" and top.unblocks and top.params["resource"] == "ตาราง"


def test_two_blocking_reasons_get_a_combined_unblock_fix(factory):
    text = DATASET.replace("license_id: Open Data Common", "license_id: License not specified")
    text = text.replace("data_category: public", "data_category: personal").replace(
        "data_classification: open", "data_classification: confidential")
    d = dataset_score(factory, text)
    assert d.blocked and not any(f.unblocks for f in d.fixes if f.kind != "unblock")
    [combo] = [f for f in d.fixes if f.kind == "unblock"]
    assert combo.params["count"] == 2 and combo.gain == max(f.gain for f in d.fixes)


def test_weights_and_grades_come_from_the_policy(factory):
    factory.dataset()
    (factory.catalog / "policy.yaml").write_text("""\
scoring:
  weights: {completeness: 0, findability: 0, openness: 100, validity: 0, quality: 0, timeliness: 0}
  grades: [{grade: S, min: 99}, {grade: Z, min: 0}]
""", encoding="utf-8")
    _, pol, card = evaluate(factory.catalog)
    assert pol.sources[-1].endswith("policy.yaml")
    assert only(card).score == pytest.approx(100.0)
    assert card.agencies[0].grade == "S"


@pytest.mark.parametrize("score, grade", [(100, "A"), (90, "A"), (89.96, "A"), (89.94, "B"), (75, "B"),
                                          (60, "C"), (40, "D"), (39.9, "F"), (0, "F")])
def test_grade_bands(score, grade):
    pol, _ = policy.load(None)
    assert scoring.Scorer(pol, TODAY).grade(score) == grade


def test_agency_score_weights_high_value_datasets_twice(factory):
    factory.dataset(folder="a", text=DATASET.replace("data_type: record", "data_type: record\nhigh_value_dataset: true"))
    factory.dataset(folder="b", text=DATASET.replace("demo-dataset", "demo-b").replace("ชุดข้อมูลทดสอบ", "ชุดข้อมูล B")
                    .replace("license_id: Open Data Common", "license_id: cc-by-nc"))
    _, _, card = evaluate(factory.catalog)
    by_name = {d.name: d for d in card.datasets}
    a, b = by_name["demo-dataset"], by_name["demo-b"]
    assert (a.weight, b.weight) == (2.0, 1.0)
    assert card.agencies[0].score == pytest.approx((2 * a.score + b.score) / 3)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drop=st.sets(st.sampled_from(["tags", "notes", "maintainer", "data_source", "objective",
                                     "data_classification", "last_updated_date", "update_frequency_interval",
                                     "geo_coverage", "license_id"])),
       licence=st.sampled_from(["Open Data Common", "cc-by-nd", "gfdl"]),
       days=st.integers(min_value=-30, max_value=2000))
def test_scores_stay_in_range_and_fixes_only_gain(factory, drop, licence, days):
    lines = [ln for ln in DATASET.replace("license_id: Open Data Common", f"license_id: {licence}").splitlines()
             if ln.split(":")[0] not in drop]
    d = dataset_score(factory, "\n".join(lines) + "\n", today=dt.date(2025, 1, 31) + dt.timedelta(days=days))
    assert 0 <= d.score <= 100 and 0 <= d.base <= 100
    assert all(v is None or 0 <= v <= 1 for v in d.dimensions.values())
    assert all(f.gain > 0 and d.score + f.gain <= 100 + 1e-9 for f in d.fixes)


# ------------------------------------------------------------------------------------ history


def test_history_appends_agency_scores_with_the_commit(gdc, tmp_path):
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    import shutil
    shutil.copytree(EXAMPLES, repo / "datasets")
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t.go.th", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t.go.th"}
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    subprocess.run(["git", "-C", str(repo), "commit", "-qm", "x"], check=True, env={**__import__("os").environ, **env})
    commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    history = tmp_path / "scores.jsonl"
    for day in ("2025-03-01", "2026-06-01"):
        assert gdc("score", "--date", day, "--history", str(history), str(repo / "datasets")).exit_code == 0
    entries = governance.read_history(history)
    assert [e["date"] for e in entries] == ["2025-03-01", "2026-06-01"]
    assert entries[0]["commit"] == commit and set(entries[0]["agencies"]) == {"dopa", "mnre", "nso", "pcd"}
    points = governance.trend(entries, "pcd")
    assert len(points) == 2 and points[1][1] < points[0][1]  # the yearly air-quality data went stale
    md = gdc("score", "--format", "markdown", "--date", "2026-06-01", "--history", str(history),
             str(repo / "datasets")).output
    pcd_row = next(ln for ln in md.splitlines() if ln.startswith("| **pcd**"))
    assert f"{points[1][1]:.1f} (-{points[0][1] - points[1][1]:.1f})" in pcd_row


def test_score_text_and_thai(gdc):
    text = gdc("score", "--date", "2025-03-01", str(EXAMPLES)).output
    assert "dopa" in text and "Fix first" in text
    thai = gdc("score", "--date", "2025-03-01", "--lang", "th", str(EXAMPLES)).output
    assert "สิ่งที่ควรแก้ก่อน" in thai and "เพิ่มการตรวจคุณภาพข้อมูล" in thai


def test_bad_date_is_a_usage_error(gdc):
    assert gdc("score", "--date", "2568-13-01", str(EXAMPLES)).exit_code == 2
