"""Check and normalise one manifest value against its profile field.

Shared by datasets, resources and agencies so that a date, an e-mail or a Thai choice is
judged the same way wherever it appears. Returns the normalised value (Thai stored value
for choices, lists for multi-selects, "True"/"False" for booleans, strings for numbers as
data.go.th stores them) or ``None`` when the value cannot be used.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlparse

from catalog import findings as F
from catalog.findings import Finding
from catalog.profile import Field, Profile, alias_key

SLUG_RE = re.compile(r"^[a-z0-9_-]+$")
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
TAG_RE = re.compile(r"^[\u0E00-\u0E7F\w \-.]+$")
BE_YEAR_MIN = 2400


@dataclass
class Where:
    """Where a value sits, so each finding can say file:line and which dataset."""

    file: str
    line: Callable[[str], int | None]
    dataset: str | None = None
    resource: str | None = None

    def at(self, key: str) -> dict[str, Any]:
        return {"file": self.file, "line": self.line(key), "dataset": self.dataset,
                "resource": self.resource, "stage": "metadata"}


def suggest(text: Any, options: list[str]) -> str | None:
    keyed = {alias_key(o): o for o in options}
    match = difflib.get_close_matches(alias_key(text), list(keyed), n=1, cutoff=0.6)
    return keyed[match[0]] if match else None


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == [] or value == {}


def check(f: Field, value: Any, profile: Profile, where: Where) -> tuple[Any, list[Finding]]:
    checker = _CHECKERS.get(f.kind, _text)
    return checker(f, value, profile, where)


def _wrong_type(f: Field, value: Any, where: Where, expected: str) -> tuple[None, list[Finding]]:
    return None, [F.error("FIELD_WRONG_TYPE", **where.at(f.name), field_name=f.name,
                          expected=expected, got=type(value).__name__)]


def _scalar_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (str, int, float)):
        return str(value).strip()
    return None


def _text(f: Field, value: Any, profile: Profile, where: Where):
    text = _scalar_text(value)
    if text is None:
        return _wrong_type(f, value, where, "text")
    problems = []
    if f.max_length and len(text) > f.max_length:
        problems.append(F.error("FIELD_TOO_LONG", **where.at(f.name), field_name=f.name,
                                length=len(text), limit=f.max_length))
    return text, problems


def _slug(f: Field, value: Any, profile: Profile, where: Where):
    if not isinstance(value, str):
        return _wrong_type(f, value, where, "text")
    problems = []
    if not SLUG_RE.match(value) or len(value) < 2:
        fixed = re.sub(r"[^a-z0-9_-]+", "-", value.lower()).strip("-") or "my-dataset"
        problems.append(F.error("SLUG_INVALID", **where.at(f.name), field_name=f.name,
                                value=value, suggestion=fixed))
    limit = f.max_length or 100
    if len(value) > limit:
        problems.append(F.error("FIELD_TOO_LONG", **where.at(f.name), field_name=f.name,
                                length=len(value), limit=limit))
    return value, problems


def _email(f: Field, value: Any, profile: Profile, where: Where):
    if not isinstance(value, str):
        return _wrong_type(f, value, where, "e-mail address")
    if not EMAIL_RE.match(value.strip()):
        return value, [F.error("EMAIL_INVALID", **where.at(f.name), field_name=f.name, value=value)]
    return value.strip(), []


def _url(f: Field, value: Any, profile: Profile, where: Where):
    if not isinstance(value, str):
        return _wrong_type(f, value, where, "URL")
    parsed = urlparse(value.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return value, [F.error("URL_INVALID", **where.at(f.name), field_name=f.name, value=value)]
    return value.strip(), []


def _date(f: Field, value: Any, profile: Profile, where: Where):
    text = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value
    if not isinstance(text, str):
        return _wrong_type(f, value, where, "date YYYY-MM-DD")
    text = text.strip()
    try:
        parsed = dt.date.fromisoformat(text)
        if len(text) != 10:
            raise ValueError
    except ValueError:
        return text, [F.error("DATE_INVALID", **where.at(f.name), field_name=f.name, value=text)]
    if parsed.year >= BE_YEAR_MIN:
        return text, [F.error("DATE_BUDDHIST_ERA", **where.at(f.name), field_name=f.name,
                              value=text, ce=parsed.replace(year=parsed.year - 543).isoformat())]
    return text, []


def _choice(f: Field, item: Any, profile: Profile, where: Where) -> tuple[str | None, list[Finding]]:
    vocab = profile.vocab(f)
    if isinstance(item, (list, dict)):
        return _wrong_type(f, item, where, "one choice")
    choice = vocab.resolve(item)
    if choice is None:
        best = suggest(item, vocab.spellings())
        return None, [F.error("CHOICE_INVALID", **where.at(f.name), field_name=f.name,
                              value=str(item), suggestion=best or "",
                              allowed=[f"{c.value} ({c.en})" for c in vocab.choices])]
    problems = []
    if choice.legacy:
        problems.append(F.warning("CHOICE_LEGACY", **where.at(f.name), field_name=f.name,
                                  value=choice.value))
    return choice.value, problems


def _select(f: Field, value: Any, profile: Profile, where: Where):
    return _choice(f, value, profile, where)


def _multi(f: Field, value: Any, profile: Profile, where: Where):
    items = value if isinstance(value, list) else [value]
    out, problems = [], []
    for item in items:
        stored, found = _choice(f, item, profile, where)
        problems.extend(found)
        if stored is not None and stored not in out:
            out.append(stored)
    # CKAN (scheming multiple_select) stores choices in vocabulary order: normalise to it.
    order = {v: i for i, v in enumerate(profile.vocab(f).values)}
    return sorted(out, key=lambda v: order.get(v, len(order))), problems


def _bool(f: Field, value: Any, profile: Profile, where: Where):
    choice = profile.vocabularies["bool"].resolve(value)
    if choice is None:
        return None, [F.error("BOOL_INVALID", **where.at(f.name), field_name=f.name, value=str(value))]
    return choice.value, []


def _number_text(f: Field, value: Any, profile: Profile, where: Where):
    text = _scalar_text(value)
    try:
        number = float(text) if text is not None else None
    except ValueError:
        number = None
    if number is None:
        return None, [F.error("NUMBER_INVALID", **where.at(f.name), field_name=f.name, value=str(value))]
    if f.range and not (f.range[0] <= number <= f.range[1]):
        return text, [F.error("NUMBER_OUT_OF_RANGE", **where.at(f.name), field_name=f.name,
                              value=text, low=f.range[0], high=f.range[1])]
    return text, []


def _year(f: Field, value: Any, profile: Profile, where: Where):
    text = _scalar_text(value)
    if text is None or not re.fullmatch(r"\d{4}", text):
        return text, [F.error("YEAR_INVALID", **where.at(f.name), field_name=f.name, value=str(value))]
    return text, []


def _tags(f: Field, value: Any, profile: Profile, where: Where):
    if isinstance(value, str):
        items = [t.strip() for t in value.split(",")]
    elif isinstance(value, list):
        items = value
    else:
        return _wrong_type(f, value, where, "list of tags")
    out, problems = [], []
    for item in items:
        text = _scalar_text(item)
        if text is None:
            problems.append(F.error("FIELD_WRONG_TYPE", **where.at(f.name), field_name=f.name,
                                    expected="tag text", got=type(item).__name__))
            continue
        if not (2 <= len(text) <= 100) or not TAG_RE.match(text):
            problems.append(F.error("TAG_INVALID", **where.at(f.name), value=text))
            continue
        if text not in out:
            out.append(text)
    return out, problems


_CHECKERS: dict[str, Callable] = {
    "text": _text, "markdown": _text, "slug": _slug, "email": _email, "url": _url,
    "date": _date, "select": _select, "multi": _multi, "bool": _bool,
    "number_text": _number_text, "year": _year, "tags": _tags,
}


def check_mapping(
    data: dict[str, Any],
    fields: dict[str, Field],
    profile: Profile,
    where: Where,
    *,
    data_type_en: str | None,
    extra_keys: set[str] = frozenset(),
) -> tuple[dict[str, Any], list[Finding]]:
    """Check every key of a manifest mapping: required, types, choices, *_other, unknown keys."""
    out: dict[str, Any] = {}
    problems: list[Finding] = []
    for name, f in fields.items():
        value = data.get(name)
        if is_blank(value):
            if f.must_have:
                problems.append(F.error("FIELD_REQUIRED", **where.at(name), field_name=name,
                                        label_en=f.label.get("en", name), label_th=f.label.get("th", name)))
            continue
        if f.kind in ("path", "checks", "resources", "waivers"):
            out[name] = value  # structural keys are checked by their own stage
            continue
        stored, found = check(f, value, profile, where)
        problems.extend(found)
        if stored is not None:
            out[name] = stored
        if not f.applies_to(data_type_en):
            problems.append(F.warning("FIELD_NOT_FOR_TYPE", **where.at(name), field_name=name,
                                      types=list(f.types), data_type=data_type_en))
    problems.extend(_other_rules(data, out, fields, profile, where))
    known = set(fields) | set(extra_keys)
    for key in data:
        if key not in known:
            problems.append(F.warning("UNKNOWN_KEY", **where.at(str(key)), key=str(key),
                                      suggestion=suggest(key, sorted(known)) or ""))
    return out, problems


def _other_rules(data, out, fields, profile, where) -> list[Finding]:
    """An "อื่นๆ" choice needs its *_other text; *_other text without "อื่นๆ" is ignored by data.go.th."""
    problems = []
    for name, f in fields.items():
        if not f.other_field:
            continue
        vocab = profile.vocab(f)
        other = vocab.other_value if vocab else None
        chosen = out.get(name)
        picked_other = other is not None and (chosen == other or (isinstance(chosen, list) and other in chosen))
        has_text = not is_blank(data.get(f.other_field))
        if picked_other and not has_text:
            problems.append(F.error("OTHER_REQUIRED", **where.at(name), field_name=name,
                                    other_field=f.other_field))
        elif has_text and not picked_other and chosen is not None:
            problems.append(F.warning("OTHER_UNUSED", **where.at(f.other_field), field_name=name,
                                      other_field=f.other_field))
    return problems
