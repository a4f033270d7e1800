import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog import thai
from catalog.findings import Severity


def test_thai_digits_to_ascii():
    assert thai.to_ascii_digits("๒๕๖๖-๐๑-๓๑") == "2566-01-31"
    arr = pa.array(["๑๒๓", "abc", None, "1๐"])
    assert thai.to_ascii_digits(arr).to_pylist() == ["123", "abc", None, "10"]
    plain = pa.array(["1", "2"])
    assert thai.to_ascii_digits(plain) is plain  # fast path: nothing to replace


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_parse_number_roundtrip_thai_digits_and_separators(n):
    grouped = f"{n:,}"
    as_thai = grouped.translate(str.maketrans("0123456789", thai.THAI_DIGITS))
    parsed = thai.parse_number(pa.array([str(n), grouped, as_thai, f" {grouped} "]))
    assert parsed.to_pylist() == [float(n)] * 4


def test_parse_number_rejects_text():
    assert thai.parse_number(pa.array(["abc", "1,2", "", None, "-3.5"])).to_pylist() == [
        None, None, None, None, -3.5]


def test_digits_and_separator_findings_have_rows():
    values = pa.array(["10", "๑๒๓", "118,118", None, "1,234.5", "7"])
    found = {f.code: f for f in thai.check_numeric_text("จำนวน", values, 2, file="a.csv",
                                                         dataset="d", resource="r")}
    d = found["THAI_DIGITS"]
    assert d.severity is Severity.WARNING and d.params["rows"] == [3] and d.row == 3
    assert d.params["examples"] == ['"๑๒๓" → 123'] and d.field == "จำนวน"
    s = found["THAI_THOUSANDS_SEPARATOR"]
    assert s.params["rows"] == [4, 6] and s.params["count"] == 2
    assert "118,118" in s.message("th")


def test_clean_numbers_and_non_text_yield_nothing():
    assert thai.check_numeric_text("n", pa.array(["1", "2.5", None])) == []
    assert thai.check_numeric_text("n", pa.array([1, 2])) == []


def test_buddhist_years():
    y = pa.array([2566, 2023, 2400, 2700, 2701, None])
    assert thai.is_buddhist_year(y).to_pylist() == [True, False, True, True, False, False]
    assert thai.be_to_ce(pa.array(["๒๕๖๖", "2023", "x"])).to_pylist() == [2023, 2023, None]
    assert thai.ce_to_be(pa.array([2023, 2566])).to_pylist() == [2566, 2566]
    assert thai.be_date_to_ce("31/01/2566") == "31/01/2023"


def test_be_dates():
    values = pa.array(["2023-01-31", "2566-01-31", "31/01/2566", "๒๕๖๖-๐๑-๓๑", None,
                       "2566-01-31T10:00:00", "12566-01-01"])
    (f,) = thai.check_be_dates("วันที่", values, 10)
    assert f.code == "THAI_BE_DATE" and f.params["rows"] == [11, 12, 13, 15]
    assert '"2566-01-31" → 2023-01-31' in f.params["examples"]


def test_mixed_eras_flags_minority_rows():
    values = pa.array([2566, 2565, None, 2023, 2564])
    (f,) = thai.check_year_eras("ปีงบประมาณ", values, 2)
    assert f.code == "THAI_MIXED_ERAS" and f.params["rows"] == [5]
    assert f.params["ce_count"] == 1 and f.params["be_count"] == 3
    assert "ค.ศ." in f.message("th") and "2023" in f.message("en")


@pytest.mark.parametrize("values", [
    pa.array([2566, 2565]), pa.array(["2022", "2023"]),
    pa.array([2000, 2500, 5, 7, 9, 11]),  # not a year column
    pa.array([None, None], pa.int64()),
])
def test_no_mixed_eras(values):
    assert thai.check_year_eras("x", values) == []


def test_mixed_eras_on_text_and_chunked():
    values = pa.chunked_array([["2023", "๒๕๖๖"], ["2024", "2022"]])
    (f,) = thai.check_year_eras("year", values, 2)
    assert f.params["minority"] == "be" and f.params["rows"] == [3]


def test_personal_column_examples_are_masked():
    (f,) = thai.check_be_dates("วันเกิด", pa.array(["2530-05-17"]))
    assert "2530-05-17" not in repr(f.to_dict())
