"""``gdc score``: governance scores per dataset and per agency, with what to fix first."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from catalog.commands.common import (emit, exit_zero_option, lang_option, language, output_option, paths_argument,
                                     resolve_paths)

date_option = click.option(
    "--date", "today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
    help="The day to judge freshness on (YYYY-MM-DD; default: today), so scores are reproducible.")


def today_of(value) -> "datetime.date":  # noqa: F821 - imported lazily
    import datetime as dt

    return value.date() if value is not None else dt.date.today()


@click.command(short_help="Score the catalog per dataset and agency (grades A-F, fix first).")
@paths_argument
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="text for people, json for tools, markdown for a PR comment.")
@date_option
@click.option("--history", "history", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="JSON-lines file to append this run's agency scores to (with the git commit).")
@output_option
@exit_zero_option
@lang_option
def score(paths, fmt, today, history, output, exit_zero, lang):
    """Score every dataset under PATH... (default: datasets/) and every agency.

    \b
    A dataset scores 0-100 from weighted dimensions (weights in the policy):
      completeness  the 14 mandatory items and recommended fields
      findability   tags, Thai + English title and description, coverage
      openness      5-star formats and an open licence
      validity      Table Schema declared, and its errors in the data
      quality       share of data-quality checks passing
      timeliness    overdue ratio against update_frequency_unit x interval
    minus a personal-data penalty, halved when the policy gate blocks it.
    An agency's score is the mean of its datasets' (high-value datasets
    count twice), graded A-F, with the changes that gain the most points.

    \b
    Examples:
      gdc score                                 the whole catalog, as text
      gdc score --format json --date 2025-03-01 reproducible JSON
      gdc score --history scores.jsonl          also record the run for trends

    Exit code 0 when nothing blocks publication, 1 when something does.
    """
    from catalog import governance
    from catalog.reports import jsonout, markdown, model, scoretext

    lang = language(lang)
    day = today_of(today)
    ev = governance.evaluate(resolve_paths(paths), day)
    ev.history = governance.read_history(history)
    doc = model.build(ev, lang)
    if fmt == "json":
        emit(jsonout.dumps({k: v for k, v in doc.items() if k != "findings"}), output)
    elif fmt == "markdown":
        emit(markdown.render_score(doc), output)
    else:
        emit(scoretext.render(doc), output)
    if history is not None:
        from catalog import gitinfo

        commit = gitinfo.head_commit(ev.result.catalog.root, mark_dirty=False)
        governance.append_history(history, governance.history_entry(ev.scorecard, commit))
    sys.exit(1 if ev.blocking and not exit_zero else 0)
