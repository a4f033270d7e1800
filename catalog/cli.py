"""The ``gdc`` command line: a thin shell over the pipeline.

Each command lives in ``catalog/commands/<name>.py`` and is imported only when it runs
(or when --help lists it), so ``gdc --help`` stays fast: great-expectations alone costs
seconds to import and is loaded only by the commands that check data quality.
"""
from __future__ import annotations

import importlib
import os
import sys

import click

from catalog import __version__

COMMANDS = {
    "validate": "catalog.commands.validate:validate",
    "score": "catalog.commands.score:score",
    "report": "catalog.commands.report:report",
    "plan": "catalog.commands.plan:plan",
    "publish": "catalog.commands.publish:publish",
    "import": "catalog.commands.import_:import_",
    "init": "catalog.commands.init:init",
    "schema": "catalog.commands.schema:schema",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gdc")
def cli() -> None:
    """gdc: catalog-as-code for Thai government open data (data.go.th).

    \b
    A catalog is a folder of YAML manifests:
      datasets/<agency>/agency.yaml             the publishing agency (CKAN organization)
      datasets/<agency>/<dataset>/dataset.yaml  one dataset: metadata + resources + checks

    \b
    Typical loop:
      gdc validate datasets/      check manifests (and data) before anything is published
      gdc score datasets/         governance scores per dataset and agency, what to fix first
      gdc report datasets/        the governance report (HTML, Markdown, JSON, JUnit)
      gdc plan datasets/          show what publishing would change on CKAN
      gdc publish datasets/       apply that plan (idempotent)

    Messages are in English by default; use --lang th or GDC_LANG=th for Thai.
    Exit codes: 0 nothing blocking, 1 blocking findings, 2 usage error,
    3 internal error (a bug in gdc).
    """


def main() -> None:
    try:
        cli(prog_name="gdc")
    except KeyboardInterrupt:
        click.echo("gdc: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug in gdc, never the user's input: say so, without a traceback
        if os.environ.get("GDC_DEBUG"):
            raise
        click.echo(f"gdc: internal error: {type(exc).__name__}: {exc}\n"
                   "This is a bug in gdc, not in your files. Re-run with GDC_DEBUG=1 for the "
                   "traceback and report it.", err=True)
        sys.exit(3)
