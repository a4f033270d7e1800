"""Frictionless v5 as the reference validator (and the fallback of the columnar one).

``validate_reference`` runs ``frictionless.Resource(path, schema=...).validate()`` exactly as
``frictionless validate`` would (same encoding detection, same CSV dialect sniffing, same
default ``limit_errors``) and converts the report into :class:`TableError` lists.
XLSX/XLS/ODS and anything else Frictionless can read go through here.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Mapping, Optional, Union

import frictionless
from frictionless import Resource, Schema, system

from .errors import TableError, TableReport

SchemaLike = Union[Mapping[str, Any], Schema, str, os.PathLike]

#: Frictionless' own default error limit (``frictionless.settings.DEFAULT_LIMIT_ERRORS``).
DEFAULT_LIMIT_ERRORS = frictionless.settings.DEFAULT_LIMIT_ERRORS


def load_schema(schema: SchemaLike) -> Schema:
    """A Frictionless ``Schema`` from a descriptor dict, a Schema, or a JSON/YAML file path.

    Invalid descriptors are *not* rejected here: ``Resource.validate`` reports them as
    ``schema-error``/``field-error`` like ``frictionless validate`` does.
    """
    if isinstance(schema, Schema):
        return schema
    if isinstance(schema, (str, os.PathLike)):
        path = Path(schema)
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            descriptor = yaml.safe_load(text)
        else:
            descriptor = json.loads(text)
    else:
        descriptor = dict(schema)
    return Schema.from_descriptor(descriptor)


def make_resource(
    path: Union[str, os.PathLike],
    schema: SchemaLike,
    *,
    encoding: Optional[str] = None,
    delimiter: Optional[str] = None,
) -> Resource:
    options: dict[str, Any] = {"schema": load_schema(schema)}
    if encoding:
        options["encoding"] = encoding
    if delimiter:
        from frictionless.formats import CsvControl

        options["dialect"] = frictionless.Dialect(controls=[CsvControl(delimiter=delimiter)])
    return Resource(os.fspath(path), **options)


def convert_error(error: Any) -> TableError:
    """One Frictionless error -> TableError (label errors: row 1, the label as ``cell``)."""
    data = error.to_descriptor() if hasattr(error, "to_descriptor") else {}
    row_number = getattr(error, "row_number", None)
    if row_number is None:
        row_numbers = getattr(error, "row_numbers", None)
        if row_numbers:
            row_number = row_numbers[0]
    cell = getattr(error, "cell", None)
    if cell is None and hasattr(error, "label"):
        cell = error.label
    return TableError(
        type=error.type,
        row_number=row_number,
        field_number=getattr(error, "field_number", None),
        field_name=getattr(error, "field_name", None),
        cell=cell,
        note=getattr(error, "note", None) or data.get("note", "") or "",
    )


def validate_reference(
    path: Union[str, os.PathLike],
    schema: SchemaLike,
    *,
    encoding: Optional[str] = None,
    delimiter: Optional[str] = None,
    limit_errors: int = DEFAULT_LIMIT_ERRORS,
    fallback_reason: Optional[str] = None,
) -> TableReport:
    """Validate with Frictionless and return its errors as a :class:`TableReport`.

    The path is our own local file, so it is validated as *trusted* (Frictionless otherwise
    refuses absolute paths as "not safe"). ``limit_errors=0`` means no limit, as in
    Frictionless.
    """
    started = time.perf_counter()
    previous = system.trusted
    system.trusted = True
    try:
        resource = make_resource(path, schema, encoding=encoding, delimiter=delimiter)
        report = resource.validate(limit_errors=limit_errors)
    except frictionless.FrictionlessException as exc:
        # An invalid schema descriptor is refused when the Schema is built: report it the
        # way ``frictionless validate`` does (a schema-error, then the reasons).
        errors = [convert_error(e) for e in exc.to_errors()]
        return TableReport(
            path=os.fspath(path),
            errors=errors,
            engine="frictionless",
            fallback_reason=fallback_reason,
            seconds=time.perf_counter() - started,
            batches_complete=False,
        )
    except Exception as exc:
        # Frictionless itself crashes on a few inputs (e.g. a signalling NaN, "sNaN", in a
        # unique number column: "Cannot hash a signaling NaN value"). A validator must
        # not crash the publishing run: the crash becomes one blocking check-error.
        note = f"Frictionless failed: {type(exc).__name__}: {exc}"
        return TableReport(
            path=os.fspath(path),
            errors=[TableError("check-error", note=note)],
            engine="frictionless",
            fallback_reason=fallback_reason,
            seconds=time.perf_counter() - started,
            batches_complete=False,
        )
    finally:
        system.trusted = previous
    errors = [convert_error(e) for e in report.errors]
    rows = 0
    warnings = list(report.warnings)
    labels: list[str] = []
    partial = False
    for task in report.tasks:
        errors.extend(convert_error(e) for e in task.errors)
        rows = task.stats.get("rows") or rows
        labels = list(task.labels or [])
        warnings.extend(task.warnings)
        partial = partial or any(w.startswith("reached ") for w in task.warnings)
    dialect = getattr(resource, "dialect", None)
    delimiter_used = None
    if dialect is not None:
        try:
            delimiter_used = dialect.get_control("csv").delimiter
        except Exception:
            delimiter_used = None
    return TableReport(
        path=os.fspath(path),
        errors=errors,
        engine="frictionless",
        rows=rows or 0,
        partial=partial,
        fallback_reason=fallback_reason,
        encoding=resource.encoding,
        delimiter=delimiter_used,
        labels=labels,
        warnings=warnings,
        batches_complete=False,
        seconds=time.perf_counter() - started,
    )
