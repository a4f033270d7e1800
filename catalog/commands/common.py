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


ckan_url_option = click.option(
    "--ckan-url", envvar="CKAN_URL", metavar="URL",
    help="CKAN to compare with / publish to (default: $CKAN_URL). The API token is read from "
         "$CKAN_API_TOKEN only, never from a flag, so it cannot show up in `ps` or shell history.")


def ckan_client(url: str | None, *, need_token: bool = True):
    """The CKAN client for a command, or a usage error that says what to set."""
    import os

    from catalog.ckan.client import CkanClient

    if not url:
        raise click.UsageError("no CKAN given: pass --ckan-url URL or set CKAN_URL "
                               "(for the local CKAN: `make ckan-up && eval \"$(make -s ckan-env)\"`)")
    token = os.environ.get("CKAN_API_TOKEN") or None
    if need_token and not token:
        raise click.UsageError("CKAN_API_TOKEN is not set: publishing needs an API token of a CKAN user "
                               "that may edit the organizations (for the local CKAN: `eval \"$(make -s ckan-env)\"`)")
    return CkanClient(url, token)


def fail_ckan(exc: Exception, url: str, lang: str) -> None:
    """Report a CKAN failure as a finding-style message and exit 1 (never a traceback)."""
    from catalog import i18n

    params = {"url": url, "reason": str(exc)}
    click.echo(click.style("error: ", fg="red", bold=True) + i18n.message("CKAN_UNREACHABLE", lang, params), err=True)
    click.echo("    → " + i18n.hint("CKAN_UNREACHABLE", lang, params), err=True)
    sys.exit(1)


class Progress:
    """`[12/500] name` on one line of stderr while a terminal watches; silent in CI logs."""

    def __init__(self, enabled: bool | None = None):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled

    def __call__(self, done: int, total: int, name: str) -> None:
        if not self.enabled or total == 0:
            return
        width = 24
        filled = int(width * done / total)
        bar = "█" * filled + "·" * (width - filled)
        sys.stderr.write(f"\r{bar} {done}/{total} {name[:40]:<40}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


class FileProgress:
    """Rows validated so far for a file that takes more than a second, on a terminal only."""

    def __init__(self, enabled: bool | None = None, after: float = 1.0):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.after = after
        self.current: str | None = None

    def __call__(self, file: str, rows: int, seconds: float) -> None:
        if not self.enabled or seconds < self.after:
            return
        rate = rows / seconds if seconds else 0
        sys.stderr.write(f"\rvalidating {file}: {rows:,} rows ({rate:,.0f} rows/s)   ")
        sys.stderr.flush()
        self.current = file

    def close(self) -> None:
        if self.current:
            sys.stderr.write("\n")
            self.current = None


exit_zero_option = click.option(
    "--exit-zero", is_flag=True,
    help="Exit 0 even when something blocks publication (for CI steps that only report; "
         "let `gdc validate` be the gate).")

output_option = click.option(
    "--output", "-o", "output", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Write the output to this file instead of standard output (parent folders are created).")


def emit(text: str, output: Path | None) -> None:
    """Print, or write to --output: CI files without shell redirection in pipeline YAML."""
    if output is None:
        echo(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(click.unstyle(text) + "\n", encoding="utf-8")
