"""Stage "check resources": each manifest's ``resources:`` list, before any file is read.

A resource is a local file (``path``, relative to the manifest's folder) or a link (``url``),
never both. Local files must exist and stay inside the repository: a ``..``, an absolute path
or a symlink that leads outside would publish files nobody reviewed in this repository.
"""
from __future__ import annotations

import codecs
import json
import os
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlparse

import yaml

from catalog import findings as F
from catalog.checks.fields import Where, check_mapping, suggest
from catalog.findings import Finding
from catalog.manifest import Catalog, Dataset, Resource
from catalog.profile import Profile

FORMAT_BY_SUFFIX = {
    ".csv": "CSV", ".tsv": "TSV", ".xlsx": "XLSX", ".xls": "XLS", ".json": "JSON",
    ".geojson": "GeoJSON", ".xml": "XML", ".pdf": "PDF", ".zip": "ZIP", ".txt": "TXT",
    ".shp": "SHP", ".kml": "KML", ".parquet": "Parquet",
}


def check_catalog(catalog: Catalog, profile: Profile) -> list[Finding]:
    found: list[Finding] = []
    for dataset in catalog.datasets:
        found.extend(check_dataset(dataset, profile, catalog.repo_root))
    return found


def check_dataset(dataset: Dataset, profile: Profile, repo_root: Path) -> list[Finding]:
    if not isinstance(dataset.doc.data, dict):
        return []
    raw = dataset.raw.get("resources")
    where = dict(file=dataset.file, dataset=dataset.name, stage="metadata")
    if raw is None or raw == []:
        return [F.warning("RESOURCES_EMPTY", line=dataset.line("resources"), **where)]
    if not isinstance(raw, list):
        return [F.error("FIELD_WRONG_TYPE", line=dataset.line("resources"), field_name="resources",
                        expected="list of resources", got=type(raw).__name__, **where)]
    data_type = profile.data_type_en(dataset.metadata.get("data_type"))
    found: list[Finding] = []
    dataset.resources = []
    names: dict[str, int] = {}
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            found.append(F.error("FIELD_WRONG_TYPE", line=dataset.line("resources", index),
                                 field_name=f"resources[{index}]", expected="mapping (name, path or url, format)",
                                 got=type(item).__name__, **where))
            continue
        resource = Resource(index=index, raw=item, dataset=dataset)
        dataset.resources.append(resource)
        found.extend(_check_resource(resource, profile, repo_root, data_type))
        if resource.name in names:
            found.append(F.error("RESOURCE_DUPLICATE_NAME", line=resource.line("name"),
                                 name=resource.name, other_line=names[resource.name], **where))
        names.setdefault(resource.name, resource.line("name") or 0)
    return found


def _check_resource(res: Resource, profile: Profile, repo_root: Path, data_type: str | None) -> list[Finding]:
    ds = res.dataset
    where = Where(file=ds.file, line=res.line, dataset=ds.name, resource=res.name)
    res.metadata, found = check_mapping(res.raw, profile.resource_fields, profile, where,
                                        data_type_en=data_type)
    has_path, has_url = "path" in res.metadata, "url" in res.metadata
    if has_path == has_url:
        code = "RESOURCE_PATH_AND_URL" if has_path else "RESOURCE_NO_LOCATION"
        found.append(F.error(code, **where.at("path" if has_path else "name")))
    if has_path:
        found.extend(_check_local(res, "path", repo_root, where, kind="data"))
    if "schema" in res.metadata:
        found.extend(_check_local(res, "schema", repo_root, where, kind="schema"))
        if not any(f.blocking and f.line == res.line("schema") for f in found):
            found.extend(_check_table_schema(res, where))
    if "format" not in res.metadata:
        found.extend(_guess_format(res, where))
    encoding = res.metadata.get("encoding")
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            found.append(F.error("ENCODING_UNKNOWN", **where.at("encoding"), value=encoding))
    if "checks" in res.metadata:
        found.extend(_check_checks_shape(res, where))
    return [f for f in found if not (f.code == "FIELD_REQUIRED" and f.params.get("field_name") == "format")]


def _guess_format(res: Resource, where: Where) -> list[Finding]:
    location = res.metadata.get("path") or urlparse(str(res.metadata.get("url", ""))).path
    guess = FORMAT_BY_SUFFIX.get(PurePosixPath(str(location)).suffix.lower())
    if guess:
        res.metadata["format"] = guess
        return [F.warning("FORMAT_GUESSED", **where.at("name"), format=guess)]
    return [F.error("FORMAT_MISSING", **where.at("name"))]


def _check_local(res: Resource, key: str, repo_root: Path, where: Where, kind: str) -> list[Finding]:
    value = res.metadata[key]
    if not isinstance(value, str):
        return [F.error("FIELD_WRONG_TYPE", **where.at(key), field_name=key, expected="relative path",
                        got=type(value).__name__)]
    parts = PurePosixPath(value.replace("\\", "/")).parts
    if os.path.isabs(value) or value.startswith(("/", "\\")) or ".." in parts:
        return [F.error("PATH_ESCAPES", **where.at(key), field_name=key, value=value)]
    target = res.dataset.folder / value
    real = Path(os.path.realpath(target))
    root = Path(os.path.realpath(repo_root))
    if os.path.commonpath([real, root]) != str(root):
        return [F.error("PATH_ESCAPES", **where.at(key), field_name=key, value=value)]
    if not target.exists():
        near = suggest(PurePosixPath(value).name, [p.name for p in target.parent.glob("*")]) if target.parent.is_dir() else None
        return [F.error("FILE_NOT_FOUND", **where.at(key), field_name=key, value=value, kind=kind,
                        suggestion=near or "")]
    if not target.is_file():
        return [F.error("NOT_A_FILE", **where.at(key), field_name=key, value=value)]
    return []


def _check_table_schema(res: Resource, where: Where) -> list[Finding]:
    """Only the shape here (readable, has fields); the data stage checks files against it."""
    path = res.schema_path()
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError, OSError) as exc:
        return [F.error("TABLE_SCHEMA_UNREADABLE", **where.at("schema"), value=str(path.name),
                        problem=str(exc).splitlines()[0][:200])]
    fields = data.get("fields") if isinstance(data, dict) else None
    if not isinstance(fields, list) or not fields or not all(isinstance(f, dict) and f.get("name") for f in fields):
        return [F.error("TABLE_SCHEMA_NO_FIELDS", **where.at("schema"), value=str(path.name))]
    res.metadata["table_schema"] = data
    return []


def _check_checks_shape(res: Resource, where: Where) -> list[Finding]:
    """``checks:`` is a list of one-key mappings ``- expect_x: {args}``; GX judges the rest later."""
    checks = res.metadata["checks"]
    if not isinstance(checks, list):
        return [F.error("FIELD_WRONG_TYPE", **where.at("checks"), field_name="checks",
                        expected="list of expectations", got=type(checks).__name__)]
    found = []
    for i, item in enumerate(checks):
        line = res.dataset.line("resources", res.index, "checks", i)
        ok = isinstance(item, dict) and len(item) == 1 and isinstance(next(iter(item.values())), (dict, type(None)))
        ok = ok or isinstance(item, str)
        if not ok:
            found.append(F.error("CHECK_SHAPE", file=where.file, line=line, dataset=where.dataset,
                                 resource=where.resource, stage="metadata", index=i + 1))
    return found


def check_specs(res: Resource) -> list[tuple[str, dict[str, Any], int | None]]:
    """``(expectation name, arguments, manifest line)`` for each well-formed check."""
    specs = []
    for i, item in enumerate(res.metadata.get("checks") or []):
        line = res.dataset.line("resources", res.index, "checks", i)
        if isinstance(item, str):
            specs.append((item, {}, line))
        elif isinstance(item, dict) and len(item) == 1:
            name, args = next(iter(item.items()))
            if isinstance(args, (dict, type(None))):
                specs.append((str(name), dict(args or {}), line))
    return specs
