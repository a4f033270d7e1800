"""Findings as terminal text: one block per finding, ``file:line`` first so editors link it."""
from __future__ import annotations

from typing import Iterable

import click

from catalog import findings as F
from catalog import i18n
from catalog.findings import Finding, Severity

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render(findings: Iterable[Finding], lang: str, *, counts: dict[str, int], quiet: bool = False) -> str:
    findings = list(findings)
    lines: list[str] = []
    for f in findings:
        if quiet and not f.blocking:
            continue
        label = click.style(i18n.message(f"SEVERITY_{f.severity.value.upper()}", lang, {}),
                            fg=_COLOURS[f.severity], bold=True)
        where = click.style(f.where() or "-", bold=True)
        lines.append(f"{where}: {label} [{f.code}] {f.message(lang)}")
        hint = f.hint(lang)
        if hint:
            lines.append(f"    {click.style('→', dim=True)} {hint}")
    lines.append(summary_line(findings, lang, counts))
    return "\n".join(lines)


def summary_line(findings: list[Finding], lang: str, counts: dict[str, int]) -> str:
    totals = F.summarize(findings)
    text = i18n.message("SUMMARY", lang, {**totals, **counts})
    colour = "red" if totals["error"] else ("yellow" if totals["warning"] else "green")
    return click.style(text, fg=colour, bold=True)
