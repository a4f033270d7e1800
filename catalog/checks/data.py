"""Stage "validate data": every local resource file, read once.

One streaming read per file feeds everything that looks at the rows: the columnar Table
Schema validator (Frictionless semantics; Frictionless itself for what it does not cover and
for Excel), the personal-data scanner, the Thai-data checks, and, only when the resource has
``checks:``, the columns great-expectations needs. Findings point at the data file with row
and column; quality findings point at the check's line in the manifest.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from catalog import findings as F
from catalog.checks.resources import check_specs
from catalog.findings import Finding
from catalog.manifest import Catalog, Resource, display_path

TABULAR = {"CSV", "TSV", "TXT"}
EXCEL = {"XLSX", "XLS"}
PER_COLUMN = 5  # schema errors shown per (error type, column); the rest are counted
NUMERIC = {"integer", "number"}
# Valid cells of these types cannot be an ID, a phone number or an e-mail (invalid ones are
# schema errors already); only the column's name is judged for personal data.
NO_PII_TYPES = {"date", "datetime", "time", "boolean", "year", "yearmonth", "geopoint", "duration"}
Progress = Callable[[str, int, float], None]  # (file, rows so far, seconds)


@dataclass
class DataOutcome:
    findings: list[Finding]
    rows: dict[tuple[str, str], int]
    checks: list[tuple[str, str, Any]]  # (dataset, resource, quality CheckResult)


def check_catalog(catalog: Catalog, blocked_lines: set[tuple[str, int]], *, progress: Progress | None = None,
                  skip: Callable[[Resource], bool] | None = None, fetch: Any = None) -> DataOutcome:
    """``fetch`` (a catalog.fetch.FetchOptions) also downloads and validates ``url:`` resources."""
    outcome = DataOutcome([], {}, [])
    todo = [(d, r) for d in catalog.datasets for r in d.resources if not (skip and skip(r))]
    if any(check_specs(r) for _, r in todo):
        from catalog.quality import prewarm

        prewarm()  # GX takes seconds to import: let it load while the first files are read
    for dataset, resource in todo:
        path = resource.local_path()
        if path is None:
            _check_remote(resource, outcome, progress, fetch, blocked_lines)
            continue
        if (dataset.file, resource.line("path")) not in blocked_lines:
            _check_file(resource, path, outcome, progress)
    return outcome


def field_types(schema: dict[str, Any]) -> dict[str, str]:
    """Column name -> Table Schema type (Table Schema's default is string)."""
    return {f.get("name"): f.get("type", "string") for f in schema.get("fields", [])}


def _kind(resource: Resource, name: str) -> str | None:
    fmt = str(resource.metadata.get("format") or "").upper()
    suffix = Path(name).suffix.lower()
    if fmt in TABULAR or suffix in (".csv", ".tsv"):
        return "csv"
    if fmt in EXCEL or suffix in (".xlsx", ".xls"):
        return "excel"
    return None


def _check_file(resource: Resource, path: Path, outcome: DataOutcome, progress: Progress | None,
                shown_as: str | None = None) -> None:
    kind = _kind(resource, shown_as or path.name)
    if kind == "csv":
        _check_csv(resource, path, outcome, progress, shown_as)
    elif kind == "excel":
        _check_excel(resource, path, outcome, shown_as)


def _check_remote(resource: Resource, outcome: DataOutcome, progress, fetch, blocked_lines) -> None:
    """A linked table is validated like a file when the user asked for --fetch; otherwise a note
    says it was not (so a green run never silently means "the links were checked")."""
    from urllib.parse import urlparse

    from catalog import fetch as fetch_mod

    ds, url = resource.dataset, resource.metadata.get("url")
    where = {"file": ds.file, "line": resource.line("url"), "dataset": ds.name, "resource": resource.name,
             "stage": "data"}
    kind = _kind(resource, urlparse(url or "").path)
    if not url or (ds.file, resource.line("url")) in blocked_lines or kind is None:
        return
    if fetch is None:
        outcome.findings.append(F.info("URL_NOT_FETCHED", url=url, **where))
        return
    try:
        # the readers tell CSV from Excel by the file name: keep the URL's, or the declared format's
        suffix = Path(urlparse(url).path).suffix or (".csv" if kind == "csv" else ".xlsx")
        local = fetch_mod.download(url, fetch, suffix=suffix)
    except fetch_mod.FetchError as exc:
        make = F.error if exc.code in ("FETCH_PRIVATE_ADDRESS", "FETCH_SCHEME") else F.warning
        outcome.findings.append(make(exc.code, **where, **exc.params))
        return
    try:
        _check_file(resource, local, outcome, progress, shown_as=url)
    finally:
        local.unlink(missing_ok=True)


def _loc(resource: Resource, path: Path, shown_as: str | None = None) -> dict[str, Any]:
    return {"file": shown_as or display_path(path), "dataset": resource.dataset.name, "resource": resource.name}


def _check_csv(resource: Resource, path: Path, outcome: DataOutcome, progress: Progress | None,
               shown_as: str | None = None) -> None:
    from catalog import encoding as enc
    from catalog.pii import PiiScanner
    from catalog.tabular import validate_table

    ds = resource.dataset
    detected, found = enc.check(path, resource.metadata.get("encoding"), file=ds.file,
                                line=resource.line("encoding") if "encoding" in resource.raw else resource.line(),
                                dataset=ds.name, resource=resource.name)
    outcome.findings.extend(found)
    if any(f.blocking for f in found):
        return  # the bytes cannot be read as declared: schema errors would only be noise
    codec = resource.metadata.get("encoding") or detected.encoding or detected.candidate or "utf-8"
    schema = resource.metadata.get("table_schema") or _all_text_schema(path, codec)
    if schema is None:
        return
    loc = _loc(resource, path, shown_as)
    scanner = PiiScanner(**loc, allow_columns=resource.raw.get("pii_allow") or ())
    thai = _ThaiChecks(schema, loc)
    specs = check_specs(resource)
    collected: list[Any] = []
    started = time.perf_counter()

    keep = _needed_columns(specs, [f.get("name") for f in schema.get("fields", [])])

    types = field_types(schema)

    def on_batch(batch, first_row: int) -> None:
        for name, column in zip(batch.column_names, batch.columns):
            scanner.scan(name, column, first_row, content=types.get(name, "string") not in NO_PII_TYPES)
        thai.scan(batch, first_row)
        if specs:
            collected.append(batch.select(keep) if keep is not None else batch)
        if progress:
            progress(loc["file"], first_row + batch.num_rows - 2, time.perf_counter() - started)

    report = validate_table(path, schema, encoding=codec, on_batch=on_batch, limit_errors=1000,
                            stop_at_limit=False)
    outcome.rows[(ds.name, resource.name)] = report.rows
    outcome.findings.extend(_schema_findings(report, loc, "table_schema" in resource.metadata))
    outcome.findings.extend(scanner.findings())
    outcome.findings.extend(thai.findings())
    if specs:
        import pyarrow as pa

        table = pa.Table.from_batches(collected) if collected else None
        frame = _typed_frame(table, schema) if table is not None else None
        _run_quality(resource, specs, frame, outcome)


def _check_excel(resource: Resource, path: Path, outcome: DataOutcome, shown_as: str | None = None) -> None:
    """Excel goes through Frictionless (the reference reads it), then the same scans."""
    import pandas as pd
    import pyarrow as pa

    from catalog.pii import PiiScanner
    from catalog.tabular import validate_reference

    ds = resource.dataset
    loc = _loc(resource, path, shown_as)
    schema = resource.metadata.get("table_schema")
    if schema is not None:
        report = validate_reference(path, schema, limit_errors=1000)
        outcome.rows[(ds.name, resource.name)] = report.rows
        outcome.findings.extend(_schema_findings(report, loc, True))
    try:
        frame = pd.read_excel(path, dtype=str)
    except Exception as exc:  # a corrupt workbook is the steward's problem to fix, not a crash
        outcome.findings.append(F.error("EXCEL_UNREADABLE", **loc, reason=str(exc)[:200], stage="data"))
        return
    outcome.rows.setdefault((ds.name, resource.name), len(frame))
    scanner = PiiScanner(**loc, allow_columns=resource.raw.get("pii_allow") or ())
    scanner.scan_table(pa.Table.from_pandas(frame.fillna(""), preserve_index=False), 2)
    outcome.findings.extend(scanner.findings())
    specs = check_specs(resource)
    if specs:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        _run_quality(resource, specs, _typed_frame(table, schema or {"fields": []}), outcome)


def _needed_columns(specs, columns: list[str]) -> list[str] | None:
    """The columns the checks name, so GX gets a narrow frame; None (= all) when a check works
    on the whole table's columns or names a column the file lacks (its hint lists them all)."""
    named: list[str] = []
    for name, args, _ in specs:
        if name.startswith(("expect_table_column", "expect_compound", "expect_multicolumn", "expect_select")):
            return None
        for key, value in args.items():
            if key.startswith("column"):
                values = value if isinstance(value, list) else [value]
                named.extend(str(v) for v in values)
    if any(n not in columns for n in named):
        return None
    chosen = [c for c in columns if c in named]
    return chosen or columns[:1]  # a table-level check (row count) needs some column


def _run_quality(resource: Resource, specs, frame, outcome: DataOutcome) -> None:
    from catalog.quality import CheckSpec, run_checks

    ds = resource.dataset
    if frame is None:
        return
    report = run_checks([CheckSpec(n, a, line) for n, a, line in specs], frame, file=ds.file,
                        dataset=ds.name, resource=resource.name)
    outcome.findings.extend(report.findings)
    outcome.checks.extend((ds.name, resource.name, r) for r in report.results)


def _all_text_schema(path: Path, codec: str) -> dict[str, Any] | None:
    """Without a Table Schema, still read the file (structure, PII, checks) as text columns."""
    import csv

    try:
        with path.open(encoding=codec, newline="") as fh:
            header = next(csv.reader(fh), None)
    except (UnicodeError, OSError, LookupError):
        return None
    if not header:
        return None
    return {"fields": [{"name": h or f"field{i + 1}", "type": "string"} for i, h in enumerate(header)]}


def _schema_findings(report, loc: dict[str, Any], has_schema: bool) -> list[Finding]:
    """Table errors as findings, the first few per (type, column) with values, the rest counted."""
    shown: dict[tuple[str, str | None], int] = {}
    out: list[Finding] = []
    for error in report.errors:
        key = (error.type, error.field_name)
        shown[key] = shown.get(key, 0) + 1
        if shown[key] <= PER_COLUMN:
            out.append(error.to_finding(**loc))
    for (kind, column), count in shown.items():
        if count > PER_COLUMN:
            out.append(F.error("TABLE_MORE_ERRORS", **loc, field=column, type=kind, count=count - PER_COLUMN,
                               stage="schema"))
    if report.partial:
        out.append(F.warning("TABLE_ERROR_LIMIT", **loc, limit=len(report.errors), stage="schema"))
    if report.engine != "columnar" and report.fallback_reason and has_schema:
        out.append(F.info("TABLE_REFERENCE_ENGINE", **loc, reason=report.fallback_reason, stage="schema"))
    return out


def _typed_frame(table, schema: dict[str, Any]):
    """Columns typed as the Table Schema says (numbers as numbers), so GX compares numerically.
    Unparseable cells become nulls; the schema stage has already reported them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from catalog import thai

    types = field_types(schema)
    columns = []
    for name in table.column_names:
        column = table.column(name).combine_chunks()
        kind = types.get(name)
        if kind in NUMERIC or (kind is None and _all_numeric(column)):
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                column = _to_number(column)
            if kind == "integer":
                column = pc.cast(column, pa.int64(), safe=False)
        columns.append(column)
    return pa.table(columns, names=table.column_names).to_pandas()


def _to_number(column):
    """Plain numbers cast in one vectorised step; Thai digits, thousands separators and bad
    cells need the Thai-aware parser (bad cells become nulls)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from catalog import thai

    try:
        return pc.cast(pc.if_else(pc.equal(column, ""), pa.scalar(None, column.type), column), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return thai.parse_number(column)


def _all_numeric(column) -> bool:
    import pyarrow.compute as pc

    from catalog import thai

    if column.null_count == len(column):
        return False
    parsed = thai.parse_number(column)
    return parsed.null_count == pc.sum(pc.is_null(column)).as_py()


class _ThaiChecks:
    """Thai realities per column, over batches: Thai digits and thousands separators in numeric
    columns, Buddhist-era dates in date columns, Gregorian/BE mix-ups in year columns."""

    def __init__(self, schema: dict[str, Any], loc: dict[str, Any]):
        self.loc = loc
        self.types = field_types(schema)
        self.found: dict[tuple[str, str], Finding] = {}
        self.years: dict[str, list[Any]] = {}

    def scan(self, batch, first_row: int) -> None:
        from catalog import thai

        for name, column in zip(batch.column_names, batch.columns):
            kind = self.types.get(name, "string")
            if kind in NUMERIC:
                self._keep(thai.check_numeric_text(name, column, first_row, **self.loc))
            if kind in ("date", "datetime"):
                self._keep(thai.check_be_dates(name, column, first_row, **self.loc))
            if kind in ("year", "integer") and ("year" in name.lower() or "ปี" in name):
                self.years.setdefault(name, []).append((column, first_row))

    def _keep(self, found: list[Finding]) -> None:
        for f in found:
            self.found.setdefault((f.code, f.field or ""), f)  # first occurrence per column is enough

    def findings(self) -> list[Finding]:
        import pyarrow as pa

        from catalog import thai

        for name, parts in self.years.items():
            values = pa.chunked_array([c for c, _ in parts]).combine_chunks()
            self._keep(thai.check_year_eras(name, values, parts[0][1], **self.loc))
        return list(self.found.values())
