import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from catalog import quality
from catalog.findings import Severity
from catalog.quality import CheckSpec


@pytest.fixture(scope="module")
def df():
    return pd.DataFrame({
        "station": ["bkk01", "bkk02", "cnx01", "cnx02", "hkt01"],
        "pm25": [12.0, 35.5, 3000.0, None, 40.0],
        "เบอร์โทร": ["0812345678", "0898765432", "x", "y", "z"],
        "note": ["ok", "1234567890121", "ok", "ok", "ok"],
        "2566": [1, 2, 3, 4, 5],
    })


def _run(checks, df, **kw):
    return quality.run_checks(checks, df, file="datasets/air/manifest.yaml", dataset="air",
                              resource="pm", **kw)


def test_gx_is_not_imported_with_the_module():
    code = "import sys, catalog.quality; assert 'great_expectations' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[1])


def test_failed_check_has_counts_rows_examples_and_line(df):
    rep = _run([CheckSpec("expect_column_values_to_be_between",
                          {"column": "pm25", "min_value": 0, "max_value": 1000}, line=12)], df)
    (f,) = rep.findings
    assert f.code == "QUALITY_CHECK_FAILED" and f.severity is Severity.ERROR
    assert (f.file, f.line, f.field, f.dataset, f.resource) == (
        "datasets/air/manifest.yaml", 12, "pm25", "air", "pm")
    p = f.params
    assert (p["element_count"], p["unexpected_count"], p["rows"]) == (5, 1, [4])
    assert p["unexpected_percent"] == 25.0 and p["examples"] == ["3000.0"]
    assert "min_value=0, max_value=1000" in f.message("en") and "แถว 4" in f.message("th")
    (r,) = rep.results
    assert (r.status, r.success, r.element_count, r.unexpected_count) == ("failed", False, 5, 1)


def test_all_checks_pass(df):
    rep = _run([CheckSpec("expect_column_values_to_be_unique", {"column": "station"}, 3),
                CheckSpec("expect_table_row_count_to_equal", {"value": 5}, 4)], df)
    assert rep.findings == [] and rep.passed_share == 1.0
    assert [r.status for r in rep.results] == ["passed", "passed"]


def test_unknown_check_suggests(df):
    rep = _run([CheckSpec("expect_column_values_to_be_betwen", {"column": "pm25"}, 7)], df)
    (f,) = rep.findings
    assert f.code == "QUALITY_UNKNOWN_CHECK" and f.line == 7
    assert f.params["suggestions"].startswith("expect_column_values_to_be_between")
    assert rep.results[0].status == "error" and rep.passed_share == 0.0


def test_class_name_and_missing_prefix():
    rep = _run([CheckSpec("ExpectColumnValuesToNotBeNull", {"column": "a"})],
               pd.DataFrame({"a": [1]}))
    assert rep.results[0].success
    rep = _run([CheckSpec("column_values_to_not_be_null", {"column": "a"})], pd.DataFrame({"a": [1]}))
    assert "expect_column_values_to_not_be_null" in rep.findings[0].params["suggestions"]


@pytest.mark.parametrize("kwargs,argument,reason", [
    ({"column": "pm25", "min_valu": 0}, "min_valu", "unknown argument"),
    ({"column": "pm25", "min_value": "abc"}, "min_value", "float"),
    ({"min_value": 0}, "column", "field required"),
    ([1, 2], "-", "mapping"),
])
def test_bad_arguments_name_the_argument(df, kwargs, argument, reason):
    rep = _run([CheckSpec("expect_column_values_to_be_between", kwargs, 9)], df)
    (f,) = rep.findings
    assert f.code == "QUALITY_BAD_ARGUMENT" and f.line == 9
    assert f.params["argument"] == argument and reason in f.params["reason"]
    assert "cannot both be None" not in f.params["reason"]  # consequence, not cause


def test_missing_column_is_mapped_with_did_you_mean(df):
    rep = _run([CheckSpec("expect_column_values_to_be_between",
                          {"column": "pm2.5", "min_value": 0, "max_value": 1000}, 21)], df)
    (f,) = rep.findings
    assert f.code == "QUALITY_COLUMN_MISSING" and f.line == 21
    assert f.params["suggestions"] == "pm25"
    msg = f.message("en")
    assert "column 'pm2.5' does not exist; columns are: station, pm25" in msg
    assert "Traceback" not in json.dumps(f.to_dict(), ensure_ascii=False)


def test_check_that_does_not_fit_the_data(df):
    rep = _run([CheckSpec("expect_column_values_to_be_between",
                          {"column": "station", "min_value": 0, "max_value": 1}, 5)], df)
    (f,) = rep.findings
    assert f.code == "QUALITY_CHECK_ERROR" and "same type" in f.params["reason"]


def test_table_and_aggregate_checks(df):
    rep = _run([CheckSpec("expect_table_row_count_to_be_between", {"min_value": 100}, 1),
                CheckSpec("expect_column_max_to_be_between", {"column": "pm25", "max_value": 500}, 2)],
               df)
    codes = [(f.code, f.params["observed"]) for f in rep.findings]
    assert codes == [("QUALITY_TABLE_CHECK_FAILED", "5"),
                     ("QUALITY_CHECK_FAILED_OBSERVED", "3000.0")]
    assert rep.results[0].observed_value == 5


def test_personal_values_are_masked(df):
    rep = _run([CheckSpec("expect_column_values_to_match_regex",
                          {"column": "เบอร์โทร", "regex": "^[a-z]$"}, 1),
                CheckSpec("expect_column_values_to_be_in_set",
                          {"column": "note", "value_set": ["ok"]}, 2)], df)
    blob = json.dumps([f.to_dict(lang) for f in rep.findings for lang in ("en", "th")],
                      ensure_ascii=False)
    for raw in ("0812345678", "0898765432", "1234567890121"):
        assert raw not in blob
    assert rep.findings[1].params["examples"] == ["1-2345-xxxxx-xx-1"]


def test_one_suite_many_checks_results_in_manifest_order(df):
    checks = [CheckSpec("expect_column_values_to_not_be_null", {"column": c}, i)
              for i, c in enumerate(["station", "pm25", "note", "nope"], start=30)]
    checks.insert(2, CheckSpec("expect_nothing", {}, 32))
    rep = _run(checks, df)
    assert [r.line for r in rep.results] == [30, 31, 32, 32, 33]
    assert [r.status for r in rep.results] == ["passed", "failed", "error", "passed", "error"]
    assert rep.passed_share == pytest.approx(2 / 5)
    assert [f.line for f in rep.findings] == sorted(f.line for f in rep.findings)


def test_year_named_column_from_yaml_int(df):
    spec = yaml.safe_load("- expect_column_values_to_be_between: {column: 2566, min_value: 0, max_value: 4}")
    ((name, kwargs),) = spec[0].items()
    rep = _run([CheckSpec(name, kwargs, 1)], df)
    assert rep.findings[0].code == "QUALITY_CHECK_FAILED" and rep.findings[0].params["rows"] == [6]


def test_rows_follow_first_row_and_custom_index():
    frame = pd.DataFrame({"a": [1, -1, 2]}, index=[10, 20, 30])
    rep = _run([CheckSpec("expect_column_values_to_be_between", {"column": "a", "min_value": 0})],
               frame, first_row=1002)
    assert rep.findings[0].params["rows"] == [1003]


def test_no_progress_bars_or_logs(df, capfd):
    _run([CheckSpec("expect_column_values_to_not_be_null", {"column": "pm25"})], df)
    out, err = capfd.readouterr()
    assert "Calculating Metrics" not in err + out and err == ""


def test_no_checks():
    rep = quality.run_checks([], pd.DataFrame({"a": [1]}))
    assert rep.findings == [] and rep.results == [] and rep.passed_share is None


def test_message_files_are_bilingual():
    """Every code of these stages has en and th message and hint, with the same placeholders."""
    import string

    root = Path(quality.__file__).parent / "messages"
    for stage in ("pii", "encoding", "thai", "quality"):
        data = yaml.safe_load((root / f"{stage}.yaml").read_text(encoding="utf-8"))
        for code, texts in data.items():
            names = {}
            for lang in ("en", "th"):
                assert texts[lang]["message"] and texts[lang]["hint"], (code, lang)
                names[lang] = {f.removesuffix("_" + lang) for _, f, _, _ in string.Formatter()
                               .parse(texts[lang]["message"] + texts[lang]["hint"]) if f}
            assert names["en"] == names["th"], code
