"""The data.go.th (thai_gdc) metadata profile, read from ``schemas/datagoth-profile.yaml``.

Everything that knows data.go.th's fields goes through :func:`load`: the manifest check, the
CKAN mapping, the generated JSON Schemas and the local CKAN's scheming schema. Keeping the
vocabularies as data means a new thai_gdc field or choice is one edit in one file.
"""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PROFILE_ENV = "GDC_PROFILE"


def default_path() -> Path:
    """The profile shipped with the project (schemas/ beside the package), or $GDC_PROFILE."""
    env = os.environ.get(PROFILE_ENV)
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    for candidate in (here.parent.parent / "schemas", here / "data"):
        path = candidate / "datagoth-profile.yaml"
        if path.exists():
            return path
    raise FileNotFoundError("schemas/datagoth-profile.yaml not found; set GDC_PROFILE")


def alias_key(text: str) -> str:
    """Aliases match regardless of case and of '-', '_' or spaces between words."""
    return re.sub(r"[\s_\-]+", "_", str(text).strip().lower())


@dataclass(frozen=True)
class Choice:
    value: str
    en: str
    aliases: tuple[str, ...] = ()
    other: bool = False
    legacy: bool = False
    days: float | None = None


@dataclass(frozen=True)
class Vocabulary:
    name: str
    choices: tuple[Choice, ...]

    @functools.cached_property
    def _lookup(self) -> dict[str, Choice]:
        table: dict[str, Choice] = {}
        for choice in self.choices:
            for key in (choice.en, *choice.aliases):
                table.setdefault(alias_key(key), choice)
        # The stored value itself wins over any alias that happens to spell the same.
        for choice in self.choices:
            table[alias_key(choice.value)] = choice
        return table

    def resolve(self, text: Any) -> Choice | None:
        """The choice a steward meant: the exact Thai value, or an English alias."""
        if text is None:
            return None
        if isinstance(text, bool):
            text = "true" if text else "false"
        return self._lookup.get(alias_key(text))

    @property
    def values(self) -> list[str]:
        return [c.value for c in self.choices]

    @property
    def other_value(self) -> str | None:
        return next((c.value for c in self.choices if c.other), None)

    def by_value(self, value: str) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)

    def spellings(self) -> list[str]:
        """Every accepted spelling: Thai values and English aliases (for editor autocomplete)."""
        seen: list[str] = []
        for c in self.choices:
            for s in (c.value, c.en, *c.aliases):
                if s not in seen:
                    seen.append(s)
        return seen


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    label: dict[str, str] = field(default_factory=dict)
    required: bool = False
    mandatory: bool = False
    unique: bool = False
    vocabulary: str | None = None
    other_field: str | None = None
    types: tuple[str, ...] = ()
    max_length: int | None = None
    range: tuple[float, float] | None = None
    manifest_only: bool = False
    default: Any = None  # what `gdc init` proposes; may hold {title}, {agency_title}, {today}

    @property
    def must_have(self) -> bool:
        return self.required or self.mandatory

    def applies_to(self, data_type_en: str | None) -> bool:
        return not self.types or data_type_en is None or data_type_en in self.types


@dataclass
class Profile:
    path: Path
    version: int
    data_types: tuple[str, ...]
    vocabularies: dict[str, Vocabulary]
    dataset_fields: dict[str, Field]
    resource_fields: dict[str, Field]
    agency_fields: dict[str, Field]
    manifest_keys: dict[str, Field]
    category_classification: dict[str, list[str]] = field(default_factory=dict)

    def vocab(self, f: Field) -> Vocabulary | None:
        return self.vocabularies.get(f.vocabulary) if f.vocabulary else None

    @property
    def other_fields(self) -> set[str]:
        """Fields that only exist as the free-text sibling of an 'other' choice."""
        names = set()
        for fields in (self.dataset_fields, self.resource_fields):
            names.update(f.other_field for f in fields.values() if f.other_field)
        return names

    def data_type_en(self, stored_value: str | None) -> str | None:
        """The English key ('record', 'statistical', …) of a stored data_type value."""
        choice = self.vocabularies["data_type"].resolve(stored_value)
        return choice.en if choice else None

    def mandatory_fields(self) -> list[Field]:
        return [f for f in self.dataset_fields.values() if f.mandatory]


def _field(raw: dict[str, Any]) -> Field:
    data = dict(raw)
    data["types"] = tuple(data.get("types", ()))
    if "range" in data:
        data["range"] = tuple(data["range"])
    if isinstance(data.get("default"), list):
        data["default"] = tuple(data["default"])
    return Field(**data)


def _vocabulary(name: str, raw: list[dict[str, Any]]) -> Vocabulary:
    choices = []
    for item in raw:
        item = dict(item)
        item["value"] = str(item["value"])
        item["en"] = str(item["en"])
        item["aliases"] = tuple(str(a) for a in item.get("aliases", ()))
        choices.append(Choice(**item))
    return Vocabulary(name, tuple(choices))


def _parse(path: Path) -> Profile:
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)

    def fields(key: str) -> dict[str, Field]:
        return {f["name"]: _field(f) for f in raw.get(key, [])}

    return Profile(
        path=path,
        version=raw["version"],
        data_types=tuple(raw["data_types"]),
        vocabularies={k: _vocabulary(k, v) for k, v in raw["vocabularies"].items()},
        dataset_fields=fields("dataset_fields"),
        resource_fields=fields("resource_fields"),
        agency_fields=fields("agency_fields"),
        manifest_keys=fields("manifest_keys"),
        category_classification=raw.get("category_classification", {}),
    )


@functools.lru_cache(maxsize=4)
def _cached(path: str) -> Profile:
    return _parse(Path(path))


def load(path: Path | str | None = None) -> Profile:
    return _cached(str(Path(path) if path else default_path()))
