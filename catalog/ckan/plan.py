"""Plan: what publishing would change on CKAN, dataset by dataset, with field-level diffs.

The plan is computed from a bulk read (``package_search`` over each of our organizations,
private ones included) and the validated catalog; it is what ``gdc plan`` prints and exactly
what ``gdc publish`` applies. Identity is the dataset ``name``. The plan never touches
datasets gdc did not create (no provenance marker) and never retires datasets of an agency
whose manifests were not all read in this run.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from catalog import findings as F
from catalog.ckan import mapping as M
from catalog.ckan.client import CkanClient, CkanError
from catalog.findings import Finding
from catalog.manifest import DATASET_FILE, Agency, Dataset
from catalog.pipeline import Result
from catalog.profile import Profile

PAGE = 1000
MASS_RETIRE_SHARE = 0.2


@dataclass
class ResourceOp:
    kind: str  # create | update | delete
    name: str
    fields: dict[str, Any] = field(default_factory=dict)
    upload: Path | None = None
    remote_id: str | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class DatasetChange:
    action: str  # create | update | unchanged | retire | purge | blocked
    name: str
    agency: str
    title: str = ""
    file: str | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    resource_ops: list[ResourceOp] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    remote_id: str | None = None
    reasons: list[Finding] = field(default_factory=list)
    schema_changes: dict[str, list[Any]] = field(default_factory=dict)  # resource -> [SchemaChange]


@dataclass
class OrgChange:
    action: str  # create | update | unchanged | blocked
    name: str
    fields: dict[str, Any] = field(default_factory=dict)
    parent: str | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class Plan:
    ckan_url: str
    orgs: list[OrgChange] = field(default_factory=list)
    datasets: list[DatasetChange] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files: dict[str, int] = field(default_factory=dict)  # local files: validated / already_validated

    def counts(self) -> dict[str, int]:
        out = {k: 0 for k in ("create", "update", "unchanged", "retire", "purge", "blocked")}
        for change in self.datasets:
            out[change.action] += 1
        return out

    @property
    def has_changes(self) -> bool:
        return any(o.action in ("create", "update") for o in self.orgs) or any(
            d.action in ("create", "update", "retire", "purge") for d in self.datasets)


@dataclass
class RemoteState:
    orgs: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    packages: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> package in our orgs


def read_state(client: CkanClient, org_names: list[str]) -> RemoteState:
    """One organization_show per agency and paged package_search per organization: bulk reads."""
    state = RemoteState()
    for name in org_names:
        try:
            state.orgs[name] = client.call("organization_show", {"id": name, "include_datasets": False})
        except CkanError as exc:
            if exc.status != 404:
                raise
            state.orgs[name] = None
    for org in state.orgs.values():
        if org is not None:
            state.packages.update((pkg["name"], pkg) for pkg in packages_of(client, org["id"]))
    return state


def packages_of(client: CkanClient, org_id: str):
    """Every dataset of an organization, private ones included, a page of PAGE per call."""
    start = 0
    while True:
        page = client.call("package_search", {"fq": f'owner_org:"{org_id}"', "include_private": True,
                                              "rows": PAGE, "start": start, "sort": "name asc"})
        yield from page["results"]
        start += PAGE
        if start >= page["count"] or not page["results"]:
            return


class AlreadyValidated:
    """For the data stage: is this local file on CKAN already, validated by this same gdc with
    the same schema and checks? Then reading it again cannot change the verdict. Counts what
    it answered, so publish can say how many files it read."""

    def __init__(self, state: RemoteState):
        self.known = {(name, res.get("name")): res.get(M.VALIDATED)
                      for name, pkg in state.packages.items() if M.is_managed(pkg)
                      for res in pkg.get("resources") or []}
        self.skipped = 0
        self.asked = 0

    def __call__(self, resource) -> bool:
        path = resource.local_path()
        if path is None:
            return False
        self.asked += 1
        remote = self.known.get((resource.dataset.name, resource.name))
        if remote and path.is_file() and remote == M.validation_key(resource, M.file_sha256(path)):
            self.skipped += 1
            return True
        return False


def build(result: Result, profile: Profile, client: CkanClient, *, commit: str | None,
          purge_removed: bool = False, allow_mass_retire: bool = False, state: RemoteState | None = None) -> Plan:
    catalog = result.catalog
    agencies = _ordered_agencies(list(catalog.agencies.values()))
    state = state or read_state(client, [a.name for a in agencies])
    plan = Plan(ckan_url=client.url)
    blocked_agencies = set()
    for agency in agencies:
        change = _org_change(agency, state.orgs.get(agency.name), result)
        plan.orgs.append(change)
        if change.action == "blocked":
            blocked_agencies.add(agency.name)
    for dataset in catalog.datasets:
        plan.datasets.append(_dataset_change(dataset, result, profile, client, state, commit, blocked_agencies))
    _retirements(plan, result, state, purge_removed, allow_mass_retire)
    return plan


def _ordered_agencies(agencies: list[Agency]) -> list[Agency]:
    """Parents before children, so a child organization can name its parent when created."""
    by_name = {a.name: a for a in agencies}
    done: list[Agency] = []

    def visit(agency: Agency, trail: tuple[str, ...] = ()) -> None:
        if agency in done or agency.name in trail:
            return
        parent = by_name.get(agency.metadata.get("parent") or "")
        if parent is not None:
            visit(parent, trail + (agency.name,))
        done.append(agency)

    for agency in sorted(agencies, key=lambda a: a.name):
        visit(agency)
    return done


def _org_change(agency: Agency, remote: dict[str, Any] | None, result: Result) -> OrgChange:
    fields = M.organization_fields(agency)
    parent = agency.metadata.get("parent")
    if not agency.doc.ok or any(f.blocking and f.file == agency.file for f in result.findings):
        return OrgChange("blocked", agency.name, fields, parent)
    if remote is None:
        return OrgChange("create", agency.name, fields, parent)
    old = {k: remote.get(k) or "" for k in fields}
    changes = M.diff(old, {k: v or "" for k, v in fields.items()})
    remote_parents = [g.get("name") for g in remote.get("groups") or []]
    if parent and parent not in remote_parents:
        changes["parent"] = (remote_parents[0] if remote_parents else None, parent)
    return OrgChange("update" if changes else "unchanged", agency.name, fields, parent, changes)


def _dataset_change(dataset: Dataset, result: Result, profile: Profile, client: CkanClient,
                    state: RemoteState, commit: str | None, blocked_agencies: set[str]) -> DatasetChange:
    agency = dataset.agency.name if dataset.agency else "?"
    change = DatasetChange("blocked", dataset.name, agency, str(dataset.metadata.get("title") or ""), dataset.file)
    blocking = [f for f in result.for_dataset(dataset) if f.blocking]
    if blocking or not dataset.doc.ok or agency in blocked_agencies:
        change.reasons = blocking or [F.error("AGENCY_BLOCKED", file=dataset.file, dataset=dataset.name,
                                              agency=agency, stage="plan")]
        return change
    fields = M.package_fields(dataset, profile)
    resources = [(r, M.resource_fields(r, profile)) for r in dataset.resources]
    fields[M.CONTENT_HASH] = M.content_hash(fields, [r for _, r in resources])
    fields[M.PROVENANCE] = M.provenance(dataset, commit)
    change.fields = fields
    remote = state.packages.get(dataset.name)
    if remote is None:
        reason = _name_unavailable(client, dataset)
        if reason is not None:
            change.reasons = [reason]
            return change
        change.action = "create"
        change.resource_ops = [ResourceOp("create", r.name, rf, r.local_path()) for r, rf in resources]
        return change
    change.remote_id = remote["id"]
    if not M.is_managed(remote):
        change.reasons = [F.error("NOT_MANAGED", file=dataset.file, dataset=dataset.name, stage="plan")]
        return change
    change.changes = M.diff(M.comparable_package(remote, profile), M.comparable_desired(fields, profile))
    change.resource_ops = _resource_ops(resources, remote, profile)
    change.action = "update" if change.changes or change.resource_ops else "unchanged"
    _schema_drift(change, dataset, remote)
    return change


def _schema_drift(change: DatasetChange, dataset: Dataset, remote: dict[str, Any]) -> None:
    """Classify Table Schema changes; a breaking one needs a new ``version`` or it is blocked."""
    from catalog.ckan import drift

    old = {r.get("name"): r for r in remote.get("resources") or []}
    for op in change.resource_ops:
        if op.kind != "update" or M.TABLE_SCHEMA not in op.changes:
            continue
        found = drift.compare(drift.parse(old.get(op.name, {}).get(M.TABLE_SCHEMA)),
                              drift.parse(op.fields.get(M.TABLE_SCHEMA)))
        if found:
            change.schema_changes[op.name] = found
    breaking = [c for cs in change.schema_changes.values() for c in cs if c.breaking]
    if breaking and (remote.get("version") or "") == (dataset.metadata.get("version") or ""):
        change.action = "blocked"
        change.reasons = [F.error("SCHEMA_BREAKING", file=dataset.file, line=dataset.line("version"),
                                  dataset=dataset.name, changes=[c.what for c in breaking],
                                  version=remote.get("version") or "(none)", stage="plan")]


def _name_unavailable(client: CkanClient, dataset: Dataset) -> Finding | None:
    """A name held by a deleted dataset or by another organization makes package_create fail (409)."""
    try:
        other = client.call("package_show", {"id": dataset.name})
    except CkanError as exc:
        if exc.status in (404, 403):
            return None
        raise
    where = dict(file=dataset.file, line=dataset.line("name"), dataset=dataset.name, stage="plan")
    if other.get("state") == "deleted":
        return F.error("NAME_HELD_BY_DELETED", name=dataset.name, **where)
    return F.error("NAME_TAKEN", name=dataset.name, org=(other.get("organization") or {}).get("name", "?"), **where)


def _resource_ops(resources, remote: dict[str, Any], profile: Profile) -> list[ResourceOp]:
    ops: list[ResourceOp] = []
    remote_by_name: dict[str, dict[str, Any]] = {}
    for res in remote.get("resources") or []:
        if res.get("name") in M.DOWNLOADALL_NAMES:
            continue  # CKAN's own "All resource data" zip is not ours to manage
        if res.get("name") in remote_by_name:
            ops.append(ResourceOp("delete", res.get("name") or "", remote_id=res["id"]))  # a duplicate
            continue
        remote_by_name[res.get("name")] = res
    for resource, fields in resources:
        existing = remote_by_name.pop(resource.name, None)
        if existing is None:
            ops.append(ResourceOp("create", resource.name, fields, resource.local_path()))
            continue
        changes = M.diff(M.comparable_resource(existing, profile), M.comparable_resource(fields, profile))
        if changes:
            upload = resource.local_path() if M.FILE_HASH in changes else None
            ops.append(ResourceOp("update", resource.name, fields, upload, existing["id"], changes))
    for name, res in remote_by_name.items():
        ops.append(ResourceOp("delete", name or "", remote_id=res["id"]))
    return ops


def _complete_agencies(result: Result) -> set[str]:
    """Agencies whose every dataset manifest was read and understood in this run."""
    loaded = {d.manifest for d in result.catalog.datasets}
    complete = set()
    for agency in result.catalog.agencies.values():
        on_disk = {p.resolve() for p in agency.folder.glob(f"*/{DATASET_FILE}")}
        parsed = all(d.doc.ok for d in result.catalog.datasets if d.agency is agency)
        if on_disk <= loaded and parsed:
            complete.add(agency.name)
    return complete


def _retirements(plan: Plan, result: Result, state: RemoteState, purge: bool, allow_mass: bool) -> None:
    wanted = {d.name for d in result.catalog.datasets}
    complete = _complete_agencies(result)
    by_org: dict[str, list[DatasetChange]] = {}
    managed: dict[str, int] = {}
    for pkg in state.packages.values():
        org = (pkg.get("organization") or {}).get("name", "?")
        if not M.is_managed(pkg) or org not in complete:
            continue
        managed[org] = managed.get(org, 0) + (0 if M.is_retired(pkg) else 1)
        if pkg["name"] in wanted or (M.is_retired(pkg) and not purge):
            continue
        action = "purge" if purge else "retire"
        by_org.setdefault(org, []).append(DatasetChange(action, pkg["name"], org, pkg.get("title", ""),
                                                        remote_id=pkg["id"]))
    for org, changes in sorted(by_org.items()):
        share = len(changes) / max(managed.get(org, 0), 1)
        # A single dataset is never a "mass" retirement, however small the agency.
        if len(changes) > 1 and share > MASS_RETIRE_SHARE and not allow_mass:
            finding = F.error("MASS_RETIRE", agency=org, count=len(changes), total=managed.get(org, 0),
                              percent=round(share * 100), stage="plan")
            plan.findings.append(finding)
            for change in changes:
                change.action, change.reasons = "blocked", [finding]
        plan.datasets.extend(changes)
