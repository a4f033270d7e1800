"""What the policy and the scores know about one dataset, as plain values.

Why a separate, flat snapshot instead of reading :class:`~catalog.manifest.Dataset` and the
pipeline :class:`~catalog.pipeline.Result` directly: the "fix first" list re-scores a dataset
with one change applied (a field added, a licence changed, a finding resolved) to know the
exact points it gains. That needs a cheap copy with the change, evaluated by the very same
rule and score functions as the real thing. :class:`DatasetFacts` is that copy.

Findings are indexed once per run (by dataset name and by manifest file), because asking
``Result.for_dataset`` for each of 10,000 datasets would scan every finding each time.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from catalog.findings import Finding, Severity
from catalog.profile import Profile


@dataclass(frozen=True)
class ResourceFacts:
    name: str
    index: int
    format: str               # upper case, e.g. "CSV"; "" when unknown
    has_schema: bool
    checks: int               # number of declared data-quality checks
    location: str = ""        # path or URL as written


@dataclass(frozen=True)
class Outcome:
    resource: str
    success: bool


@dataclass(frozen=True)
class DatasetFacts:
    name: str
    file: str
    agency: str | None
    metadata: dict[str, Any]
    data_type: str | None                     # English key: record, statistical, ...
    resources: tuple[ResourceFacts, ...]
    findings: tuple[Finding, ...]             # pipeline findings of this dataset, policy excluded
    outcomes: tuple[Outcome, ...] = ()
    waivers: Any = None                       # the manifest's raw `waivers:` value
    resource_last_updated: dt.date | None = None  # latest resource_last_updated_date
    parsed: bool = True                       # False: the manifest could not be read at all
    line: Callable[..., int | None] = field(default=lambda *p: None, compare=False, repr=False)

    def replace(self, **changes: Any) -> "DatasetFacts":
        """A copy with ``changes``: what every fix does, so it must be cheap (no __init__ re-run)."""
        unknown = set(changes) - set(self.__dict__)
        if unknown:
            raise TypeError(f"unknown DatasetFacts fields: {sorted(unknown)}")
        new = object.__new__(DatasetFacts)
        object.__setattr__(new, "__dict__", {**self.__dict__, **changes})
        return new

    def with_metadata(self, **values: Any) -> "DatasetFacts":
        return self.replace(metadata={**self.metadata, **values})

    def without_findings(self, drop: Callable[[Finding], bool]) -> "DatasetFacts":
        return self.replace(findings=tuple(f for f in self.findings if not drop(f)))

    @property
    def high_value(self) -> bool:
        return self.metadata.get("high_value_dataset") == "True"

    def blocking_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


class FindingIndex:
    """Pipeline findings grouped by dataset name and by manifest file, built in one pass."""

    def __init__(self, findings: Iterable[Finding]):
        self.by_dataset: dict[str, list[Finding]] = {}
        self.by_file: dict[str, list[Finding]] = {}
        for f in findings:
            if f.stage == "policy":
                continue  # the gate's own findings are recomputed, never fed back into it
            if f.dataset is not None:
                self.by_dataset.setdefault(f.dataset, []).append(f)
            elif f.file is not None:
                self.by_file.setdefault(f.file, []).append(f)

    def of(self, name: str, file: str) -> tuple[Finding, ...]:
        own = self.by_dataset.get(name, [])
        by_file = [f for f in self.by_file.get(file, []) if f.dataset is None]
        return tuple(own + by_file)


def collect(result: Any, profile: Profile) -> list[DatasetFacts]:
    """One :class:`DatasetFacts` per dataset of a pipeline result, in catalog order."""
    index = FindingIndex(result.findings)
    outcomes: dict[str, list[Outcome]] = {}
    for o in getattr(result, "check_outcomes", ()) or ():
        outcomes.setdefault(o.dataset, []).append(Outcome(resource=o.resource, success=bool(o.success)))
    data_type_vocab = profile.vocabularies["data_type"]
    out = []
    for ds in result.catalog.datasets:
        meta = ds.metadata or {}
        choice = data_type_vocab.resolve(meta.get("data_type")) if meta.get("data_type") else None
        resources = tuple(_resource(r) for r in ds.resources)
        dates = [parse_date((r.metadata or {}).get("resource_last_updated_date")) for r in ds.resources]
        out.append(DatasetFacts(
            name=ds.name, file=ds.file, agency=ds.agency.name if ds.agency else None,
            metadata=meta, data_type=choice.en if choice else None, resources=resources,
            findings=index.of(ds.name, ds.file), outcomes=tuple(outcomes.get(ds.name, ())),
            waivers=ds.raw.get("waivers"), line=ds.line,
            resource_last_updated=max((d for d in dates if d), default=None),
            parsed=ds.doc.ok and isinstance(ds.doc.data, dict),
        ))
    return out


def _resource(res: Any) -> ResourceFacts:
    meta = res.metadata or {}
    fmt = meta.get("format") or res.raw.get("format") or ""
    checks = meta.get("checks")
    return ResourceFacts(
        name=res.name, index=res.index, format=str(fmt).strip().upper().lstrip("."),
        has_schema=bool(meta.get("schema")), checks=len(checks) if isinstance(checks, list) else 0,
        location=str(meta.get("path") or meta.get("url") or ""),
    )
