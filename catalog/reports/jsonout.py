"""Findings as JSON for CI: ``{"findings": [...], "summary": {...}}``, stable keys."""
from __future__ import annotations

import json
from typing import Any, Iterable

from catalog import __version__
from catalog import findings as F
from catalog.findings import Finding


def document(findings: Iterable[Finding], lang: str, **summary: Any) -> dict[str, Any]:
    findings = list(findings)
    totals = F.summarize(findings)
    return {
        "tool": {"name": "gdc", "version": __version__},
        "findings": [f.to_dict(lang) for f in findings],
        "summary": {**totals, "blocking": totals["error"] > 0, **summary},
    }


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
