"""Columnar Table Schema validation of CSV files: pyarrow parses, pyarrow.compute checks.

Same errors as Frictionless v5 (``reference.py``) -- type, row, field, cell, note and order --
at 25-70x its speed, and the file is parsed once: ``on_batch`` hands every record batch to
other scans (PII, statistics for great-expectations...).

How it stays identical to Frictionless
--------------------------------------
* **Source detection is Frictionless' own**: the resource is opened with Frictionless (it
  reads only its 100 KB buffer and 100-row sample) for the encoding (chardet; a BOM turns
  ``utf-8`` into ``utf-8-sig``), the dialect it sniffs with ``csv.Sniffer`` over ``,\\t;|``,
  the header row (Frictionless moves it down past leading rows much narrower than the
  sample's average width; rows above it are not validated) and the labels. pyarrow is then
  configured with that very dialect.
* **Rows are numbered like Frictionless** (every CSV record counts, header = 1). pyarrow reads
  with a fixed width (the number of labels); records of another width come back through
  ``invalid_row_handler`` with their record number, are re-parsed with Python's ``csv`` and
  the same dialect, padded with nulls (missing cells) or trimmed (extra cells), and merged
  back at their position: the batches ``on_batch`` sees are contiguous.
* **Cell checks are vectorised sound subsets** (``_types.py``): a value the fast path does not
  vouch for goes through Frictionless' own cell reader, so odd-but-valid values (Thai digits,
  ``1_000``, ``2020-1-5``...) and bad values get exactly Frictionless' verdict and note.
  Bounds too close to call in float64 are decided in ``Decimal`` the same way. Columns with
  few distinct values are checked once per distinct value.
* **Error order is Frictionless' order**, quirks included: within a row, the fields a
  ``unique``/``primaryKey`` check reads come first; ``blank-row`` replaces every other error
  of its row (extra cells included); ``required`` on a cell absent from a short row reports
  ``cell == "None"``; ``unique-error`` reports the *parsed* value and names the latest
  earlier row with that value; ``NaN`` is never a duplicate. ``limit_errors`` truncates
  where Frictionless does. Extra labels become ``any`` columns named after the label, with
  Frictionless' default ``missingValues`` ``[""]`` whatever the schema says.

What goes to the reference instead (``supports()`` / ``fallback_reason`` say why)
---------------------------------------------------------------------------------
Non-CSV formats (XLSX...) and compressed files; encodings that are not ASCII-compatible
(UTF-16/32); a sniffed dialect pyarrow cannot reproduce (``skipInitialSpace``, escape
characters); an invalid schema or resource (Frictionless reports it: e.g.
``exclusiveMinimum`` needs a datapackage v2 ``$schema``); ``foreignKeys``; ``fieldsMatch``
other than ``exact``; ``floatNumber``; ``minimum``/``maximum`` on datetime/time/geopoint and
exotic types; ``unique``/``primaryKey`` on duration/object/array/list/geojson; an empty file
or no header labels; and -- only when some column does not treat ``""`` as missing -- files
that may contain blank lines (pyarrow cannot tell a blank line, ``[]`` for Python's csv, from
a row of empty cells). Problems only met while reading (invalid UTF-8 or undecodable bytes
past the sample, a record longer than ``block_size``, a parse the two readers disagree on)
abandon the columnar read and re-run the reference (``batches_complete=False``).

Deviations from ``frictionless validate`` (deliberate)
------------------------------------------------------
* Where Frictionless *crashes* instead of reporting (``"sNaN"`` in a unique number column:
  ``TypeError: Cannot hash a signaling NaN value``) the report holds one ``check-error``.
* ``TableReport.rows`` counts the data rows validated (up to the error limit when partial).
* Encoding detection is Frictionless' chardet guess, wrong for some short cp874 files (it
  picks e.g. big5 or cp1026): pass ``encoding="cp874"`` when the manifest knows it.

Memory
------
Bounded by a few record batches (``block_size`` of CSV each; pyarrow's own 32-block
read-ahead is throttled to 3) plus, for ``unique`` and ``primaryKey`` columns, the canonical
key of every row seen (int64 or string; raw strings too for number/datetime/time/geopoint
unique columns, to phrase the error) -- the "set of seen keys" Frictionless also keeps,
in Arrow arrays instead of a dict. Errors are kept only up to ``limit_errors``.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import queue
import threading
import time
from dataclasses import dataclass, field as dc_field
from typing import Any, Callable, Optional, Union

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

import frictionless
from frictionless import Field, system
from frictionless.table.label_matching import deduplicate_names

from . import _types
from ._types import Unsupported, np_bool
from .errors import TableError, TableReport
from .reference import DEFAULT_LIMIT_ERRORS, SchemaLike, load_schema, make_resource, validate_reference

__all__ = [
    "validate_table",
    "supports",
    "Support",
    "DEFAULT_BLOCK_SIZE",
]

DEFAULT_BLOCK_SIZE = 8 << 20

OnBatch = Callable[[pa.RecordBatch, int], None]


@dataclass(frozen=True)
class Support:
    """Whether the columnar path can validate a file; ``reason`` says why not."""

    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


# --------------------------------------------------------------------------- preparation


@dataclass
class _FieldState:
    number: int  # 1-based field number
    name: str
    field: Any  # frictionless Field
    plan: _types.Plan
    missing_values: list[str]
    missing_set: pa.Array
    required_note: Optional[str]
    required_value: Any
    cons_order: list[str]
    reader: Callable[[Any], tuple]
    need_keys: bool = False
    cache: dict = dc_field(default_factory=dict)
    enum_set: Optional[pa.Array] = None
    #: check distinct values only (low-cardinality column)? None = not decided yet
    dictionary: Optional[bool] = None
    bounds: list[tuple[str, Any]] = dc_field(default_factory=list)
    lengths: list[tuple[str, int]] = dc_field(default_factory=list)

    def note(self, name: str) -> str:
        return f'constraint "{name}" is "{self.field.constraints[name]}"'


@dataclass
class _Prepared:
    path: str
    encoding: str
    dialect: Any  # python csv dialect
    labels: list[str]
    fields: list[_FieldState]
    header_errors: list[TableError]
    unique: list[int]  # indexes into fields
    pk: list[int]  # indexes into fields (schema.primary_key order), [] if none
    arrow_encoding: str
    header_row: int = 1


def _missing_values(field: Any) -> list[str]:
    if not field.has_defined("missing_values") and field.schema:
        return list(field.schema.missing_values)
    return list(field.missing_values)


def _field_state(number: int, field: Any) -> _FieldState:
    plan = _types.make_plan(field)
    constraints = field.constraints or {}
    cons_order = [
        name for name in field.supported_constraints if constraints.get(name) is not None
    ]
    missing_values = _missing_values(field)
    state = _FieldState(
        number=number,
        name=field.name,
        field=field,
        plan=plan,
        missing_values=missing_values,
        missing_set=pa.array([str(v) for v in missing_values], pa.string()),
        required_note=None,
        required_value=constraints.get("required"),
        cons_order=cons_order,
        reader=field.create_cell_reader(),
    )
    if "required" in cons_order and constraints["required"]:
        state.required_note = state.note("required")
    for name in _types.BOUNDS:
        if name in cons_order:
            state.bounds.append((name, plan.order_py(plan.value_reader(constraints[name]))))
    for name in ("minLength", "maxLength"):
        if name in cons_order:
            state.lengths.append((name, constraints[name]))
    if "enum" in cons_order and plan.supports_keys:
        keys = plan.enum_keys()
        if plan.key_type == pa.int64():
            # members beyond int64 can only equal residual values, which Frictionless'
            # reader checks against the enum itself
            keys = [k for k in keys if _types.INT64_MIN <= k <= _types.INT64_MAX]
        state.enum_set = pa.array(keys, plan.key_type if keys else pa.string())
    return state


def _header_errors(labels: list[str], fields: list[Any], row: int = 1) -> list[TableError]:
    """Frictionless' ``Header`` checks for ``fieldsMatch: exact`` (labels by position)."""
    errors: list[TableError] = []
    for number in range(len(fields) + 1, len(labels) + 1):
        errors.append(TableError("extra-label", row, number, "", labels[number - 1], ""))
    for offset, field in enumerate(fields[len(labels):]):
        errors.append(TableError("missing-label", row, len(labels) + 1 + offset, field.name, "", ""))
    for number, (field, label) in enumerate(zip(fields, labels), start=1):
        if not label:
            errors.append(TableError("blank-label", row, number, field.name, "", ""))
        if label:
            seen = [k for k, other in enumerate(labels[: number - 1], start=1) if other == label]
            if seen:
                note = 'at position "%s"' % ", ".join(map(str, seen))
                errors.append(TableError("duplicate-label", row, number, field.name, label, note))
                label = None
        if label and label != field.name:
            errors.append(TableError("incorrect-label", row, number, field.name, label, ""))
    return errors


def _ascii_compatible(encoding: str) -> bool:
    probe = 'a,;|\t"\r\n0'
    try:
        if codecs.lookup(encoding).name in ("utf-8", "utf-8-sig"):
            return True
        if codecs.lookup(encoding).name in ("utf-16", "utf-32", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
            return False
        return probe.encode(encoding) == probe.encode("ascii")
    except (LookupError, UnicodeError):
        return False


def _has_blank_lines(path: str) -> bool:
    """Could the file contain a blank line (conservatively: also inside quoted values)?"""
    tail = b""
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(16 << 20)
            if not chunk:
                return False
            data = tail + chunk
            if b"\n\n" in data or b"\r\r" in data or b"\n\r" in data:
                return True
            tail = chunk[-1:]


def _prepare(
    path: Union[str, os.PathLike],
    schema: SchemaLike,
    *,
    encoding: Optional[str],
    delimiter: Optional[str],
) -> _Prepared:
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise Unsupported("not a local file")
    try:
        schema_obj = load_schema(schema)
    except frictionless.FrictionlessException as exc:
        raise Unsupported(f"invalid schema: {exc.error.note}") from None
    try:
        resource = make_resource(path, schema_obj, encoding=encoding, delimiter=delimiter)
    except frictionless.FrictionlessException as exc:
        raise Unsupported(f"resource: {exc.error.note}") from None
    if resource.format not in ("csv", "tsv"):
        raise Unsupported(f'format "{resource.format}" is read by Frictionless')
    if resource.compression:
        raise Unsupported("compressed file")
    if schema_obj.foreign_keys:
        raise Unsupported("foreignKeys")
    if schema_obj.has_defined("fields_match") and schema_obj.fields_match != "exact":
        raise Unsupported(f'fieldsMatch "{schema_obj.fields_match}"')
    previous = system.trusted
    system.trusted = True
    try:
        try:
            resource.to_descriptor(validate=True)
        except frictionless.FrictionlessException as exc:
            raise Unsupported(f"invalid metadata: {exc.error.note}") from None
        try:
            resource.open()
        except frictionless.FrictionlessException as exc:
            raise Unsupported(f"cannot open: {exc.error.note}") from None
        try:
            enc = resource.encoding
            labels = list(resource.labels)
            fragment_empty = not resource.fragment
            dialect = resource.dialect
            control = dialect.get_control("csv")
            py_dialect = control.to_python()
        finally:
            resource.close()
    finally:
        system.trusted = previous
    if not labels:
        raise Unsupported("no header labels (empty file or blank first line)")
    # Frictionless moves the header down to the first sample row whose width is close to
    # the average width (Detector.detect_dialect): rows above it are not validated at all.
    header_rows = list(dialect.header_rows) if dialect.header else []
    if len(header_rows) != 1 or dialect.to_descriptor().keys() - {"csv", "headerRows"}:
        raise Unsupported("non-default dialect")
    if py_dialect.skipinitialspace:
        raise Unsupported("sniffed dialect has skipInitialSpace")
    if py_dialect.escapechar:
        raise Unsupported("escape character")
    if not py_dialect.doublequote or py_dialect.quoting != csv.QUOTE_MINIMAL:
        raise Unsupported("quoting mode")
    if len(py_dialect.delimiter) != 1 or len(py_dialect.quotechar or "") != 1:
        raise Unsupported("delimiter/quote char")
    if not _ascii_compatible(enc):
        raise Unsupported(f'encoding "{enc}"')
    del fragment_empty

    # The fields the rows are checked against: the schema field at each label's position,
    # an "any" field named after the label for labels beyond the schema (Frictionless'
    # Header.get_expected_fields, fieldsMatch "exact").
    schema_fields = list(schema_obj.fields)
    names = deduplicate_names(
        [schema_fields[i].name if i < len(schema_fields) else label for i, label in enumerate(labels)]
    )
    expected: list[Any] = []
    for i, name in enumerate(names):
        if i < len(schema_fields):
            expected.append(schema_fields[i])
        else:
            expected.append(Field.from_descriptor({"name": name, "type": "any"}))
    states = [_field_state(i + 1, f) for i, f in enumerate(expected)]
    by_name = {s.name: i for i, s in enumerate(states)}
    unique = [i for i, s in enumerate(states) if (s.field.constraints or {}).get("unique")]
    pk_names = list(schema_obj.primary_key)
    pk: list[int] = []
    if pk_names and set(pk_names).issubset(by_name):
        pk = [by_name[n] for n in pk_names]
    for i in set(unique) | set(pk):
        if not states[i].plan.supports_keys:
            raise Unsupported(f'unique/primaryKey on a {states[i].field.type} field')
        states[i].need_keys = True
    if any("" not in s.missing_values for s in states) and _has_blank_lines(path):
        raise Unsupported('blank lines in a file where "" is not a missing value')
    arrow_encoding = "utf8" if codecs.lookup(enc).name in ("utf-8", "utf-8-sig") else enc
    return _Prepared(
        path=path,
        encoding=enc,
        dialect=py_dialect,
        labels=labels,
        fields=states,
        header_errors=_header_errors(labels, schema_fields, header_rows[0]),
        unique=unique,
        pk=pk,
        arrow_encoding=arrow_encoding,
        header_row=header_rows[0],
    )


def supports(
    path: Union[str, os.PathLike],
    schema: SchemaLike,
    *,
    encoding: Optional[str] = None,
    delimiter: Optional[str] = None,
) -> Support:
    """Can ``validate_table`` check this file column-wise (else it uses Frictionless)?

    Cheap: reads Frictionless' sample (and scans bytes for blank lines only when a column
    does not treat ``""`` as missing). A file can still fall back mid-read (e.g. invalid
    UTF-8 deep in the file); ``TableReport.engine`` is the final word.
    """
    try:
        _prepare(path, schema, encoding=encoding, delimiter=delimiter)
    except Unsupported as exc:
        return Support(False, str(exc))
    return Support(True)


# --------------------------------------------------------------------------- per batch


@dataclass
class _Cells:
    """The outcome of one field over one batch."""

    absent: np.ndarray
    blank: np.ndarray  # absent or missing value (Frictionless' "blank cell")
    none: np.ndarray  # parsed value is None (blank or type error)
    has_err: np.ndarray
    errs: dict[int, list[tuple[str, str, str]]]  # row index -> [(type, note, cell)]
    keys: Optional[pa.Array] = None  # canonical keys (garbage where none)
    nan: Optional[np.ndarray] = None  # NaN values: equal to nothing, not even themselves
    big: Optional[dict[int, str]] = None  # row index -> str(key) of ints beyond int64 (key null)


#: "auto": a column whose first batch has few distinct values is checked through its
#: dictionary (each distinct value once); "never"/"always" are for tests.
DICTIONARY_MODE = "auto"
_DICTIONARY_RATIO = 0.25


def _check_field(st: _FieldState, arr: pa.Array, row_numbers: np.ndarray) -> _Cells:
    """Check one column of a batch: the errors of its cells, their keys, blanks..."""
    mode = DICTIONARY_MODE
    use = mode == "always" or (mode == "auto" and st.dictionary is not False)
    if use and len(arr):
        enc = pc.dictionary_encode(arr)
        small = len(enc.dictionary) <= _DICTIONARY_RATIO * len(arr)
        if mode == "auto" and st.dictionary is None:
            st.dictionary = small  # decided once per column, on its first batch
        if mode == "always" or small:
            cells = _expand(st, _check_values(st, enc.dictionary), enc.indices)
            return _finish(cells, row_numbers)
    return _finish(_check_values(st, arr), row_numbers)


def _expand(st: _FieldState, d: _Cells, indices: pa.Array) -> _Cells:
    """Per-distinct-value results -> per-row results (null index = absent cell)."""
    n = len(indices)
    absent = np_bool(indices.is_null())
    if not len(d.blank):  # every cell of the batch is absent
        no = np.zeros(1, dtype=bool)
        key_type = pa.int64() if st.plan.key_type == pa.int64() else pa.large_string()
        d = _Cells(no, no, no, no, {}, pa.nulls(1, key_type) if st.need_keys else None, no, {})
        indices = pa.nulls(n, pa.int32())
    idx = pc.fill_null(indices, 0).to_numpy(zero_copy_only=False)
    present = ~absent
    blank = absent | (d.blank[idx] & present)
    none = absent | (d.none[idx] & present)
    has_err = d.has_err[idx] & present
    errs: dict[int, list] = {}
    if has_err.any():
        for i in np.nonzero(has_err)[0]:
            errs[int(i)] = d.errs[int(idx[i])]
    if st.required_note is not None and absent.any():
        for i in np.nonzero(absent)[0]:
            errs[int(i)] = [("constraint-error", st.required_note, "None")]
        has_err |= absent
    keys = d.keys.take(indices) if d.keys is not None else None
    nan = (d.nan[idx] & present) if d.nan is not None else None
    big = None
    if d.big:
        big_entries = np.zeros(len(d.blank), dtype=bool)
        big_entries[list(d.big)] = True
        rows = np.nonzero(big_entries[idx] & present)[0]
        big = {int(i): d.big[int(idx[i])] for i in rows}
    return _Cells(absent=absent, blank=blank, none=none, has_err=has_err, errs=errs, keys=keys, nan=nan, big=big)


def _finish(cells: _Cells, row_numbers: np.ndarray) -> _Cells:
    """NaN keys become "nan#<row>": a NaN equals nothing, not even another NaN."""
    if cells.nan is not None and cells.nan.any():
        idx = np.nonzero(cells.nan)[0]
        values = pa.array(["nan#%d" % row_numbers[i] for i in idx], cells.keys.type)
        cells.keys = pc.replace_with_mask(cells.keys, pa.array(cells.nan), values)
    return cells


def _check_values(st: _FieldState, arr: pa.Array) -> _Cells:
    plan = st.plan
    n = len(arr)
    absent = np_bool(arr.is_null())
    if len(st.missing_values):
        missing = np_bool(pc.is_in(arr, value_set=st.missing_set)) & ~absent
    else:
        missing = np.zeros(n, dtype=bool)
    blank = absent | missing
    valued = ~blank
    fast = plan.fast(arr, valued)
    ok = fast.ok & valued
    violations: list[tuple[str, np.ndarray]] = []  # fast cells only

    # minimum/maximum/exclusive*: exact in int64; in float64 the cells too close to the
    # bound to decide are handed to Frictionless' reader (Decimal) instead
    order = fast.order() if st.bounds and fast.order is not None else None
    for name, bound in st.bounds:
        if order is None:  # no fast path: every value is residual
            break
        if plan.order_kind == "iso":
            lt = np_bool(pc.less(order, bound))
            eq = np_bool(pc.equal(order, bound))
        elif plan.order_kind == "int":
            b = int(bound)
            if b > _types.INT64_MAX or b < _types.INT64_MIN:
                big = b > 0
                lt = np.full(n, big)
                eq = np.zeros(n, dtype=bool)
            else:
                lt = order < b
                eq = order == b
        else:
            fb = float(bound)
            diff = order - fb
            tol = 1e-9 * max(abs(fb), 1e-300) if np.isfinite(fb) else 0.0
            with np.errstate(invalid="ignore"):
                unsure = ~(np.abs(diff) > tol)
            ok &= ~unsure
            lt = diff < 0
            eq = np.zeros(n, dtype=bool)
        if name == "minimum":
            bad = lt
        elif name == "maximum":
            bad = ~lt & ~eq
        elif name == "exclusiveMinimum":
            bad = lt | eq
        else:
            bad = ~lt
        violations.append((name, bad))
    if st.lengths:
        length = pc.utf8_length(pc.fill_null(arr, "")).to_numpy(zero_copy_only=False)
        for name, limit in st.lengths:
            violations.append((name, length < limit if name == "minLength" else length > limit))
    if "pattern" in st.cons_order:
        tr = plan.translation
        if tr is None:
            ok[:] = False
        else:
            matched = np_bool(pc.match_substring_regex(pc.fill_null(arr, ""), tr.re2))
            unsure = np_bool(pc.match_substring(pc.fill_null(arr, ""), "\n"))
            if tr.unicode_sensitive:
                unsure |= ~np_bool(pc.match_substring_regex(pc.fill_null(arr, ""), r"\A[ -~]*\z"))
            ok &= ~unsure
            violations.append(("pattern", ~matched))
    keys = None
    if st.enum_set is not None or st.need_keys:
        keys = fast.canon() if fast.canon is not None else None
    if st.enum_set is not None:
        inside = np_bool(pc.is_in(keys, value_set=st.enum_set)) if keys is not None else np.zeros(n, bool)
        violations.append(("enum", ~inside))

    residual = valued & ~ok
    type_err = np.zeros(n, dtype=bool)
    errs: dict[int, list[tuple[str, str, str]]] = {}
    has_err = np.zeros(n, dtype=bool)

    # fast cells breaking constraints, in Frictionless' constraint order
    if violations:
        order_index = {name: k for k, name in enumerate(st.cons_order)}
        violations.sort(key=lambda v: order_index[v[0]])
        any_bad = np.zeros(n, dtype=bool)
        for _, bad in violations:
            any_bad |= bad
        any_bad &= ok
        if any_bad.any():
            idx = np.nonzero(any_bad)[0]
            cells = arr.take(pa.array(idx)).to_pylist()
            for pos, i in enumerate(idx):
                errs[int(i)] = [
                    ("constraint-error", st.note(name), cells[pos]) for name, bad in violations if bad[i]
                ]
            has_err |= any_bad

    # required on blank cells
    if st.required_note is not None:
        req = blank
        if req.any():
            idx = np.nonzero(req)[0]
            cells = arr.take(pa.array(idx)).to_pylist()
            for pos, i in enumerate(idx):
                errs[int(i)] = [("constraint-error", st.required_note, str(cells[pos]))]
            has_err |= req

    # residual cells: Frictionless' own reader, once per distinct value
    res_keys: dict[int, Any] = {}
    if residual.any():
        idx = np.nonzero(residual)[0]
        values = arr.take(pa.array(idx))
        uniq = pc.unique(values)
        positions = pc.index_in(values, value_set=uniq).to_numpy(zero_copy_only=False)
        outcomes = [_read(st, v) for v in uniq.to_pylist()]
        for pos, i in enumerate(idx):
            kind, notes, key, raw = outcomes[positions[pos]]
            if notes:
                errs[int(i)] = [(kind, note, raw) for note in notes]
                has_err[i] = True
                if kind == "type-error":
                    type_err[i] = True
            if key is not None:
                res_keys[int(i)] = key
    none = blank | type_err
    nan = big = None
    if st.need_keys:
        keys, nan, big = _merge_keys(st, keys, res_keys, n)
    return _Cells(
        absent=absent, blank=blank, none=none, has_err=has_err, errs=errs, keys=keys, nan=nan, big=big
    )


def _read(st: _FieldState, raw: str) -> tuple:
    """Frictionless' verdict on one residual value: (error type, notes, key, raw)."""
    hit = st.cache.get(raw)
    if hit is not None:
        return hit
    value, notes = st.reader(raw)
    key = None
    if notes and "type" in notes:
        out = ("type-error", [notes["type"]], None, raw)
    else:
        if st.need_keys:
            key = st.plan.canon_py(value)
        out = ("constraint-error", list(notes.values()) if notes else [], key, raw)
    if len(st.cache) > 100_000:
        st.cache.clear()
    st.cache[raw] = out
    return out


def _merge_keys(st, keys, res_keys, n) -> tuple[pa.Array, np.ndarray, dict[int, str]]:
    """Fast keys with the residual values' keys put in place.

    Integer keys beyond int64 (``int("99999999999999999999")`` is fine in Python) cannot
    sit in the int64 array: their slot is null and their text is returned in ``big``.
    """
    key_type = st.plan.key_type
    if keys is None:
        keys = pa.nulls(n, key_type)
    if isinstance(keys, pa.ChunkedArray):
        keys = keys.combine_chunks()
    if key_type == pa.int64():
        keys = keys.cast(pa.int64())
    else:
        keys = keys.cast(pa.large_string())
    nan = np.zeros(n, dtype=bool)
    big: dict[int, str] = {}
    if res_keys:
        idx = sorted(res_keys)
        values = []
        for i in idx:
            k = res_keys[i]
            if k is _types.NAN:
                # made unique per row by _finish ("nan#<row>": no canonical key looks so)
                k = None
                nan[i] = True
            elif key_type == pa.int64() and not _types.INT64_MIN <= k <= _types.INT64_MAX:
                big[i] = str(k)
                k = None
            values.append(k)
        mask = np.zeros(n, dtype=bool)
        mask[idx] = True
        keys = pc.replace_with_mask(keys, pa.array(mask), pa.array(values, key_type))
    return keys, nan, big


# --------------------------------------------------------------------------- rows


@dataclass
class _Row:
    number: int
    cells: dict[int, list[tuple[str, str, str]]]  # field index -> errors
    extra: list[tuple[int, str]]
    missing: list[int]
    blank: bool
    pk_all_none: bool


def _compose(
    row: Optional[_Row],
    prep: _Prepared,
    row_number: int,
    dups: dict[int, tuple[int, str]],
    pk_dup: Optional[int],
) -> list[TableError]:
    """The errors of one row in the order Frictionless emits them (see module doc)."""
    fields = prep.fields
    out: list[TableError] = []
    processed: set[int] = set()
    full = False

    def proc(j: int) -> None:
        if j in processed:
            return
        processed.add(j)
        if row is not None:
            for kind, note, cell in row.cells.get(j, ()):
                st = fields[j]
                out.append(TableError(kind, row_number, st.number, st.name, cell, note))

    def full_process() -> None:
        nonlocal full, out
        if full:
            return
        full = True
        for j in range(len(fields)):
            proc(j)
        if row is not None:
            for number, cell in row.extra:
                out.append(TableError("extra-cell", row_number, number, "", cell, ""))
            for j in row.missing:
                st = fields[j]
                out.append(TableError("missing-cell", row_number, st.number, st.name, "", ""))
            if row.blank:
                out = [TableError("blank-row", row_number, None, None, None, "")]

    for j in prep.unique:
        proc(j)
        if j in dups:
            full_process()
            prev, cell = dups[j]
            st = fields[j]
            note = "the same as in the row at position %s" % prev
            out.append(TableError("unique-error", row_number, st.number, st.name, cell, note))
    if prep.pk:
        for j in prep.pk:
            proc(j)
        if row is not None and row.pk_all_none:
            full_process()
            note = 'cells composing the primary keys are all "None"'
            out.append(TableError("primary-key", row_number, None, None, None, note))
        elif pk_dup is not None:
            full_process()
            note = "the same as in the row at position %s" % pk_dup
            out.append(TableError("primary-key", row_number, None, None, None, note))
    full_process()
    return out


# --------------------------------------------------------------------------- reading


class _ThrottledFile(io.RawIOBase):
    """A read-only file whose ``read`` waits while ``ahead`` reads are not yet consumed.

    The wait times out (never deadlocks: worst case, memory is what pyarrow would use).
    """

    def __init__(self, path: str, ahead: int) -> None:
        super().__init__()
        self._fh = open(path, "rb", buffering=0)
        self._permits = threading.Semaphore(ahead)
        self._stopped = False

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        self._permits.acquire(timeout=0.5)
        if self._stopped:
            return b""  # reading abandoned: let pyarrow's I/O thread finish at once
        return self._fh.read(size)

    def consumed(self) -> None:
        self._permits.release()

    def stop(self) -> None:
        self._stopped = True
        self._permits.release(8)

    def close(self) -> None:
        self._stopped = True
        self._fh.close()
        super().close()


class _Reader:
    """pyarrow batches with every CSV record in place, numbered like Frictionless."""

    def __init__(self, prep: _Prepared, block_size: int) -> None:
        self.prep = prep
        self.width = len(prep.labels)
        self.names = [f"c{i}" for i in range(self.width)]
        self.invalid: list[tuple[int, str]] = []
        d = prep.dialect

        self._found: list[tuple[int, str]] = []  # filled by pyarrow, in the reading thread

        def handler(row: Any) -> str:
            if row.number is None:
                raise Unsupported("pyarrow did not number an irregular row")
            self._found.append((row.number, row.text))
            return "skip"

        # pyarrow's streaming CSV reader reads up to 32 blocks ahead on an I/O thread
        # (256 MB with 8 MB blocks): the file is wrapped so that reading stays a few
        # blocks ahead of the batches actually handed out.
        self._file = _ThrottledFile(prep.path, ahead=3)
        self.reader = pacsv.open_csv(
            self._file,
            read_options=pacsv.ReadOptions(
                use_threads=False,  # record numbers of irregular rows need a serial parse
                block_size=block_size,
                column_names=self.names,
                encoding=prep.arrow_encoding,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=d.delimiter,
                quote_char=d.quotechar,
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=handler,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in self.names},
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=True,
            ),
        )
        self.next_row = 1
        self.extra: dict[int, list[str]] = {}

    def _parse_text(self, text: str) -> list[str]:
        records = list(csv.reader(io.StringIO(text, newline=""), dialect=self.prep.dialect))
        if not records:
            return []
        if len(records) != 1:
            raise Unsupported("an irregular row parses differently in pyarrow and Python csv")
        return records[0]

    def _irregular_batch(self, items: list[tuple[int, str]]) -> pa.RecordBatch:
        columns: list[list[Optional[str]]] = [[] for _ in range(self.width)]
        for number, text in items:
            cells = self._parse_text(text)
            if len(cells) > self.width:
                self.extra[number] = cells[self.width:]
            for i in range(self.width):
                columns[i].append(cells[i] if i < len(cells) else None)
        return pa.RecordBatch.from_arrays([pa.array(c, pa.string()) for c in columns], names=self.names)

    def _produce(self, out: "queue.Queue", stop: threading.Event) -> None:
        """Reading thread: parse batch k+1 while batch k is being checked (pyarrow parses
        without the GIL). Each batch travels with the irregular rows found while reading it."""
        try:
            for batch in self.reader:
                self._file.consumed()
                found, self._found = self._found, []
                out.put((batch, found))
                if stop.is_set():
                    return
            found, self._found = self._found, []
            out.put((None, found))
        except BaseException as exc:  # handed to the consumer
            out.put(exc)

    def __iter__(self):
        """Yields (batch, row_numbers) with contiguous row numbers."""
        out: queue.Queue = queue.Queue(maxsize=2)
        stop = threading.Event()
        thread = threading.Thread(target=self._produce, args=(out, stop), daemon=True)
        thread.start()
        try:
            yield from self._batches(out)
        finally:
            stop.set()
            self._file.stop()
            while thread.is_alive():
                try:
                    out.get_nowait()
                except queue.Empty:
                    pass
                thread.join(timeout=0.01)
            close = getattr(self.reader, "close", None)
            if close is not None:
                try:
                    close()
                except Exception:  # pragma: no cover - best effort
                    pass
            self._file.close()

    def _batches(self, out: "queue.Queue"):
        while True:
            item = out.get()
            if isinstance(item, BaseException):
                raise item
            batch, found = item
            self.invalid.extend(found)
            if batch is None:
                break
            n = batch.num_rows
            start = self.next_row
            pending = [item for item in self.invalid if item[0] >= start]
            if n == 0:
                continue
            if not pending:
                numbers = np.arange(start, start + n, dtype=np.int64)
                merged = batch
            else:
                bad = np.array([number for number, _ in pending], dtype=np.int64)
                candidates = np.arange(start, start + n + len(bad), dtype=np.int64)
                numbers = np.setdiff1d(candidates, bad, assume_unique=True)[:n]
                last = numbers[-1]
                inside = [item for item in pending if item[0] < last]
                self.invalid = [item for item in pending if item[0] > last]
                if inside:
                    extra = self._irregular_batch(inside)
                    all_numbers = np.concatenate([numbers, np.array([x[0] for x in inside], np.int64)])
                    order = np.argsort(all_numbers, kind="stable")
                    table = pa.Table.from_batches([batch, extra])
                    merged = table.take(pa.array(order)).combine_chunks().to_batches()[0]
                    numbers = all_numbers[order]
                else:
                    merged = batch
            if not pending:
                self.invalid = []
            if numbers[0] != start or numbers[-1] - numbers[0] + 1 != len(numbers):
                raise Unsupported("row numbering mismatch between pyarrow and Python csv")
            self.next_row = int(numbers[-1]) + 1
            self._remember_last(merged, numbers)
            yield merged, numbers
        if self.invalid:
            items = sorted(self.invalid)
            numbers = np.array([x[0] for x in items], dtype=np.int64)
            if numbers[0] != self.next_row or numbers[-1] - numbers[0] + 1 != len(numbers):
                raise Unsupported("row numbering mismatch at the end of the file")
            self.invalid = []
            self.next_row = int(numbers[-1]) + 1
            batch = self._irregular_batch(items)
            self._remember_last(batch, numbers)
            yield batch, numbers
        self._check_tail()

    def _remember_last(self, batch: pa.RecordBatch, numbers: np.ndarray) -> None:
        row = batch.slice(len(batch) - 1).to_pylist()[0]
        cells = [v for v in row.values() if v is not None]
        self.last_cells = cells + self.extra.get(int(numbers[-1]), [])

    def _check_tail(self) -> None:
        """Refuse a file that ends inside an unterminated quoted field.

        Python's csv keeps the line ending(s) at the very end of such a file in the last
        cell (``"abc\n`` at EOF -> ``abc\n``); pyarrow drops them. Only the last cell of
        the last record can be affected: if the file ends with <quote> + that cell (quotes
        doubled) + line-ending characters, after a delimiter or a line break, the columnar
        result may differ and the reference decides.
        """
        cells = getattr(self, "last_cells", None)
        if not cells:
            return
        d = self.prep.dialect
        enc = "utf-8" if self.prep.arrow_encoding == "utf8" else self.prep.arrow_encoding
        q = d.quotechar
        body = (q + cells[-1].replace(q, q + q)).encode(enc)
        with open(self.prep.path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - len(body) - 66))
            tail = fh.read()
        run = len(tail) - len(tail.rstrip(b"\r\n"))
        for k in range(1, run + 1):
            pattern = body + tail[len(tail) - k:]
            if tail.endswith(pattern):
                start = len(tail) - len(pattern)
                before = tail[start - 1:start] if start > 0 else b""
                at_file_start = size - len(pattern) <= 3
                if at_file_start or before in (d.delimiter.encode(enc), b"\n", b"\r"):
                    raise Unsupported("the file ends inside an unterminated quoted field")


@dataclass
class _KeyStore:
    keys: list[pa.Array] = dc_field(default_factory=list)
    rows: list[np.ndarray] = dc_field(default_factory=list)
    raws: list[pa.Array] = dc_field(default_factory=list)
    #: integers beyond int64, checked in Python: key -> last row, and what they found
    big_last: dict[str, int] = dc_field(default_factory=dict)
    big_dups: list[tuple[int, int, str]] = dc_field(default_factory=list)

    def add(self, keys: pa.Array, rows: np.ndarray, raws: Optional[pa.Array]) -> None:
        if len(keys):
            self.keys.append(keys)
            self.rows.append(rows)
            if raws is not None:
                self.raws.append(raws)

    def add_big(self, row: int, key: str) -> None:
        prev = self.big_last.get(key)
        if prev is not None:
            self.big_dups.append((row, prev, key))
        self.big_last[key] = row

    def duplicates(self, limit: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, previous row with the same key, index into the stored arrays).

        With ``limit``, only the ``limit`` first duplicate rows: each one is at least one
        error, so later ones cannot make it into a report truncated at ``limit`` errors.
        """
        if not self.keys:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        keys = pa.chunked_array(self.keys).combine_chunks()
        rows = np.concatenate(self.rows)
        table = pa.table({"k": keys, "r": pa.array(rows)})
        idx = pc.sort_indices(table, sort_keys=[("k", "ascending"), ("r", "ascending")])
        idx_np = idx.to_numpy(zero_copy_only=False)
        sorted_keys = keys.take(idx)
        same = np_bool(pc.equal(sorted_keys.slice(1), sorted_keys.slice(0, len(sorted_keys) - 1)))
        r_sorted = rows[idx_np]
        dup_rows, prev, index = r_sorted[1:][same], r_sorted[:-1][same], idx_np[1:][same]
        if limit and len(dup_rows) > limit:
            first = np.argsort(dup_rows, kind="stable")[:limit]
            dup_rows, prev, index = dup_rows[first], prev[first], index[first]
        return dup_rows, prev, index


def _text_keys(res: _Cells) -> pa.Array:
    text = res.keys.cast(pa.large_string())
    if res.big:
        mask = np.zeros(len(text), dtype=bool)
        idx = sorted(res.big)
        mask[idx] = True
        values = pa.array([res.big[i] for i in idx], pa.large_string())
        text = pc.replace_with_mask(text, pa.array(mask), values)
    return text


def _composite_key(
    parts: list[pa.Array], none: list[np.ndarray], nans: list[np.ndarray], rows: np.ndarray
) -> pa.Array:
    """One string per row for a composite primary key: tuple equality incl. None == None."""
    pieces = []
    for arr, is_none in zip(parts, none):
        text = arr.cast(pa.large_string())
        length = pc.cast(pc.utf8_length(pc.fill_null(text, "")), pa.large_string())
        ls = lambda v: pa.scalar(v, pa.large_string())
        coded = pc.binary_join_element_wise(ls("\x01"), length, ls(":"), pc.fill_null(text, ls("")), ls(""))
        coded = pc.if_else(pa.array(is_none), pa.scalar("\x00", pa.large_string()), coded)
        pieces.append(coded)
    key = pc.binary_join_element_wise(*pieces, pa.scalar("", pa.large_string()))
    nan = np.zeros(len(rows), dtype=bool)
    for mask in nans:
        nan |= mask
    if nan.any():
        # a tuple holding a NaN equals no other tuple
        marker = pa.array(["\x02%d" % r for r in rows[nan]], pa.large_string())
        key = pc.replace_with_mask(key, pa.array(nan), marker)
    return key


# --------------------------------------------------------------------------- main entry


def validate_table(
    path: Union[str, os.PathLike],
    schema: SchemaLike,
    *,
    encoding: Optional[str] = None,
    delimiter: Optional[str] = None,
    on_batch: Optional[OnBatch] = None,
    limit_errors: int = DEFAULT_LIMIT_ERRORS,
    block_size: int = DEFAULT_BLOCK_SIZE,
    fallback: bool = True,
    stop_at_limit: bool = True,
) -> TableReport:
    """Validate a CSV file against a Table Schema; same errors as ``frictionless validate``.

    ``on_batch(batch, first_row_number)`` is called for every ``pyarrow.RecordBatch`` of the
    data rows (all columns as strings named by their schema field, null = cell absent from
    a short row; row numbers contiguous, header = row 1) so other scans reuse this parse.
    ``limit_errors`` (0 = none) stops reading where Frictionless would; with
    ``stop_at_limit=False`` the remaining batches are still passed to ``on_batch`` (but not
    validated). If the columnar path cannot handle the file, Frictionless validates it
    (unless ``fallback=False``, which raises ``Unsupported``); then ``on_batch`` is not
    called for a file the columnar path refused up front.
    """
    started = time.perf_counter()
    try:
        prep = _prepare(path, schema, encoding=encoding, delimiter=delimiter)
    except Unsupported as exc:
        if not fallback:
            raise
        return validate_reference(
            path, schema, encoding=encoding, delimiter=delimiter, limit_errors=limit_errors,
            fallback_reason=str(exc),
        )
    try:
        report = _validate(prep, on_batch, limit_errors, block_size, stop_at_limit)
    except (Unsupported, pa.ArrowException, UnicodeError, csv.Error) as exc:
        if not fallback:
            raise Unsupported(str(exc)) from exc
        report = validate_reference(
            path, schema, encoding=encoding, delimiter=delimiter, limit_errors=limit_errors,
            fallback_reason=f"columnar read abandoned: {exc}",
        )
        report.batches_complete = False
        return report
    report.seconds = time.perf_counter() - started
    return report


def _validate(
    prep: _Prepared,
    on_batch: Optional[OnBatch],
    limit_errors: int,
    block_size: int,
    stop_at_limit: bool,
) -> TableReport:
    fields = prep.fields
    width = len(fields)
    names = [st.name for st in fields]
    reader = _Reader(prep, block_size)
    rows_map: dict[int, _Row] = {}
    stores = {j: _KeyStore() for j in prep.unique}
    pk_store = _KeyStore()
    keep_raw = {j for j in prep.unique if not fields[j].plan.cell_from_key}
    count = len(prep.header_errors)
    data_rows = 0
    cutoff: Optional[int] = None
    batches_complete = True
    first = True

    for batch, numbers in reader:
        if first:
            first = False
            if numbers[0] != 1:
                raise Unsupported("header row not read as the first record")
        if numbers[0] <= prep.header_row:
            # the header row, and the rows above it when Frictionless moved the header down
            skip = int(np.searchsorted(numbers, prep.header_row, side="right"))
            batch = batch.slice(skip)
            numbers = numbers[skip:]
        n = batch.num_rows
        if n == 0:
            continue
        if cutoff is not None:
            # limit reached: the rest is only for the caller's scans
            if on_batch is not None:
                on_batch(batch.rename_columns(names), int(numbers[0]))
            continue

        results = [_check_field(st, batch.column(j), numbers) for j, st in enumerate(fields)]
        flag = np.zeros(n, dtype=bool)
        any_absent = np.zeros(n, dtype=bool)
        blank_all = np.ones(n, dtype=bool)
        for res in results:
            flag |= res.has_err
            any_absent |= res.absent
            blank_all &= res.blank
        pk_all_none = np.zeros(n, dtype=bool)
        if prep.pk:
            pk_all_none = np.ones(n, dtype=bool)
            for j in prep.pk:
                pk_all_none &= results[j].none
        extra_rows = np.zeros(n, dtype=bool)
        if reader.extra:
            extra_rows = np.isin(numbers, np.fromiter(reader.extra, dtype=np.int64))
        flag |= any_absent | blank_all | pk_all_none | extra_rows

        stop_at = n  # rows [0, stop_at) of this batch are validated
        if limit_errors and count >= limit_errors:
            # header errors alone reach the limit: Frictionless still reads one row
            flag[1:] = False
            stop_at, cutoff = 1, int(numbers[0])
        for i in np.nonzero(flag)[0]:
            number = int(numbers[i])
            row = _Row(
                number=number,
                cells={j: res.errs[int(i)] for j, res in enumerate(results) if int(i) in res.errs},
                extra=[(width + 1 + k, cell) for k, cell in enumerate(reader.extra.pop(number, []))],
                missing=[j for j, res in enumerate(results) if res.absent[i]],
                blank=bool(blank_all[i]),
                pk_all_none=bool(pk_all_none[i]),
            )
            rows_map[number] = row
            count += len(_compose(row, prep, number, {}, None))
            if limit_errors and count >= limit_errors:
                stop_at = int(i) + 1
                cutoff = number
                break

        # keys of the validated rows, for unique/primaryKey
        sel = slice(0, stop_at)
        for j in prep.unique:
            res = results[j]
            keep = ~res.none[sel]
            if res.big:
                for i, text in sorted(res.big.items()):
                    if i < stop_at:
                        stores[j].add_big(int(numbers[i]), text)
                        keep[i] = False
            idx = pa.array(np.nonzero(keep)[0])
            raws = batch.column(j).take(idx) if j in keep_raw else None
            stores[j].add(res.keys.take(idx), numbers[sel][keep], raws)
        if prep.pk:
            keep = ~pk_all_none[sel]
            idx = pa.array(np.nonzero(keep)[0])
            if len(prep.pk) == 1:
                res = results[prep.pk[0]]
                if res.big:
                    for i, text in sorted(res.big.items()):
                        if i < stop_at and keep[i]:
                            pk_store.add_big(int(numbers[i]), text)
                            keep[i] = False
                    idx = pa.array(np.nonzero(keep)[0])
                key = res.keys.take(idx)
            else:
                parts = [_text_keys(results[j]).slice(0, stop_at).take(idx) for j in prep.pk]
                nones = [results[j].none[sel][keep] for j in prep.pk]
                nans = [results[j].nan[sel][keep] for j in prep.pk]
                key = _composite_key(parts, nones, nans, numbers[sel][keep])
            pk_store.add(key, numbers[sel][keep], None)

        data_rows += stop_at
        if on_batch is not None:
            on_batch(batch.slice(0, stop_at).rename_columns(names), int(numbers[0]))
            if stop_at < n and not stop_at_limit:
                on_batch(batch.slice(stop_at).rename_columns(names), int(numbers[stop_at]))
        if cutoff is not None and stop_at_limit:
            batches_complete = False
            break

    # unique / primary key duplicates (a row's note names the latest previous occurrence)
    dups: dict[int, dict[int, tuple[int, str]]] = {}
    for j in prep.unique:
        st = fields[j]
        rows, prev, index = stores[j].duplicates(limit_errors)
        if not len(rows):
            continue
        store = stores[j]
        if st.plan.cell_from_key:
            keys = pa.chunked_array(store.keys).combine_chunks()
            cells = [st.plan.key_to_cell(k) for k in keys.take(pa.array(index)).to_pylist()]
        else:
            raws = pa.chunked_array(store.raws).combine_chunks().take(pa.array(index)).to_pylist()
            cells = [str(st.reader(raw)[0]) for raw in raws]
        for r, p, cell in zip(rows.tolist(), prev.tolist(), cells):
            dups.setdefault(r, {})[j] = (p, cell)
    for j in prep.unique:
        for r, p, cell in stores[j].big_dups[: limit_errors or None]:
            dups.setdefault(r, {})[j] = (p, cell)
    pk_dups: dict[int, int] = {}
    if prep.pk:
        rows, prev, _ = pk_store.duplicates(limit_errors)
        pk_dups = dict(zip(rows.tolist(), prev.tolist()))
        for r, p, _cell in pk_store.big_dups[: limit_errors or None]:
            pk_dups[r] = p

    errors = list(prep.header_errors)
    for number in sorted(set(rows_map) | set(dups) | set(pk_dups)):
        if cutoff is not None and number > cutoff:
            break
        errors.extend(_compose(rows_map.get(number), prep, number, dups.get(number, {}), pk_dups.get(number)))
        if limit_errors and len(errors) >= limit_errors:
            break
    partial = False
    warnings: list[str] = []
    if limit_errors and data_rows and len(errors) >= limit_errors:
        errors = errors[:limit_errors]
        partial = True
        warnings.append(f"reached error limit: {limit_errors}")
    return TableReport(
        path=prep.path,
        errors=errors,
        engine="columnar",
        rows=data_rows,
        partial=partial,
        encoding=prep.encoding,
        delimiter=prep.dialect.delimiter,
        labels=list(prep.labels),
        header_row=prep.header_row,
        warnings=warnings,
        batches_complete=batches_complete,
    )
