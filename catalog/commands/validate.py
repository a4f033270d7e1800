"""``gdc validate``: check manifests against the data.go.th profile."""
from __future__ import annotations

import sys

import click

from catalog.commands.common import FileProgress, echo, lang_option, language, paths_argument, resolve_paths


@click.command(short_help="Check manifests (and their files) before publishing.")
@paths_argument
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people (coloured on a terminal), json for CI.")
@click.option("--quiet", "-q", is_flag=True, help="Show only blocking findings (errors) and the summary.")
@click.option("--metadata-only", is_flag=True, help="Check the manifests only; do not read the data files.")
@click.option("--fetch", is_flag=True,
              help="Also download and validate tables given by url: (off by default: without it they are noted, not read).")
@click.option("--allow-private", is_flag=True,
              help="With --fetch: allow URLs on private, loopback or link-local addresses (refused by default).")
@click.option("--max-bytes", type=click.IntRange(1), default=100 * 1024 * 1024, show_default=True,
              help="With --fetch: the largest download accepted.")
@click.option("--timeout", type=click.FloatRange(0.1), default=30.0, show_default=True,
              help="With --fetch: seconds to wait for a server.")
@lang_option
def validate(paths, fmt, quiet, metadata_only, fetch, allow_private, max_bytes, timeout, lang):
    """Check every manifest under PATH... (default: datasets/) against data.go.th's profile.

    \b
    Reports each finding with file:line (or row and column), what is wrong
    and what to do:
      manifests: required fields (the 14 mandatory items), Thai choice values
      or their English aliases, *_other rules, e-mail, ISO dates, URL names,
      unique names and titles, resource files that exist and stay in the
      repository;
      data files: the Table Schema (types, constraints, keys, headers), the
      great-expectations checks in `checks:`, encodings (TIS-620/cp874, BOM),
      Thai digits and Buddhist-era mix-ups, and personal data (national IDs,
      phone numbers, e-mails: blocking, always shown masked).

    \b
    Examples:
      gdc validate                         the whole catalog in datasets/
      gdc validate datasets/dopa/          one agency
      gdc validate --format json > out.json
      GDC_LANG=th gdc validate             messages in Thai
      gdc validate --fetch                 also download and check tables given by url:

    Exit code 0 when nothing blocks publication, 1 when something does.
    """
    from catalog import pipeline
    from catalog.reports import jsonout, text

    lang = language(lang)
    progress = FileProgress()
    from catalog.fetch import FetchOptions

    options = FetchOptions(allow_private, max_bytes, timeout) if fetch else None
    result = pipeline.validate(resolve_paths(paths), data=not metadata_only, progress=progress, fetch=options)
    progress.close()
    counts = {"datasets": len(result.catalog.datasets), "agencies": len(result.catalog.agencies)}
    if fmt == "json":
        echo(jsonout.dumps(jsonout.document(result.findings, lang, **counts)))
    else:
        echo(text.render(result.findings, lang, counts=counts, quiet=quiet))
    sys.exit(1 if result.blocking else 0)
