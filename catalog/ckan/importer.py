"""``gdc import``: write manifests for an existing CKAN organization.

An agency moves to catalog-as-code without duplicates: the manifests written here map back
to exactly the package they came from, uploaded files are downloaded beside them (so their
sha256 matches), links stay links, and CKAN's own "All resource data" zip is skipped.
Real data.go.th records keep some thai_gdc fields as legacy ``extras``; those are lifted to
top-level keys. Datasets gdc did not create can be adopted (``adopt=True``): their provenance
marker is written so later plans manage them.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import requests
import yaml

from catalog.ckan import mapping as M
from catalog.ckan.client import CkanClient, CkanError
from catalog.ckan.plan import packages_of
from catalog.profile import Profile

HEADER_DATASET = "# yaml-language-server: $schema=../../../schemas/dataset.schema.json\n"
HEADER_AGENCY = "# yaml-language-server: $schema=../../schemas/agency.schema.json\n"
_SAFE_NAME = re.compile(r"[^\w.\-ก-๙]+")


@dataclass
class ImportReport:
    agency_file: Path | None = None
    datasets: list[str] = field(default_factory=list)
    downloaded: int = 0
    skipped_resources: list[str] = field(default_factory=list)
    lifted_extras: int = 0
    adopted: list[str] = field(default_factory=list)


def import_org(client: CkanClient, org_name: str, out: Path, profile: Profile, *, adopt: bool = False,
               token: str | None = None) -> ImportReport:
    report = ImportReport()
    org = client.call("organization_show", {"id": org_name, "include_datasets": False})
    folder = out / org["name"]
    folder.mkdir(parents=True, exist_ok=True)
    report.agency_file = folder / "agency.yaml"
    _write_yaml(report.agency_file, HEADER_AGENCY, _agency(org))
    for package in packages_of(client, org["id"]):
        if M.is_retired(package):
            continue
        _import_package(client, package, folder / package["name"], profile, report, adopt, token)
    return report


def _agency(org: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"name": org["name"], "title": org.get("title") or org["name"]}
    if org.get("description"):
        data["description"] = org["description"]
    parents = [g.get("name") for g in org.get("groups") or [] if g.get("name")]
    if parents:
        data["parent"] = parents[0]
    return data


def _lift_extras(package: dict[str, Any], profile: Profile) -> tuple[dict[str, Any], int]:
    """Legacy data.go.th records keep thai_gdc fields in ``extras``; treat them as fields."""
    merged = dict(package)
    lifted = 0
    for extra in package.get("extras") or []:
        key, value = extra.get("key"), extra.get("value")
        if key in profile.dataset_fields and merged.get(key) in (None, "", []):
            if isinstance(value, str) and value.startswith("["):
                try:
                    value = json.loads(value)
                except ValueError:
                    pass
            merged[key] = value
            lifted += 1
    return merged, lifted


def manifest_of(package: dict[str, Any], profile: Profile) -> tuple[dict[str, Any], int]:
    """A package as manifest keys (Thai stored values kept as they are)."""
    package, lifted = _lift_extras(package, profile)
    data: dict[str, Any] = {}
    for f in profile.dataset_fields.values():
        if f.manifest_only:
            continue
        if f.name == "tags":
            value = [t["name"] for t in package.get("tags") or [] if isinstance(t, dict)]
        else:
            value = package.get(f.name)
        if value in (None, "", []):
            continue
        if f.kind == "bool":
            value = str(value).lower() in ("true", "1", "yes")
        elif f.kind == "multi" and isinstance(value, str):
            value = [value]
        data[f.name] = value
    return data, lifted


def _import_package(client, package, folder: Path, profile: Profile, report: ImportReport, adopt: bool,
                    token: str | None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    data, lifted = manifest_of(package, profile)
    report.lifted_extras += lifted
    resources = []
    used: set[str] = set()
    for res in package.get("resources") or []:
        if res.get("name") in M.DOWNLOADALL_NAMES:
            report.skipped_resources.append(f"{package['name']}: {res.get('name')}")
            continue
        entry: dict[str, Any] = {"name": res.get("name") or res["id"]}
        for key in ("format", "description"):
            if res.get(key):
                entry[key] = res[key]
        if res.get("url_type") == "upload":
            entry["path"] = _download(res, folder, used, token)
            report.downloaded += 1
        else:
            entry["url"] = res.get("url")
        for f in profile.resource_fields.values():
            if f.name.startswith("resource_") and res.get(f.name) not in (None, "", []):
                entry[f.name] = res[f.name]
        if res.get(M.TABLE_SCHEMA):
            entry["schema"] = _write_table_schema(res, folder, used)
        resources.append(entry)
    data["resources"] = resources
    _write_yaml(folder / "dataset.yaml", HEADER_DATASET, data)
    report.datasets.append(package["name"])
    if adopt and not M.is_managed(package):
        _adopt(client, package, folder)
        report.adopted.append(package["name"])


def _download(res: dict[str, Any], folder: Path, used: set[str], token: str | None) -> str:
    name = unquote(Path(urlparse(res.get("url") or "").path).name) or f"{res['id']}.bin"
    name = _SAFE_NAME.sub("_", name)
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 1
    while name in used:
        n += 1
        name = f"{stem}-{n}{suffix}"
    used.add(name)
    headers = {"Authorization": token} if token else {}
    with requests.get(res["url"], headers=headers, stream=True, timeout=120) as response:
        response.raise_for_status()
        with (folder / name).open("wb") as fh:
            for chunk in response.iter_content(1 << 20):
                fh.write(chunk)
    return name


def _write_table_schema(res: dict[str, Any], folder: Path, used: set[str]) -> str:
    """The Table Schema gdc published with the resource, back as a file beside the manifest."""
    name = "schema.json"
    n = 1
    while name in used:
        n += 1
        name = f"schema-{n}.json"
    used.add(name)
    schema = json.loads(res[M.TABLE_SCHEMA])
    (folder / name).write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return name


def _adopt(client: CkanClient, package: dict[str, Any], folder: Path) -> None:
    """Mark a dataset gdc did not create as managed, and record its files' hashes."""
    for res in package.get("resources") or []:
        if res.get("url_type") == "upload":
            local = next((p for p in folder.iterdir() if p.name != "dataset.yaml"
                          and p.name == _SAFE_NAME.sub("_", unquote(Path(urlparse(res["url"]).path).name))), None)
            if local is not None:
                client.call("resource_patch", {"id": res["id"], M.FILE_HASH: M.file_sha256(local)})
    client.call("package_patch", {"id": package["id"], M.PROVENANCE: json.dumps(
        {"tool": "gdc import --adopt", "adopted": True}, sort_keys=True)})


def _write_yaml(path: Path, header: str, data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    path.write_text(header + text, encoding="utf-8")


__all__ = ["import_org", "manifest_of", "ImportReport", "CkanError"]
