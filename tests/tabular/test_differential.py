"""Differential suite: the columnar validator must report exactly Frictionless' errors.

For every generated (schema, CSV) case both validators run on the same file and the error
lists must be identical -- type, row, field number, field name, cell *and* note, in order.

Honesty about fallbacks: ``validate_table`` may hand a case to Frictionless (then equality
is trivial). Every such case must have one of the documented reasons below, is counted,
and ``test_columnar_share`` fails if the columnar path ran for < 80% of the cases -- no case is
skipped silently. Run with ``-s`` to see the tally.
"""
from __future__ import annotations

import collections
import os
import tempfile

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from catalog.tabular import columnar, validate_reference, validate_table

from .strategies import Case, cases

#: Fallback reasons the columnar path is documented to have (see columnar.py docstring).
DOCUMENTED_FALLBACKS = (
    'blank lines in a file where "" is not a missing value',
    "sniffed dialect has skipInitialSpace",
    "invalid metadata",
    "invalid schema",
    "escape character",
    "integer beyond int64 in a unique/enum field",
    "signalling NaN",
    'encoding "',
    "no header labels",
    "non-default dialect",
    "cannot open",
    "unterminated quoted field",
)

TALLY: collections.Counter = collections.Counter()
SETTINGS = dict(
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


def full(errors):
    return [(e.type, e.row_number, e.field_number, e.field_name, e.cell, e.note) for e in errors]


#: how columns are checked: per distinct value (dictionary) or per row -- both must agree
MODES = st.sampled_from(["auto", "never", "always"])


def check(case: Case, tally_key: str, block_size: int = 1 << 14, mode: str = "auto") -> None:
    fd, path = tempfile.mkstemp(suffix=case.suffix)
    previous = columnar.DICTIONARY_MODE
    columnar.DICTIONARY_MODE = mode
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(case.data)
        reference = validate_reference(path, case.schema, encoding=case.encoding, limit_errors=case.limit_errors)
        batches = []
        report = validate_table(
            path,
            case.schema,
            encoding=case.encoding,
            limit_errors=case.limit_errors,
            on_batch=lambda b, first: batches.append((first, b.num_rows)),
            block_size=block_size,
        )
    finally:
        columnar.DICTIONARY_MODE = previous
        os.unlink(path)
    if report.engine == "columnar":
        TALLY[tally_key + ":columnar"] += 1
        event("columnar")
        # on_batch saw contiguous rows from the row after the header
        expect = start = report.header_row + 1
        for first, count in batches:
            assert first == expect
            expect += count
        assert expect - start == report.rows
    else:
        reason = report.fallback_reason or ""
        TALLY[tally_key + ":fallback"] += 1
        TALLY["reason:" + reason.split(":")[0]] += 1
        event("fallback: " + reason.split(":")[0])
        assert any(doc in reason for doc in DOCUMENTED_FALLBACKS), f"undocumented fallback: {reason}"
    assert full(report.errors) == full(reference.errors)


@pytest.mark.slow
@settings(max_examples=450, **SETTINGS)
@given(cases(), MODES)
def test_same_errors_as_frictionless(case: Case, mode: str) -> None:
    check(case, "general", mode=mode)


@pytest.mark.slow
@settings(max_examples=100, **SETTINGS)
@given(cases(max_rows=60), MODES)
def test_same_errors_as_frictionless_longer_files(case: Case, mode: str) -> None:
    # more rows: more duplicates, and 1 KB pyarrow blocks so that batches, irregular rows
    # and duplicate keys straddle batch boundaries
    check(case, "long", block_size=1 << 10, mode=mode)


RAW_SCHEMAS = [
    {"fields": [{"name": "a"}, {"name": "b", "type": "integer"}, {"name": "c"}]},
    {"fields": [{"name": "a"}, {"name": "b", "type": "integer"}, {"name": "c"}], "missingValues": ["NA"]},
]


@pytest.mark.slow
@settings(max_examples=200, **SETTINGS)
@given(
    body=st.text(alphabet=st.sampled_from(list('a,,,"\n\r 1ก;')), max_size=60),
    header=st.sampled_from(["a,b,c\n", "a,b,c\r\n", '"a",b,c\n']),
    schema=st.sampled_from(RAW_SCHEMAS),
)
def test_same_errors_on_malformed_csv_text(body: str, header: str, schema: dict) -> None:
    # not written by csv.writer: stray quotes, unterminated quotes, lone \r, ragged rows --
    # where pyarrow's and Python's CSV parsers could disagree
    check(Case(schema=schema, data=(header + body).encode(), encoding=None, limit_errors=1000), "raw", block_size=1 << 10)


@pytest.mark.slow
def test_columnar_share() -> None:
    """The differential suite must mostly exercise the columnar path, not the fallback."""
    n_columnar = TALLY["general:columnar"] + TALLY["long:columnar"]
    fallback = TALLY["general:fallback"] + TALLY["long:fallback"]
    if n_columnar + fallback == 0:
        pytest.skip("run together with the differential tests")
    print(f"\ndifferential cases: {n_columnar + fallback} ({n_columnar} columnar, {fallback} fallback)"
          f" + {TALLY['raw:columnar'] + TALLY['raw:fallback']} malformed-text cases"
          f" ({TALLY['raw:columnar']} columnar); fallback reasons, all suites:")
    for key, value in sorted(TALLY.items()):
        if key.startswith("reason:"):
            print(f"  fallback {key[7:]!r}: {value}")
    assert n_columnar + fallback >= 550
    # ~86% today; most fallbacks are blank lines in files where "" is not a missing value
    assert n_columnar >= 0.80 * (n_columnar + fallback)
