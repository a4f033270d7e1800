"""``gdc publish``: apply the plan to CKAN (idempotent)."""
from __future__ import annotations

import sys

import click

from catalog.commands.common import (Progress, ckan_url_option, echo, emit, fail_ckan, lang_option, language,
                                     output_option, paths_argument)


@click.command(short_help="Publish what passes to CKAN (an idempotent sync).")
@paths_argument
@ckan_url_option
@click.option("--jobs", "-j", type=click.IntRange(1, 32), default=4, show_default=True,
              help="Datasets published in parallel.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--purge-removed", is_flag=True, help="Purge datasets removed from git instead of retiring them.")
@click.option("--allow-mass-retire", is_flag=True, help="Allow retiring more than 20% of an agency's datasets.")
@click.option("--dry-run", is_flag=True, help="Compute and print the plan, write nothing (same as gdc plan).")
@output_option
@lang_option
def publish(paths, ckan_url, jobs, fmt, purge_removed, allow_mass_retire, dry_run, output, lang):
    """Apply the plan for PATH... (default: datasets/) to CKAN.

    \b
    Creates or updates organizations (with their parent), datasets with the
    thai_gdc fields, and resources (files are uploaded, URLs linked). Only
    datasets without blocking findings are published. Running it twice
    changes nothing the second time: unchanged datasets and files (compared
    by sha256) make zero write calls. A dataset removed from git is retired
    (made private and marked), never deleted, unless --purge-removed.
    A run killed half-way is simply run again.

    \b
    Examples:
      make ckan-up && eval "$(make -s ckan-env)"
      gdc publish
      gdc publish --format json > publish.json

    Exit code 0 when everything publishable was published, 1 when some
    dataset is blocked or a write failed.
    """
    from catalog import profile
    from catalog.ckan import apply as apply_mod
    from catalog.ckan.client import CkanError
    from catalog.commands.plan import compute
    from catalog.reports import jsonout
    from catalog.reports import plan as render

    lang = language(lang)
    result, the_plan, client = compute(paths, ckan_url, lang, need_token=True, purge_removed=purge_removed,
                                       allow_mass_retire=allow_mass_retire)
    if fmt == "text":
        echo(render.text(the_plan, lang, show_unchanged=False))
    if dry_run:
        sys.exit(0)
    reads_before = client.stats.reads
    try:
        outcome = apply_mod.apply(the_plan, client, profile.load(), jobs=jobs,
                                  progress=Progress(enabled=None if fmt == "text" else False))
    except CkanError as exc:
        fail_ckan(exc, ckan_url, lang)
    summary = apply_mod.summary(the_plan, outcome, client)
    summary["plan_read_calls"] = reads_before
    if fmt == "json":
        emit(jsonout.dumps({"summary": summary, "plan": render.to_dict(the_plan, lang),
                            "failures": [f.to_dict(lang) for f in outcome.failures]}), output)
    else:
        for failure in outcome.failures:
            echo(click.style(f"error: {failure.message(lang)}", fg="red") + f"\n    → {failure.hint(lang)}")
        if summary["write_calls"] == 0 and not outcome.failures:
            echo(render.no_writes_line(lang))
        done = ", ".join(f"{n} {k}" for k, n in summary["datasets"].items())
        echo(f"Published to {summary['ckan_url']}: {done}; {summary['write_calls']} write call(s), "
             f"{summary['read_calls']} read call(s), {summary['retries']} retried.")
    blocked = the_plan.counts()["blocked"] > 0 or any(f.blocking for f in the_plan.findings)
    sys.exit(1 if outcome.failures or blocked else 0)
