"""The "fix first" list: concrete changes to a manifest, ranked by the points they gain.

Why exact re-scoring instead of "points missing per dimension": dimensions interact (a
blocked dataset counts half, a missing licence costs openness *and* blocks, the weights of
not-applicable dimensions are shared out), so an estimate would rank fixes wrongly. Each
candidate is a function from facts to facts; its gain is ``score(fixed) - score(now)`` by the
same :class:`~catalog.scoring.Scorer`. A composite "unblock" candidate applies every fix that
removes a blocking reason, because a dataset blocked twice gains nothing from either fix alone.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable

from catalog import i18n
from catalog import rules as R
from catalog.facts import DatasetFacts, Outcome, ResourceFacts
from catalog.findings import Finding, Severity

MIN_GAIN = 0.05  # dataset points; smaller "gains" are rounding noise, not advice
ALL = ("completeness", "findability", "openness", "validity", "quality", "timeliness")
# which dimensions a manifest field feeds (every field feeds completeness), and which fields the
# gate reads: a fix touching none of them cannot change the gate's decision
_FIELD_DIMS = {
    "tags": ("findability",), "title_en": ("findability",), "notes_en": ("findability",),
    "geo_coverage": ("findability",), "license_id": ("openness",), "license_id_other": ("openness",),
    "update_frequency_unit": ("timeliness",), "update_frequency_interval": ("timeliness",),
    "last_updated_date": ("timeliness",), "data_type": ALL,
}
_GATE_FIELDS = {"data_category", "data_classification", "license_id", "license_id_other", "maintainer_email",
                "update_frequency_unit", "update_frequency_interval", "last_updated_date", "data_type"}


@dataclass
class Fix:
    kind: str
    dataset: str
    file: str
    line: int | None
    params: dict[str, Any]
    gain: float                    # points for the dataset
    unblocks: bool = False
    agency_gain: float = 0.0       # points for its agency (set by :func:`rank`)

    @property
    def code(self) -> str:
        return "FIX_" + self.kind.upper()

    def message(self, lang: str = "en") -> str:
        return i18n.message(self.code, lang, self.params)

    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"kind": self.kind, "dataset": self.dataset, "file": self.file, "line": self.line,
                "change": self.message(lang), "gain": round(self.gain, 2),
                "agency_gain": round(self.agency_gain, 2), "unblocks": self.unblocks,
                "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.params.items()}}


@dataclass
class Candidate:
    kind: str
    key: tuple
    params: dict[str, Any]
    apply: Callable[[DatasetFacts], DatasetFacts]
    blocking: bool = False         # removes a blocking reason (joins the composite "unblock")
    line: int | None = None        # when the fix is about a finding rather than a manifest key
    dims: tuple = ALL              # the dimensions the change can move
    gate: bool = True              # whether it can change the gate's decision or the penalty


def candidates(facts: DatasetFacts, current: Any, scorer: Any, waivers: Any) -> list[Fix]:
    """Every fix that gains points for this dataset, best first."""
    cands = _candidates(facts, current, scorer, waivers)
    out: list[Fix] = []
    for c in cands:
        score, blocked = scorer.quick(c.apply(facts), waivers, current, c.dims, c.gate)
        gain = score - current.score
        if gain >= MIN_GAIN:
            out.append(Fix(c.kind, facts.name, facts.file, c.line or facts.line(*c.key), c.params, gain,
                           unblocks=current.blocked and not blocked))
    if current.blocked and not any(f.unblocks for f in out):
        steps = [c for c in cands if c.blocking]
        fixed = facts
        for c in steps:
            fixed = c.apply(fixed)
        new = scorer.score(fixed, waivers)
        if steps and len(steps) > 1 and not new.blocked and new.score - current.score >= MIN_GAIN:
            en = [i18n.message("FIX_" + c.kind.upper(), "en", c.params) for c in steps]
            th = [i18n.message("FIX_" + c.kind.upper(), "th", c.params) for c in steps]
            out.append(Fix("unblock", facts.name, facts.file, facts.line(), {
                "steps": en, "steps_text": " ".join(f"({i}) {s}" for i, s in enumerate(en, 1)),
                "steps_text_th": " ".join(f"({i}) {s}" for i, s in enumerate(th, 1)),
                "count": len(steps)}, new.score - current.score, unblocks=True))
    out.sort(key=lambda f: (-round(f.gain, 6), f.kind, str(f.params)))
    return out


def rank(datasets: list[Any], limit: int) -> list[Fix]:
    """An agency's fix-first list: fixes of all its datasets by points gained for the agency."""
    total = sum(d.weight for d in datasets) or 1.0
    ranked = []
    for d in datasets:
        for fix in d.fixes:  # each fix belongs to one dataset of one agency: set in place
            fix.agency_gain = fix.gain * d.weight / total
            ranked.append(fix)
    ranked.sort(key=lambda f: (-round(f.agency_gain, 6), f.dataset, f.kind, str(f.params)))
    return ranked[:limit]


# ----------------------------------------------------------------------------- candidates


def _set(**values: Any) -> Callable[[DatasetFacts], DatasetFacts]:
    fields = set(values)

    def apply(f: DatasetFacts) -> DatasetFacts:
        meta = dict(f.metadata)
        meta.update(values)
        return f.replace(metadata=meta, findings=tuple(
            x for x in f.findings if x.params.get("field_name") not in fields
            and not (x.code == "CLASSIFICATION_MISMATCH" and fields & {"data_category", "data_classification"})))
    return apply


def _touches(finding_fields: set, fields: Any, temporal: Any) -> dict[str, Any]:
    """``dims``/``gate`` of a candidate that sets ``fields`` (see :func:`_set`, which also drops
    the findings about those fields, hence ``finding_fields``)."""
    dims = {"completeness"}
    for name in fields:
        dims.update(_FIELD_DIMS.get(name, ()))
        if name in temporal:
            dims.add("findability")
    gate = not _GATE_FIELDS.isdisjoint(fields) or not finding_fields.isdisjoint(fields)
    return {"dims": tuple(d for d in ALL if d in dims), "gate": gate}


def _drop(pred: Callable[[Finding], bool]) -> Callable[[DatasetFacts], DatasetFacts]:
    return lambda f: f.without_findings(pred)


def _with_resource(index: int, **changes: Any) -> Callable[[DatasetFacts], DatasetFacts]:
    def apply(f: DatasetFacts) -> DatasetFacts:
        res = tuple(dataclasses.replace(r, **changes) if r.index == index else r for r in f.resources)
        return f.replace(resources=res)
    return apply


def _candidates(facts: DatasetFacts, current: Any, scorer: Any, waivers: Any) -> list[Candidate]:
    meta, cfg = facts.metadata, scorer.cfg
    if not facts.parsed:
        return [Candidate("resolve", (), {"code": f.code, "where": f.where() or f.file or "-"},
                          _drop(lambda x, k=(f.code, f.line): (x.code, x.line) == k), blocking=True, line=f.line)
                for f in facts.findings if f.severity is Severity.ERROR]
    defaults = {k: str(v).replace("{agency}", facts.agency or "agency")
                for k, v in cfg.get("fix_first", {}).get("defaults", {}).items()}
    temporal_all = list(cfg.get("findability", {}).get("temporal_fields", []))
    finding_fields = {f.params.get("field_name") for f in facts.findings}
    verdict = current.verdict or _verdict(facts, scorer, waivers)
    codes = {v.code for rule, v in verdict.violations}
    block_codes = {v.code for rule, v in verdict.violations if rule.severity == "block"}
    out: list[Candidate] = []

    def setting(kind: str, key: tuple, params: dict, values: dict, blocking: bool = False) -> None:
        out.append(Candidate(kind, key, params, _set(**values), blocking=blocking,
                             **_touches(finding_fields, values, temporal_all)))

    # --- what the gate objects to
    public_codes = {"POLICY_CATEGORY_NOT_PUBLIC", "POLICY_CLASSIFICATION_NOT_OPEN", "POLICY_CLASSIFICATION_MISSING"}
    if codes & public_codes or meta.get("data_category") == "ข้อมูลส่วนบุคคล":
        cat, cls = defaults.get("data_category", "ข้อมูลสาธารณะ"), defaults.get("data_classification", "เปิดเผย")
        setting("make_public", ("data_category",), {"category": cat, "classification": cls},
                {"data_category": cat, "data_classification": cls}, blocking=bool(block_codes & public_codes))
    personal = [f for f in facts.findings if R.is_personal_finding(f, scorer.personal_params)]
    for resource in sorted({f.resource or "" for f in personal}):
        out.append(Candidate("remove_personal_data", ("resources",), {"resource": resource or "-",
                             "count": sum(1 for f in personal if (f.resource or "") == resource)},
                             _drop(lambda f, r=resource: R.is_personal_finding(f, scorer.personal_params)
                                   and (f.resource or "") == r), blocking=True, dims=()))
    if meta.get("license_id") and scorer.licence_factor(facts) < 1:
        lic = defaults.get("license_id", "Creative Commons Attributions")
        setting("set_licence", ("license_id",), {"licence": lic}, {"license_id": lic},
                blocking="POLICY_LICENCE_NOT_ALLOWED" in block_codes)
    mailbox_codes = {"POLICY_MAILBOX_NOT_ORGANIZATIONAL", "POLICY_MAILBOX_PERSONAL_NAME"}
    if codes & mailbox_codes:
        mail = defaults.get("maintainer_email", "opendata@agency.go.th")
        setting("set_mailbox", ("maintainer_email",), {"email": mail}, {"maintainer_email": mail},
                blocking=bool(block_codes & mailbox_codes))
    target = int(cfg.get("openness", {}).get("target_stars", 3))
    if (facts.resources and scorer.best_stars(facts) < target) or "POLICY_NOT_MACHINE_READABLE" in codes:
        fmt = defaults.get("format", "CSV")
        worst = min(facts.resources, key=lambda r: (scorer.stars.get(r.format, 1), r.index), default=None)
        added = ResourceFacts(name=f"{worst.name if worst else facts.name} ({fmt})",
                              index=len(facts.resources), format=fmt.upper(), has_schema=True, checks=1)
        out.append(Candidate("add_format", ("resources",), {"resource": worst.name if worst else "-", "format": fmt},
                             lambda f, a=added: f.replace(resources=f.resources + (a,)),
                             blocking="POLICY_NOT_MACHINE_READABLE" in block_codes,
                             dims=("openness", "validity", "quality")))
    state = R.freshness(facts, scorer.ctx)
    if state.status in ("overdue", "no_date"):
        today = scorer.ctx.today.isoformat()
        setting("refresh", ("last_updated_date",), {"today": today}, {"last_updated_date": today},
                blocking=bool(block_codes & {"POLICY_STALE", "POLICY_FRESHNESS_NO_DATE"}))

    # --- completeness and findability
    handled = {"data_category", "data_classification", "license_id", "maintainer_email", "last_updated_date"}
    for name in scorer.mandatory:
        if name not in handled and _blank(meta.get(name)):
            setting("add_field", (name,), {"field_name": name}, {name: defaults.get(name, "…")},
                    blocking=any(f.code == "FIELD_REQUIRED" and f.params.get("field_name") == name
                                 for f in facts.findings))
    temporal = [k for k in temporal_all if scorer.ctx.profile.dataset_fields.get(k) is not None
                and scorer.ctx.profile.dataset_fields[k].applies_to(facts.data_type)]
    add_temporal = temporal[0] if temporal and all(_blank(meta.get(k)) for k in temporal_all) else None
    rec = [n for n in scorer.recommended.get(facts.data_type, scorer.recommended[None])
           if _blank(meta.get(n)) and n not in handled and n != add_temporal]
    if rec:
        setting("add_recommended", (), {"fields": rec}, {n: "…" for n in rec})
    for name in ("title_en", "notes_en") + ((add_temporal,) if add_temporal else ()):
        if _blank(meta.get(name)):
            setting("add_field", (name,), {"field_name": name}, {name: "…"})
    min_tags = int(cfg.get("findability", {}).get("min_tags", 3))
    tags = meta.get("tags") or []
    if 0 < len(tags) < min_tags:
        missing = min_tags - len(tags)
        setting("add_tags", ("tags",), {"count": missing, "min": min_tags},
                {"tags": list(tags) + [f"tag{i}" for i in range(missing)]})

    # --- the data: Table Schema, checks, validation errors
    for r in (r for r in facts.resources if r.format in scorer.tabular):
        if not r.has_schema:
            out.append(Candidate("add_schema", ("resources", r.index), {"resource": r.name},
                                 _with_resource(r.index, has_schema=True), dims=("validity",), gate=False))
        outs = [o for o in facts.outcomes if o.resource == r.name]
        if not outs and not r.checks:
            out.append(Candidate("add_checks", ("resources", r.index), {"resource": r.name},
                                 _with_resource(r.index, checks=1), dims=("quality",), gate=False))
        failing = sum(not o.success for o in outs)
        if failing:
            out.append(Candidate("fix_checks", ("resources", r.index, "checks"), {"resource": r.name, "count": failing},
                                 lambda f, n=r.name: f.replace(outcomes=tuple(
                                     Outcome(o.resource, True) if o.resource == n else o for o in f.outcomes)),
                                 dims=("quality",), gate=False))
    schema = [f for f in facts.findings if f.stage == "schema"]
    for resource in sorted({f.resource or "" for f in schema}):
        count = sum(1 for f in schema if (f.resource or "") == resource)
        out.append(Candidate("fix_schema_errors", ("resources",), {"resource": resource or "-", "count": count},
                             _drop(lambda f, r=resource: f.stage == "schema" and (f.resource or "") == r),
                             blocking=any(f.blocking and (f.resource or "") == resource for f in schema),
                             dims=("validity",)))

    # --- any other blocking finding
    covered = {"FIELD_REQUIRED", "CLASSIFICATION_MISMATCH"}
    seen = set()
    for f in facts.findings:
        if f.severity is not Severity.ERROR or f.code in covered or f.stage == "schema" \
                or R.is_personal_finding(f, scorer.personal_params) or (f.code, f.line, f.row) in seen:
            continue
        seen.add((f.code, f.line, f.row))
        out.append(Candidate("resolve", (), {"code": f.code, "where": f.where() or f.file or "-"},
                             _drop(lambda x, k=(f.code, f.line, f.row): (x.code, x.line, x.row) == k),
                             blocking=True, line=f.line))
    return out


def _verdict(facts: DatasetFacts, scorer: Any, waivers: Any) -> Any:
    from catalog import policy as policy_mod

    return policy_mod.evaluate(facts, scorer.policy, scorer.ctx, waivers)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {})
