"""The kinds of governance rule: each one judges a :class:`~catalog.facts.DatasetFacts`.

Why functions over facts (not over manifests): the same function decides the publish gate and
re-decides it when the scorer tries a fix, so "what blocks" and "what a fix gains" can never
disagree. A rule returns :class:`Violation` values; the gate turns them into findings with
file and line, the scorer only counts them. Parameters come from the policy (data), the
behaviour lives here (code): a new rule *kind* is a function in ``KINDS`` plus its schema.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from catalog.facts import DatasetFacts, parse_date
from catalog.profile import Profile

NOT_PERIODIC = ("ตามเวลาจริง", "ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล")  # real time, never updated


@dataclass(frozen=True)
class Violation:
    rule: str                      # rule id
    code: str                      # finding code
    key: tuple = ()                # manifest path of the value at fault (for the line)
    resource: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    today: dt.date
    profile: Profile
    cache: dict = field(default_factory=dict, compare=False, repr=False)  # freshness by inputs


# ------------------------------------------------------------------------------ shared helpers


def is_personal_finding(f: Any, params: dict[str, Any]) -> bool:
    """A finding that means "personal data found" (the PII scan's own findings)."""
    stages = params.get("stages", ["pii"])
    prefixes = tuple(params.get("code_prefixes", ["PII_"]))
    severities = params.get("severities", ["error", "warning"])
    return (f.stage in stages or f.code.startswith(prefixes)) and f.severity.value in severities


@dataclass(frozen=True)
class Freshness:
    """How late a dataset is against its declared update frequency."""

    status: str                    # ok | overdue | no_date | not_periodic | unknown_unit | no_unit
    ratio: float = 0.0             # overdue ratio: max(0, elapsed - cycle) / cycle
    cycle_days: float | None = None
    last: dt.date | None = None
    due: dt.date | None = None


def freshness(facts: DatasetFacts, ctx: Context) -> Freshness:
    """Cached by its inputs: the gate, the score and every fix candidate ask for it."""
    meta = facts.metadata
    key = ("freshness",) + _freshness_inputs(facts)
    state = ctx.cache.get(key)
    if state is None:
        state = ctx.cache[key] = _freshness(facts, ctx)
    return state


def _freshness_inputs(facts: DatasetFacts) -> tuple:
    meta = facts.metadata
    return (meta.get("update_frequency_unit"), meta.get("update_frequency_interval"),
            meta.get("last_updated_date"), facts.resource_last_updated)


def _freshness(facts: DatasetFacts, ctx: Context) -> Freshness:
    meta = facts.metadata
    unit = meta.get("update_frequency_unit")
    if not unit:
        return Freshness("no_unit")
    if unit in NOT_PERIODIC:
        return Freshness("not_periodic")
    choice = ctx.profile.vocabularies["update_frequency_unit"].by_value(unit)
    if choice is None or not choice.days:
        return Freshness("unknown_unit")
    try:
        interval = float(meta.get("update_frequency_interval") or 1)
    except (TypeError, ValueError):
        interval = 1.0
    cycle = choice.days * (interval if interval > 0 else 1.0)
    last = parse_date(meta.get("last_updated_date"))
    if last is None:
        last = facts.resource_last_updated
    if last is None:
        return Freshness("no_date", cycle_days=cycle)
    elapsed = (ctx.today - last).days
    ratio = max(0.0, elapsed - cycle) / cycle
    due = last + dt.timedelta(days=cycle)
    return Freshness("overdue" if ratio > 0 else "ok", ratio=ratio, cycle_days=cycle, last=last, due=due)


# -------------------------------------------------------------------------------------- kinds


def public_category(facts: DatasetFacts, params: dict[str, Any], ctx: Context) -> list[Violation]:
    meta = facts.metadata
    category, classification = meta.get("data_category"), meta.get("data_classification")
    found = []
    if category and category not in params["categories"]:
        found.append(Violation("", "POLICY_CATEGORY_NOT_PUBLIC", ("data_category",),
                               params={"category": category, "allowed": params["categories"]}))
    if classification and classification not in params["classifications"]:
        found.append(Violation("", "POLICY_CLASSIFICATION_NOT_OPEN", ("data_classification",),
                               params={"classification": classification,
                                       "allowed": params["classifications"]}))
    elif category and not classification and params.get("require_classification", True) and not found:
        found.append(Violation("", "POLICY_CLASSIFICATION_MISSING", ("data_classification",),
                               params={"allowed": params["classifications"]}))
    return found


def personal_data(facts: DatasetFacts, params: dict[str, Any], ctx: Context) -> list[Violation]:
    hits = [f for f in facts.findings if is_personal_finding(f, params)]
    if not hits:
        return []
    resources = sorted({f.resource for f in hits if f.resource})
    columns = sorted({f.field for f in hits if f.field})
    return [Violation("", "POLICY_PERSONAL_DATA", ("resources",), params={
        "count": len(hits), "resources": resources or ["-"], "columns": columns or ["-"]})]


def licence_allowlist(facts: DatasetFacts, params: dict[str, Any], ctx: Context) -> list[Violation]:
    licence = facts.metadata.get("license_id")
    if not licence:
        return []  # a missing licence is the metadata stage's FIELD_REQUIRED
    allowed = params["allowed"]
    if licence in allowed or facts.metadata.get("license_id_other") in allowed:
        return []
    shown = facts.metadata.get("license_id_other") or licence
    return [Violation("", "POLICY_LICENCE_NOT_ALLOWED", ("license_id",),
                      params={"licence": shown, "allowed": allowed})]


def freshness_rule(facts: DatasetFacts, params: dict[str, Any], ctx: Context) -> list[Violation]:
    state = freshness(facts, ctx)
    if state.status == "no_date" and params.get("require_date", True):
        return [Violation("", "POLICY_FRESHNESS_NO_DATE", ("last_updated_date",),
                          params={"unit": facts.metadata.get("update_frequency_unit"),
                                  "cycle_days": _days(state.cycle_days)})]
    grace = float(params.get("grace", 0.25))
    if state.status == "overdue" and state.ratio > grace:
        return [Violation("", "POLICY_STALE", ("last_updated_date",), params={
            "last_updated": state.last.isoformat(), "due": state.due.isoformat(),
            "overdue_days": max(0, (ctx.today - state.due).days),
            "cycle_days": _days(state.cycle_days), "overdue_pct": round(state.ratio * 100),
            "grace_pct": round(grace * 100), "today": ctx.today.isoformat()})]
    return []


def machine_readable(facts: DatasetFacts, params: dict[str, Any], ctx: Context) -> list[Violation]:
    if facts.data_type not in params.get("data_types", ()):
        return []
    wanted = {str(f).upper() for f in params["formats"]}
    formats = [r.format for r in facts.resources]
    if not facts.resources or any(f in wanted for f in formats):
        return []  # no resources at all is the resources stage's RESOURCES_EMPTY
    return [Violation("", "POLICY_NOT_MACHINE_READABLE", ("resources",), params={
        "formats": sorted(set(f or "?" for f in formats)), "wanted": sorted(wanted)})]


def maintainer_mailbox(facts: DatasetFacts, params: dict[str, Any], ctx: Context) -> list[Violation]:
    email = facts.metadata.get("maintainer_email")
    if not isinstance(email, str) or "@" not in email:
        return []  # missing or malformed: the metadata stage already says so
    local, _, domain = email.strip().lower().rpartition("@")
    domains = [d.lower().lstrip(".") for d in params["domains"]]
    on_org_domain = any(domain == d or domain.endswith("." + d) for d in domains)
    pattern = params.get("personal_local_part") or ""
    looks_personal = bool(pattern) and re.search(pattern, local) is not None
    if on_org_domain and not looks_personal:
        return []
    code = "POLICY_MAILBOX_PERSONAL_NAME" if on_org_domain else "POLICY_MAILBOX_NOT_ORGANIZATIONAL"
    return [Violation("", code, ("maintainer_email",),
                      params={"email": mask_email(email), "domains": domains})]


def mask_email(email: str) -> str:
    """``somchai.k@gmail.com`` -> ``s*******@gmail.com``: reports must not spread personal addresses."""
    local, _, domain = email.partition("@")
    return (local[:1] + "*" * max(len(local) - 1, 1) + "@" + domain) if domain else email


def _days(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


# What each kind reads from the facts: its result is cached by these inputs (per rule id), since
# the scorer re-asks every rule for each fix candidate and most fixes leave most inputs alone.
# A kind without an entry (personal_data reads the findings) is always evaluated.
INPUTS: dict[str, Callable[[DatasetFacts], Any]] = {
    "public_category": lambda f: (f.metadata.get("data_category"), f.metadata.get("data_classification")),
    "licence_allowlist": lambda f: (f.metadata.get("license_id"), f.metadata.get("license_id_other")),
    "freshness": _freshness_inputs,
    "machine_readable": lambda f: (f.data_type, tuple(r.format for r in f.resources)),
    "maintainer_mailbox": lambda f: f.metadata.get("maintainer_email"),
}

KINDS: dict[str, Callable[[DatasetFacts, dict[str, Any], Context], list[Violation]]] = {
    "public_category": public_category,
    "personal_data": personal_data,
    "licence_allowlist": licence_allowlist,
    "freshness": freshness_rule,
    "machine_readable": machine_readable,
    "maintainer_mailbox": maintainer_mailbox,
}
