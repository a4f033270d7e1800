"""``gdc schema``: Table Schema helpers; ``gdc schema infer`` drafts one from a data file."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from catalog.commands.common import lang_option, language


@click.group(short_help="Table Schema helpers (draft one from a CSV/Excel file).")
def schema() -> None:
    """Table Schema helpers for the resources of a dataset."""


@schema.command(short_help="Draft a Table Schema for a CSV/Excel file (to review).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the schema to this file instead of stdout.")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@click.option("--encoding", metavar="CODEC", default=None,
              help="Text encoding of a CSV (default: detected; UTF-8 and cp874/TIS-620 are recognised).")
@click.option("--sample-rows", type=click.IntRange(min=1), default=None, metavar="N",
              help="Draft from the first N rows only (big files); the whole file is still checked.")
@lang_option
def infer(file, out, force, encoding, sample_rows, lang):
    """Draft a Frictionless Table Schema for FILE (CSV or XLSX) and print it.

    \b
    The draft has:
      types        integer, number, date, datetime, time, boolean, string
                   (Thai digits ๐-๙ and thousands separators read as numbers)
      required     where no cell is blank
      unique       for identifiers and names whose values are all distinct
      primaryKey   an identifier, or the smallest left-most distinct combination
      enum         for code lists (at most 12 distinct values over 20+ rows)
      Thai hints   พ.ศ. year columns (bounds + description), province codes
                   (pattern from schemas/th-provinces.csv), Thai titles
    It is then checked against the whole file and loosened where the data
    disagrees, so it validates the file it came from. Review it: it is a draft.
    Notes go to stderr; the schema to stdout or --out.

    \b
    Examples:
      gdc schema infer data.csv > schema.json
      gdc schema infer export.csv --encoding cp874 --out schema.json
      gdc schema infer big.csv --sample-rows 100000 -o schema.json
    """
    from catalog import schema_infer
    from catalog.commands._out import fail, note

    lang = language(lang)
    if out is not None and out.exists() and not force:
        fail("INFER_OUT_EXISTS", lang, file=str(out))
    try:
        draft = schema_infer.infer(file, encoding=encoding, sample_rows=sample_rows)
    except LookupError:
        raise click.BadParameter(f"unknown encoding {encoding!r} (try utf-8 or cp874)", param_hint="--encoding")
    except (ValueError, OSError) as exc:
        fail("INIT_FILE_INVALID", lang, status=1, file=str(file), problem=str(exc))
    for finding in draft.notes:
        note(finding, lang)
    text = json.dumps(draft.schema, ensure_ascii=False, indent=2) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)
    sys.exit(0)
