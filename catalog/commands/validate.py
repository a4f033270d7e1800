"""``gdc validate``: check manifests against the data.go.th profile."""
from __future__ import annotations

import sys

import click

from catalog.commands.common import echo, lang_option, language, paths_argument, resolve_paths


@click.command(short_help="Check manifests (and their files) before publishing.")
@paths_argument
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people (coloured on a terminal), json for CI.")
@click.option("--quiet", "-q", is_flag=True, help="Show only blocking findings (errors) and the summary.")
@lang_option
def validate(paths, fmt, quiet, lang):
    """Check every manifest under PATH... (default: datasets/) against data.go.th's profile.

    \b
    Reports each finding with file:line, what is wrong and what to do:
      required fields (the 14 mandatory items), Thai choice values or their
      English aliases, *_other rules, e-mail, ISO dates, URL names, unique
      names and titles, resource files that exist and stay in the repository.

    \b
    Examples:
      gdc validate                         the whole catalog in datasets/
      gdc validate datasets/dopa/          one agency
      gdc validate --format json > out.json
      GDC_LANG=th gdc validate             messages in Thai

    Exit code 0 when nothing blocks publication, 1 when something does.
    """
    from catalog import pipeline
    from catalog.reports import jsonout, text

    lang = language(lang)
    result = pipeline.validate(resolve_paths(paths))
    counts = {"datasets": len(result.catalog.datasets), "agencies": len(result.catalog.agencies)}
    if fmt == "json":
        echo(jsonout.dumps(jsonout.document(result.findings, lang, **counts)))
    else:
        echo(text.render(result.findings, lang, counts=counts, quiet=quiet))
    sys.exit(1 if result.blocking else 0)
