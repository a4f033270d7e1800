"""stderr output shared by ``gdc init`` and ``gdc schema``: notes and refusals, in en or th.

Why stderr: ``gdc schema infer`` prints the schema itself on stdout (so it can be piped or
redirected), and everything said *about* it must not end up inside that JSON.
"""
from __future__ import annotations

import sys
from typing import NoReturn

import click

from catalog import i18n
from catalog.findings import Finding, Severity

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def note(finding: Finding, lang: str) -> None:
    """One finding as ``severity: message`` (+ ``→ hint``) on stderr."""
    label = i18n.message(f"SEVERITY_{finding.severity.value.upper()}", lang, {})
    click.echo(click.style(f"{label}: ", fg=_COLOURS[finding.severity], bold=True) + finding.message(lang), err=True)
    hint = finding.hint(lang)
    if hint and finding.severity is not Severity.INFO:
        click.echo(f"    → {hint}", err=True)


def fail(code: str, lang: str, status: int = 2, **params) -> NoReturn:
    """Refuse with a message and a hint (exit 2: the command line or the folder is wrong)."""
    from catalog import findings as F

    note(F.error(code, **params), lang)
    sys.exit(status)


def say(code: str, lang: str, **params) -> None:
    """A plain line of progress (``wrote ...``) on stdout."""
    click.echo(i18n.message(code, lang, params))
