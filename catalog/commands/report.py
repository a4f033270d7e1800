"""``gdc report``: the governance report for officers and CI (HTML, Markdown, JSON, JUnit)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from catalog.commands.common import echo, exit_zero_option, lang_option, language, paths_argument, resolve_paths
from catalog.commands.score import date_option, today_of

FILES = ("report.html", "report.md", "report.json", "junit.xml")


@click.command(short_help="Write the governance report (HTML, Markdown, JSON, JUnit).")
@paths_argument
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("reports"),
              show_default=True, help="Folder to write report.html, report.md, report.json and junit.xml to.")
@click.option("--format", "fmt", type=click.Choice(["text", "github"]), default="text", show_default=True,
              help="What to print: text (the files written and a summary) or github (GitHub Actions "
                   "annotations, ::error file=...,line=...::, one per finding).")
@date_option
@click.option("--history", "history", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="JSON-lines score history (from gdc score --history) to draw each agency's trend.")
@exit_zero_option
@lang_option
def report(paths, out, fmt, today, history, exit_zero, lang):
    """Write the governance report of the catalog under PATH... (default: datasets/).

    \b
    Files written to --out (default reports/):
      report.html  one self-contained page: scorecard per agency with a chart of its
                   dimensions and its trend, blocked datasets with reasons, every
                   finding with file:line or row/column (personal data masked), the
                   waivers in force. Opens offline; Thai and English labels.
      report.md    the same, short enough for a pull-request comment
      report.json  everything, for tools
      junit.xml    one test case per dataset (fails when the gate blocks it)

    \b
    Examples:
      gdc report --out reports/ --date 2025-03-01
      gdc report --format github          annotate the pull request in GitHub Actions

    Exit code 0 when nothing blocks publication, 1 when something does.
    """
    from catalog import governance
    from catalog.reports import github, html, jsonout, junit, markdown, model

    lang = language(lang)
    ev = governance.evaluate(resolve_paths(paths), today_of(today))
    ev.history = governance.read_history(history)
    doc = model.build(ev, lang)
    out.mkdir(parents=True, exist_ok=True)
    rendered = {"report.html": html.render(doc), "report.md": markdown.render(doc),
                "report.json": jsonout.dumps(doc) + "\n", "junit.xml": junit.render(doc)}
    for name in FILES:
        (out / name).write_text(rendered[name], encoding="utf-8")
    s = doc["summary"]
    summary = (f"{s['agencies']} agencies, {s['datasets']} datasets: {s['publishable']} publishable, "
               f"{s['blocked']} blocked; {s['error']} error(s), {s['warning']} warning(s).")
    if fmt == "github":
        sys.stdout.write(github.render(doc["findings"]))
        click.echo(f"gdc report: wrote {out / 'report.html'} ({summary})", err=True)
    else:
        for name in FILES:
            echo(str(out / name))
        echo(summary)
    sys.exit(1 if ev.blocking and not exit_zero else 0)
