"""Manifest <-> CKAN package dict, in data.go.th's (thai_gdc) field names.

One mapping serves publish (manifest -> package), plan (both sides normalised the same way so
a diff means a real difference) and import (package -> manifest). Provenance fields written by
gdc (``gdc_provenance``, ``gdc_content_hash``, ``gdc_state``, per-resource ``gdc_sha256``) are
how the tool recognises its own datasets and skips unchanged files without downloading them.
"""
from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from catalog import __version__
from catalog.manifest import Agency, Dataset, Resource
from catalog.profile import Field, Profile

PROVENANCE = "gdc_provenance"
CONTENT_HASH = "gdc_content_hash"
STATE = "gdc_state"
FILE_HASH = "gdc_sha256"
TABLE_SCHEMA = "gdc_table_schema"
VALIDATED = "gdc_validated"
RETIRED = "retired"
DOWNLOADALL_NAMES = {"All resource data", "ข้อมูลทรัพยากรทั้งหมด"}
_RESOURCE_CORE = ("name", "description", "format")


def is_managed(package: dict[str, Any]) -> bool:
    return bool(package.get(PROVENANCE))


def is_retired(package: dict[str, Any]) -> bool:
    return package.get(STATE) == RETIRED


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _dataset_fields(profile: Profile) -> list[Field]:
    return [f for f in profile.dataset_fields.values() if not f.manifest_only]


def _resource_fields(profile: Profile) -> list[Field]:
    return [f for f in profile.resource_fields.values()
            if not f.manifest_only and f.name not in ("path", "url")]


@functools.lru_cache(maxsize=4096)
def _file_sha256(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """Streamed sha256 of a resource file, cached per (path, size, mtime) within a run."""
    stat = path.stat()
    return _file_sha256(str(path), stat.st_size, stat.st_mtime_ns)


# -- manifest -> CKAN ------------------------------------------------------------------------

def package_fields(dataset: Dataset, profile: Profile) -> dict[str, Any]:
    """The dataset's metadata as CKAN fields (no resources), empty fields left out."""
    meta = dataset.metadata
    out: dict[str, Any] = {"name": dataset.name, "owner_org": dataset.agency.name if dataset.agency else None,
                           "private": False, STATE: "active"}
    for f in _dataset_fields(profile):
        value = meta.get(f.name)
        if _empty(value):
            continue
        out["tag_string" if f.name == "tags" else f.name] = ",".join(value) if f.name == "tags" else value
    return out


def resource_fields(resource: Resource, profile: Profile) -> dict[str, Any]:
    """A resource as CKAN fields; a local file carries its sha256 so unchanged files are skipped."""
    meta = resource.metadata
    out: dict[str, Any] = {}
    for f in _resource_fields(profile):
        value = meta.get(f.name)
        if not _empty(value):
            out[f.name] = value
    if meta.get("table_schema"):
        from catalog.ckan.drift import canonical

        out[TABLE_SCHEMA] = canonical(meta["table_schema"])  # so the next plan can see schema drift
    local = resource.local_path()
    if local is not None:
        out[FILE_HASH] = file_sha256(local)
        out[VALIDATED] = validation_key(resource, out[FILE_HASH])
    else:
        out["url"] = meta.get("url")
    return out


def validation_key(resource: Resource, sha256: str) -> str:
    """What a file's data validation depends on: its bytes, its Table Schema, its checks, its
    declared encoding and allow-list, and the gdc that judged it. Publish stores it; a later
    publish whose key matches need not read the file again (the result cannot differ)."""
    raw = resource.raw
    basis = {"tool": __version__, "sha256": sha256, "schema": resource.metadata.get("table_schema"),
             "checks": resource.metadata.get("checks"), "encoding": raw.get("encoding"),
             "pii_allow": raw.get("pii_allow"), "format": resource.metadata.get("format")}
    return hashlib.sha256(json.dumps(basis, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def content_hash(package: dict[str, Any], resources: list[dict[str, Any]]) -> str:
    body = json.dumps({"package": package, "resources": resources}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def provenance(dataset: Dataset, commit: str | None) -> str:
    manifest_hash = hashlib.sha256(dataset.manifest.read_bytes()).hexdigest()
    return json.dumps({"tool": f"gdc-publisher {__version__}", "commit": commit,
                       "manifest": dataset.file, "manifest_sha256": manifest_hash},
                      ensure_ascii=False, sort_keys=True)


def organization_fields(agency: Agency) -> dict[str, Any]:
    meta = agency.metadata
    out = {"name": agency.name, "title": meta.get("title") or agency.name,
           "description": meta.get("description") or ""}
    if meta.get("image_url"):
        out["image_url"] = meta["image_url"]
    return out


# -- normalising both sides for comparison ---------------------------------------------------

def _norm(value: Any) -> Any:
    if _empty(value):
        return None
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, bool):
        return value
    return str(value).strip()


def _in_vocab_order(f: Field, value: Any, profile: Profile) -> Any:
    vocab = profile.vocab(f)
    if f.kind != "multi" or not isinstance(value, list) or vocab is None:
        return value
    order = {v: i for i, v in enumerate(vocab.values)}
    return sorted(value, key=lambda v: order.get(v, len(order)))


def comparable_package(package: dict[str, Any], profile: Profile) -> dict[str, Any]:
    """Managed fields of a CKAN package (from package_search/show) in the form we send."""
    out: dict[str, Any] = {"private": bool(package.get("private")), STATE: package.get(STATE) or "active"}
    for f in _dataset_fields(profile):
        if f.name == "tags":
            names = sorted(t["name"] for t in package.get("tags") or [] if isinstance(t, dict))
            out["tags"] = names or None
        else:
            out[f.name] = _in_vocab_order(f, _norm(package.get(f.name)), profile)
    return out


def comparable_desired(fields: dict[str, Any], profile: Profile) -> dict[str, Any]:
    out: dict[str, Any] = {"private": fields.get("private", False), STATE: fields.get(STATE, "active")}
    for f in _dataset_fields(profile):
        if f.name == "tags":
            tags = fields.get("tag_string")
            out["tags"] = sorted(tags.split(",")) if tags else None
        else:
            out[f.name] = _in_vocab_order(f, _norm(fields.get(f.name)), profile)
    return out


def comparable_resource(resource: dict[str, Any], profile: Profile) -> dict[str, Any]:
    out = {f.name: _norm(resource.get(f.name)) for f in _resource_fields(profile)}
    out[TABLE_SCHEMA] = _norm(resource.get(TABLE_SCHEMA))
    # VALIDATED is written with every resource write but is not a reason to write: a key that
    # no longer matches (new gdc, new checks) only means the file is read again.
    if resource.get("url_type") == "upload" or resource.get(FILE_HASH) and "url" not in resource:
        out[FILE_HASH] = resource.get(FILE_HASH)
        out["url"] = None
    else:
        out["url"] = _norm(resource.get("url"))
        out[FILE_HASH] = None
    out["format"] = (out.get("format") or "").upper() or None
    return out


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (old.get(k), new.get(k)) for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)}


def patch_value(field_name: str, new: Any, profile: Profile) -> Any:
    """The value to send in package_patch: clearing a field sends an empty value of its kind."""
    if field_name == "tags":
        return ("tag_string", ",".join(new or []))
    f = profile.dataset_fields.get(field_name)
    if new is None:
        return (field_name, [] if f is not None and f.kind == "multi" else "")
    return (field_name, new)
