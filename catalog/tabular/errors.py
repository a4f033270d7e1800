"""The table-error model shared by the columnar validator and the Frictionless reference.

``TableError`` mirrors a Frictionless v5 error closely enough that two lists can be compared
field by field: ``type`` is the Frictionless error type verbatim (``type-error``,
``constraint-error``, ``missing-cell``, ``extra-cell``, ``blank-row``, ``primary-key``,
``unique-error``, ``blank-label``, ``duplicate-label``, ``incorrect-label``,
``missing-label``, ``extra-label``, and for whole-file problems ``schema-error``,
``field-error``, ``source-error``, ``encoding-error``, ``scheme-error``...; ``check-error``
when Frictionless itself crashed).  Rows are numbered as Frictionless numbers them
(the header is row 1, every CSV record counts, blank ones included); fields are 1-based.

Conventions copied from Frictionless so that nothing needs translating:

* ``cell`` is the raw string of the cell. Frictionless quirks are kept on purpose: a
  ``required`` violation on a cell that is absent from a short row has ``cell == "None"``;
  a ``unique-error`` carries the *parsed* value as text (``"007"`` in an integer column is
  reported as ``"7"``); a ``missing-cell`` has ``cell == ""``.
* label errors (``*-label``) have ``row_number == 1`` and the label in ``cell``;
* ``extra-cell`` / ``extra-label`` have ``field_name == ""``;
* row errors (``blank-row``, ``primary-key``) have no field and no cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from catalog import findings as _findings

#: Error types a CSV validation can emit, in the order the Frictionless baseline lists them.
ROW_TYPES = ("blank-row", "primary-key", "foreign-key")
CELL_TYPES = ("extra-cell", "missing-cell", "type-error", "constraint-error", "unique-error")
LABEL_TYPES = ("extra-label", "missing-label", "blank-label", "duplicate-label", "incorrect-label")
HEADER_TYPES = ("blank-header", "unmatched-header")


@dataclass(frozen=True)
class TableError:
    type: str
    row_number: Optional[int] = None
    field_number: Optional[int] = None
    field_name: Optional[str] = None
    cell: Optional[str] = None
    note: str = ""

    def key(self) -> tuple:
        """What the differential suite compares: (type, row, field, cell)."""
        return (self.type, self.row_number, self.field_number, self.cell)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "rowNumber": self.row_number,
            "fieldNumber": self.field_number,
            "fieldName": self.field_name,
            "cell": self.cell,
            "note": self.note,
        }

    def to_finding(
        self,
        *,
        file: Optional[str] = None,
        dataset: Optional[str] = None,
        resource: Optional[str] = None,
        stage: str = "schema",
    ) -> _findings.Finding:
        """A blocking finding ``TABLE_<TYPE>`` (e.g. ``TABLE_TYPE_ERROR``) for the report."""
        params: dict[str, Any] = {"type": self.type, "note": self.note}
        if self.cell is not None:
            params["cell"] = self.cell
        if self.field_number is not None:
            params["field_number"] = self.field_number
        return _findings.error(
            "TABLE_" + self.type.upper().replace("-", "_"),
            file=file,
            dataset=dataset,
            resource=resource,
            row=self.row_number,
            field=self.field_name or None,
            stage=stage,
            **params,
        )


@dataclass
class TableReport:
    """Result of validating one table file.

    ``engine`` says who produced ``errors``: ``"columnar"`` or ``"frictionless"`` (either
    because the file/schema is outside what the columnar path covers — see
    ``fallback_reason`` — or because the reference was asked for directly).
    ``partial`` is True when reading stopped at ``limit_errors`` (Frictionless does the same).
    ``batches_complete`` is False when ``on_batch`` did not see the whole file (error limit
    reached, or the columnar read had to be abandoned for the reference mid-way): a caller
    collecting statistics through ``on_batch`` must then not trust them.
    """

    path: str
    errors: list[TableError] = field(default_factory=list)
    engine: str = "columnar"
    rows: int = 0
    partial: bool = False
    fallback_reason: Optional[str] = None
    encoding: Optional[str] = None
    delimiter: Optional[str] = None
    labels: list[str] = field(default_factory=list)
    #: the row Frictionless took as header (it moves it down past short leading rows)
    header_row: int = 1
    warnings: list[str] = field(default_factory=list)
    batches_complete: bool = True
    seconds: float = 0.0

    @property
    def valid(self) -> bool:
        return not self.errors

    def keys(self) -> list[tuple]:
        return [e.key() for e in self.errors]

    def to_findings(self, **location: Any) -> list[_findings.Finding]:
        return [e.to_finding(**location) for e in self.errors]

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "valid": self.valid,
            "engine": self.engine,
            "rows": self.rows,
            "partial": self.partial,
            "fallbackReason": self.fallback_reason,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "labels": list(self.labels),
            "warnings": list(self.warnings),
            "seconds": round(self.seconds, 3),
            "errors": [e.to_dict() for e in self.errors],
        }


def error_keys(errors: Iterable[TableError]) -> list[tuple]:
    return [e.key() for e in errors]
