"""Table Schema drift between what CKAN holds and what git now says: breaking or not.

A breaking change is one that can make a consumer's existing code or queries fail: a column
removed or renamed, a type narrowed, a constraint tightened, the primary key changed. Adding
a column or loosening a rule is not. Published resources carry their schema
(``gdc_table_schema``), so the plan can tell without downloading anything.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# A type may widen to these without breaking readers (everything reads as text).
_WIDER = {"integer": {"number", "string", "any"}, "number": {"string", "any"}, "year": {"integer", "number", "string", "any"},
          "date": {"datetime", "string", "any"}, "boolean": {"string", "any"}, "yearmonth": {"string", "any"},
          "datetime": {"string", "any"}, "time": {"string", "any"}}


@dataclass(frozen=True)
class SchemaChange:
    breaking: bool
    field: str | None
    what: str

    def to_dict(self) -> dict[str, Any]:
        return {"breaking": self.breaking, "field": self.field, "what": self.what}


def parse(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def canonical(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def compare(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[SchemaChange]:
    if old is None or new is None or old == new:
        return []
    old_fields = {f.get("name"): f for f in old.get("fields", [])}
    new_fields = {f.get("name"): f for f in new.get("fields", [])}
    removed = [n for n in old_fields if n not in new_fields]
    added = [n for n in new_fields if n not in old_fields]
    changes: list[SchemaChange] = []
    renamed = _renames(old, new, removed, added)
    for before, after in renamed:
        changes.append(SchemaChange(True, before, f"column '{before}' renamed to '{after}'"))
        removed.remove(before)
        added.remove(after)
    changes += [SchemaChange(True, n, f"column '{n}' removed") for n in removed]
    changes += [SchemaChange(False, n, f"column '{n}' added") for n in added]
    for name in old_fields.keys() & new_fields.keys():
        changes += _field_changes(name, old_fields[name], new_fields[name])
    if _pk(old) != _pk(new):
        changes.append(SchemaChange(True, None, f"primary key {_pk(old)} → {_pk(new)}"))
    return sorted(changes, key=lambda c: (not c.breaking, c.field or "", c.what))


def _pk(schema: dict[str, Any]) -> list[str]:
    pk = schema.get("primaryKey") or []
    return [pk] if isinstance(pk, str) else list(pk)


def _renames(old, new, removed, added) -> list[tuple[str, str]]:
    """A removed and an added column at the same position with the same type: a rename."""
    old_pos = {f.get("name"): i for i, f in enumerate(old.get("fields", []))}
    new_pos = {f.get("name"): i for i, f in enumerate(new.get("fields", []))}
    types_old = {f.get("name"): f.get("type", "string") for f in old.get("fields", [])}
    types_new = {f.get("name"): f.get("type", "string") for f in new.get("fields", [])}
    pairs = []
    for before in list(removed):
        match = next((a for a in added if new_pos[a] == old_pos[before] and types_new[a] == types_old[before]), None)
        if match is not None:
            pairs.append((before, match))
    return pairs


def _field_changes(name: str, old: dict[str, Any], new: dict[str, Any]) -> list[SchemaChange]:
    out = []
    t_old, t_new = old.get("type", "string"), new.get("type", "string")
    if t_old != t_new:
        wider = t_new in _WIDER.get(t_old, set())
        out.append(SchemaChange(not wider, name, f"type {t_old} → {t_new} ({'widened' if wider else 'narrowed'})"))
    if old.get("format", "default") != new.get("format", "default"):
        out.append(SchemaChange(True, name, f"format {old.get('format', 'default')} → {new.get('format', 'default')}"))
    c_old, c_new = old.get("constraints") or {}, new.get("constraints") or {}
    for key in ("required", "unique"):
        if bool(c_old.get(key)) != bool(c_new.get(key)):
            out.append(SchemaChange(bool(c_new.get(key)), name, f"{key} {bool(c_old.get(key))} → {bool(c_new.get(key))}"))
    for key, tighter in (("minimum", _gt), ("minLength", _gt), ("maximum", _lt), ("maxLength", _lt)):
        if c_old.get(key) != c_new.get(key):
            out.append(SchemaChange(tighter(c_new.get(key), c_old.get(key)), name,
                                    f"{key} {c_old.get(key)} → {c_new.get(key)}"))
    if c_old.get("pattern") != c_new.get("pattern"):
        out.append(SchemaChange(c_new.get("pattern") is not None, name,
                                f"pattern {c_old.get('pattern')} → {c_new.get('pattern')}"))
    if c_old.get("enum") != c_new.get("enum"):
        before, after = set(map(str, c_old.get("enum") or [])), set(map(str, c_new.get("enum") or []))
        narrowed = c_new.get("enum") is not None and (c_old.get("enum") is None or bool(before - after))
        out.append(SchemaChange(narrowed, name, f"enum {'narrowed' if narrowed else 'widened'}"))
    return out


def _gt(new: Any, old: Any) -> bool:
    """A lower bound is tighter when it appears or rises."""
    if new is None:
        return False
    return old is None or _num(new) > _num(old)


def _lt(new: Any, old: Any) -> bool:
    """An upper bound is tighter when it appears or falls."""
    if new is None:
        return False
    return old is None or _num(new) < _num(old)


def _num(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0
