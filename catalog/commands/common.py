"""Options and output helpers shared by the gdc commands."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from catalog import i18n

lang_option = click.option(
    "--lang", type=click.Choice(i18n.LANGS), default=None, envvar="GDC_LANG",
    help="Language of messages and hints: en (default) or th. Also GDC_LANG.")


def paths_argument(func):
    return click.argument(
        "paths", nargs=-1, type=click.Path(exists=True, path_type=Path))(func)


def resolve_paths(paths: tuple[Path, ...]) -> list[Path]:
    """PATH arguments, or the catalog folder ``datasets/`` when none is given."""
    if paths:
        return list(paths)
    default = Path("datasets")
    if not default.is_dir():
        raise click.UsageError("no PATH given and no datasets/ folder here; name the catalog folder, e.g. `gdc validate path/to/datasets`")
    return [default]


def language(lang: str | None) -> str:
    return lang or i18n.default_lang()


def echo(text: str) -> None:
    """Print, letting click strip colours when stdout is not a terminal."""
    click.echo(text, color=None if sys.stdout.isatty() else False)
