"""Governance scores: per dataset (0-100 from weighted dimensions), per agency (grade A-F).

Why scores on top of the gate: the gate answers "may this go out?"; officers also need "how
good is our catalog, and what do we fix first?". Every number here comes from the same facts
and rule functions as the gate, with weights and bands from the policy (data), so a score is
explainable dimension by dimension and the "fix first" gains (catalog/fixes.py) are exact: a fix
is scored by re-running :meth:`Scorer.score` on the dataset with the fix applied.

Dimensions (each 0..1, ``None`` when it cannot apply to the dataset; see docs/governance.md):
completeness, findability, openness, validity, quality, timeliness. The dataset score is
100 x the weighted mean of the applicable ones, minus the personal-data penalty, times the
``blocked_factor`` when the gate refuses the dataset. Deterministic: no clock, no randomness;
``today`` is a parameter (``--date``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from catalog import policy as policy_mod
from catalog import profile as profile_mod
from catalog import rules as R
from catalog.facts import DatasetFacts, collect
from catalog.findings import Severity

DIMENSIONS = ("completeness", "findability", "openness", "validity", "quality", "timeliness")
PERSONAL_CATEGORY = "ข้อมูลส่วนบุคคล"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {})


def _present(meta: dict[str, Any], names: list[str]) -> int:
    """How many of ``names`` have a value (hot: runs for every fix candidate)."""
    count = 0
    for name in names:
        value = meta.get(name)
        if value is None or value == [] or value == {} or (value.__class__ is str and not value.strip()):
            continue
        count += 1
    return count


@dataclass
class DatasetScore:
    name: str
    agency: str | None
    file: str
    title: str
    score: float                              # final, 0..100
    base: float                               # weighted dimensions before penalty and block
    dimensions: dict[str, float | None]       # 0..1, None = not applicable
    penalty: float
    blocked: bool
    reasons: list[str]                        # codes of what blocks it
    stars: int
    weight: float                             # its weight in the agency mean
    fixes: list[Any] = field(default_factory=list)
    verdict: Any = field(default=None, repr=False, compare=False)  # the gate's, for the fix-first list

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "name": self.name, "title": self.title, "file": self.file, "score": round(self.score, 1),
            "blocked": self.blocked, "publishable": not self.blocked, "reasons": self.reasons,
            "dimensions": {k: (None if v is None else round(v * 100, 1)) for k, v in self.dimensions.items()},
            "base": round(self.base, 1), "penalty": round(self.penalty, 1), "stars": self.stars,
            "weight": self.weight, "fixes": [f.to_dict(lang) for f in self.fixes],
        }


class Scorer:
    """Scores one dataset's facts under a policy on a given day. Built once per run."""

    def __init__(self, policy: policy_mod.Policy, today: dt.date, profile: profile_mod.Profile | None = None):
        self.policy = policy
        self.ctx = R.Context(today=today, profile=profile or profile_mod.load())
        cfg = policy.scoring
        self.weights = {d: float(cfg.get("weights", {}).get(d, 0)) for d in DIMENSIONS}
        self.penalties = cfg.get("penalties", {})
        self.cfg = cfg
        self.mandatory = [f.name for f in self.ctx.profile.mandatory_fields()]
        rec = cfg.get("completeness", {}).get("recommended", {})
        self.recommended = {t: list(rec.get("all", [])) + list(rec.get(t, [])) for t in
                            (*self.ctx.profile.data_types, None)}
        op = cfg.get("openness", {})
        self.stars = {str(k).upper(): int(v) for k, v in op.get("format_stars", {}).items()}
        self.open_licences = set(op.get("open_licences", []))
        self.allowed_licences = {lic for r in policy.active if r.kind == "licence_allowlist"
                                 for lic in r.params.get("allowed", [])}
        self.tabular = {str(f).upper() for f in cfg.get("validity", {}).get("tabular_formats", [])}
        rule = next((r for r in policy.rules if r.kind == "personal_data"), None)
        self.personal_params = rule.params if rule else {}
        self.personal_penalty = float(self.penalties.get("personal_data", 30))
        self.blocked_factor = float(self.penalties.get("blocked_factor", 0.5))
        self.high_value_weight = float(cfg.get("agency", {}).get("high_value_weight", 1))

    # ------------------------------------------------------------------------ dimensions

    def completeness(self, facts: DatasetFacts) -> float:
        meta = facts.metadata
        have = _present(meta, self.mandatory) + (facts.agency is not None)
        mandatory = have / (len(self.mandatory) + 1)
        rec = self.recommended.get(facts.data_type, self.recommended[None])
        recommended = _present(meta, rec) / len(rec) if rec else 1.0
        share = float(self.cfg.get("completeness", {}).get("mandatory_share", 0.7))
        return share * mandatory + (1 - share) * recommended

    def findability(self, facts: DatasetFacts) -> float:
        cfg = self.cfg.get("findability", {})
        points = cfg.get("points", {})
        meta = facts.metadata
        tags = meta.get("tags") or []
        min_tags = int(cfg.get("min_tags", 3))
        temporal = cfg.get("temporal_fields", [])
        got = {
            "tags": min(len(tags), min_tags) / min_tags,
            "title_en": float(not _blank(meta.get("title_en"))),
            "notes_en": float(not _blank(meta.get("notes_en"))),
            "spatial": float(not _blank(meta.get("geo_coverage"))
                             and meta.get("geo_coverage") not in cfg.get("unknown_values", [])),
            "temporal": float(any(not _blank(meta.get(k)) for k in temporal)),
        }
        total = sum(float(v) for v in points.values())
        return sum(float(points.get(k, 0)) * v for k, v in got.items()) / total if total else 1.0

    def licence_factor(self, facts: DatasetFacts) -> float:
        lic = facts.metadata.get("license_id")
        other = facts.metadata.get("license_id_other")
        if lic in self.open_licences or other in self.open_licences:
            return 1.0
        if lic in self.allowed_licences or other in self.allowed_licences:
            return float(self.cfg.get("openness", {}).get("allowed_licence", 0.5))
        return 0.0

    def best_stars(self, facts: DatasetFacts) -> int:
        unknown = int(self.cfg.get("openness", {}).get("unknown_stars", 1))
        return max((self.stars.get(r.format, unknown) for r in facts.resources), default=0)

    def openness(self, facts: DatasetFacts) -> float:
        cfg = self.cfg.get("openness", {})
        target = int(cfg.get("target_stars", 3))
        share = float(cfg.get("licence_share", 0.4))
        fmt = min(self.best_stars(facts), target) / target
        return share * self.licence_factor(facts) + (1 - share) * fmt

    def validity(self, facts: DatasetFacts) -> float | None:
        cfg = self.cfg.get("validity", {})
        tabular = [r for r in facts.resources if r.format in self.tabular]
        if not tabular:
            return None
        without = float(cfg.get("without_schema", 0.25))
        base = sum(1.0 if r.has_schema else without for r in tabular) / len(tabular)
        errors = sum(1 for f in facts.findings if f.stage == "schema" and f.severity is Severity.ERROR)
        warnings = sum(1 for f in facts.findings if f.stage == "schema" and f.severity is Severity.WARNING)
        penalty = errors * float(cfg.get("error_penalty", 0.25)) + warnings * float(cfg.get("warning_penalty", 0.05))
        return max(0.0, base - penalty)

    def quality(self, facts: DatasetFacts) -> float | None:
        cfg = self.cfg.get("quality", {})
        tabular = [r for r in facts.resources if r.format in self.tabular]
        if not tabular:
            if facts.outcomes:
                return sum(o.success for o in facts.outcomes) / len(facts.outcomes)
            return None
        values = []
        for r in tabular:
            outs = [o for o in facts.outcomes if o.resource == r.name]
            if outs:
                values.append(sum(o.success for o in outs) / len(outs))
            elif r.checks:
                values.append(float(cfg.get("declared_not_run", 1.0)))
            else:
                values.append(float(cfg.get("without_checks", 0.25)))
        return sum(values) / len(values)

    def timeliness(self, facts: DatasetFacts) -> float | None:
        cfg = self.cfg.get("timeliness", {})
        state = R.freshness(facts, self.ctx)
        if state.status in ("ok", "overdue"):
            return max(0.0, 1.0 - min(1.0, state.ratio))
        if state.status == "not_periodic":
            return None
        if state.status == "unknown_unit":
            return float(cfg.get("unknown_unit", 0.5))
        if state.status == "no_date":
            return float(cfg.get("missing_date", 0.0))
        return 0.0

    def personal_data(self, facts: DatasetFacts) -> bool:
        return facts.metadata.get("data_category") == PERSONAL_CATEGORY or any(
            R.is_personal_finding(f, self.personal_params) for f in facts.findings)

    # ----------------------------------------------------------------------------- score

    def score(self, facts: DatasetFacts, waivers: Any = None, *, like: DatasetScore | None = None,
              dims: Any = DIMENSIONS, gate: bool = True) -> DatasetScore:
        """Score ``facts``. With ``like`` (the score before a fix), only the dimensions in ``dims``
        are recomputed and, when ``gate`` is false, the gate's decision and the personal-data
        penalty are reused: a fix declares what it touches, which keeps fix-first lists cheap
        (tests check that the shortcut equals a full re-score for every candidate)."""
        if like is None:
            dims, gate = DIMENSIONS, True
        values, base = self._dimensions(facts, like, dims)
        if gate:
            penalty, verdict = self._penalty(facts), policy_mod.evaluate(facts, self.policy, self.ctx, waivers)
            reasons = sorted({f.code for f in facts.findings if f.severity is Severity.ERROR}
                             | {v.code for rule, v in verdict.violations if rule.severity == "block"}
                             | {f.code for f in verdict.waiver_findings if f.blocking})
        else:
            penalty, reasons, verdict = like.penalty, like.reasons, like.verdict
        blocked = bool(reasons)
        if like is not None and "openness" not in dims:
            stars = like.stars
        else:
            stars = self.best_stars(facts) if self.licence_factor(facts) > 0 else 0
        weight = self.high_value_weight if facts.high_value else 1.0
        return DatasetScore(
            name=facts.name, agency=facts.agency, file=facts.file,
            title=str(facts.metadata.get("title") or facts.name), score=self._final(base, penalty, blocked),
            base=base, dimensions=values, penalty=penalty, blocked=blocked, reasons=reasons, stars=stars,
            weight=weight, verdict=verdict,
        )

    def quick(self, facts: DatasetFacts, waivers: Any, like: DatasetScore, dims: Any, gate: bool) -> tuple[float, bool]:
        """``(score, blocked)`` of ``facts`` after a fix: :meth:`score` without its report, for
        ranking thousands of fix candidates (tests check both agree)."""
        _, base = self._dimensions(facts, like, dims)
        if not gate:
            return self._final(base, like.penalty, like.blocked), like.blocked
        verdict = policy_mod.evaluate(facts, self.policy, self.ctx, waivers)
        blocked = (any(f.severity is Severity.ERROR for f in facts.findings)
                   or any(rule.severity == "block" for rule, _ in verdict.violations)
                   or any(f.blocking for f in verdict.waiver_findings))
        return self._final(base, self._penalty(facts), blocked), blocked

    def _dimensions(self, facts: DatasetFacts, like: DatasetScore | None, dims: Any) -> tuple[dict, float]:
        values = dict(like.dimensions) if like is not None else {}
        for d in dims:
            values[d] = getattr(self, d)(facts)
        total = weighted = 0.0
        for d in DIMENSIONS:
            v, w = values[d], self.weights[d]
            if v is not None and w > 0:
                total += w
                weighted += w * v
        return values, (100.0 * weighted / total if total else 0.0)

    def _penalty(self, facts: DatasetFacts) -> float:
        return self.personal_penalty if self.personal_data(facts) else 0.0

    def _final(self, base: float, penalty: float, blocked: bool) -> float:
        score = max(0.0, min(100.0, base - penalty))
        return score * self.blocked_factor if blocked else score

    def grade(self, score: float | None) -> str:
        bands = sorted(self.cfg.get("grades", []), key=lambda b: -float(b["min"]))
        if score is None:
            return bands[-1]["grade"] if bands else "F"
        for band in bands:
            if round(score, 1) >= float(band["min"]):
                return str(band["grade"])
        return bands[-1]["grade"] if bands else "F"


# ------------------------------------------------------------------------------ the catalog


@dataclass
class AgencyScore:
    name: str
    title: str
    title_en: str
    score: float
    grade: str
    datasets: list[DatasetScore]
    dimensions: dict[str, float | None]
    fix_first: list[Any] = field(default_factory=list)

    @property
    def blocked(self) -> int:
        return sum(d.blocked for d in self.datasets)

    @property
    def publishable(self) -> int:
        return len(self.datasets) - self.blocked

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "name": self.name, "title": self.title, "title_en": self.title_en,
            "score": round(self.score, 1), "grade": self.grade,
            "blocked": self.blocked, "publishable": self.publishable,
            "dimensions": {k: (None if v is None else round(v * 100, 1)) for k, v in self.dimensions.items()},
            "fix_first": [f.to_dict(lang) for f in self.fix_first],
            "datasets": [d.to_dict(lang) for d in self.datasets],
        }


@dataclass
class Scorecard:
    date: dt.date
    agencies: list[AgencyScore]
    policy_sources: list[str]
    weights: dict[str, float]

    @property
    def waivers(self) -> list[Any]:
        """Every waiver in force (used or not), as the gate saw them while scoring."""
        return [w for d in self.datasets if d.verdict is not None
                for w in d.verdict.waivers if w.state == "in_force"]

    @property
    def datasets(self) -> list[DatasetScore]:
        return [d for a in self.agencies for d in a.datasets]

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        ds = self.datasets
        return {
            "date": self.date.isoformat(), "policy": self.policy_sources, "weights": self.weights,
            "summary": {"agencies": len(self.agencies), "datasets": len(ds),
                        "blocked": sum(d.blocked for d in ds), "publishable": sum(not d.blocked for d in ds)},
            "agencies": [a.to_dict(lang) for a in self.agencies],
        }


def aggregate(datasets: list[DatasetScore]) -> tuple[float, dict[str, float | None]]:
    """Agency score: the mean of its dataset scores weighted by ``weight`` (high-value x2)."""
    total = sum(d.weight for d in datasets)
    if not total:
        return 0.0, {k: None for k in DIMENSIONS}
    score = sum(d.score * d.weight for d in datasets) / total
    dims: dict[str, float | None] = {}
    for k in DIMENSIONS:
        pairs = [(d.weight, d.dimensions[k]) for d in datasets if d.dimensions[k] is not None]
        w = sum(p[0] for p in pairs)
        dims[k] = sum(p[0] * p[1] for p in pairs) / w if w else None
    return score, dims


def score_catalog(result: Any, policy: policy_mod.Policy, today: dt.date, *, fixes: bool = True) -> Scorecard:
    """Score every dataset of a pipeline result and aggregate per agency, with fix-first lists."""
    with policy_mod.no_gc():
        return _score_catalog(result, policy, today, fixes)


def _score_catalog(result: Any, policy: policy_mod.Policy, today: dt.date, fixes: bool) -> Scorecard:
    from catalog import fixes as fixes_mod

    scorer = Scorer(policy, today)
    by_agency: dict[str | None, list[DatasetScore]] = {a.name: [] for a in result.catalog.agencies.values()}
    for facts in collect(result, scorer.ctx.profile):
        waivers = policy_mod.read_waivers(facts, policy, today)
        ds = scorer.score(facts, waivers)
        if fixes:
            ds.fixes = fixes_mod.candidates(facts, ds, scorer, waivers)
        by_agency.setdefault(facts.agency, []).append(ds)
    limit = int(policy.scoring.get("fix_first", {}).get("limit", 10))
    agencies = []
    for name in sorted(by_agency, key=lambda n: (n is None, n or "")):
        datasets = sorted(by_agency[name], key=lambda d: d.name)
        agency = result.catalog.agency_named(name) if name else None
        score, dims = aggregate(datasets)
        card = AgencyScore(
            name=name or "-", title=str(agency.raw.get("title") or name) if agency else "-",
            title_en=str(agency.raw.get("title_en") or "") if agency else "",
            score=score, grade=scorer.grade(score), datasets=datasets, dimensions=dims)
        card.fix_first = fixes_mod.rank(datasets, limit) if fixes else []
        agencies.append(card)
    return Scorecard(date=today, agencies=agencies, policy_sources=list(policy.sources),
                     weights=dict(scorer.weights))
