"""The governance report as one JSON-able document, which every report format renders.

Why one document: report.html, report.md, report.json, junit.xml and the GitHub annotations
must never disagree about what is blocked or what a score is. They are all views of the dict
:func:`build` returns (report.json *is* that dict). Personal data is masked here, once, so no
renderer can leak it: the PII scanner already masks its examples, and :func:`mask_text` is the
belt to those braces for any other message that quotes a cell value.
"""
from __future__ import annotations

import re
from typing import Any

from catalog import __version__, i18n
from catalog import findings as F
from catalog.governance import Evaluation, trend
from catalog.scoring import DIMENSIONS

# 13-digit Thai national IDs (plain or 1-2345-67890-12-3) and Thai phone numbers.
_ID_RE = re.compile(r"(?<![0-9])([0-9])[- ]?([0-9]{4})[- ]?[0-9]{5}[- ]?[0-9]{2}[- ]?([0-9])(?![0-9])")
_PHONE_RE = re.compile(r"(?<![0-9+])(?:\+66|0)[- ]?([689])[- ]?[0-9](?:[- ]?[0-9]){4}[- ]?([0-9]{3})(?![0-9])")


def mask_text(text: str) -> str:
    """Mask national IDs (``1-2345-xxxxx-xx-1``) and phone numbers (``08x-xxx-x678``)."""
    if not text or not any(c.isdigit() for c in text):
        return text
    text = _ID_RE.sub(lambda m: f"{m.group(1)}-{m.group(2)}-xxxxx-xx-{m.group(3)}", text)
    return _PHONE_RE.sub(lambda m: f"0{m.group(1)}x-xxx-x{m.group(2)[-3:]}", text)


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [_mask(v) for v in value]
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items()}
    return value


def label(key: str, lang: str, **params: Any) -> str:
    return i18n.message(f"LABEL_{key}", lang, params)


def both(key: str, **params: Any) -> str:
    """A bilingual label: Thai first, then English (the report is read by both audiences)."""
    th, en = label(key, "th", **params), label(key, "en", **params)
    return th if th == en else f"{th} · {en}"


def dimension_label(dim: str, lang: str) -> str:
    return i18n.message(f"DIM_{dim.upper()}", lang, {})


def finding_dict(f: F.Finding, lang: str) -> dict[str, Any]:
    data = _mask(f.to_dict(lang))
    data["where"] = mask_text(f.where())
    return data


def build(ev: Evaluation, lang: str = "en") -> dict[str, Any]:
    card = ev.scorecard
    findings = list(ev.findings)
    totals = F.summarize(findings)
    agencies = []
    for a in card.agencies:
        data = _mask(a.to_dict(lang))
        points = trend(ev.history, a.name)
        if not points or points[-1][0] != card.date.isoformat() or points[-1][1] != round(a.score, 1):
            points.append((card.date.isoformat(), round(a.score, 1)))
        data["trend"] = [{"date": d, "score": s} for d, s in points]
        agencies.append(data)
    by_dataset: dict[str, list[F.Finding]] = {}
    for f in findings:
        if f.dataset:
            by_dataset.setdefault(f.dataset, []).append(f)
    blocked = []
    for d in card.datasets:
        if not d.blocked:
            continue
        reasons = [finding_dict(f, lang) for f in by_dataset.get(d.name, []) if f.blocking]
        blocked.append({"dataset": d.name, "title": d.title, "agency": d.agency, "file": d.file,
                        "score": round(d.score, 1), "codes": d.reasons, "reasons": reasons})
    return {
        "tool": {"name": "gdc", "version": __version__},
        "date": card.date.isoformat(),
        "lang": lang,
        "policy": {
            "sources": ev.policy.sources,
            "rules": [{"id": r.id, "kind": r.kind, "severity": r.severity, "waivable": r.waivable,
                       "enabled": r.enabled, "description": r.description.get(lang) or r.description.get("en", "")}
                      for r in ev.policy.rules],
            "weights": card.weights,
            "grades": ev.policy.scoring.get("grades", []),
        },
        "summary": {**card.to_dict(lang)["summary"], **totals, "blocking": totals["error"] > 0},
        "dimensions": {d: dimension_label(d, lang) for d in DIMENSIONS},
        "agencies": agencies,
        "blocked": blocked,
        "waivers": [w.to_dict() for w in ev.waivers],
        "findings": [finding_dict(f, lang) for f in findings],
    }


def grade_bands(doc: dict[str, Any]) -> str:
    return ", ".join(f"{g['grade']} ≥ {g['min']:g}" for g in doc["policy"]["grades"])
