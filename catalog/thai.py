"""Thai-specific number and date conventions that break machine-readable data.

Why: Thai spreadsheets often hold numbers typed with Thai digits (๑๒๓), with thousands
separators (``"118,118"``) or as Buddhist-era years (พ.ศ. 2566 = ค.ศ. 2023). A human reads them
fine; a CSV parser, CKAN's DataStore and every chart do not, and a year column that mixes
2023 and 2566 silently puts half the rows 543 years away. These helpers normalise the values
and report the rows, vectorised over pyarrow arrays so they run on whole columns or on the
batches of a streaming read (``first_row`` is the file row of the first value; header = 1).
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from catalog import findings, pii
from catalog.findings import Finding

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
BE_OFFSET = 543
BE_MIN, BE_MAX = 2400, 2700  # Buddhist-era years we recognise (CE 1857..2157)
CE_MIN, CE_MAX = 1800, 2200
MAX_ROWS, MAX_EXAMPLES = 5, 3

_THAI_DIGIT_RE = "[๐-๙]"
_DIGIT = "[0-9๐-๙]"
_THOUSANDS_RE = rf"^\s*[-+]?{_DIGIT}{{1,3}}(,{_DIGIT}{{3}})+(\.{_DIGIT}+)?\s*$"
_BE_YEAR = r"(?:2[4-6][0-9]{2}|2700)"
_BE_DATE_RE = (rf"^\s*(?:{_BE_YEAR}[-/.][0-9]{{1,2}}[-/.][0-9]{{1,2}}"
               rf"|[0-9]{{1,2}}[-/.][0-9]{{1,2}}[-/.]{_BE_YEAR})(?:$|[^0-9])")


# ---------------------------------------------------------------- value helpers


_NUMERIC_TEXT_RE = "[\u0E50-\u0E59,]"  # a Thai digit or a comma somewhere in the cell


def _array(values: Any) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks() if values.num_chunks else pa.array([], values.type)
    if isinstance(values, pa.Array):
        return values
    return pa.array(values)


def _is_text(arr: pa.Array) -> bool:
    return pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)


def to_ascii_digits(values: Any) -> Any:
    """``"๒๕๖๖"`` -> ``"2566"``. Accepts a str or a string array; non-text arrays pass through."""
    if isinstance(values, str):
        return values.translate(str.maketrans(THAI_DIGITS, "0123456789"))
    arr = _array(values)
    if not _is_text(arr) or not pc.any(pc.match_substring_regex(arr, _THAI_DIGIT_RE)).as_py():
        return arr
    for i, digit in enumerate(THAI_DIGITS):
        arr = pc.replace_substring(arr, digit, str(i))
    return arr


def has_thai_digits(values: Any) -> pa.BooleanArray:
    arr = _array(values)
    if not _is_text(arr):
        return pa.array(np.zeros(len(arr), bool))
    return pc.fill_null(pc.match_substring_regex(arr, _THAI_DIGIT_RE), False)


def has_thousands_separator(values: Any) -> pa.BooleanArray:
    arr = _array(values)
    if not _is_text(arr):
        return pa.array(np.zeros(len(arr), bool))
    return pc.fill_null(pc.match_substring_regex(arr, _THOUSANDS_RE), False)


def parse_number(values: Any) -> pa.DoubleArray:
    """Numbers as a Thai steward types them -> float64; unparseable cells become null.

    Thai digits become ASCII, thousands separators and surrounding spaces go away.
    """
    arr = _array(values)
    if not _is_text(arr):
        return pc.cast(arr, pa.float64())
    text = pc.utf8_trim_whitespace(to_ascii_digits(arr))
    text = pc.if_else(has_thousands_separator(text), pc.replace_substring(text, ",", ""), text)
    ok = pc.fill_null(pc.match_substring_regex(
        text, r"^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$"), False)
    return pc.cast(pc.if_else(ok, text, pa.scalar(None, text.type)), pa.float64())


def years(values: Any) -> pa.Int64Array:
    """Four-digit years (Thai or ASCII digits, text or integers) as int64; others null."""
    arr = _array(values)
    if pa.types.is_integer(arr.type):
        return pc.cast(arr, pa.int64())
    if pa.types.is_floating(arr.type):
        whole = pc.equal(arr, pc.floor(arr))
        return pc.cast(pc.if_else(whole, arr, pa.scalar(None, arr.type)), pa.int64())
    if not _is_text(arr):
        return pa.nulls(len(arr), pa.int64())
    text = pc.utf8_trim_whitespace(to_ascii_digits(arr))
    ok = pc.fill_null(pc.match_substring_regex(text, r"^[0-9]{4}$"), False)
    return pc.cast(pc.if_else(ok, text, pa.scalar(None, text.type)), pa.int64())


def is_buddhist_year(values: Any) -> pa.BooleanArray:
    y = years(values)
    return pc.fill_null(pc.and_(pc.greater_equal(y, BE_MIN), pc.less_equal(y, BE_MAX)), False)


def be_to_ce(values: Any) -> pa.Int64Array:
    """Buddhist-era years to Gregorian (BE - 543); years already CE are left as they are."""
    y = years(values)
    return pc.if_else(is_buddhist_year(y), pc.subtract(y, BE_OFFSET), y)


def ce_to_be(values: Any) -> pa.Int64Array:
    y = years(values)
    ce = pc.fill_null(pc.and_(pc.greater_equal(y, CE_MIN), pc.less_equal(y, CE_MAX)), False)
    return pc.if_else(ce, pc.add(y, BE_OFFSET), y)


def be_date_to_ce(text: str) -> str:
    """``"2566-01-31"`` -> ``"2023-01-31"``, ``"31/01/2566"`` -> ``"31/01/2023"`` (one value)."""
    text = to_ascii_digits(text)
    return re.sub(r"(?<![0-9])(2[4-6][0-9]{2}|2700)(?![0-9])",
                  lambda m: str(int(m.group(1)) - BE_OFFSET), text, count=1)


# ---------------------------------------------------------------- checks (findings)


def _report(make, code: str, column: str, hit: pa.BooleanArray | np.ndarray, arr: pa.Array,
            first_row: int, loc: dict, example=lambda v: v, **params: Any) -> list[Finding]:
    mask = hit.to_numpy(zero_copy_only=False) if isinstance(hit, pa.Array) else hit
    positions = np.flatnonzero(mask)
    if len(positions) == 0:
        return []
    rows = [int(p) + first_row for p in positions[:MAX_ROWS]]
    personal = pii.looks_personal(column)
    examples = []
    for value in arr.take(pa.array(positions[: MAX_EXAMPLES * 3])).to_pylist():
        text = (pii.mask_text(value) if personal else pii.redact(value)).strip()
        shown = example(text)
        if shown not in examples and len(examples) < MAX_EXAMPLES:
            examples.append(shown)
    return [make(code, field=column, row=rows[0], **loc, column_name=column,
                 count=len(positions), rows=rows,
                 more="…" if len(positions) > len(rows) else "", examples=examples, **params)]


def check_thai_digits(column: str, values: Any, first_row: int = 2,
                      **loc: Any) -> list[Finding]:
    """Cells of a numeric column written with Thai digits (WARNING: parsers won't read them)."""
    arr = _array(values)
    return _report(findings.warning, "THAI_DIGITS", column, has_thai_digits(arr), arr,
                   first_row, loc, example=lambda v: f'"{v}" → {to_ascii_digits(v)}')


def check_thousands_separators(column: str, values: Any, first_row: int = 2,
                               **loc: Any) -> list[Finding]:
    """Cells of a numeric column like ``"118,118"`` (WARNING: read as text, or split in CSV)."""
    arr = _array(values)
    return _report(findings.warning, "THAI_THOUSANDS_SEPARATOR", column,
                   has_thousands_separator(arr), arr, first_row, loc,
                   example=lambda v: f'"{v}" → {v.replace(",", "")}')


def check_numeric_text(column: str, values: Any, first_row: int = 2,
                       **loc: Any) -> list[Finding]:
    """Both number checks, for a column the schema says is numeric but was read as text."""
    arr = _array(values)
    if _is_text(arr) and not pc.any(pc.match_substring_regex(arr, _NUMERIC_TEXT_RE)).as_py():
        return []  # one pass finds neither Thai digits nor commas: the usual case, done
    return (check_thai_digits(column, values, first_row, **loc)
            + check_thousands_separators(column, values, first_row, **loc))


def check_be_dates(column: str, values: Any, first_row: int = 2, **loc: Any) -> list[Finding]:
    """Dates with Buddhist-era years (``2566-01-31``, ``31/01/2566``): a date parser takes them
    as the year 2566 CE."""
    arr = _array(values)
    if not _is_text(arr):
        return []
    hit = pc.fill_null(pc.match_substring_regex(to_ascii_digits(arr), _BE_DATE_RE), False)
    return _report(findings.warning, "THAI_BE_DATE", column, hit, arr, first_row, loc,
                   example=lambda v: f'"{v}" → {be_date_to_ce(v)}')


def check_year_eras(column: str, values: Any, first_row: int = 2,
                    **loc: Any) -> list[Finding]:
    """A year column mixing Gregorian (e.g. 2023) and Buddhist-era (e.g. 2566) values.

    Only judged when at least 90% of the non-null values are years of either era, so a
    count column holding 2000 and 2500 is not mistaken for a year column. The rows of the
    less common era are reported: they are most likely the mistakes.
    """
    arr = _array(values)
    y = years(arr)
    valid = len(y) - y.null_count
    if valid == 0:
        return []
    be = is_buddhist_year(y).to_numpy(zero_copy_only=False)
    ce = pc.fill_null(pc.and_(pc.greater_equal(y, CE_MIN), pc.less_equal(y, CE_MAX)),
                      False).to_numpy(zero_copy_only=False)
    n_be, n_ce = int(be.sum()), int(ce.sum())
    if n_be == 0 or n_ce == 0 or (n_be + n_ce) < 0.9 * (len(arr) - arr.null_count):
        return []
    minority, era = (ce, "ce") if n_ce <= n_be else (be, "be")
    return _report(findings.warning, "THAI_MIXED_ERAS", column, minority, arr, first_row, loc,
                   be_count=n_be, ce_count=n_ce, minority=era,
                   minority_en="Gregorian (CE)" if era == "ce" else "Buddhist-era (BE)",
                   minority_th="ค.ศ." if era == "ce" else "พ.ศ.")
