"""A publish plan as text (terminal), JSON (CI) or Markdown (a pull-request comment)."""
from __future__ import annotations

from typing import Any

import click

from catalog import i18n
from catalog.ckan.plan import DatasetChange, Plan, ResourceOp

SYMBOLS = {"create": "+", "update": "~", "unchanged": "=", "retire": "-", "purge": "x", "blocked": "!"}
COLOURS = {"create": "green", "update": "yellow", "unchanged": None, "retire": "magenta",
           "purge": "red", "blocked": "red"}
_MAX_VALUE = 80


def _short(value: Any) -> str:
    text = "∅" if value is None else (", ".join(map(str, value)) if isinstance(value, list) else str(value))
    text = text.replace("\n", " ")
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def _resource_line(op: ResourceOp) -> str:
    if op.kind == "create":
        what = "upload" if op.upload else "link"
        return f"resource '{op.name}': add ({what})"
    if op.kind == "delete":
        return f"resource '{op.name}': remove"
    parts = []
    for key, (old, new) in op.changes.items():
        if key == "gdc_sha256":
            parts.append(f"file changed ({(old or '∅')[:10]} → {(new or '∅')[:10]})")
        elif key == "gdc_table_schema":
            parts.append("Table Schema changed")
        else:
            parts.append(f"{key}: {_short(old)} → {_short(new)}")
    return f"resource '{op.name}': " + "; ".join(parts)


def _by_agency(plan: Plan) -> dict[str, list[DatasetChange]]:
    groups: dict[str, list[DatasetChange]] = {o.name: [] for o in plan.orgs}
    for change in plan.datasets:
        groups.setdefault(change.agency, []).append(change)
    return groups


def text(plan: Plan, lang: str, *, show_unchanged: bool = True) -> str:
    lines = [click.style(f"Plan for {plan.ckan_url}", bold=True)]
    orgs = {o.name: o for o in plan.orgs}
    for agency, changes in _by_agency(plan).items():
        org = orgs.get(agency)
        head = f"\nOrganization {agency}"
        if org is not None:
            head += f" ({org.fields.get('title', '')}): {org.action}"
            for key, (old, new) in org.changes.items():
                head += f"\n    {key}: {_short(old)} → {_short(new)}"
        lines.append(click.style(head, bold=True))
        for change in changes:
            if change.action == "unchanged" and not show_unchanged:
                continue
            mark = click.style(f"  {SYMBOLS[change.action]} {change.action:<9}", fg=COLOURS[change.action], bold=True)
            lines.append(f"{mark} {change.name}  {change.title}")
            for key, (old, new) in change.changes.items():
                lines.append(f"        {key}: {_short(old)} → {_short(new)}")
            for op in change.resource_ops if change.action == "update" else []:
                lines.append(f"        {_resource_line(op)}")
            for resource, found in change.schema_changes.items():
                for c in found:
                    label = click.style("BREAKING" if c.breaking else "compatible", fg="red" if c.breaking else "green")
                    lines.append(f"        schema of '{resource}': {label} {c.what}")
            for reason in change.reasons:
                lines.append(f"        {reason.where() or reason.code}: [{reason.code}] {reason.message(lang)}")
    for finding in plan.findings:
        lines.append(click.style(f"\n[{finding.code}] {finding.message(lang)}", fg="red"))
        lines.append(f"    → {finding.hint(lang)}")
    lines.append("\n" + summary_line(plan))
    return "\n".join(lines)


def summary_line(plan: Plan) -> str:
    c = plan.counts()
    return (f"{c['create']} to create, {c['update']} to update, {c['unchanged']} unchanged, "
            f"{c['retire']} to retire, {c['purge']} to purge, {c['blocked']} blocked.")


def to_dict(plan: Plan, lang: str) -> dict[str, Any]:
    return {
        "ckan_url": plan.ckan_url,
        "summary": plan.counts(),
        "files": dict(plan.files),
        "organizations": [{"name": o.name, "action": o.action, "parent": o.parent,
                           "changes": {k: list(v) for k, v in o.changes.items()}} for o in plan.orgs],
        "datasets": [{
            "name": d.name, "agency": d.agency, "action": d.action, "title": d.title, "file": d.file,
            "changes": {k: {"old": old, "new": new} for k, (old, new) in d.changes.items()},
            "resources": [{"name": op.name, "op": op.kind,
                           "changes": {k: {"old": o, "new": n} for k, (o, n) in op.changes.items()}}
                          for op in d.resource_ops],
            "reasons": [r.to_dict(lang) for r in d.reasons],
            "schema_changes": {res: [c.to_dict() for c in cs] for res, cs in d.schema_changes.items()},
        } for d in plan.datasets],
        "findings": [f.to_dict(lang) for f in plan.findings],
    }


def markdown(plan: Plan, lang: str) -> str:
    c = plan.counts()
    out = [f"### gdc plan for `{plan.ckan_url}`", "",
           f"**{c['create']}** to create · **{c['update']}** to update · {c['unchanged']} unchanged · "
           f"**{c['retire']}** to retire · **{c['blocked']}** blocked", ""]
    for agency, changes in _by_agency(plan).items():
        visible = [d for d in changes if d.action != "unchanged"]
        if not visible:
            continue
        out += [f"#### {agency}", "", "| | dataset | change |", "|---|---|---|"]
        for d in visible:
            detail = "<br>".join(
                [f"`{k}`: {_md(_short(o))} → {_md(_short(n))}" for k, (o, n) in d.changes.items()]
                + [_md(_resource_line(op)) for op in (d.resource_ops if d.action == "update" else [])]
                + [f"schema `{res}`: {'**breaking** ' if c.breaking else ''}{_md(c.what)}"
                   for res, cs in d.schema_changes.items() for c in cs]
                + [f"`{r.code}` {_md(r.message(lang))}" for r in d.reasons])
            out.append(f"| {SYMBOLS[d.action]} {d.action} | `{d.name}` | {detail} |")
        out.append("")
    for finding in plan.findings:
        out.append(f"> **{finding.code}**: {_md(finding.message(lang))} {_md(finding.hint(lang))}")
    return "\n".join(out).rstrip() + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def no_writes_line(lang: str) -> str:
    return i18n.message("PUBLISH_NOTHING", lang, {})
