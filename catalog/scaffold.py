"""Scaffold ``agency.yaml`` and ``dataset.yaml`` manifests from the data.go.th profile.

Why: a steward's first manifest is where the 14 mandatory items, the Thai choice values and
the *_other rules bite. ``gdc init`` (``catalog/commands/init.py`` asks; this module decides
and writes) fills what it can from the profile's ``default:`` values, checks every value with
the very checks ``gdc validate`` runs, and writes a manifest that passes them, with a comment
on each line saying what the field is (Thai / English) and the optional fields ready to
uncomment. Nothing here names a data.go.th field or choice: it all comes from the profile.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from catalog.checks.fields import Where, check, check_mapping, is_blank
from catalog.findings import Finding
from catalog.manifest import AGENCY_FILE, DATASET_FILE, find_repo_root
from catalog.profile import Field, Profile

COMMENT_COLUMN = 44
MAX_LISTED_CHOICES = 8
SCHEMA_FILE = "schema.json"


@dataclass
class Catalog:
    """Where manifests go: ``folder`` (e.g. ``datasets/``) inside repository ``repo``."""

    folder: Path
    repo: Path

    @classmethod
    def at(cls, folder: Path) -> "Catalog":
        folder = Path(os.path.abspath(folder))
        return cls(folder, find_repo_root(folder) or folder.parent)

    def agencies(self) -> dict[str, str]:
        """Agency folder -> its Thai title (empty when its agency.yaml cannot be read)."""
        out = {}
        for path in sorted(self.folder.glob(f"*/{AGENCY_FILE}")):
            data = _safe_yaml(path)
            out[path.parent.name] = str(data.get("title") or "") if isinstance(data, dict) else ""
        return out

    def taken(self, key: str, value: str) -> Path | None:
        """The dataset.yaml already using ``value`` as its ``key`` (name or title), if any."""
        norm = value.strip().casefold()
        for path in sorted(self.folder.glob(f"*/*/{DATASET_FILE}")):
            data = _safe_yaml(path)
            if isinstance(data, dict) and str(data.get(key) or "").strip().casefold() == norm:
                return path
        return None


def _safe_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeError, yaml.YAMLError):
        return None


def slugify(text: str, limit: int = 70) -> str:
    """A URL name data.go.th accepts: lowercase a-z 0-9 - _ (Thai letters are dropped)."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")
    return re.sub(r"-{2,}", "-", slug)[:limit].strip("-_")


# ----------------------------------------------------------------------------- values


def default(f: Field, ctx: dict[str, str]) -> Any:
    """The profile's default for ``f`` with ``{title}``, ``{agency_title}``, ``{today}`` filled."""
    value = f.default
    if value is None:
        return None
    if isinstance(value, tuple):
        items = [str(v).format(**ctx) for v in value]
        return [v for v in items if v.strip()] or None
    text = str(value).format(**ctx)
    return text if text.strip() else None


def context(*, title: str = "", agency_title: str = "", today: dt.date | None = None) -> dict[str, str]:
    return {"title": title, "agency_title": agency_title, "today": (today or dt.date.today()).isoformat()}


def split_input(f: Field, raw: Any) -> Any:
    """A typed answer or flag as the manifest would hold it: ``a, b`` -> ``[a, b]`` for lists."""
    if isinstance(raw, str) and f.kind in ("multi", "tags"):
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


def parse(profile: Profile, f: Field, raw: Any) -> tuple[Any, list[Finding]]:
    """Check one value exactly as ``gdc validate`` would; the stored (Thai) value and errors."""
    where = Where(file="", line=lambda key: None)
    stored, found = check(f, split_input(f, raw), profile, where)
    return stored, [x for x in found if x.blocking]


def check_all(profile: Profile, fields: dict[str, Field], values: dict[str, Any],
              data_type_en: str | None) -> list[Finding]:
    """Every rule ``gdc validate`` applies to the mapping (required, *_other, types ...)."""
    where = Where(file="", line=lambda key: None)
    _, found = check_mapping(values, fields, profile, where, data_type_en=data_type_en)
    return found


def allowed_by_rule(profile: Profile, f: Field, values: dict[str, Any]) -> list[str] | None:
    """The choices of ``f`` that fit an earlier answer, from the profile's
    ``category_classification`` table (data_category -> allowed data_classification).

    The two fields are found by their vocabularies (the table's keys are one field's choices,
    its values the other's), so the rule stays data like the rest of the profile.
    """
    table = profile.category_classification
    vocab = profile.vocab(f)
    if not table or vocab is None or not {v for vs in table.values() for v in vs} <= set(vocab.values):
        return None
    for other in profile.dataset_fields.values():
        other_vocab = profile.vocab(other)
        if other is not f and other_vocab is not None and set(table) <= set(other_vocab.values):
            return table.get(values.get(other.name) or "") or None
    return None


# ----------------------------------------------------------------------------- rendering


def schema_header(manifest: Path, repo: Path, kind: str) -> str:
    target = repo / "schemas" / f"{kind}.schema.json"
    rel = os.path.relpath(target, manifest.parent).replace(os.sep, "/")
    return f"# yaml-language-server: $schema={rel}"


def _dump(value: Any) -> str:
    """One YAML value on one line, quoted where YAML would otherwise change its type."""
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000, sort_keys=False)
    text = text.strip()
    return text[:-4].rstrip() if text.endswith("\n...") else text.removesuffix("...").rstrip()


def _label(f: Field) -> str:
    return f"{f.label.get('th', f.name)} / {f.label.get('en', f.name)}"


def _width(text: str) -> int:
    """Columns a terminal gives ``text``: Thai vowel and tone marks take none."""
    return sum(0 if unicodedata.category(ch) in ("Mn", "Me", "Cf") else 1 for ch in text)


def _pad(text: str) -> str:
    return text + " " * max(1, COMMENT_COLUMN - _width(text))


def _line(key: str, value: Any, comment: str, indent: str = "") -> str:
    lines = value.split("\n") if isinstance(value, str) else []
    if len(lines) > 1 and not any(ln[:1].isspace() or ln != ln.rstrip() for ln in lines if ln):
        body = "\n".join(f"{indent}  {ln}" for ln in value.rstrip("\n").split("\n"))
        chomp = "|" if value.endswith("\n") else "|-"
        return f"{indent}{key}: {chomp}  # {comment}\n{body}"
    text = f"{indent}{key}: {_dump(value)}"
    return f"{_pad(text)} # {comment}" if comment else text


def _choices_hint(profile: Profile, f: Field) -> str:
    vocab = profile.vocab(f)
    if vocab is None:
        return ""
    shown = [f"{c.value} ({c.en})" for c in vocab.choices if not c.legacy]
    more = ", …" if len(shown) > MAX_LISTED_CHOICES else ""
    return "; one of: " + ", ".join(shown[:MAX_LISTED_CHOICES]) + more


def _comment(profile: Profile, f: Field, value: Any, defaulted: bool) -> str:
    parts = [_label(f)]
    vocab = profile.vocab(f)
    if vocab is not None and value is not None:
        items = value if isinstance(value, list) else [value]
        english = [vocab.by_value(v).en for v in items if vocab.by_value(v)]
        if english:
            parts.append(f"= {', '.join(english)}")
    if defaulted:
        parts.append("(default: review)")
    return " ".join(parts)


def _yaml_value(f: Field, stored: Any) -> Any:
    if f.kind == "bool":
        return stored == "True"
    return stored


@dataclass
class Manifest:
    """A manifest to write: values already checked, plus which of them are defaults."""

    kind: str  # "agency" | "dataset"
    values: dict[str, Any]
    defaulted: set[str] = field(default_factory=set)
    data_type_en: str | None = None
    resources: list[dict[str, Any]] = field(default_factory=list)


def render(profile: Profile, manifest: Manifest, path: Path, repo: Path, command: str) -> str:
    """The manifest's YAML text: header, set values with comments, optional fields commented."""
    fields = profile.agency_fields if manifest.kind == "agency" else profile.dataset_fields
    lines = [schema_header(path, repo, manifest.kind),
             f"# {'Agency (a CKAN organization)' if manifest.kind == 'agency' else 'Dataset'} manifest for "
             f"data.go.th, drafted by `{command}`.",
             "# Keys are data.go.th's field names. A choice takes its Thai value or its English name",
             "# (shown after '='); editors with the YAML extension list them. Check: `gdc validate`."]
    optional, specific = [], []
    for name, f in fields.items():
        value = manifest.values.get(name)
        if not is_blank(value):
            lines.append(_line(name, _yaml_value(f, value),
                               _comment(profile, f, value, name in manifest.defaulted)))
        elif name in profile.other_fields:
            continue
        elif f.types and manifest.data_type_en in f.types:
            specific.append(_pad(f"# {name}:") + f" # {_label(f)}{_choices_hint(profile, f)}")
        elif not f.types:
            optional.append(_pad(f"# {name}:") + f" # {_label(f)}{_choices_hint(profile, f)}")
    if optional:
        lines += ["", "# Optional: uncomment and fill what applies."] + optional
    if specific:
        dtype = profile.vocabularies["data_type"].resolve(manifest.data_type_en)
        lines += ["", f"# Fields for {dtype.value if dtype else ''} ({manifest.data_type_en}): optional, "
                      "data.go.th shows them on the dataset page."] + specific
    if manifest.kind == "dataset":
        lines += ["", *render_resources(profile, manifest.resources)]
    return "\n".join(lines) + "\n"


def render_resources(profile: Profile, resources: list[dict[str, Any]]) -> list[str]:
    if not resources:
        return ["resources: []  # add files: - {name: ..., path: data.csv, format: CSV, schema: schema.json}"]
    lines = ["resources:"]
    comments = {"path": "relative to this folder (or url: https://...)",
                "schema": "Frictionless Table Schema drafted by `gdc schema infer`: review it",
                "encoding": "detected from the file's bytes (utf-8, or cp874 = TIS-620 from Thai Excel)"}
    for res in resources:
        first = True
        for key, value in res.items():
            f = profile.resource_fields.get(key)
            comment = comments.get(key) or (_label(f) if f else "")
            lines.append(_line(key, value, comment, indent="  - " if first else "    "))
            first = False
        lines.append("    # checks:  # data-quality checks by their great-expectations names, e.g.")
        lines.append("    #   - expect_column_values_to_not_be_null: {column: ...}")
    return lines


# ----------------------------------------------------------------------------- writing


def ensure_editor_schemas(profile: Profile, repo: Path) -> list[Path]:
    """Write ``schemas/*.schema.json`` into a catalog repository that lacks them, so the
    ``$schema`` header of each manifest leads editors somewhere (never overwrites)."""
    from catalog.profile import jsonschema

    written = []
    for name, text in jsonschema.rendered(profile).items():
        path = repo / "schemas" / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def first_existing(paths: list[Path]) -> Path | None:
    return next((p for p in paths if p.exists()), None)


def write_new(files: dict[Path, str | Path]) -> list[Path]:
    """Write every file (text, or a ``Path`` to copy), refusing (FileExistsError, nothing
    written) if any target already exists; copies stream, so a big data file is never loaded."""
    import shutil

    clash = first_existing(list(files))
    if clash is not None:
        raise FileExistsError(str(clash))
    written = []
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            with content.open("rb") as src, path.open("xb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        else:
            with path.open("x", encoding="utf-8") as fh:
                fh.write(content)
        written.append(path)
    return written
