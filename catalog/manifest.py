"""The catalog on disk: agencies, datasets and their resources, found and loaded with lines.

Layout (the contract other work builds on)::

    <catalog>/<agency>/agency.yaml               a publishing agency = a CKAN organization
    <catalog>/<agency>/<dataset>/dataset.yaml    one dataset, with its resources

Loading only parses; what the values mean is checked by the stages in ``catalog.checks``.
Checks normalise values (English aliases to Thai stored values) into ``Dataset.metadata``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from catalog import findings as F
from catalog import yamlsource
from catalog.findings import Finding
from catalog.yamlsource import YamlDocument

AGENCY_FILE = "agency.yaml"
DATASET_FILE = "dataset.yaml"
_SKIP_DIRS = {".git", ".devstack", "__pycache__", "node_modules", ".venv"}


def display_path(path: Path) -> str:
    """How a path is shown to the user: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path, Path.cwd()) if path.is_absolute() and _inside(path, Path.cwd()) else str(path)
    except ValueError:
        return str(path)


def _inside(path: Path, root: Path) -> bool:
    try:
        return os.path.commonpath([os.path.abspath(path), os.path.abspath(root)]) == os.path.abspath(root)
    except ValueError:
        return False


class _Manifest:
    """What agency.yaml and dataset.yaml share: their parsed document and their name, which
    falls back to the folder's so even an unreadable manifest can be named in a finding."""

    doc: YamlDocument
    folder: Path

    @property
    def file(self) -> str:
        return self.doc.file

    @property
    def raw(self) -> dict[str, Any]:
        return self.doc.data if isinstance(self.doc.data, dict) else {}

    @property
    def name(self) -> str:
        value = self.raw.get("name")
        return value if isinstance(value, str) and value else self.folder.name


@dataclass(eq=False)
class Agency(_Manifest):
    folder: Path
    doc: YamlDocument
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Resource:
    index: int
    raw: dict[str, Any]
    dataset: "Dataset"
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        value = self.raw.get("name")
        return str(value) if value not in (None, "") else f"resource #{self.index + 1}"

    def line(self, key: str | None = None) -> int | None:
        path = ("resources", self.index) + ((key,) if key else ())
        return self.dataset.doc.line(*path)

    def local_path(self) -> Path | None:
        """The resource file on disk, when it is a local file (not a URL)."""
        value = self.raw.get("path")
        return (self.dataset.folder / value) if isinstance(value, str) and value else None

    def schema_path(self) -> Path | None:
        value = self.raw.get("schema")
        return (self.dataset.folder / value) if isinstance(value, str) and value else None


@dataclass(eq=False)
class Dataset(_Manifest):
    manifest: Path
    doc: YamlDocument
    agency: Agency | None
    metadata: dict[str, Any] = field(default_factory=dict)
    resources: list[Resource] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        return self.manifest.parent

    def line(self, *path: Any) -> int | None:
        return self.doc.line(*path)


@dataclass
class Catalog:
    root: Path
    repo_root: Path
    agencies: dict[Path, Agency] = field(default_factory=dict)
    datasets: list[Dataset] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def agency_named(self, name: str) -> Agency | None:
        return next((a for a in self.agencies.values() if a.name == name), None)


def find_repo_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _catalog_root_of(manifest: Path) -> Path:
    if manifest.name == AGENCY_FILE:
        return manifest.parent.parent
    return manifest.parent.parent.parent


def _walk(folder: Path) -> Iterable[Path]:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            if name in (AGENCY_FILE, DATASET_FILE):
                yield Path(dirpath) / name


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Finding]]:
    """Manifest files named by the user's PATH arguments (files or folders)."""
    manifests: list[Path] = []
    problems: list[Finding] = []
    for path in paths:
        path = Path(path)
        if path.is_file():
            manifests.append(path.resolve())
            continue
        found = list(_walk(path))
        if not found:
            problems.append(F.error("NO_MANIFESTS", file=display_path(path.resolve()),
                                    folder=display_path(path.resolve())))
        manifests.extend(p.resolve() for p in found)
    unique = list(dict.fromkeys(manifests))
    return unique, problems


def load_catalog(paths: Iterable[Path]) -> Catalog:
    """Load every manifest under ``paths`` plus the agency of each dataset found."""
    manifests, problems = discover(paths)
    roots = [_catalog_root_of(m) for m in manifests] or [Path(p).resolve() for p in paths]
    root = roots[0]
    catalog = Catalog(root=root, repo_root=find_repo_root(root) or root.parent)
    catalog.findings.extend(problems)
    for m in manifests:
        if m.name == AGENCY_FILE:
            _load_agency(catalog, m.parent)
    for m in manifests:
        if m.name == AGENCY_FILE:
            continue
        agency = _load_agency(catalog, m.parent.parent) if (m.parent.parent / AGENCY_FILE).exists() else None
        doc = yamlsource.load(m, display_path(m))
        catalog.findings.extend(doc.findings)
        dataset = Dataset(manifest=m, doc=doc, agency=agency)
        if doc.ok and not isinstance(doc.data, dict):
            catalog.findings.append(F.error("MANIFEST_NOT_MAPPING", file=doc.file, line=1,
                                            got=type(doc.data).__name__))
        catalog.datasets.append(dataset)
    return catalog


def _load_agency(catalog: Catalog, folder: Path) -> Agency:
    folder = folder.resolve()
    if folder in catalog.agencies:
        return catalog.agencies[folder]
    path = folder / AGENCY_FILE
    doc = yamlsource.load(path, display_path(path))
    catalog.findings.extend(doc.findings)
    if doc.ok and not isinstance(doc.data, dict):
        catalog.findings.append(F.error("MANIFEST_NOT_MAPPING", file=doc.file, line=1,
                                        got=type(doc.data).__name__))
    agency = Agency(folder=folder, doc=doc)
    catalog.agencies[folder] = agency
    return agency
