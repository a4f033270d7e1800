"""Apply a plan to CKAN: organizations first, then datasets in parallel (bounded by --jobs).

Every write that fails in a way that may have happened (5xx, a dropped connection) is
re-checked by reading CKAN before it is retried, so a create is never doubled. A run killed
at any point leaves CKAN in a state the next plan reads and completes: the package is created
first, each resource is its own call carrying its file's sha256, and the plan compares what
is actually there, not a flag saying "done".
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, Callable

from catalog import findings as F
from catalog.ckan import mapping as M
from catalog.ckan.client import CkanClient, CkanError
from catalog.ckan.plan import DatasetChange, OrgChange, Plan, ResourceOp
from catalog.findings import Finding
from catalog.profile import Profile

Progress = Callable[[int, int, str], None]
_WRITES = ("create", "update", "retire", "purge")


@dataclass
class Outcome:
    done: dict[str, list[str]] = field(default_factory=dict)  # action -> dataset names
    failures: list[Finding] = field(default_factory=list)

    def record(self, action: str, name: str) -> None:
        self.done.setdefault(action, []).append(name)


def apply(plan: Plan, client: CkanClient, profile: Profile, *, jobs: int = 4,
          progress: Progress | None = None) -> Outcome:
    outcome = Outcome()
    failed_orgs = set()
    for org in plan.orgs:
        try:
            _apply_org(org, client)
        except CkanError as exc:
            failed_orgs.add(org.name)
            outcome.failures.append(F.error("PUBLISH_FAILED", dataset=org.name, action=exc.action,
                                            reason=str(exc), stage="publish"))
    work = [d for d in plan.datasets if d.action in _WRITES and d.agency not in failed_orgs]
    for d in plan.datasets:
        if d.action not in _WRITES:
            outcome.record(d.action, d.name)
    total = len(work)
    if progress:
        progress(0, total, "")
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(_apply_dataset, change, client, profile): change for change in work}
        for count, future in enumerate(as_completed(futures), 1):
            change = futures[future]
            try:
                future.result()
                outcome.record(change.action, change.name)
            except CkanError as exc:
                outcome.failures.append(F.error("PUBLISH_FAILED", file=change.file, dataset=change.name,
                                                action=exc.action, reason=str(exc), stage="publish"))
            if progress:
                progress(count, total, change.name)
    return outcome


# -- organizations ---------------------------------------------------------------------------

def _apply_org(org: OrgChange, client: CkanClient) -> None:
    if org.action not in ("create", "update"):
        return
    data = dict(org.fields)
    if org.parent:
        data["groups"] = [{"name": org.parent}]
    if org.action == "create":
        client.write_with_retry("organization_create", data, done=lambda: _show_org(client, org.name))
    else:
        data["id"] = org.name
        client.write_with_retry("organization_patch", data, done=lambda: None)


def _show_org(client: CkanClient, name: str) -> dict[str, Any] | None:
    try:
        return client.call("organization_show", {"id": name, "include_datasets": False})
    except CkanError:
        return None


# -- datasets --------------------------------------------------------------------------------

def _apply_dataset(change: DatasetChange, client: CkanClient, profile: Profile) -> None:
    if change.action == "create":
        package = client.write_with_retry("package_create", dict(change.fields),
                                          done=lambda: _show(client, change.name))
        _apply_resources(change.resource_ops, package["id"], client, profile)
    elif change.action == "update":
        _apply_resources(change.resource_ops, change.remote_id, client, profile)
        patch = {"id": change.remote_id, M.CONTENT_HASH: change.fields[M.CONTENT_HASH],
                 M.PROVENANCE: change.fields[M.PROVENANCE]}
        for key, (_, new) in change.changes.items():
            name, value = M.patch_value(key, new, profile)
            patch[name] = value
        client.write_with_retry("package_patch", patch, done=lambda: None)
    elif change.action == "retire":
        client.write_with_retry("package_patch", {"id": change.remote_id, "private": True, M.STATE: M.RETIRED},
                                done=lambda: None)
    elif change.action == "purge":
        client.write_with_retry("dataset_purge", {"id": change.remote_id},
                                done=lambda: None if _show(client, change.name) else {"purged": True})


def _show(client: CkanClient, name_or_id: str) -> dict[str, Any] | None:
    try:
        package = client.call("package_show", {"id": name_or_id})
    except CkanError as exc:
        if exc.status in (404, 403):
            return None
        raise
    return package if package.get("state") != "deleted" else None


def _apply_resources(ops: list[ResourceOp], package_id: str, client: CkanClient, profile: Profile) -> None:
    for op in ops:
        if op.kind == "delete":
            client.write_with_retry("resource_delete", {"id": op.remote_id},
                                    done=lambda op=op: None if _find_resource(client, package_id, op) else {})
        elif op.kind == "create":
            _send_resource(client, "resource_create", dict(op.fields, package_id=package_id), op, package_id)
        else:
            _send_resource(client, "resource_patch", dict(op.fields, id=op.remote_id), op, package_id)


def _send_resource(client: CkanClient, action: str, data: dict[str, Any], op: ResourceOp, package_id: str) -> None:
    """Upload (multipart) or link a resource. Multipart carries only flat text, so list-valued
    thai_gdc resource fields follow in one JSON resource_patch."""
    lists = {k: v for k, v in data.items() if isinstance(v, list)}
    done = lambda: _find_resource(client, package_id, op)  # noqa: E731
    if op.upload is not None:
        flat = {k: v for k, v in data.items() if k not in lists}
        flat.setdefault("url", op.upload.name)
        with op.upload.open("rb") as handle:
            result = client.write_with_retry(action, flat, files={"upload": handle}, done=done)
        if lists:
            client.write_with_retry("resource_patch", dict(lists, id=result["id"]), done=lambda: None)
    else:
        client.write_with_retry(action, data, done=done)


def _find_resource(client: CkanClient, package_id: str, op: ResourceOp) -> dict[str, Any] | None:
    """After a maybe-failed write: is a resource with this name and content already there?"""
    package = _show(client, package_id)
    for res in (package or {}).get("resources") or []:
        if op.kind == "delete" and res.get("id") == op.remote_id:
            return res
        if op.kind != "delete" and res.get("name") == op.name and (
                res.get(M.FILE_HASH) == op.fields.get(M.FILE_HASH) if op.upload else res.get("url") == op.fields.get("url")):
            return res
    return None


def summary(plan: Plan, outcome: Outcome, client: CkanClient) -> dict[str, Any]:
    return {
        "ckan_url": plan.ckan_url,
        "datasets": {k: len(v) for k, v in sorted(outcome.done.items())},
        "write_calls": client.stats.writes,
        "read_calls": client.stats.reads,
        "retries": client.stats.retries,
        "failures": len(outcome.failures),
        "files": dict(plan.files),
    }
