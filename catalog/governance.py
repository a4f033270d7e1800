"""One governance run: the pipeline, then the policy gate, then the scores.

Why one function: ``gdc score``, ``gdc report`` (and later ``gdc publish``) must judge a catalog
identically. They all call :func:`evaluate`, which runs ``catalog.pipeline.validate`` (so data
stages the pipeline gains later count automatically), appends the policy's own load problems
and the gate's findings, and scores the result.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from catalog import findings as F
from catalog import pipeline, policy, scoring
from catalog.findings import Finding


@dataclass
class Evaluation:
    result: Any                        # catalog.pipeline.Result, with the policy findings appended
    policy: policy.Policy
    scorecard: scoring.Scorecard
    waivers: list[policy.Waiver]
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return self.result.findings

    @property
    def blocking(self) -> bool:
        return F.has_blocking(self.result.findings)


def evaluate(paths: Iterable[Path], today: dt.date, *, fixes: bool = True) -> Evaluation:
    result = pipeline.validate(list(paths), today=today)  # runs the policy gate too
    pol = result.policy
    card = scoring.score_catalog(result, pol, today, fixes=fixes)
    return Evaluation(result=result, policy=pol, scorecard=card, waivers=card.waivers)


# ------------------------------------------------------------------------------------ history


def history_entry(card: scoring.Scorecard, commit: str | None) -> dict[str, Any]:
    return {
        "date": card.date.isoformat(), "commit": commit,
        "agencies": {a.name: {"score": round(a.score, 1), "grade": a.grade, "blocked": a.blocked,
                              "publishable": a.publishable,
                              "dimensions": {k: (None if v is None else round(v * 100, 1))
                                             for k, v in a.dimensions.items()}}
                     for a in card.agencies},
    }


def append_history(path: Path, entry: dict[str, Any]) -> None:
    """Append one JSON line; the file is created if needed (JSON lines merge well in git)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")


def read_history(path: Path | None) -> list[dict[str, Any]]:
    """Entries of a history file, oldest first; unreadable lines are skipped, not fatal."""
    if path is None or not Path(path).is_file():
        return []
    entries = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(data, dict) and isinstance(data.get("agencies"), dict):
            entries.append(data)
    return entries


def trend(entries: list[dict[str, Any]], agency: str) -> list[tuple[str, float]]:
    """(date, score) points of one agency across history entries."""
    points = []
    for e in entries:
        a = e["agencies"].get(agency)
        if isinstance(a, dict) and isinstance(a.get("score"), (int, float)):
            points.append((str(e.get("date")), float(a["score"])))
    return points
