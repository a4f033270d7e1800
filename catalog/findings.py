"""The one findings model shared by every stage, report and exit code.

A stage never prints: it returns findings. A finding carries a stable ``code`` and the
``params`` needed to phrase it; the words themselves live in ``catalog/messages/*.yaml`` in
English and Thai, so the same finding renders in the steward's language at report time.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping


class Severity(str, enum.Enum):
    """How much a finding matters. Only ``error`` blocks publication."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Finding:
    """One thing a stage noticed, with where it is and what to do.

    ``file`` is a path as the user would type it (relative to the working directory when
    possible). ``line``/``column`` point into a manifest; ``row``/``field`` point into a data
    file (row numbers count the header as row 1, like Frictionless).
    """

    code: str
    severity: Severity
    params: Mapping[str, Any] = field(default_factory=dict)
    file: str | None = None
    line: int | None = None
    column: int | None = None
    dataset: str | None = None
    resource: str | None = None
    row: int | None = None
    field: str | None = None
    stage: str | None = None

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.ERROR

    def _words(self) -> dict[str, Any]:
        """Params plus location, so templates may name {dataset}, {resource}, {row}, {field}."""
        location = {k: getattr(self, k) for k in ("dataset", "resource", "row", "field", "file", "line")}
        return {**{k: v for k, v in location.items() if v is not None}, **self.params}

    def message(self, lang: str = "en") -> str:
        from catalog import i18n

        return i18n.message(self.code, lang, self._words())

    def hint(self, lang: str = "en") -> str:
        from catalog import i18n

        return i18n.hint(self.code, lang, self._words())

    def where(self) -> str:
        """``file:line`` or ``file row R, column C`` — what an editor or a steward can jump to."""
        text = self.file or ""
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        if self.row is not None:
            text += f" row {self.row}"
        if self.field is not None:
            text += f" column '{self.field}'"
        return text.strip()

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.value,
            "file": self.file,
            "line": self.line,
            "message": self.message(lang),
            "hint": self.hint(lang),
        }
        for key in ("column", "dataset", "resource", "row", "field", "stage"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.params:
            data["params"] = {k: _jsonable(v) for k, v in self.params.items()}
        return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def error(code: str, **kw: Any) -> Finding:
    return _make(code, Severity.ERROR, kw)


def warning(code: str, **kw: Any) -> Finding:
    return _make(code, Severity.WARNING, kw)


def info(code: str, **kw: Any) -> Finding:
    return _make(code, Severity.INFO, kw)


_LOCATION_KEYS = {"file", "line", "column", "dataset", "resource", "row", "field", "stage"}


def _make(code: str, severity: Severity, kw: dict[str, Any]) -> Finding:
    location = {k: kw.pop(k) for k in list(kw) if k in _LOCATION_KEYS}
    return Finding(code=code, severity=severity, params=kw, **location)


def sort_key(f: Finding) -> tuple:
    return (f.file or "", f.line or 0, f.row or 0, f.severity.rank, f.code)


def summarize(findings: Iterable[Finding]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        counts[f.severity.value] += 1
    return counts


def has_blocking(findings: Iterable[Finding]) -> bool:
    return any(f.blocking for f in findings)
