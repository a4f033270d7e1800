"""The questions of ``gdc init``: a value from a flag, a prompt or the profile's default.

Why apart from the commands: asking is the fiddly part (numbered Thai menus that also take
the Thai value or the English name, re-asking until the answer passes the same check as
``gdc validate``, never asking when stdin is not a terminal, collecting every missing flag
into one error for scripts), and it is the same for agencies and datasets.
"""
from __future__ import annotations

import sys
from typing import Any

import click

from catalog import i18n
from catalog import profile as profile_mod

PROFILE = profile_mod.load()


def opt(name: str) -> str:
    """The command-line option of a profile field: ``maintainer_email`` -> ``--maintainer-email``."""
    return "--" + name.replace("_", "-")


class Asker:
    """Gets each value from a flag, a prompt or a default, checked like ``gdc validate``."""

    def __init__(self, lang: str, interactive: bool | None, yes: bool):
        self.lang = lang
        self.interactive = sys.stdin.isatty() if interactive is None else interactive
        self.yes = yes
        self.missing: list[str] = []
        self.defaults_used: list[str] = []
        self.defaulted: set[str] = set()

    def words(self, code: str, **params: Any) -> str:
        return i18n.message(code, self.lang, params)

    def value(self, f, given: Any, default: Any, *, option: str | None = None, optional: bool = False,
              restrict: list[str] | None = None) -> Any:
        from catalog import scaffold
        from catalog.commands._out import fail

        option = option or opt(f.name)
        if given not in (None, "", ()):
            stored, errors = scaffold.parse(PROFILE, f, given)
            if errors:
                fail("INIT_VALUE_INVALID", self.lang, option=option, problem=errors[0].message(self.lang),
                     fix=errors[0].hint(self.lang))
            return stored
        if default is not None and (self.yes or optional):  # optional defaults are never asked
            stored, errors = scaffold.parse(PROFILE, f, default)
            if not errors:
                self.defaulted.add(f.name)
                return stored
        if self.interactive:
            return self.ask(f, default, optional=optional, restrict=restrict)
        if not optional:
            self.missing.append(option)
            if default is not None:
                shown = ",".join(default) if isinstance(default, (list, tuple)) else default
                self.defaults_used.append(f"{option} {shown}")
        return None

    def ask(self, f, default: Any, *, optional: bool, restrict: list[str] | None) -> Any:
        from catalog import scaffold

        vocab = PROFILE.vocab(f)
        click.echo(click.style(f"\n{f.label.get('th', f.name)} / {f.label.get('en', f.name)}", bold=True)
                   + f"  [{f.name}]")
        choices = [c for c in vocab.choices if not c.legacy and (restrict is None or c.value in restrict)] if vocab else []
        for i, c in enumerate(choices, 1):
            click.echo(f"  {i:>2}. {c.value} ({c.en})")
        shown_default = _default_text(default, choices)
        prompt = self.words("INIT_PROMPT_MULTI" if f.kind == "multi" else "INIT_PROMPT_CHOOSE") if choices else "›"
        if optional:
            prompt += f" ({self.words('INIT_PROMPT_OPTIONAL')})"
        while True:
            answer = click.prompt(prompt, default=shown_default if shown_default is not None else ("" if optional else None),
                                  show_default=shown_default is not None)
            if optional and not str(answer).strip():
                return None
            raw = _from_numbers(answer, choices, f.kind == "multi") if choices else answer
            if raw is None:
                click.echo(self.words("INIT_PROMPT_NOT_A_CHOICE", value=answer))
                continue
            stored, errors = scaffold.parse(PROFILE, f, raw)
            if not errors and restrict is not None and stored not in restrict:
                click.echo(self.words("INIT_PROMPT_NOT_A_CHOICE", value=answer))
                continue
            if errors:
                click.echo(click.style(errors[0].message(self.lang), fg="red") + f"  → {errors[0].hint(self.lang)}")
                continue
            if default is not None and str(answer) == str(shown_default):
                self.defaulted.add(f.name)
            return stored

    def other_text(self, f, values: dict[str, Any], given: dict[str, Any]) -> None:
        """Ask for the ``*_other`` text when the "อื่นๆ" choice was picked interactively."""
        vocab = PROFILE.vocab(f)
        chosen = values.get(f.name)
        other = vocab.other_value if vocab else None
        picked = other is not None and (chosen == other or (isinstance(chosen, list) and other in chosen))
        if picked and f.other_field and not given.get(f.other_field) and self.interactive:
            values[f.other_field] = self.value(PROFILE.dataset_fields[f.other_field], None, None)

    def check_missing(self) -> None:
        from catalog.commands._out import fail

        if self.missing:
            note = (i18n.message("INIT_DEFAULTS_NOTE", self.lang, {"defaults": "; ".join(self.defaults_used)})
                    if self.defaults_used else "")
            fail("INIT_MISSING", self.lang, options=", ".join(self.missing), defaults_note=note)


def _default_text(default: Any, choices) -> str | None:
    """A default as the prompt shows it: choice numbers for choices (``3``, ``2,5``)."""
    if default is None:
        return None
    if not choices:
        return ", ".join(default) if isinstance(default, (list, tuple)) else str(default)
    items = default if isinstance(default, (list, tuple)) else [default]
    numbers = []
    for item in items:
        for i, c in enumerate(choices, 1):
            if item in (c.value, c.en) or item in c.aliases:
                numbers.append(str(i))
    return ",".join(numbers) if numbers else None


def _from_numbers(answer: str, choices, multi: bool) -> Any:
    """``"2"`` -> the 2nd choice's value; values and English names pass through as typed."""
    parts = [p.strip() for p in str(answer).split(",")] if multi else [str(answer).strip()]
    out = []
    for part in parts:
        if part.isdigit():
            if not 1 <= int(part) <= len(choices):
                return None
            out.append(choices[int(part) - 1].value)
        elif part:
            out.append(part)
    if not out:
        return None
    return out if multi else out[0]
