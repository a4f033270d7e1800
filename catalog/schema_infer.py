"""Draft a Frictionless Table Schema from a CSV or Excel file, for a steward to review.

Why: a Table Schema is what lets ``gdc validate`` catch a wrong province code or a CE year in
a BE column, but nobody writes one by hand for a 40-column export. The draft does the
tedious part (types, ``required``, ``unique``, small code lists, primary key) and knows Thai
data: Thai digits and thousands separators are numbers, 2400-2700 is a พ.ศ. year column,
2-digit DOPA codes are provinces, a Thai header is the Thai title (``schema_hints``).

How it stays honest:

* **Streaming, bounded memory.** ``schema_stats`` reads the file once with ``gdc
  validate``'s own reader and keeps per column only counters, a handful of distinct values
  and the first ``KEEP_ROWS`` rows (for ``unique``/``primaryKey``): a 1 GB file is never
  loaded. This module decides the schema from those statistics.
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
from catalog.schema_stats import TYPE_ORDER, Collector, Column, read_csv, read_frictionless, shape_pattern

ENUM_MIN_ROWS = 20  # a code list: at most ENUM_MAX distinct values over 20+ rows
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
KEY_TYPES = {"string", "integer", "date"}
DESCRIPTIONS = {  # written into the schema: bilingual, because the schema file is not localised
    "be_year": "ปีพุทธศักราช (พ.ศ.) / Buddhist-era year; range drafted from the data ({low}-{high})",
    "ce_year": "ปีคริสต์ศักราช (ค.ศ.) / Gregorian year; range drafted from the data ({low}-{high})",
    "province": "รหัสจังหวัด 2 หลักของกรมการปกครอง (schemas/th-provinces.csv) / DOPA 2-digit province code",
    "be_date": "วันที่แบบ พ.ศ. เก็บเป็นข้อความ: แปลงเป็น ค.ศ. (ลบ 543) เพื่อใช้ชนิด date / "
               "Buddhist-era dates kept as text: subtract 543 from the year to type them as dates",
    "thai_digits": "มีตัวเลขไทย (๐-๙): ควรเปลี่ยนเป็น 0-9 / Thai digits: better stored as 0-9",
    "grouped": "มีเครื่องหมายคั่นหลักพัน / numbers written with thousands separators",
}


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

# ----------------------------------------------------------------------------- deciding


def _field(col: Column, rows: int, kept: pa.Array) -> dict[str, Any]:
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
        constraints["pattern"] = shape_pattern(col.shape)
    if constraints:
        out["constraints"] = constraints
    return out


def _is_code_list(col: Column, kind: str, rows: int) -> bool:
    if col.few is None or len(col.few) < 2 or col.values < ENUM_MIN_ROWS or kind not in ("string", "integer"):
        return False
    if kind == "integer":
        return bool(hints.CODE_LIST_HINT.search(col.name))
    return col.max_len <= 100 and not col.kinds - {"str"}


def _all_distinct(col: Column, kept: pa.Array, ftype: str) -> bool:
    values = len(kept) - kept.null_count
    if values < 2:
        return False
    if ftype in ("string", "any") and any(n > 1 for n in col.tokens.values()):
        return False
    return pc.count_distinct(kept).as_py() == values


def _unique_worthy(col: Column, kind: str, ftype: str) -> bool:
    """Distinct values are a rule only for identifiers and names, not for measurements."""
    if hints.ID_HINT.search(col.name):
        return ftype in ("string", "integer")
    return ftype == "string" and kind == "string" and col.max_len <= 64


def _shape_worthy(col: Column, constraints: dict[str, Any]) -> bool:
    """A fixed shape (``PCD-2567-00001``, zero-padded ``0012``) is worth a pattern for codes."""
    shape = col.shape
    if not (col.one_shape and shape and "9" in shape and len(shape) <= 40 and col.values >= 2):
        return False
    return bool(hints.ID_HINT.search(col.name) or constraints.get("unique") or col.leading_zero)


def _primary_key(fields: list[dict[str, Any]], collector: Collector) -> list[str] | None:
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
    collector = None if excel else read_csv(path, codec, sample_rows)
    if collector is None:
        collector = read_frictionless(path, codec, sample_rows)
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
