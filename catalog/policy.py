"""The governance policy: rules as data, waivers with expiry, and the publish gate.

Why a gate separate from the metadata checks: the checks say whether data.go.th would
*accept* a manifest; the policy says whether the agency *may publish* it (PDPA, licences,
freshness...). Governance officers tune the policy in YAML (``schemas/policy.yaml``, overridden
by a ``policy.yaml`` at the catalog root) without touching code, and ``gdc publish`` obeys the
findings :func:`gate` returns: a ``block`` rule gives an ERROR, a ``warn`` rule a WARNING.

A waiver (``waivers:`` in a manifest: rule, reason, approver, expires) suspends one rule for one
dataset up to and including its expiry date. An expired waiver stops waiving and says so.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import difflib
import functools
import gc
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalog import findings as F
from catalog import profile as profile_mod
from catalog import rules as R
from catalog import yamlsource
from catalog.facts import DatasetFacts, collect, parse_date
from catalog.findings import Finding, Severity
from catalog.manifest import display_path

OVERRIDE_FILE = "policy.yaml"
SEVERITIES = {"block": Severity.ERROR, "warn": Severity.WARNING}
_CHOICE_PARAMS = {  # params whose values are profile choices (Thai value or English alias)
    "public_category": {"categories": "data_category", "classifications": "data_classification"},
    "licence_allowlist": {"allowed": "license_id"},
}


def schemas_dir() -> Path:
    return profile_mod.default_path().parent


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    severity: str
    params: dict[str, Any]
    waivable: bool = True
    enabled: bool = True
    description: dict[str, str] = field(default_factory=dict)

    @property
    def finding_severity(self) -> Severity:
        return SEVERITIES[self.severity]


@dataclass
class Policy:
    rules: list[Rule]
    waivers: dict[str, Any]
    scoring: dict[str, Any]
    sources: list[str]

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    @property
    def active(self) -> list[Rule]:
        return [r for r in self.rules if r.enabled]


# ------------------------------------------------------------------------------------ loading


@functools.lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return json.loads((schemas_dir() / "policy.schema.json").read_text(encoding="utf-8"))


def load(catalog_root: Path | None = None, *, default: Path | None = None,
         profile: profile_mod.Profile | None = None) -> tuple[Policy, list[Finding]]:
    """The default policy merged with ``<catalog_root>/policy.yaml`` when there is one.

    An override that fails its schema check is not used (the defaults apply) and each problem
    is an ERROR finding at its file:line, so nothing is published under a policy nobody meant.
    """
    profile = profile or profile_mod.load()
    default = default or schemas_dir() / "policy.yaml"
    base_doc = yamlsource.load(default, display_path(default.resolve()))
    problems = list(base_doc.findings) + _check(base_doc)
    if problems or not isinstance(base_doc.data, dict):
        raise RuntimeError(f"the default policy {default} is invalid: "
                           + "; ".join(f"{p.where()} {p.message()}" for p in problems))
    data, sources = base_doc.data, [base_doc.file]
    override = (Path(catalog_root) / OVERRIDE_FILE) if catalog_root else None
    if override is not None and override.is_file():
        doc = yamlsource.load(override, display_path(override.resolve()))
        found = list(doc.findings)
        if doc.ok:
            found += _check(doc, defaults=data)
        if not found:
            data = merge(data, doc.data)
            sources.append(doc.file)
        problems.extend(found)
    return _build(data, sources, profile), problems


def _check(doc: yamlsource.YamlDocument, defaults: dict[str, Any] | None = None) -> list[Finding]:
    import jsonschema  # only policy users pay for it

    data = doc.data
    if isinstance(data, dict) and isinstance(data.get("rules"), list) and defaults is not None:
        # an override may leave out `kind`: check its params against the kind it overrides
        known = {r["id"]: r.get("kind", r["id"]) for r in defaults.get("rules", [])}
        data = dict(data, rules=[dict(r, kind=r.get("kind") or known.get(r.get("id"), r.get("id")))
                                 if isinstance(r, dict) and r.get("id") in known and "kind" not in r else r
                                 for r in data["rules"]])
    validator = jsonschema.Draft202012Validator(_schema())
    found = []
    for err in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        path = tuple(err.absolute_path)
        found.append(F.error("POLICY_OVERRIDE_INVALID", file=doc.file, line=doc.line(*path),
                             stage="policy", where_key=".".join(map(str, path)) or "(top)",
                             problem=err.message[:300]))
    if defaults is not None and isinstance(doc.data, dict):
        known_ids = [r["id"] for r in defaults.get("rules", [])]
        for i, rule in enumerate(doc.data.get("rules") or []):
            if isinstance(rule, dict) and rule.get("id") not in known_ids and not rule.get("kind"):
                near = difflib.get_close_matches(str(rule.get("id")), known_ids, n=1)
                found.append(F.error("POLICY_OVERRIDE_UNKNOWN_RULE", file=doc.file,
                                     line=doc.line("rules", i, "id"), stage="policy",
                                     rule=str(rule.get("id")), suggestion=near[0] if near else "",
                                     known=known_ids))
    return found


def merge(base: Any, over: Any) -> Any:
    """Mappings merge key by key, ``rules`` merge by id, anything else is replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            if key == "rules" and isinstance(value, list):
                out[key] = _merge_rules(base.get("rules", []), value)
            else:
                out[key] = merge(base.get(key), value) if key in base else value
        return out
    return over


def _merge_rules(base: list[dict], over: list[dict]) -> list[dict]:
    rules = {r["id"]: dict(r) for r in base}
    for item in over:
        current = rules.get(item["id"], {"kind": item.get("kind", item["id"])})
        merged = {**current, **{k: v for k, v in item.items() if k != "params"}}
        merged["params"] = {**current.get("params", {}), **item.get("params", {})}
        rules[item["id"]] = merged
    return list(rules.values())


def _build(data: dict[str, Any], sources: list[str], profile: profile_mod.Profile) -> Policy:
    rules = []
    for raw in data.get("rules", []):
        kind = raw.get("kind", raw["id"])
        params = dict(raw.get("params", {}))
        for key, vocab in _CHOICE_PARAMS.get(kind, {}).items():
            params[key] = [_stored(profile, vocab, v) for v in params.get(key, [])]
        rules.append(Rule(id=raw["id"], kind=kind, severity=raw.get("severity", "block"), params=params,
                          waivable=raw.get("waivable", True), enabled=raw.get("enabled", True),
                          description=dict(raw.get("description", {}))))
    scoring = dict(data.get("scoring", {}))
    openness = dict(scoring.get("openness", {}))
    openness["open_licences"] = [_stored(profile, "license_id", v) for v in openness.get("open_licences", [])]
    scoring["openness"] = openness
    return Policy(rules=rules, waivers=dict(data.get("waivers", {})), scoring=scoring, sources=sources)


def _stored(profile: profile_mod.Profile, vocab: str, value: Any) -> str:
    choice = profile.vocabularies[vocab].resolve(value)
    return choice.value if choice else str(value)


# ------------------------------------------------------------------------------------ waivers


@dataclass(frozen=True)
class Waiver:
    dataset: str
    agency: str | None
    file: str
    line: int | None
    rule: str
    reason: str
    approver: str
    expires: dt.date | None
    state: str  # in_force | expired | invalid
    used: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "agency": self.agency, "file": self.file, "line": self.line,
                "rule": self.rule, "reason": self.reason, "approver": self.approver,
                "expires": self.expires.isoformat() if self.expires else None,
                "state": self.state, "used": self.used}


def read_waivers(facts: DatasetFacts, policy: Policy, today: dt.date) -> tuple[list[Waiver], list[Finding]]:
    raw = facts.waivers
    if raw is None:
        return [], []
    where = dict(file=facts.file, dataset=facts.name, stage="policy")
    if not isinstance(raw, list):
        return [], [F.error("POLICY_WAIVERS_NOT_LIST", line=facts.line("waivers"), **where)]
    waivers, found = [], []
    ids = [r.id for r in policy.rules]
    for i, item in enumerate(raw):
        line = facts.line("waivers", i)
        item = item if isinstance(item, dict) else {}
        text = {k: str(item.get(k) or "").strip() for k in ("rule", "reason", "approver", "expires")}
        missing = [k for k, v in text.items() if not v]
        expires = parse_date(text["expires"])
        state = "invalid"
        if missing:
            found.append(F.error("POLICY_WAIVER_INCOMPLETE", line=line, missing=missing, index=i + 1, **where))
        elif expires is None:
            found.append(F.error("POLICY_WAIVER_DATE_INVALID", line=facts.line("waivers", i, "expires"),
                                 value=text["expires"], **where))
        elif text["rule"] not in ids:
            near = difflib.get_close_matches(text["rule"], ids, n=1)
            found.append(F.error("POLICY_WAIVER_UNKNOWN_RULE", line=facts.line("waivers", i, "rule"),
                                 rule=text["rule"], suggestion=near[0] if near else "", known=ids, **where))
        elif not policy.rule(text["rule"]).waivable:
            found.append(F.warning("POLICY_WAIVER_NOT_WAIVABLE", line=facts.line("waivers", i, "rule"),
                                   rule=text["rule"], **where))
        elif expires < today:
            state = "expired"
            found.append(F.warning("POLICY_WAIVER_EXPIRED", line=facts.line("waivers", i, "expires"),
                                   rule=text["rule"], expires=expires.isoformat(), approver=text["approver"],
                                   **where))
        else:
            state = "in_force"
            limit = int(policy.waivers.get("max_days", 366))
            if (expires - today).days > limit:
                found.append(F.warning("POLICY_WAIVER_TOO_LONG", line=facts.line("waivers", i, "expires"),
                                       rule=text["rule"], expires=expires.isoformat(), max_days=limit, **where))
        waivers.append(Waiver(dataset=facts.name, agency=facts.agency, file=facts.file, line=line,
                              rule=text["rule"], reason=text["reason"], approver=text["approver"],
                              expires=expires, state=state))
    return waivers, found


# --------------------------------------------------------------------------------- evaluation


@dataclass
class Verdict:
    """The policy's decision on one dataset."""

    violations: list[tuple[Any, R.Violation]]   # (rule, violation), after waivers
    waived: list[tuple[Any, R.Violation, Waiver]]
    waivers: list[Waiver]
    waiver_findings: list[Finding]

    @property
    def blocking(self) -> bool:
        return any(rule.severity == "block" for rule, _ in self.violations) or any(
            f.blocking for f in self.waiver_findings)


def violations(facts: DatasetFacts, policy: Policy, ctx: R.Context) -> list[tuple[Rule, R.Violation]]:
    out = []
    for rule in policy.active:
        inputs = R.INPUTS.get(rule.kind)
        if inputs is None:
            found = R.KINDS[rule.kind](facts, rule.params, ctx)
        else:
            key = ("rule", rule.id, inputs(facts))
            found = ctx.cache.get(key)
            if found is None:
                found = ctx.cache[key] = R.KINDS[rule.kind](facts, rule.params, ctx)
        out.extend((rule, v) for v in found)
    return out


def evaluate(facts: DatasetFacts, policy: Policy, ctx: R.Context,
             waivers: tuple[list[Waiver], list[Finding]] | None = None) -> Verdict:
    if not facts.parsed:  # unreadable YAML is already an error; judging its absent fields is noise
        return Verdict([], [], [], [])
    waivers_list, waiver_findings = waivers if waivers is not None else read_waivers(facts, policy, ctx.today)
    in_force = {w.rule: w for w in waivers_list if w.state == "in_force"}
    kept, waived = [], []
    for rule, v in violations(facts, policy, ctx):
        w = in_force.get(rule.id)
        if w is not None and rule.waivable:
            waived.append((rule, v, w))
        else:
            kept.append((rule, v))
    used = {w.rule for _, _, w in waived}
    waivers_list = [dataclasses.replace(w, used=True) if w.rule in used and w.state == "in_force" else w
                    for w in waivers_list]
    return Verdict(kept, waived, waivers_list, waiver_findings)


def verdict_findings(facts: DatasetFacts, verdict: Verdict) -> list[Finding]:
    found = list(verdict.waiver_findings)
    for rule, v in verdict.violations:
        make = F.error if rule.severity == "block" else F.warning
        found.append(make(v.code, file=facts.file, line=facts.line(*v.key), dataset=facts.name,
                          resource=v.resource, stage="policy", rule=rule.id, **v.params))
    for rule, v, w in verdict.waived:
        found.append(F.info("POLICY_WAIVED", file=facts.file, line=w.line, dataset=facts.name,
                            stage="policy", rule=rule.id, code_waived=v.code, reason=w.reason,
                            approver=w.approver, expires=w.expires.isoformat()))
    for w in verdict.waivers:
        if w.state == "in_force" and not w.used:
            found.append(F.info("POLICY_WAIVER_UNUSED", file=facts.file, line=w.line, dataset=facts.name,
                                stage="policy", rule=w.rule, expires=w.expires.isoformat()))
    return found


@contextlib.contextmanager
def no_gc():
    """Pause the cyclic garbage collector while judging a catalog.

    Why: a loaded catalog of 10,000 manifests is millions of objects, and every full collection
    triggered by the many small objects a verdict or a fix allocates walks all of them; that
    made scoring grow faster than linearly. Judging creates no reference cycles worth
    collecting, and the collector runs again as soon as the block ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def gate(result: Any, policy: Policy, today: dt.date) -> list[Finding]:
    """The policy findings of every dataset in ``result``: what ``gdc publish`` obeys.

    ERROR = refused (a ``block`` rule, not waived, or a malformed waiver), WARNING = published
    with a warning. The caller appends them to ``result.findings``; :func:`apply` does that.
    """
    ctx = R.Context(today=today, profile=profile_mod.load())
    found: list[Finding] = []
    with no_gc():
        for facts in collect(result, ctx.profile):
            found.extend(verdict_findings(facts, evaluate(facts, policy, ctx)))
    return found


def apply(result: Any, policy: Policy, today: dt.date, load_findings: list[Finding] = ()) -> Any:
    """Append the policy's load problems and the gate's findings to ``result`` (sorted again)."""
    result.findings.extend(load_findings)
    result.findings.extend(gate(result, policy, today))
    result.findings.sort(key=F.sort_key)
    return result


def waivers_in_force(result: Any, policy: Policy, today: dt.date) -> list[Waiver]:
    """Every waiver in force in the catalog (reports list them all, used or not)."""
    ctx = R.Context(today=today, profile=profile_mod.load())
    out = []
    for facts in collect(result, ctx.profile):
        out.extend(w for w in evaluate(facts, policy, ctx).waivers if w.state == "in_force")
    return out
