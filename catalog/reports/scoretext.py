"""``gdc score`` as terminal text: one block per agency, its datasets and its fix-first list."""
from __future__ import annotations

from typing import Any

import click

from catalog.reports.model import grade_bands, label

GRADE_FG = {"A": "green", "B": "green", "C": "yellow", "D": "yellow", "F": "red"}
SHORT = {"completeness": "C", "findability": "F", "openness": "O", "validity": "V", "quality": "Q", "timeliness": "T"}


def _n(value: Any) -> str:
    return "–" if value is None else f"{value:.0f}"


def render(doc: dict[str, Any], *, fixes: int = 5) -> str:
    lang = doc["lang"]
    out = []
    legend = "  ".join(f"{SHORT[k]}={v}" for k, v in doc["dimensions"].items())
    for a in doc["agencies"]:
        grade = click.style(f" {a['grade']} ", fg="white", bg=GRADE_FG.get(a["grade"], "red"), bold=True)
        score = click.style(f"{a['score']:.1f}", bold=True)
        out.append(f"{click.style(a['name'], bold=True)}  {a['title']}  {score} {grade}  "
                   f"{label('PUBLISHABLE', lang)} {a['publishable']} · {label('BLOCKED', lang)} {a['blocked']}")
        out.append("    " + "  ".join(f"{SHORT[k]} {_n(v)}" for k, v in a["dimensions"].items()))
        width = max((len(d["name"]) for d in a["datasets"]), default=10)
        for d in a["datasets"]:
            status = click.style(label("BLOCKED", lang), fg="red") if d["blocked"] else \
                click.style(label("PUBLISHABLE", lang), fg="green")
            dims = " ".join(f"{SHORT[k]}{_n(v):>4}" for k, v in d["dimensions"].items())
            reasons = f"  ({', '.join(d['reasons'])})" if d["blocked"] else ""
            out.append(f"  {d['name']:<{width}}  {d['score']:5.1f}  {dims}  {status}{reasons}")
        if a["fix_first"]:
            out.append(f"  {click.style(label('FIX_FIRST', lang), bold=True)}:")
            for f in a["fix_first"][:fixes]:
                where = f"{f['file']}:{f['line']}" if f["line"] else f["file"]
                out.append(f"    +{f['agency_gain']:5.2f}  {f['change']}  ({f['dataset']}, {where})")
        out.append("")
    s = doc["summary"]
    out.append(legend)
    out.append(label("SCORE_EXPLAINED", lang, bands=grade_bands(doc)))
    colour = "red" if s["blocked"] else "green"
    out.append(click.style(
        f"{s['agencies']} {label('AGENCIES', lang)}, {s['datasets']} {label('DATASETS', lang)}: "
        f"{s['publishable']} {label('PUBLISHABLE', lang)}, {s['blocked']} {label('BLOCKED', lang)} "
        f"({doc['date']})", fg=colour, bold=True))
    return "\n".join(out)
