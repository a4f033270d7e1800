"""``gdc init agency`` / ``gdc init dataset``: scaffold manifests that pass ``gdc validate``.

Interactive on a terminal (each mandatory field asked, data.go.th's choices listed in Thai
with the English name, the profile's default one Enter away); from flags for scripts, where
nothing is ever asked and defaults need ``--yes``. The options themselves are generated from
the profile, so a new mandatory field in ``schemas/datagoth-profile.yaml`` becomes a flag
and a prompt without touching this file. Asking is in ``_ask``; deciding and writing in
``catalog.scaffold``.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from catalog.commands._ask import PROFILE, Asker
from catalog.commands._ask import opt as _opt
from catalog.commands.common import lang_option, language


def _field_options(fields):
    """One ``--field-name`` option per profile field, help text from its labels."""
    def decorate(func):
        for f in reversed(fields):
            vocab = PROFILE.vocab(f)
            extra = " A choice: its Thai value or English name." if vocab else ""
            if f.kind in ("multi", "tags"):
                extra += " Several: separate with commas."
            if f.default is not None:
                shown = ", ".join(f.default) if isinstance(f.default, tuple) else str(f.default)
                shown = shown.format(title="the title", agency_title="the agency's title", today="today")
                extra += f" Default (with --yes): {shown}."
            func = click.option(_opt(f.name), f.name, metavar="TEXT",
                                help=f"{f.label.get('en', f.name)} / {f.label.get('th', '')}.{extra}")(func)
        return func
    return decorate


def _shared(func):
    func = lang_option(func)
    func = click.option("--interactive/--no-interactive", default=None,
                        help="Ask for missing values (default: only when stdin is a terminal).")(func)
    func = click.option("--yes", "-y", is_flag=True, help="Accept the profile's default for every value not given.")(func)
    func = click.option("--catalog", type=click.Path(file_okay=False, path_type=Path), default=Path("datasets"),
                        show_default=True, help="The catalog folder (agency folders inside).")(func)
    return func


@click.group(short_help="Scaffold an agency or a dataset that passes gdc validate.")
def init() -> None:
    """Scaffold manifests: `gdc init agency`, then `gdc init dataset`.

    \b
    On a terminal each mandatory field is asked, with data.go.th's choices
    listed in Thai and English (answer with a number, the Thai value or the
    English name). In scripts give values as flags; nothing is asked when
    stdin is not a terminal, and --yes accepts the profile's defaults.
    Existing files are never overwritten (exit 2).
    """


@init.command("agency", short_help="Scaffold datasets/<agency>/agency.yaml.")
@_field_options(list(PROFILE.agency_fields.values()))
@_shared
def agency(catalog, yes, interactive, lang, **given):
    """Write CATALOG/<name>/agency.yaml for a publishing agency (a CKAN organization).

    \b
    Examples:
      gdc init agency                                   # asks
      gdc init agency --name pcd --title กรมควบคุมมลพิษ \\
          --title-en "Pollution Control Department" --parent mnre
    """
    from catalog import scaffold
    from catalog.commands._out import fail

    lang = language(lang)
    cat = scaffold.Catalog.at(catalog)
    ask = Asker(lang, interactive, yes)
    values: dict[str, Any] = {}
    for name, f in PROFILE.agency_fields.items():
        prompted = f.must_have or name in ("title_en", "parent")
        values[name] = ask.value(f, given.get(name), None, optional=not f.must_have) if prompted or given.get(name) else None
    ask.check_missing()
    if values.get("parent") and values["parent"] not in cat.agencies():
        fail("INIT_PARENT_UNKNOWN", lang, parent=values["parent"], catalog=str(catalog))
    path = cat.folder / values["name"] / "agency.yaml"
    manifest = scaffold.Manifest("agency", {k: v for k, v in values.items() if v is not None})
    text = scaffold.render(PROFILE, manifest, path, cat.repo, "gdc init agency")
    _write(cat, {path: text}, lang)
    _report(path.parent, lang, f"gdc init dataset --agency {values['name']} --file <data.csv>")


@init.command("dataset", short_help="Scaffold datasets/<agency>/<dataset>/dataset.yaml.")
@_field_options([f for f in PROFILE.dataset_fields.values() if f.must_have])
@click.option("--agency", metavar="NAME", help="The publishing agency's folder name (default: the only one).")
@click.option("--folder", metavar="DIR", help="Dataset folder name (default: --name without the agency prefix).")
@click.option("--file", "data_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A CSV/Excel file to copy in as the first resource; its Table Schema is drafted too.")
@click.option("--encoding", metavar="CODEC", help="Encoding of --file when it is neither UTF-8 nor cp874.")
@click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE",
              help="Any other profile field, e.g. --set title_en='Noise levels' --set unit_of_measure=dB(A).")
@_shared
def dataset(catalog, yes, interactive, lang, agency, folder, data_file, encoding, sets, **given):
    """Write CATALOG/<agency>/<folder>/dataset.yaml (+ the data file and schema.json).

    \b
    Examples:
      gdc init dataset --file noise.csv                 # asks
      gdc init dataset --agency pcd --name pcd-noise --title "ระดับเสียง" \\
          --maintainer-email noise@pcd.go.th --file noise.csv --yes
      gdc init dataset ... --data-type statistical --set unit_of_measure="dB(A)"
    """
    from catalog import scaffold
    from catalog.commands._out import fail

    lang = language(lang)
    cat = scaffold.Catalog.at(catalog)
    ask = Asker(lang, interactive, yes)
    given = {k: v for k, v in given.items() if v not in (None, "")}
    given.update(_parse_sets(sets, lang))
    agency = _pick_agency(cat, agency, ask, lang)
    if data_file is None and ask.interactive:
        answer = click.prompt(ask.words("INIT_PROMPT_FILE"), default="", show_default=False).strip()
        data_file = Path(answer) if answer else None
        if data_file is not None and not data_file.is_file():
            fail("INIT_FILE_INVALID", lang, file=answer, problem="not a file")
    ctx = scaffold.context(agency_title=cat.agencies().get(agency) or agency)
    stem = scaffold.slugify(data_file.stem) if data_file else ""
    name_default = f"{agency}-{stem}"[:70].strip("-_") if stem else None
    fields = PROFILE.dataset_fields
    values: dict[str, Any] = {"name": ask.value(fields["name"], given.pop("name", None), name_default)}
    values["title"] = ask.value(fields["title"], given.pop("title", None), None)
    ctx["title"] = values["title"] or "<title>"
    checked = values["name"] and values["title"] and _check_new(cat, values, agency, folder, lang)
    for name, f in fields.items():
        if name in values or name in PROFILE.other_fields or f.types:
            continue
        default = _file_format(f, data_file) or scaffold.default(f, ctx)
        if f.must_have:
            values[name] = ask.value(f, given.pop(name, None), default)
            ask.other_text(f, values, given)
        elif name in given or default is not None:
            restrict = scaffold.allowed_by_rule(PROFILE, f, values)
            if restrict and default is not None and PROFILE.vocab(f).resolve(default).value not in restrict:
                default = restrict[0]
            if restrict and len(restrict) > 1 and name not in given and ask.interactive:
                values[name] = ask.ask(f, default, optional=False, restrict=restrict)
            else:
                values[name] = ask.value(f, given.pop(name, None), default, optional=True)
    ask.check_missing()
    folder_path = checked or _check_new(cat, values, agency, folder, lang)
    dtype_en = PROFILE.data_type_en(values.get("data_type"))
    _type_specific(ask, values, given, dtype_en)
    for name, raw in given.items():  # --set fields not handled above (type-specific, *_other, optional)
        values[name] = ask.value(fields[name], raw, None, option=f"--set {name}", optional=True)
    _refuse_findings(scaffold.check_all(PROFILE, fields, values, dtype_en), lang)
    files, resources = _resource_files(folder_path, data_file, encoding, lang)
    manifest = scaffold.Manifest("dataset", {k: v for k, v in values.items() if v is not None},
                                 defaulted=ask.defaulted, data_type_en=dtype_en, resources=resources)
    files[folder_path / "dataset.yaml"] = scaffold.render(PROFILE, manifest, folder_path / "dataset.yaml",
                                                          cat.repo, "gdc init dataset")
    _write(cat, files, lang)
    _report(folder_path, lang, f"gdc validate {_shown(folder_path)}")


def _check_new(cat, values: dict[str, Any], agency: str, folder: str | None, lang: str) -> Path:
    """Refuse a name or title already in the catalog, or a dataset.yaml already there."""
    from catalog.commands._out import fail

    for key in ("name", "title"):
        other = cat.taken(key, values[key])
        if other:
            fail("INIT_NAME_TAKEN", lang, field_name=key, value=values[key], other_file=_shown(other))
    folder_path = cat.folder / agency / (folder or _folder_for(values["name"], agency))
    _refuse_existing(folder_path / "dataset.yaml", lang)
    return folder_path


def _parse_sets(sets, lang: str) -> dict[str, str]:
    from catalog.checks.fields import suggest
    from catalog.commands._out import fail

    out = {}
    for item in sets:
        key, sep, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep:
            fail("INIT_SET_SYNTAX", lang, value=item)
        if key not in PROFILE.dataset_fields:
            fail("INIT_SET_UNKNOWN", lang, key=key, suggestion=suggest(key, list(PROFILE.dataset_fields)) or "")
        out[key] = value
    return out


def _pick_agency(cat, agency: str | None, ask: Asker, lang: str) -> str:
    from catalog.commands._out import fail

    known = cat.agencies()
    if agency:
        if agency not in known:
            fail("INIT_AGENCY_UNKNOWN", lang, agency=agency, catalog=str(cat.folder), file=f"{agency}/agency.yaml")
        return agency
    if not known:
        fail("INIT_NO_AGENCIES", lang, catalog=str(cat.folder))
    if len(known) == 1:
        return next(iter(known))
    if not ask.interactive:
        fail("INIT_AGENCY_NEEDED", lang, catalog=str(cat.folder), agencies=", ".join(known))
    names = list(known)
    click.echo(click.style(ask.words("INIT_PROMPT_AGENCY"), bold=True))
    for i, name in enumerate(names, 1):
        click.echo(f"  {i:>2}. {name}  {known[name]}")
    choice = click.prompt("›", type=click.IntRange(1, len(names)))
    return names[choice - 1]


def _type_specific(ask: Asker, values: dict[str, Any], given: dict[str, Any], dtype_en: str | None) -> None:
    fields = [f for f in PROFILE.dataset_fields.values()
              if f.types and dtype_en in f.types and f.name not in PROFILE.other_fields and f.name not in given]
    if not fields or not ask.interactive or ask.yes:
        return
    label = PROFILE.vocabularies["data_type"].resolve(dtype_en)
    if not click.confirm(ask.words("INIT_PROMPT_TYPE_FIELDS", data_type=f"{label.value} ({dtype_en})"), default=False):
        return
    for f in fields:
        values[f.name] = ask.ask(f, None, optional=True, restrict=None)
        ask.other_text(f, values, given)


def _folder_for(name: str, agency: str) -> str:
    prefix = f"{agency}-"
    return name[len(prefix):] if name.startswith(prefix) and len(name) > len(prefix) else name


def _file_format(f, data_file: Path | None) -> list[str] | None:
    """For the field whose choices are file formats (data_format), the data file's own."""
    vocab = PROFILE.vocab(f)
    if data_file is None or vocab is None or f.kind != "multi":
        return None
    choice = vocab.resolve(data_file.suffix.lstrip("."))
    return [choice.value] if choice else None


def _resource_files(folder: Path, data_file: Path | None, encoding: str | None, lang: str):
    """The data file to copy, its drafted schema.json, and the resource entry."""
    import json

    from catalog import schema_infer
    from catalog.checks.resources import FORMAT_BY_SUFFIX
    from catalog.commands._out import fail, note

    if data_file is None:
        return {}, []
    target = folder / data_file.name
    files: dict[Path, Any] = {}
    if not (target.exists() and target.resolve() == data_file.resolve()):
        _refuse_existing(target, lang)
        files[target] = data_file
    fmt = FORMAT_BY_SUFFIX.get(data_file.suffix.lower(), data_file.suffix.lstrip(".").upper())
    resource: dict[str, Any] = {"name": data_file.stem, "path": data_file.name, "format": fmt}
    if data_file.suffix.lower() in (".csv", ".tsv", ".xlsx", ".xlsm", ".xls"):
        _refuse_existing(folder / "schema.json", lang)
        try:
            draft = schema_infer.infer(data_file, encoding=encoding)
        except (LookupError, ValueError, OSError) as exc:
            fail("INIT_FILE_INVALID", lang, file=str(data_file), problem=str(exc))
        for finding in draft.notes:
            note(finding, lang)
        files[folder / "schema.json"] = json.dumps(draft.schema, ensure_ascii=False, indent=2) + "\n"
        resource["schema"] = "schema.json"
        if draft.encoding:  # declared, so gdc validate reads it the way the draft did
            resource["encoding"] = draft.encoding
    return files, [resource]


def _refuse_existing(path: Path, lang: str) -> None:
    from catalog.commands._out import fail

    if path.exists():
        fail("INIT_EXISTS", lang, file=_shown(path))


def _refuse_findings(found, lang: str) -> None:
    """A value the checks reject is the command line's fault: say which option, exit 2."""
    from catalog.commands._out import fail

    errors = [f for f in found if f.blocking]
    if errors:
        first = errors[0]
        name = str(first.params.get("field_name") or "")
        option = _opt(name) if name in PROFILE.dataset_fields and PROFILE.dataset_fields[name].must_have else f"--set {name}"
        fail("INIT_VALUE_INVALID", lang, option=option, problem=first.message(lang), fix=first.hint(lang))


def _write(cat, files: dict[Path, Any], lang: str) -> None:
    from catalog import scaffold
    from catalog.commands._out import fail, say

    try:
        written = scaffold.write_new(files)
    except FileExistsError as exc:
        fail("INIT_EXISTS", lang, file=_shown(Path(str(exc))))
    for path in written:
        say("INIT_WROTE", lang, file=_shown(path))
    for path in scaffold.ensure_editor_schemas(PROFILE, cat.repo):
        say("INIT_EDITOR_SCHEMA", lang, file=_shown(path))


def _report(folder: Path, lang: str, next_command: str) -> None:
    """Run ``gdc validate`` on what was written and say what to do next; exit 1 if it fails."""
    from catalog import findings as F
    from catalog import pipeline
    from catalog.commands._out import note, say

    result = pipeline.validate([folder])
    for finding in result.findings:
        if finding.severity is not F.Severity.INFO:
            note(finding, lang)
    totals = F.summarize(result.findings)
    say("INIT_CHECKED", lang, path=_shown(folder), **totals)
    say("INIT_NEXT", lang, command=next_command)
    sys.exit(1 if result.blocking else 0)


def _shown(path: Path) -> str:
    from catalog.manifest import display_path

    return display_path(Path(path).absolute())
