"""report.md and ``gdc score --format markdown``: the report as a pull-request comment.

Why a size budget: GitHub refuses comments over 65,536 characters, and a comment is read in a
minute, not studied. So the scorecard, the blocked datasets and the fix-first lists always fit;
the list of findings is cut to what fits, and the rest is left to report.html.
"""
from __future__ import annotations

from typing import Any

from catalog.reports.model import both, grade_bands, label

MAX_CHARS = 60_000  # under GitHub's 65,536-character comment limit, with room for a CI header
GRADE_ICONS = {"A": "🟢", "B": "🟢", "C": "🟡", "D": "🟠", "F": "🔴"}


def cell(value: Any) -> str:
    """Markdown table cells: no pipes or newlines from user text."""
    return str("" if value is None else value).replace("|", "\\|").replace("\n", " ").strip()


def scorecard(doc: dict[str, Any], *, fixes_per_agency: int = 5) -> list[str]:
    lang = doc["lang"]
    dims = doc["dimensions"]
    out = [
        f"| {both('AGENCY')} | {both('SCORE')} | {both('GRADE')} | {both('PUBLISHABLE')} | {both('BLOCKED')} | "
        + " | ".join(cell(v) for v in dims.values()) + " |",
        "|---|---:|:---:|---:|---:|" + "---:|" * len(dims),
    ]
    for a in doc["agencies"]:
        trend = a.get("trend") or []
        delta = ""
        if len(trend) > 1:
            diff = trend[-1]["score"] - trend[-2]["score"]
            delta = f" ({'+' if diff >= 0 else ''}{diff:.1f})"
        out.append(
            f"| **{cell(a['name'])}** {cell(a['title'])} | {a['score']:.1f}{delta} | "
            f"{GRADE_ICONS.get(a['grade'], '')} {cell(a['grade'])} | {a['publishable']} | {a['blocked']} | "
            + " | ".join("–" if a["dimensions"][k] is None else f"{a['dimensions'][k]:.0f}" for k in dims) + " |")
    out += ["", f"<sub>{cell(label('SCORE_EXPLAINED', lang, bands=grade_bands(doc)))}</sub>", ""]
    fixes = [a for a in doc["agencies"] if a["fix_first"]]
    if fixes:
        out += [f"### {both('FIX_FIRST')}", ""]
        for a in fixes:
            out.append(f"**{cell(a['name'])}**")
            out.append("")
            for f in a["fix_first"][:fixes_per_agency]:
                where = f"{f['file']}:{f['line']}" if f["line"] else f["file"]
                out.append(f"1. **+{f['agency_gain']:.2f}** {cell(f['change'])} — `{cell(f['dataset'])}` (`{cell(where)}`)")
            out.append("")
    return out


def render_score(doc: dict[str, Any]) -> str:
    lines = [f"## {both('SCORE')} — {doc['date']}", ""] + scorecard(doc)
    return "\n".join(lines).rstrip() + "\n"


def render(doc: dict[str, Any]) -> str:
    lang = doc["lang"]
    s = doc["summary"]
    head = [
        f"## {both('TITLE')} — {doc['date']}",
        "",
        f"**{s['agencies']}** {label('AGENCIES', lang)} · **{s['datasets']}** {label('DATASETS', lang)} · "
        f"**{s['publishable']}** {label('PUBLISHABLE', lang)} · **{s['blocked']}** {label('BLOCKED', lang)} · "
        f"{s['error']} {label('ERRORS', lang)}, {s['warning']} {label('WARNINGS', lang)}",
        "",
    ] + scorecard(doc)
    blocked = [f"### {both('BLOCKED_DATASETS')}", ""]
    if not doc["blocked"]:
        blocked += [label("NO_BLOCKED", lang), ""]
    for b in doc["blocked"]:
        blocked.append(f"- **{cell(b['dataset'])}** ({cell(b['agency'])}, `{cell(b['file'])}`)")
        for r in b["reasons"]:
            blocked.append(f"  - `{cell(r['code'])}` `{cell(r['where'])}`: {cell(r['message'])}")
    blocked.append("")
    waivers = [f"### {both('WAIVERS')}", ""]
    if doc["waivers"]:
        waivers += [f"| {both('DATASET')} | {both('RULE')} | {both('REASON')} | {both('APPROVER')} | {both('EXPIRES')} |",
                    "|---|---|---|---|---|"]
        waivers += [f"| {cell(w['dataset'])} | `{cell(w['rule'])}` | {cell(w['reason'])} | {cell(w['approver'])} | "
                    f"{cell(w['expires'])} |" for w in doc["waivers"]]
    else:
        waivers.append(label("NO_WAIVERS", lang))
    waivers.append("")
    text = "\n".join(head + blocked + waivers)
    findings = [f for f in doc["findings"] if f["severity"] in ("error", "warning")]
    body = [f"<details><summary>{both('FINDINGS')} ({len(findings)})</summary>", ""]
    budget = MAX_CHARS - len(text) - 400
    shown = 0
    for f in findings:
        line = f"- {'❌' if f['severity'] == 'error' else '⚠️'} `{cell(f['where'])}` `{cell(f['code'])}` {cell(f['message'])}"
        if budget - len(line) - 1 < 0:
            break
        body.append(line)
        budget -= len(line) + 1
        shown += 1
    if shown < len(findings):
        body.append(f"- … {label('MORE', lang, count=len(findings) - shown)}")
    body += ["", "</details>", ""]
    text += "\n" + "\n".join(body)
    if len(text) > MAX_CHARS:  # a catalog so large that even the scorecard overflows: cut hard
        text = text[: MAX_CHARS - 200] + f"\n\n… {label('MORE', lang, count='…')}\n"
    return text
