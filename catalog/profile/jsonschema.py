"""Generate editor JSON Schemas (``schemas/dataset.schema.json``, ``agency.schema.json``).

Editors (VS Code's YAML extension reads ``# yaml-language-server: $schema=...``) then
autocomplete data.go.th's field names and offer the Thai choices and English aliases as the
steward types. The schemas are generated from the profile, never edited by hand; a test
proves the committed files are current. Run ``python -m catalog.profile.jsonschema`` (or
``make schemas``) after editing the profile.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from catalog.profile import Field, Profile, load

SCHEMA_URI = "http://json-schema.org/draft-07/schema#"


def _describe(f: Field) -> str:
    label = f.label or {}
    parts = [f"{label.get('th', f.name)} / {label.get('en', f.name)}"]
    if f.mandatory:
        parts.append("One of the 14 mandatory metadata items.")
    if f.types:
        parts.append("Only for data_type: " + ", ".join(f.types) + ".")
    if f.other_field:
        parts.append(f"Choosing 'อื่นๆ' (other) requires {f.other_field}.")
    return " ".join(parts)


def _choice_schema(profile: Profile, f: Field) -> dict[str, Any]:
    vocab = profile.vocab(f)
    return {"enum": vocab.spellings()}


def field_schema(profile: Profile, f: Field) -> dict[str, Any]:
    kind = f.kind
    out: dict[str, Any]
    if kind == "select":
        out = _choice_schema(profile, f)
    elif kind == "multi":
        item = _choice_schema(profile, f)
        out = {"anyOf": [{"type": "array", "items": item, "minItems": 1}, item]}
    elif kind == "bool":
        out = {"anyOf": [{"type": "boolean"}, {"enum": profile.vocabularies["bool"].spellings()}]}
    elif kind == "tags":
        out = {"anyOf": [{"type": "array", "items": {"type": "string", "minLength": 2, "maxLength": 100}, "minItems": 1},
                         {"type": "string"}]}
    elif kind == "date":
        out = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    elif kind == "email":
        out = {"type": "string", "format": "email"}
    elif kind == "url":
        out = {"type": "string", "pattern": "^https?://"}
    elif kind == "slug":
        out = {"type": "string", "pattern": "^[a-z0-9_-]+$", "minLength": 2, "maxLength": f.max_length or 100}
    elif kind in ("number_text", "year"):
        out = {"type": ["string", "number"]}
    elif kind == "checks":
        out = {"type": "array", "items": {"type": "object", "minProperties": 1, "maxProperties": 1,
                                          "propertyNames": {"pattern": "^expect_"}}}
    else:
        out = {"type": "string"}
    out["description"] = _describe(f)
    return out


def _object(profile: Profile, fields: dict[str, Field], title: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    properties = {name: field_schema(profile, f) for name, f in fields.items()}
    properties.update(extra or {})
    return {
        "type": "object",
        "title": title,
        "properties": properties,
        "required": [name for name, f in fields.items() if f.must_have],
        "additionalProperties": False,
    }


def waiver_schema() -> dict[str, Any]:
    return {
        "type": "array",
        "description": "Waivers of governance-policy rules: rule id, reason, approver, expiry date.",
        "items": {"type": "object", "required": ["rule", "reason", "approver", "expires"],
                  "properties": {"rule": {"type": "string"}, "reason": {"type": "string"},
                                 "approver": {"type": "string"},
                                 "expires": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}}},
    }


def dataset_schema(profile: Profile) -> dict[str, Any]:
    resource_fields = {k: v for k, v in profile.resource_fields.items() if k not in ("path", "url")}
    resource = _object(profile, resource_fields, "Resource", {
        "path": {"type": "string", "description": "File path relative to this manifest's folder (or use url)."},
        "url": {"type": "string", "pattern": "^https?://", "description": "Link to the data (or use path)."},
    })
    # format may be left out: gdc guesses it from the file name (and says so).
    resource["required"] = [r for r in resource["required"] if r != "format"]
    resource["oneOf"] = [{"required": ["path"]}, {"required": ["url"]}]
    schema = _object(profile, profile.dataset_fields, "data.go.th dataset manifest (gdc)", {
        "resources": {"type": "array", "items": resource},
        "waivers": waiver_schema(),
    })
    return {"$schema": SCHEMA_URI, "$id": "https://gdc-publisher/schemas/dataset.schema.json", **schema}


def agency_schema(profile: Profile) -> dict[str, Any]:
    schema = _object(profile, profile.agency_fields, "data.go.th agency (CKAN organization) manifest (gdc)")
    return {"$schema": SCHEMA_URI, "$id": "https://gdc-publisher/schemas/agency.schema.json", **schema}


def rendered(profile: Profile) -> dict[str, str]:
    """File name -> exact text, so writing and the freshness test share one rendering."""
    def text(obj: dict[str, Any]) -> str:
        return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"
    return {"dataset.schema.json": text(dataset_schema(profile)),
            "agency.schema.json": text(agency_schema(profile))}


def write(folder: Path | None = None) -> list[Path]:
    profile = load()
    folder = folder or profile.path.parent
    written = []
    for name, text in rendered(profile).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write(Path(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(f"wrote {path}")
