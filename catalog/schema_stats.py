"""Column statistics for drafting a Table Schema, read once, streaming, in bounded memory.

Why apart from ``schema_infer``: this is the part that touches every row, so it is written
for speed and memory (vectorised Arrow compute over record batches, counters and capped sets
only); ``schema_infer`` then decides a schema from these statistics without seeing rows.

CSV is read by ``validate_table``'s columnar reader (the same encoding, dialect and row
handling as ``gdc validate``); Excel, and CSV that reader refuses, through Frictionless'
row stream, whose native cells (int, datetime ...) are what Frictionless validates later.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from catalog import schema_hints as hints

ENUM_MAX = 12  # more distinct values than this and a column is no code list
KEEP_ROWS = 200_000  # rows kept to judge unique / primaryKey (the verification covers the rest)
KEEP_BYTES = 64 << 20  # ... and at most this much of them
CHUNK_ROWS = 5_000
MISSING_TOKENS = ("-", "–", "—", "N/A", "n/a", "NA", "null", "NULL", "ไม่มีข้อมูล")

_D = "[0-9๐-๙]"
# RE2 (pyarrow) patterns, each a subset of what Frictionless reads as that type; the
# verification pass settles the rest (31 February, huge exponents ...).
TYPE_PATTERNS = {
    "boolean": r"^(true|True|TRUE|false|False|FALSE)$",
    "integer": rf"^[+-]?{_D}+$",
    "number": rf"^[+-]?({_D}+(\.{_D}*)?|\.{_D}+)([eE][+-]?[0-9]+)?$|^[+-]?{_D}{{1,3}}(,{_D}{{3}})+(\.{_D}+)?$",
    "date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "date_dmy": r"^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$",
    "datetime": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})?$",
    "time": r"^[0-9]{2}:[0-9]{2}:[0-9]{2}$",
}
TYPE_ORDER = ("boolean", "integer", "number", "date", "date_dmy", "datetime", "time")
_LEADING_ZERO = rf"^[+-]?[0๐]{_D}+$"


class Enough(Exception):
    """Raised from the batch callback once ``sample_rows`` rows have been read."""


class Column:
    """What one column's values allow, accumulated batch by batch (Arrow, vectorised)."""

    def __init__(self, name: str):
        self.name = name
        self.rows = self.blank = 0
        self.tokens: dict[str, int] = {}
        self.possible = set(TYPE_ORDER)
        self.leading_zero = self.grouped = self.thai_digits = False
        self.low: float | None = None
        self.high: float | None = None
        self.year_low: int | None = None
        self.year_high: int | None = None
        self.few: set[str] | None = set()  # distinct values while there are at most ENUM_MAX
        self.shape: str | None = None  # the one digit-shape of every value, e.g. "PCD-9999-99999"
        self.one_shape = True
        self.provinces = True
        self.max_len = 0
        self.kinds: set[str] = set()  # native cell kinds (Excel): str, int, float, bool, date ...

    @property
    def values(self) -> int:
        return self.rows - self.blank - sum(self.tokens.values())

    def add(self, arr: pa.Array) -> None:
        arr = arr.cast(pa.string()) if arr.type != pa.string() else arr
        self.rows += len(arr)
        blank = pc.fill_null(pc.equal(arr, ""), True)
        token = pc.fill_null(pc.is_in(arr, value_set=_TOKENS), False)
        self.blank += pc.sum(blank).as_py() or 0
        if pc.any(token).as_py():
            for item in pc.value_counts(arr.filter(token)).to_pylist():
                self.tokens[item["values"]] = self.tokens.get(item["values"], 0) + item["counts"]
        vals = arr.filter(pc.invert(pc.or_(blank, token)))
        if len(vals) == 0:
            return
        head = vals.slice(0, 256)  # most candidate types fail here, before a full pass
        for kind in list(self.possible):
            if not (_all_match(head, kind) and _all_match(vals, kind)):
                self.possible.discard(kind)
        if self.possible & {"integer", "number"}:
            thai = bool(pc.any(pc.match_substring_regex(vals, "[๐-๙]")).as_py())
            grouped = bool(pc.any(pc.match_substring(vals, ",")).as_py())
            self.thai_digits |= thai
            self.grouped |= grouped
            self.leading_zero |= bool(pc.any(pc.match_substring_regex(vals, _LEADING_ZERO)).as_py())
            bounds = pc.min_max(_parse_number(vals, plain=not (thai or grouped))).as_py()
            self.low = _fold(min, self.low, bounds["min"])
            self.high = _fold(max, self.high, bounds["max"])
        for kind, start in (("date", 0), ("datetime", 0), ("date_dmy", -4)):
            if kind in self.possible:
                years = pc.min_max(pc.cast(pc.utf8_slice_codeunits(vals, start, start + 4 if start >= 0 else 99),
                                           pa.int64())).as_py()
                self.year_low = _fold(min, self.year_low, years["min"])
                self.year_high = _fold(max, self.year_high, years["max"])
        if self.few is not None:
            self.few.update(pc.unique(vals).to_pylist())
            if len(self.few) > ENUM_MAX:
                self.few = None
        if self.one_shape:  # the head proposes a shape, the whole batch must match it
            shapes = pc.unique(pc.replace_substring_regex(head, "[0-9]", "9")).to_pylist()
            self.one_shape = len(shapes) == 1 and self.shape in (None, shapes[0])
            self.shape = shapes[0] if self.one_shape else None
            if self.one_shape and len(vals) > len(head):
                self.one_shape = bool(pc.all(pc.match_substring_regex(vals, shape_pattern(self.shape))).as_py())
                self.shape = self.shape if self.one_shape else None
        if self.provinces:
            self.provinces = bool(pc.all(pc.is_in(vals, value_set=_PROVINCES)).as_py())
        self.max_len = max(self.max_len, pc.max(pc.utf8_length(vals)).as_py() or 0)


_TOKENS = pa.array(MISSING_TOKENS)
_PROVINCES = pa.array(sorted(hints.province_codes()) or ["__none__"])


def _fold(fn, old, new):
    return new if old is None else old if new is None else fn(old, new)


def shape_pattern(shape: str) -> str:
    """The regex of a digit shape: ``PCD-9999-99999`` -> ``^PCD-[0-9]{4}-[0-9]{5}$``."""
    parts = []
    for run in re.finditer(r"9+|[^9]+", shape):
        text = run.group()
        parts.append(f"[0-9]{{{len(text)}}}" if text[0] == "9" else re.sub(r"([.^$*+?{}\[\]\\|()])", r"\\\1", text))
    return "^" + "".join(parts) + "$"


def _all_match(vals: pa.Array, kind: str) -> bool:
    return bool(pc.all(pc.match_substring_regex(vals, TYPE_PATTERNS[kind])).as_py())


def _parse_number(vals: pa.Array, plain: bool = False) -> pa.Array:
    """Numbers as floats; plain ASCII numbers take Arrow's fast cast, Thai ones ``thai``'s."""
    from catalog import thai

    if plain:
        try:
            return pc.cast(vals, pa.float64())
        except pa.ArrowInvalid:
            pass

    return thai.parse_number(vals)


class Collector:
    """All columns of a file, plus the first rows (``KEEP_ROWS``, ``KEEP_BYTES``) for key analysis."""

    def __init__(self, names: list[str]):
        self.names = names
        self.columns = [Column(n) for n in names]
        self.kept: list[list[pa.Array]] = [[] for _ in names]
        self.kept_rows = self.rows = self.kept_bytes = 0
        self.keep_limit = KEEP_ROWS  # lowered once KEEP_BYTES are kept (wide or wordy tables)

    def add(self, arrays: list[pa.Array], kinds: list[set[str]] | None = None) -> None:
        n = len(arrays[0]) if arrays else 0
        take = max(0, min(n, self.keep_limit - self.kept_rows))
        for i, (col, arr) in enumerate(zip(self.columns, arrays)):
            col.add(arr)
            if kinds:
                col.kinds |= kinds[i]
            if take:
                part = arr.slice(0, take)
                self.kept[i].append(part)
                self.kept_bytes += part.nbytes
        self.kept_rows += take
        if self.kept_bytes >= KEEP_BYTES:
            self.keep_limit = self.kept_rows
        self.rows += n

    def kept_column(self, i: int) -> pa.Array:
        """The kept values of column i, blanks and missing-value tokens as nulls."""
        parts = self.kept[i]
        arr = pa.concat_arrays([p.cast(pa.string()) for p in parts]) if parts else pa.array([], pa.string())
        missing = pc.or_(pc.fill_null(pc.equal(arr, ""), True), pc.fill_null(pc.is_in(arr, value_set=_TOKENS), False))
        return pc.if_else(missing, pa.scalar(None, pa.string()), arr)


# ----------------------------------------------------------------------------- reading


def read_csv(path: Path, codec: str, sample_rows: int | None) -> Collector | None:
    """Columnar read (``gdc validate``'s reader); None when it cannot read this file."""
    from catalog.tabular import validate_table

    state: dict[str, Collector] = {}

    def on_batch(batch: pa.RecordBatch, first_row: int) -> None:
        if "c" not in state:
            state["c"] = Collector(list(batch.column_names))
        if sample_rows:
            batch = batch.slice(0, sample_rows - state["c"].rows)
        state["c"].add(list(batch.columns))
        if sample_rows and state["c"].rows >= sample_rows:
            raise Enough

    try:
        report = validate_table(path, {"fields": []}, encoding=codec, on_batch=on_batch,
                                limit_errors=1000, stop_at_limit=False)
    except Enough:
        return state["c"]
    if report.engine != "columnar" or not report.batches_complete:
        return None
    return state.get("c") or Collector(deduplicated(report.labels))


def read_frictionless(path: Path, codec: str | None, sample_rows: int | None) -> Collector:
    """Rows as Frictionless reads them (Excel's native cells included), in chunks."""
    from frictionless import Resource, Schema

    options = {"encoding": codec} if codec else {}
    with Resource(str(path), **options) as probe:
        names = deduplicated(list(probe.labels))
    schema = Schema.from_descriptor({"fields": [{"name": n, "type": "any"} for n in names]})
    collector = Collector(names)
    chunk: list[list[Any]] = []
    with Resource(str(path), schema=schema, **options) as resource:
        for row in resource.row_stream:
            chunk.append(list(row.cells) + [None] * (len(names) - len(row.cells)))
            if len(chunk) >= CHUNK_ROWS:
                _add_native(collector, chunk)
                chunk = []
            if sample_rows and collector.rows + len(chunk) >= sample_rows:
                break
    if chunk:
        _add_native(collector, chunk)
    return collector


def _add_native(collector: Collector, rows: list[list[Any]]) -> None:
    arrays, kinds = [], []
    for i in range(len(collector.names)):
        texts, seen = [], set()
        for row in rows:
            text, kind = _native_text(row[i] if i < len(row) else None)
            texts.append(text)
            if kind:
                seen.add(kind)
        arrays.append(pa.array(texts, pa.string()))
        kinds.append(seen)
    collector.add(arrays, kinds)


def _native_text(value: Any) -> tuple[str, str | None]:
    """A native cell as the text the type patterns judge, and its kind."""
    import datetime as dt

    if value is None or value == "":
        return "", None
    if isinstance(value, bool):
        return ("true" if value else "false"), "bool"
    if isinstance(value, int):
        return str(value), "int"
    if isinstance(value, float):
        return repr(value), "float"
    if isinstance(value, dt.datetime):
        return (value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()), "date"
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat(), "date"
    return str(value), ("str" if isinstance(value, str) else "other")


def deduplicated(labels: list[str]) -> list[str]:
    from frictionless.table.label_matching import deduplicate_names

    return list(deduplicate_names([str(label) for label in labels]))
