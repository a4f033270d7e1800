"""``gdc import``: manifests from an existing CKAN organization."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from catalog.commands.common import ckan_client, ckan_url_option, echo, fail_ckan, lang_option, language


@click.command("import", short_help="Write manifests for an existing CKAN organization.")
@ckan_url_option
@click.option("--org", "org", required=True, metavar="NAME", help="The CKAN organization to import.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("datasets"),
              show_default=True, help="Catalog folder to write into (agency folder created inside).")
@click.option("--adopt", is_flag=True,
              help="Also mark datasets gdc did not create as managed, so the next publish may update them.")
@lang_option
def import_(ckan_url, org, out, adopt, lang):
    """Write agency.yaml and one dataset.yaml per dataset of organization NAME.

    \b
    Uploaded files are downloaded beside their manifest; links stay links;
    CKAN's generated "All resource data" zip is skipped; legacy extras of
    real data.go.th records become ordinary fields. Then `gdc plan` shows
    the organization's datasets as unchanged (or as updates only where git
    differs), so the agency moves to catalog-as-code without duplicates.

    \b
    Example:
      gdc import --ckan-url https://catalog.example.go.th --org dopa --out datasets/
      gdc validate datasets/dopa && gdc plan datasets/dopa
    """
    from catalog import profile
    from catalog.ckan.client import CkanError
    from catalog.ckan.importer import import_org

    lang = language(lang)
    client = ckan_client(ckan_url, need_token=adopt)
    target = out / org
    if target.exists() and any(target.iterdir()):
        raise click.UsageError(f"{target} already exists and is not empty; import into an empty folder")
    try:
        report = import_org(client, org, out, profile.load(), adopt=adopt,
                            token=os.environ.get("CKAN_API_TOKEN") or None)
    except CkanError as exc:
        fail_ckan(exc, ckan_url, lang)
    echo(f"Imported organization '{org}' into {report.agency_file.parent}: {len(report.datasets)} dataset(s), "
         f"{report.downloaded} file(s) downloaded, {len(report.skipped_resources)} generated zip(s) skipped, "
         f"{report.lifted_extras} legacy extra(s) lifted" + (f", {len(report.adopted)} adopted" if adopt else "") + ".")
    echo(f"Next: gdc validate {report.agency_file.parent} && gdc plan {report.agency_file.parent}")
    sys.exit(0)
