"""Tabular validation: a fast columnar Table Schema validator and Frictionless as reference.

    from catalog.tabular import validate_table, supports, validate_reference

``validate_table`` gives the same errors as ``frictionless validate`` (see
``catalog/tabular/columnar.py`` for how, and for what is delegated to Frictionless).
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
