"""Draft a Frictionless Table Schema from a CSV or Excel file, for a steward to review.

Why: a Table Schema is what lets ``gdc validate`` catch a wrong province code or a CE year in
a BE column, but nobody writes one by hand for a 40-column export. The draft does the
tedious part (types, ``required``, ``unique``, small code lists, primary key) and knows Thai
data: Thai digits and thousands separators are numbers, 2400-2700 is a พ.ศ. year column,
2-digit DOPA codes are provinces, a Thai header is the Thai title (``schema_hints``).

How it stays honest:

* **Streaming, bounded memory.** CSV goes through the same columnar reader as ``gdc
  validate`` (``validate_table``'s ``on_batch``: same encoding, dialect and row handling);
  per column only counters, a handful of distinct values and the first ``KEEP_ROWS`` rows
  (for ``unique``/``primaryKey``) are kept, so a 1 GB file is never loaded. Excel (and
  CSV the columnar reader refuses) is read through Frictionless' own cell stream, whose
  native cell types (int, datetime ...) are what Frictionless will validate later.
* **Verified.** The draft is then validated against the whole file with the validator
  ``gdc validate`` uses; every type or constraint the data contradicts is relaxed and said
  so. The draft therefore validates its own file, except for problems no schema can fix
  (blank rows, ragged rows), which are reported as such.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from catalog import findings as F
from catalog import pii, schema_hints as hints
from catalog.findings import Finding

ENUM_MAX, ENUM_MIN_ROWS = 12, 20  # a code list: at most 12 distinct values over 20+ rows
KEEP_ROWS = 200_000  # rows kept to judge unique / primaryKey (the verification covers the rest)
CHUNK_ROWS = 5_000
MISSING_TOKENS = ("-", "–", "—", "N/A", "n/a", "NA", "null", "NULL", "ไม่มีข้อมูล")
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
KEY_TYPES = {"string", "integer", "date"}

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

DESCRIPTIONS = {  # written into the schema: bilingual, because the schema file is not localised
    "be_year": "ปีพุทธศักราช (พ.ศ.) / Buddhist-era year; range drafted from the data ({low}-{high})",
    "ce_year": "ปีคริสต์ศักราช (ค.ศ.) / Gregorian year; range drafted from the data ({low}-{high})",
    "province": "รหัสจังหวัด 2 หลักของกรมการปกครอง (schemas/th-provinces.csv) / DOPA 2-digit province code",
    "be_date": "วันที่แบบ พ.ศ. เก็บเป็นข้อความ: แปลงเป็น ค.ศ. (ลบ 543) เพื่อใช้ชนิด date / "
               "Buddhist-era dates kept as text: subtract 543 from the year to type them as dates",
    "thai_digits": "มีตัวเลขไทย (๐-๙): ควรเปลี่ยนเป็น 0-9 / Thai digits: better stored as 0-9",
    "grouped": "มีเครื่องหมายคั่นหลักพัน / numbers written with thousands separators",
}


class _Enough(Exception):
    """Raised from the batch callback once ``sample_rows`` rows have been read."""


@dataclass
class Draft:
    """A drafted schema and what the steward should know about it (``notes``: INFER_* findings)."""

    schema: dict[str, Any]
    path: Path
    encoding: str | None
    encoding_sure: bool
    rows: int
    notes: list[Finding] = field(default_factory=list)
    structural: int = 0  # errors no schema can fix (blank rows, ragged rows, bad labels)

    @property
    def ok(self) -> bool:
        return self.structural == 0


class _Column:
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
        for kind in list(self.possible):
            if not pc.all(pc.match_substring_regex(vals, TYPE_PATTERNS[kind])).as_py():
                self.possible.discard(kind)
        self.thai_digits |= bool(pc.any(pc.match_substring_regex(vals, "[๐-๙]")).as_py())
        if self.possible & {"integer", "number"}:
            self.leading_zero |= bool(pc.any(pc.match_substring_regex(vals, _LEADING_ZERO)).as_py())
            self.grouped |= bool(pc.any(pc.match_substring(vals, ",")).as_py())
            bounds = pc.min_max(_parse_number(vals)).as_py()
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
        if self.one_shape:
            shapes = pc.unique(pc.replace_substring_regex(vals, "[0-9]", "9")).to_pylist()
            self.one_shape = len(shapes) == 1 and self.shape in (None, shapes[0])
            self.shape = shapes[0] if self.one_shape else None
        if self.provinces:
            self.provinces = bool(pc.all(pc.is_in(vals, value_set=_PROVINCES)).as_py())
        self.max_len = max(self.max_len, pc.max(pc.utf8_length(vals)).as_py() or 0)


_TOKENS = pa.array(MISSING_TOKENS)
_PROVINCES = pa.array(sorted(hints.province_codes()) or ["__none__"])


def _fold(fn, old, new):
    return new if old is None else old if new is None else fn(old, new)


def _parse_number(vals: pa.Array) -> pa.Array:
    from catalog import thai

    return thai.parse_number(vals)


class _Collector:
    """All columns of a file, plus the first ``KEEP_ROWS`` rows for key analysis."""

    def __init__(self, names: list[str]):
        self.names = names
        self.columns = [_Column(n) for n in names]
        self.kept: list[list[pa.Array]] = [[] for _ in names]
        self.kept_rows = self.rows = 0

    def add(self, arrays: list[pa.Array], kinds: list[set[str]] | None = None) -> None:
        n = len(arrays[0]) if arrays else 0
        for i, (col, arr) in enumerate(zip(self.columns, arrays)):
            col.add(arr)
            if kinds:
                col.kinds |= kinds[i]
            if self.kept_rows < KEEP_ROWS:
                self.kept[i].append(arr.slice(0, KEEP_ROWS - self.kept_rows))
        self.kept_rows = min(KEEP_ROWS, self.kept_rows + n)
        self.rows += n

    def kept_column(self, i: int) -> pa.Array:
        """The kept values of column i, blanks and missing-value tokens as nulls."""
        parts = self.kept[i]
        arr = pa.concat_arrays([p.cast(pa.string()) for p in parts]) if parts else pa.array([], pa.string())
        missing = pc.or_(pc.fill_null(pc.equal(arr, ""), True), pc.fill_null(pc.is_in(arr, value_set=_TOKENS), False))
        return pc.if_else(missing, pa.scalar(None, pa.string()), arr)


# ----------------------------------------------------------------------------- reading


def _read_csv(path: Path, codec: str, sample_rows: int | None) -> _Collector | None:
    """Columnar read (``gdc validate``'s reader); None when it cannot read this file."""
    from catalog.tabular import validate_table

    state: dict[str, _Collector] = {}

    def on_batch(batch: pa.RecordBatch, first_row: int) -> None:
        if "c" not in state:
            state["c"] = _Collector(list(batch.column_names))
        if sample_rows:
            batch = batch.slice(0, sample_rows - state["c"].rows)
        state["c"].add(list(batch.columns))
        if sample_rows and state["c"].rows >= sample_rows:
            raise _Enough

    try:
        report = validate_table(path, {"fields": []}, encoding=codec, on_batch=on_batch,
                                limit_errors=1000, stop_at_limit=False)
    except _Enough:
        return state["c"]
    if report.engine != "columnar" or not report.batches_complete:
        return None
    return state.get("c") or _Collector(deduplicated(report.labels))


def _read_frictionless(path: Path, codec: str | None, sample_rows: int | None) -> _Collector:
    """Rows as Frictionless reads them (Excel's native cells included), in chunks."""
    from frictionless import Resource, Schema

    options = {"encoding": codec} if codec else {}
    with Resource(str(path), **options) as probe:
        names = deduplicated(list(probe.labels))
    schema = Schema.from_descriptor({"fields": [{"name": n, "type": "any"} for n in names]})
    collector = _Collector(names)
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


def _add_native(collector: _Collector, rows: list[list[Any]]) -> None:
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


# ----------------------------------------------------------------------------- deciding


def _field(col: _Column, rows: int, kept: pa.Array) -> dict[str, Any]:
    """One column's draft: type, title, description and constraints."""
    out: dict[str, Any] = {"name": col.name}
    title = hints.thai_title(col.name)
    kind = next((k for k in TYPE_ORDER if k in col.possible), "string") if col.values else "string"
    if kind == "integer" and (col.leading_zero or col.grouped):
        kind = "number" if col.grouped and not col.leading_zero else "string"
    if kind in ("date", "date_dmy", "datetime") and (col.year_low or 0) >= hints.BE_MIN:
        kind = "be_date"
    if kind in ("integer", "string") and col.provinces and col.values and (
            hints.PROVINCE_HINT.search(col.name) or (col.few is None and rows >= ENUM_MIN_ROWS)):
        kind = "province"
    notes: list[str] = []
    constraints: dict[str, Any] = {}
    ftype = {"province": "string", "be_date": "string", "date_dmy": "date"}.get(kind, kind)
    if ftype == "string" and col.kinds - {"str"}:
        ftype = "any"  # Excel cells of several native types: only "any" reads them all
    out["type"] = ftype
    if kind == "date_dmy":
        out["format"] = "%d/%m/%Y"
    if title:
        out["title"] = title
    if kind == "province":
        if ftype == "any":  # Excel stored the codes as numbers: bound them instead of a pattern
            out["type"] = ftype = "integer"
            codes = [int(c) for c in hints.province_codes()]
            constraints.update(minimum=min(codes), maximum=max(codes))
        else:
            constraints["pattern"] = hints.province_pattern()
        notes.append(DESCRIPTIONS["province"])
    elif kind == "be_date":
        notes.append(DESCRIPTIONS["be_date"])
    elif kind in ("integer", "number") and col.low is not None:
        era = hints.year_era(int(col.low), int(col.high), col.name) if kind == "integer" else None
        if era:
            low, high = hints.year_bounds(int(col.low), int(col.high), era)
            constraints.update(minimum=low, maximum=high)
            notes.append(DESCRIPTIONS[f"{era}_year"].format(low=int(col.low), high=int(col.high)))
        elif col.low >= 0 and not hints.ID_HINT.search(col.name) and not _is_code_list(col, kind, rows):
            constraints["minimum"] = 0  # counts and amounts: a negative one is a typo
        if kind == "number" and col.grouped:
            out["groupChar"] = ","
            notes.append(DESCRIPTIONS["grouped"])
    if col.thai_digits and ftype in ("integer", "number"):
        notes.append(DESCRIPTIONS["thai_digits"])
    if notes:
        out["description"] = "; ".join(notes)
    if col.tokens and ftype not in ("string", "any"):
        out["missingValues"] = ["", *sorted(col.tokens)]
    counted_missing = col.blank + (sum(col.tokens.values()) if "missingValues" in out else 0)
    if rows and counted_missing == 0:
        constraints["required"] = True
    if _is_code_list(col, kind, rows):
        enum = sorted(col.few)
        constraints["enum"] = [int(v) for v in enum] if ftype == "integer" else enum
    if _all_distinct(col, kept, ftype) and _unique_worthy(col, kind, ftype):
        constraints["unique"] = True
    if ftype == "string" and "pattern" not in constraints and "enum" not in constraints and _shape_worthy(col, constraints):
        constraints["pattern"] = _shape_pattern(col.shape)
    if constraints:
        out["constraints"] = constraints
    return out


def _is_code_list(col: _Column, kind: str, rows: int) -> bool:
    if col.few is None or len(col.few) < 2 or col.values < ENUM_MIN_ROWS or kind not in ("string", "integer"):
        return False
    if kind == "integer":
        return bool(hints.CODE_LIST_HINT.search(col.name))
    return col.max_len <= 100 and not col.kinds - {"str"}


def _all_distinct(col: _Column, kept: pa.Array, ftype: str) -> bool:
    values = len(kept) - kept.null_count
    if values < 2:
        return False
    if ftype in ("string", "any") and any(n > 1 for n in col.tokens.values()):
        return False
    return pc.count_distinct(kept).as_py() == values


def _unique_worthy(col: _Column, kind: str, ftype: str) -> bool:
    """Distinct values are a rule only for identifiers and names, not for measurements."""
    if hints.ID_HINT.search(col.name):
        return ftype in ("string", "integer")
    return ftype == "string" and kind == "string" and col.max_len <= 64


def _shape_worthy(col: _Column, constraints: dict[str, Any]) -> bool:
    """A fixed shape (``PCD-2567-00001``, zero-padded ``0012``) is worth a pattern for codes."""
    shape = col.shape
    if not (col.one_shape and shape and "9" in shape and len(shape) <= 40 and col.values >= 2):
        return False
    return bool(hints.ID_HINT.search(col.name) or constraints.get("unique") or col.leading_zero)


def _shape_pattern(shape: str) -> str:
    parts = []
    for run in re.finditer(r"9+|[^9]+", shape):
        text = run.group()
        parts.append(f"[0-9]{{{len(text)}}}" if text[0] == "9" else re.sub(r"([.^$*+?{}\[\]\\|()])", r"\\\1", text))
    return "^" + "".join(parts) + "$"


def _primary_key(fields: list[dict[str, Any]], collector: _Collector) -> list[str] | None:
    """A single unique required column (identifiers first), else the smallest left-most
    combination of up to three key-like columns (codes, years, dates) that is distinct."""
    def cons(f):
        return f.get("constraints", {})

    single = [f for f in fields if cons(f).get("unique") and cons(f).get("required")]
    single.sort(key=lambda f: not hints.ID_HINT.search(f["name"]))
    if single:
        return [single[0]["name"]]
    if collector.kept_rows < 2:
        return None
    candidates = [i for i, f in enumerate(fields) if cons(f).get("required") and f["type"] in KEY_TYPES
                  and (f["type"] != "integer" or "enum" in cons(f) or "maximum" in cons(f)
                       or hints.ID_HINT.search(f["name"]) or hints.CODE_LIST_HINT.search(f["name"]))][:6]
    from itertools import combinations

    for size in (2, 3):
        for combo in combinations(candidates, size):
            table = pa.table({str(i): collector.kept_column(i) for i in combo})
            if table.group_by([str(i) for i in combo]).aggregate([]).num_rows == collector.kept_rows:
                return [fields[i]["name"] for i in combo]
    return None


# ----------------------------------------------------------------------------- public


def infer(path: Path | str, *, encoding: str | None = None, sample_rows: int | None = None) -> Draft:
    """Draft, then verify, a Table Schema for the CSV/Excel file at ``path``.

    Raises ``LookupError`` for an unknown ``encoding`` and ``ValueError`` for a file with no
    header row; everything about the data itself comes back as ``Draft.notes``.
    """
    from catalog import encoding as enc

    path = Path(path)
    notes: list[Finding] = []
    excel = path.suffix.lower() in EXCEL_SUFFIXES
    codec, sure = None, True
    if not excel:
        if encoding:
            codec = enc.normalize_codec(encoding)
        else:
            found = enc.detect(path)
            codec, sure = found.encoding or found.candidate or _fallback_codec(found), not found.unsure
            code = "INFER_ENCODING" if sure else "INFER_ENCODING_UNSURE"
            notes.append((F.info if sure else F.warning)(code, file=str(path), encoding=codec, reason=found.reason))
    collector = None if excel else _read_csv(path, codec, sample_rows)
    if collector is None:
        collector = _read_frictionless(path, codec, sample_rows)
    if not collector.names:
        raise ValueError(f"{path}: no header row")
    rows = collector.rows
    fields = [_field(col, rows, collector.kept_column(i)) for i, col in enumerate(collector.columns)]
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    key = _primary_key(fields, collector)
    if key:
        schema["primaryKey"] = key
    if sample_rows and rows >= sample_rows:
        notes.append(F.info("INFER_SAMPLED", file=str(path), rows=rows))
    kinds = {c.name: c.kinds for c in collector.columns}
    structural = _verify(path, schema, codec, excel, kinds, notes)
    notes.insert(0, F.info("INFER_DRAFT", file=str(path), fields=len(fields), rows=rows,
                           key=", ".join(key) if key and "primaryKey" in schema else "-"))
    return Draft(schema=schema, path=path, encoding=codec, encoding_sure=sure, rows=rows, notes=notes,
                 structural=structural)


def _fallback_codec(found) -> str:
    """When the bytes do not say for sure: cp874 if they are not UTF-8 but decode as Thai."""
    if found.utf8_error_offset is not None and not found.cp874_undefined:
        return "cp874"
    return "utf-8"


def _verify(path: Path, schema: dict[str, Any], codec: str | None, excel: bool,
            kinds: dict[str, set[str]], notes: list[Finding]) -> int:
    """Validate the file against the draft; relax what the data contradicts; count the rest."""
    from catalog.tabular import validate_reference, validate_table

    structural: list[Any] = []
    for _ in range(4 * len(schema["fields"]) + 4):
        if excel:
            report = validate_reference(path, schema, limit_errors=1000)
        else:
            report = validate_table(path, schema, encoding=codec, limit_errors=1000)
        done: set[tuple] = set()
        structural = []
        for error in report.errors:
            what = _relax(schema, error, kinds, done)
            if what is None:
                structural.append(error)
            elif what:
                notes.append(F.warning("INFER_RELAXED", file=str(path), column=error.field_name or "",
                                       what=what, row=error.row_number, cell=pii.redact(error.cell or "")[:60]))
        if not done:
            break
    if structural:
        first = structural[0]
        notes.append(F.warning("INFER_STRUCTURE", file=str(path), count=len(structural), row=first.row_number,
                               types=sorted({e.type for e in structural})))
    return len(structural)


def _relax(schema: dict[str, Any], error: Any, kinds: dict[str, set[str]], done: set[tuple]) -> str | None:
    """Loosen the draft so that ``error`` goes away: ``"type integer"``, ``"unique"`` ... or None
    when no schema change can fix it; ``""`` when this round already relaxed it."""
    if error.type == "primary-key":
        key = ("primaryKey",)
        if key not in done:
            done.add(key)
            schema.pop("primaryKey", None)
            return "primaryKey"
        return ""
    f = next((f for f in schema["fields"] if f["name"] == error.field_name), None)
    if f is None or error.type not in ("type-error", "constraint-error", "unique-error"):
        return None
    constraints = f.setdefault("constraints", {})
    if error.type == "type-error":
        what = f"type {f['type']}"
        if (f["name"], "type") not in done:
            done.add((f["name"], "type"))
            keep = {k: f[k] for k in ("name", "title", "missingValues") if k in f}
            keep["type"] = "any" if kinds.get(f["name"], set()) - {"str"} else "string"
            if "required" in constraints:
                keep["constraints"] = {"required": True}
            f.clear()
            f.update(keep)
            return what
        return ""
    name = "unique" if error.type == "unique-error" else (re.findall(r'constraint "(\w+)"', error.note or "") or [""])[0]
    if (f["name"], name) in done:
        return ""
    if name not in constraints:
        return None
    done.add((f["name"], name))
    constraints.pop(name)
    if not constraints:
        f.pop("constraints")
    return name
