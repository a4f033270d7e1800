"""Tabular validation: a fast columnar Table Schema validator, Frictionless as reference.

    from catalog.tabular import validate_table

    def scan(batch, first_row_number):   # pyarrow.RecordBatch, all columns strings
        ...                              # PII scan, statistics for great-expectations...

    report = validate_table("data/budget.csv", schema_dict, encoding="cp874", on_batch=scan)
    report.engine          # "columnar", or "frictionless" when it handed the file over
    report.fallback_reason # why it did
    report.errors          # [TableError(type, row_number, field_number, field_name, cell, note)]
    report.batches_complete  # False if on_batch did not see every row (then rescan)
    findings = report.to_findings(file="data/budget.csv", dataset="...", resource="...")

``validate_table`` reports exactly the errors ``frictionless validate`` reports (same types,
rows, fields, cells, notes and order); ``supports`` says beforehand whether the columnar
path will handle a file; ``validate_reference`` runs Frictionless itself (XLSX goes there).
See ``columnar.py`` for how equality is kept, what is handed over, and the deviations.
"""
from .errors import TableError, TableReport
from .reference import validate_reference
from .columnar import Support, supports, validate_table
from ._types import Unsupported

__all__ = [
    "TableError",
    "TableReport",
    "Support",
    "Unsupported",
    "supports",
    "validate_reference",
    "validate_table",
]
