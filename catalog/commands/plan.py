"""``gdc plan``: what publishing would change on CKAN."""
from __future__ import annotations

import sys

import click

from catalog.commands.common import (ckan_client, ckan_url_option, emit, fail_ckan, lang_option, language,
                                     output_option, paths_argument, resolve_paths)


def compute(paths, url, lang, *, need_token, purge_removed=False, allow_mass_retire=False):
    """Validate the catalog and diff it against CKAN: shared by plan and publish."""
    from catalog import gitinfo, pipeline, profile
    from catalog.ckan import plan as plan_mod
    from catalog.ckan.client import CkanError

    client = ckan_client(url, need_token=need_token)
    result = pipeline.check_manifests(resolve_paths(paths))
    try:
        # Read CKAN first: files it already holds, validated by this gdc with the same schema
        # and checks, need not be read again (a no-change publish stays fast at any size).
        state = plan_mod.read_state(client, [a.name for a in result.catalog.agencies.values()])
        known = plan_mod.AlreadyValidated(state)
        pipeline.finish(result, already_validated=known)
        the_plan = plan_mod.build(result, profile.load(), client, commit=gitinfo.head_commit(result.catalog.root),
                                  purge_removed=purge_removed, allow_mass_retire=allow_mass_retire, state=state)
        the_plan.files = {"validated": known.asked - known.skipped, "already_validated": known.skipped}
    except CkanError as exc:
        fail_ckan(exc, url, lang)
    return result, the_plan, client


@click.command(short_help="Show what publishing would change on CKAN.")
@paths_argument
@ckan_url_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="markdown fits a pull-request comment; json is for CI.")
@click.option("--hide-unchanged", is_flag=True, help="List only datasets that would change or are blocked.")
@click.option("--purge-removed", is_flag=True, help="Plan to purge (not retire) datasets removed from git.")
@click.option("--allow-mass-retire", is_flag=True, help="Allow retiring more than 20% of an agency's datasets.")
@output_option
@lang_option
def plan(paths, ckan_url, fmt, hide_unchanged, purge_removed, allow_mass_retire, output, lang):
    """Compare the manifests under PATH... (default: datasets/) with CKAN and print the plan.

    \b
    Per agency: datasets to create, update (field by field: old → new),
    leave unchanged, retire (on CKAN under our organizations but no longer
    in git) and blocked (failing validation or policy). Reads are bulk:
    one package_search per organization, private datasets included.

    \b
    Examples:
      eval "$(make -s ckan-env)"        # CKAN_URL and CKAN_API_TOKEN of the local CKAN
      gdc plan
      gdc plan --format markdown > plan.md

    Exit code 0 when the plan can be applied, 1 when something is blocked.
    """
    from catalog.reports import jsonout
    from catalog.reports import plan as render

    lang = language(lang)
    _, the_plan, _ = compute(paths, ckan_url, lang, need_token=False, purge_removed=purge_removed,
                             allow_mass_retire=allow_mass_retire)
    if fmt == "json":
        emit(jsonout.dumps(render.to_dict(the_plan, lang)), output)
    elif fmt == "markdown":
        emit(render.markdown(the_plan, lang), output)
    else:
        emit(render.text(the_plan, lang, show_unchanged=not hide_unchanged), output)
    blocked = the_plan.counts()["blocked"] > 0 or any(f.blocking for f in the_plan.findings)
    sys.exit(1 if blocked else 0)
