"""Soundness of the vectorised fast paths, property by property.

The columnar validator may only *accept* a value on its fast path if Frictionless accepts
it too, and the keys it computes must equal the keys of the value Frictionless parses.
These tests draw values straight from the fast-path regular expressions and check both.
"""
from __future__ import annotations

import datetime as dt
import decimal
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from frictionless import Field
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from catalog.tabular import _regex, _types

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def py_regex(re2: str) -> str:
    """The RE2 fast-path patterns use only syntax Python shares, except \\z."""
    return re2.replace(r"\z", r"\Z")


def plan_for(descriptor: dict) -> _types.Plan:
    return _types.make_plan(Field.from_descriptor({"name": "x", **descriptor}))


def fast_ok(plan: _types.Plan, values: list[str]) -> tuple[np.ndarray, _types.Fast]:
    arr = pa.array(values, pa.string())
    fast = plan.fast(arr, np.ones(len(values), dtype=bool))
    return fast.ok, fast


def assert_sound(descriptor: dict, values: list[str]) -> None:
    """Every fast-accepted value is accepted by Frictionless, with the same key."""
    plan = plan_for(descriptor)
    ok, fast = fast_ok(plan, values)
    reader = plan.field.create_value_reader()
    keys = fast.canon().to_pylist() if (fast.canon and plan.supports_keys) else None
    for i, value in enumerate(values):
        if ok[i]:
            parsed = reader(value)
            assert parsed is not None, (descriptor, value)
            if keys is not None:
                assert keys[i] == plan.canon_py(parsed), (descriptor, value)


# --------------------------------------------------------------------------- numbers

number_text = st.from_regex(r"\A-?[0-9]{1,25}(\.[0-9]{1,25})?\Z", fullmatch=True)


@SETTINGS
@given(st.lists(number_text, min_size=1, max_size=20))
def test_number_fast_path_is_sound(values):
    assert_sound({"type": "number"}, values)


@SETTINGS
@given(st.lists(st.from_regex(r"\A-?[0-9,]{1,12}(\.[0-9,]{1,6})?\Z", fullmatch=True), min_size=1, max_size=20))
def test_number_with_group_char_is_sound(values):
    assert_sound({"type": "number", "groupChar": ","}, values)
    assert_sound({"type": "number", "groupChar": ",", "bareNumber": False}, values)


@SETTINGS
@given(number_text, number_text)
@example("1.0", "1")
@example("-0", "0.000")
@example("007.50", "7.5")
def test_decimal_canon_is_equality(a, b):
    da, db = decimal.Decimal(a), decimal.Decimal(b)
    assert (da == db) == (_types.decimal_canon(da) == _types.decimal_canon(db))
    vec = _types.decimal_canon_vec(pa.array([a, b])).to_pylist()
    assert vec == [_types.decimal_canon(da), _types.decimal_canon(db)]


def test_decimal_canon_special_values():
    assert _types.decimal_canon(decimal.Decimal("NaN")) is _types.NAN
    assert _types.decimal_canon(decimal.Decimal("Infinity")) == _types.decimal_canon(decimal.Decimal("inf"))
    assert _types.decimal_canon(decimal.Decimal("1E+3")) == _types.decimal_canon(1000)
    assert _types.decimal_canon(1.5) == _types.decimal_canon(decimal.Decimal("1.50"))
    with pytest.raises(_types.Unsupported):
        _types.decimal_canon(decimal.Decimal("sNaN"))


@SETTINGS
@given(st.lists(st.from_regex(r"\A-?[0-9]{1,19}\Z", fullmatch=True), min_size=1, max_size=20))
def test_integer_and_year_fast_paths_are_sound(values):
    assert_sound({"type": "integer"}, values)
    assert_sound({"type": "integer", "bareNumber": False}, values)
    assert_sound({"type": "year"}, values)


# --------------------------------------------------------------------------- dates and times

date_like = st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z", fullmatch=True)


@SETTINGS
@given(st.lists(date_like, min_size=1, max_size=30))
@example(["2020-02-29", "2019-02-29", "0000-01-01", "2000-02-29", "1900-02-29", "2566-12-31"])
def test_date_fast_path_is_sound(values):
    assert_sound({"type": "date"}, values)
    plan = plan_for({"type": "date"})
    ok, _ = fast_ok(plan, values)
    for value, accepted in zip(values, ok):
        try:
            dt.datetime.strptime(value, "%Y-%m-%d")
            valid = True
        except ValueError:
            valid = False
        assert accepted == valid, value  # for this strict shape, the fast path is complete


@SETTINGS
@given(st.lists(st.from_regex(r"\A[0-9]{2}/[0-9]{2}/[0-9]{4}( [0-9]{2}:[0-9]{2})?\Z", fullmatch=True), min_size=1, max_size=20))
def test_custom_date_format_is_sound(values):
    assert_sound({"type": "date", "format": "%d/%m/%Y"}, values)
    assert_sound({"type": "datetime", "format": "%d/%m/%Y %H:%M"}, values)


@SETTINGS
@given(st.lists(st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?\Z", fullmatch=True), min_size=1, max_size=20))
def test_datetime_fast_path_is_sound(values):
    assert_sound({"type": "datetime"}, values)


@SETTINGS
@given(st.lists(st.from_regex(r"\A[0-9]{2}:[0-9]{2}:[0-9]{2}\Z", fullmatch=True), min_size=1, max_size=20))
def test_time_fast_path_is_sound(values):
    assert_sound({"type": "time"}, values)


@SETTINGS
@given(st.lists(st.from_regex(r"\A[0-9]{4}-[0-9]{2}\Z", fullmatch=True), min_size=1, max_size=20))
def test_yearmonth_fast_path_is_sound(values):
    assert_sound({"type": "yearmonth"}, values)


def test_calendar_helpers_match_python():
    days = np.arange(-800_000, 3_000_000, 997)
    dates = [dt.date(1970, 1, 1) + dt.timedelta(days=int(d)) for d in days if 0 < 719163 + d < 3652059]
    y = np.array([d.year for d in dates]); m = np.array([d.month for d in dates]); d_ = np.array([d.day for d in dates])
    assert (_types.days_from_civil(y, m, d_) == np.array([_types.date_key_py(d) for d in dates])).all()
    ys, ms, ds = np.meshgrid(np.array([1, 4, 100, 400, 1900, 2000, 2019, 2020, 2566, 9999]), np.arange(0, 14), np.arange(0, 33))
    ys, ms, ds = ys.ravel(), ms.ravel(), ds.ravel()

    def valid(a, b, c):
        try:
            dt.date(int(a), int(b), int(c))
            return True
        except ValueError:
            return False

    assert list(_types.valid_ymd(ys, ms, ds)) == [valid(a, b, c) for a, b, c in zip(ys, ms, ds)]


# --------------------------------------------------------------------------- strings


@settings(SETTINGS, max_examples=25)
@given(st.lists(st.from_regex(py_regex(_types._EMAIL), fullmatch=True), min_size=1, max_size=8))
@example(["a@b.co", "x.y+z@sub-1.example.go.th", "A@B.CD"])
def test_email_fast_path_is_sound(values):
    assert_sound({"type": "string", "format": "email"}, values)


@SETTINGS
@given(st.lists(st.from_regex(py_regex(_types._URI), fullmatch=True), min_size=1, max_size=10))
@example(["a:", "http://a b", "x:%", "a:[", "a:]", "a:{}"])
def test_uri_fast_path_is_sound(values):
    assert_sound({"type": "string", "format": "uri"}, values)


@SETTINGS
@given(st.lists(st.from_regex(py_regex(_types._UUID), fullmatch=True), min_size=1, max_size=10))
def test_uuid_fast_path_is_sound(values):
    assert_sound({"type": "string", "format": "uuid"}, values)


@SETTINGS
@given(st.lists(st.from_regex(py_regex(_types._BASE64), fullmatch=True), min_size=1, max_size=10))
def test_binary_fast_path_is_sound(values):
    assert_sound({"type": "string", "format": "binary"}, values)


@SETTINGS
@given(st.lists(st.from_regex(py_regex(_types._GEOPOINT), fullmatch=True), min_size=1, max_size=10))
def test_geopoint_fast_path_is_sound(values):
    assert_sound({"type": "geopoint"}, values)


# --------------------------------------------------------------------------- pattern translation

PATTERNS = [
    "[ก-ฮ].*", "\\d+", "[A-Z]{2}-\\d{3}", "a|b", ".*x", "\\w+", "(?:ab)+", "[^,]*", "a.{0,2}",
    "\\s*\\S+", "b{,3}", "[a-c]?[^a-c]*", "(a|bc)*d", "\\bx\\b.*", "x\\Z", "[.]\\.", "(?P<n>a)b",
]
texts = st.text(alphabet=st.sampled_from(list("abcdxyzAZ019-,. \t\n_") + ["ก", "ฮ", "๑", "é", "\u00a0", "\x1c"]), max_size=8)


@pytest.mark.parametrize("pattern", PATTERNS)
@settings(max_examples=30, deadline=None, derandomize=True, database=None)
@given(values=st.lists(texts, min_size=1, max_size=30))
def test_pattern_translation_matches_python_re(pattern, values):
    tr = _regex.translate(pattern)
    assert tr is not None
    python = re.compile("^{0}$".format(pattern))
    arr = pa.array(values, pa.string())
    got = pc.match_substring_regex(arr, tr.re2).to_pylist()
    for value, matched in zip(values, got):
        unsure = "\n" in value or (tr.unicode_sensitive and not re.fullmatch(r"[ -~]*", value))
        if not unsure:
            assert matched == bool(python.match(value)), (pattern, value)


def test_untranslatable_patterns():
    for pattern in ["(?=a)a", "(a)\\1", "(?i)a", "a{2000}", "[[:alpha:]]", "(?>a)", "a++"]:
        assert _regex.translate(pattern) is None, pattern
