"""English and Thai wording of findings.

Messages live in ``catalog/messages/*.yaml`` (one file per stage, so stages can grow their
vocabulary without touching each other): ``CODE: {en: {message, hint}, th: {message, hint}}``.
Templates use ``str.format`` names from the finding's params; a ``hint_plain`` variant is
used instead of ``hint`` when the finding's ``suggestion`` param is empty (no "did you mean"). A missing Thai text falls back
to English; a missing code falls back to the code itself, so a finding is never lost.
"""
from __future__ import annotations

import functools
import os
import string
from pathlib import Path
from typing import Any, Mapping

import yaml

LANGS = ("en", "th")
_DIR = Path(__file__).parent / "messages"


@functools.lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, dict[str, str]]]:
    merged: dict[str, dict[str, dict[str, str]]] = {}
    for path in sorted(_DIR.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh) or {}
        for code, texts in data.items():
            if code in merged:
                raise RuntimeError(f"message code {code} defined twice ({path.name})")
            merged[code] = texts
    return merged


def default_lang() -> str:
    lang = os.environ.get("GDC_LANG", "en").strip().lower()[:2]
    return lang if lang in LANGS else "en"


class _Lenient(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _render(code: str, lang: str, part: str, params: Mapping[str, Any]) -> str:
    texts = catalog().get(code)
    if texts is None:
        return code if part == "message" else ""
    if part == "hint" and "suggestion" in params and not params["suggestion"]:
        part = "hint_plain" if any("hint_plain" in (t or {}) for t in texts.values()) else part
    template = (texts.get(lang) or {}).get(part) or (texts.get("en") or {}).get(part) or ""
    values = _Lenient({k: _fmt(v) for k, v in params.items()})
    return string.Formatter().vformat(template, (), values).strip()


def _fmt(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return value


def message(code: str, lang: str, params: Mapping[str, Any]) -> str:
    return _render(code, lang, "message", params)


def hint(code: str, lang: str, params: Mapping[str, Any]) -> str:
    return _render(code, lang, "hint", params)
