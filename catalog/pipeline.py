"""The validation pipeline: load, then each stage adds findings over the same catalog.

Stages never print and never raise on bad input; the CLI renders what they return. Later
stages (data, quality, policy, score) plug in here, so ``gdc validate``, ``gdc plan`` and
``gdc publish`` all judge a dataset by exactly the same findings.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from catalog import findings as F
from catalog import profile as profile_mod
from catalog.checks import metadata, resources
from catalog.findings import Finding
from catalog.manifest import Catalog, Dataset, load_catalog

Stage = Callable[[Catalog, profile_mod.Profile], list[Finding]]

METADATA_STAGES: tuple[Stage, ...] = (metadata.check_catalog, resources.check_catalog)


@dataclass
class CheckOutcome:
    """One data-quality check's result (passing ones too: scores need the share that pass)."""

    dataset: str
    resource: str
    check: str
    success: bool
    element_count: int | None = None
    unexpected_count: int | None = None


@dataclass
class Result:
    catalog: Catalog
    findings: list[Finding] = field(default_factory=list)
    check_outcomes: list[CheckOutcome] = field(default_factory=list)
    rows: dict[tuple[str, str], int] = field(default_factory=dict)  # (dataset, resource) -> data rows read
    policy: Any = None  # the governance policy the gate applied (catalog.policy.Policy)
    today: dt.date | None = None

    @property
    def blocking(self) -> bool:
        return F.has_blocking(self.findings)

    def for_dataset(self, dataset: Dataset) -> list[Finding]:
        return [f for f in self.findings if f.file == dataset.file or f.dataset == dataset.name]

    def blocked(self, dataset: Dataset) -> bool:
        return any(f.blocking for f in self.for_dataset(dataset))


def validate(paths: Iterable[Path], stages: Iterable[Stage] = METADATA_STAGES, *, data: bool = True,
             gate: bool = True, today: dt.date | None = None,
             progress: Callable[[str, int, float], None] | None = None, fetch: Any = None) -> Result:
    """Load the catalog and run every stage, then the governance policy's gate.

    ``data=False`` stops at the manifests; ``gate=False`` leaves the policy out (unit tests
    of single stages). validate, plan, publish, score and report all come through here, so
    a dataset is blocked for the same reasons whichever command looks at it.
    """
    result = check_manifests(paths, stages)
    return finish(result, data=data, gate=gate, today=today, progress=progress, fetch=fetch)


def check_manifests(paths: Iterable[Path], stages: Iterable[Stage] = METADATA_STAGES) -> Result:
    """First half of :func:`validate`: load the catalog and check the manifests."""
    catalog = load_catalog(list(paths))
    prof = profile_mod.load()
    result = Result(catalog=catalog, findings=list(catalog.findings))
    for stage in stages:
        result.findings.extend(stage(catalog, prof))
    return result


def finish(result: Result, *, data: bool = True, gate: bool = True, today: dt.date | None = None,
           progress: Callable[[str, int, float], None] | None = None,
           already_validated: Callable[[Any], bool] | None = None, fetch: Any = None) -> Result:
    """Second half of :func:`validate`: the data files, then the gate.

    ``already_validated(resource)`` lets publish skip files CKAN already holds, validated by
    this same gdc with the same schema and checks (see ``catalog.ckan.mapping.validation_key``).
    """
    if data:
        _validate_data(result, progress, already_validated, fetch)
    if gate:
        from catalog import policy

        result.today = today or dt.date.today()
        result.policy, problems = policy.load(result.catalog.root)
        policy.apply(result, result.policy, result.today, problems)
    result.findings.sort(key=F.sort_key)
    return result


def _validate_data(result: Result, progress, already_validated, fetch) -> None:
    from catalog.checks import data as data_stage

    # A resource whose path was refused (escapes the repository, missing) is never opened.
    blocked = {(f.file, f.line) for f in result.findings if f.blocking and f.stage == "metadata"}
    outcome = data_stage.check_catalog(result.catalog, blocked, progress=progress, skip=already_validated,
                                       fetch=fetch)
    result.findings.extend(outcome.findings)
    result.rows.update(outcome.rows)
    for dataset, resource, check in outcome.checks:
        result.check_outcomes.append(CheckOutcome(dataset, resource, check.name, check.success,
                                                  check.element_count, check.unexpected_count))
