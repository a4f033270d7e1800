"""Data-quality checks from the manifest (``checks:``), run with great-expectations 1.x.

Why GX: stewards get a large, documented vocabulary (``expect_column_values_to_be_between``
...) instead of a home-grown one. Why this wrapper: GX's failure modes are unfriendly — an
unknown name is an AttributeError, a typo in an argument a pydantic dump, a missing column a
"successful" run with an ``exception_info`` traceback — and its results don't know the
manifest. Here every outcome becomes a bilingual finding pointing at the check's manifest line,
and unexpected values are masked when they could be personal data (via :mod:`catalog.pii`).

GX costs ~3 s to import, so it is imported lazily on the first run and one ephemeral context
(with its pandas datasource and whole-dataframe batch definition) is reused for the process.
"""
from __future__ import annotations

import difflib
import logging
import re
import threading
import warnings
from dataclasses import dataclass, field
from typing import Any, Sequence

from catalog import findings, pii
from catalog.findings import Finding

MAX_EXAMPLES = 5
MAX_ROWS = 5


@dataclass(frozen=True)
class CheckSpec:
    """One item of a resource's ``checks:`` list: ``- <name>: {<kwargs>}`` at manifest ``line``."""

    name: str
    kwargs: dict = field(default_factory=dict)
    line: int | None = None


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one check, for scoring. ``status``: passed | failed | error (could not run)."""

    name: str
    status: str
    line: int | None = None
    column: str | None = None
    element_count: int | None = None
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    observed_value: Any = None

    @property
    def success(self) -> bool:
        return self.status == "passed"


@dataclass
class QualityReport:
    findings: list[Finding]
    results: list[CheckResult]

    @property
    def passed_share(self) -> float | None:
        """Share of checks passing (None when the resource has no checks)."""
        if not self.results:
            return None
        return sum(r.success for r in self.results) / len(self.results)


# ---------------------------------------------------------------- GX plumbing (lazy)

_LOCK = threading.Lock()
_STATE: dict[str, Any] = {}


def prewarm() -> threading.Thread:
    """Start importing GX (seconds of pure import) on a thread, so it overlaps reading the
    data; ``_gx()`` then finds it ready. Safe to call any number of times."""
    thread = threading.Thread(target=_gx, name="gdc-gx-import", daemon=True)
    thread.start()
    return thread


def _gx():
    """(gx module, batch definition, {snake_name: class}) — created once per process."""
    with _LOCK:
        if not _STATE:
            logging.getLogger("great_expectations").setLevel(logging.ERROR)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                import great_expectations as gx
                from great_expectations.data_context.types.base import ProgressBarsConfig
                from great_expectations.expectations.expectation import Expectation

                context = gx.get_context(mode="ephemeral")
                context.variables.progress_bars = ProgressBarsConfig(
                    globally=False, metric_calculations=False)
                source = context.data_sources.add_pandas("gdc")
                batch_def = source.add_dataframe_asset("resource").add_batch_definition_whole_dataframe("all")
            classes = {}
            for attr in dir(gx.expectations):
                cls = getattr(gx.expectations, attr)
                snake = getattr(cls, "expectation_type", None)
                if isinstance(cls, type) and issubclass(cls, Expectation) and snake:
                    classes[snake] = cls
            _STATE.update(gx=gx, batch_def=batch_def, classes=classes, runs=0)
        return _STATE["gx"], _STATE["batch_def"], _STATE["classes"]


def expectation_names() -> list[str]:
    """All expectation names a manifest may use (snake_case)."""
    return sorted(_gx()[2])


def _resolve(name: str, classes: dict[str, type]):
    if name in classes:
        return classes[name]
    for cls in classes.values():  # also accept the class name as written in GX docs
        if cls.__name__ == name:
            return cls
    return None


def _suggest(name: str, choices: Sequence[str]) -> str:
    key = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    if not key.startswith("expect_"):
        key = "expect_" + key
    return ", ".join(difflib.get_close_matches(key, choices, n=3, cutoff=0.6)) or "-"


# ---------------------------------------------------------------- public entry point


def run_checks(checks: Sequence[CheckSpec], df, *, file: str | None = None,
               dataset: str | None = None, resource: str | None = None,
               first_row: int = 2) -> QualityReport:
    """Validate ``df`` against ``checks`` in one GX suite run.

    ``file`` should be the manifest path: finding ``line``s point at the checks there (the
    data rows are in each finding's params). ``first_row`` is the data-file row of ``df``'s
    first row (2 when the header is row 1). Never raises for a bad check; raises only if GX
    itself is broken.
    """
    loc = dict(file=file, dataset=dataset, resource=resource)
    out: list[Finding] = []
    results: list[CheckResult | None] = [None] * len(checks)
    if not checks:
        return QualityReport(out, [])
    gx, batch_def, classes = _gx()
    columns = [str(c) for c in df.columns]
    _STATE["runs"] += 1
    suite = gx.ExpectationSuite(name=f"gdc-{_STATE['runs']}")
    for i, spec in enumerate(checks):
        kwargs = spec.kwargs if spec.kwargs is not None else {}
        column = kwargs.get("column") if isinstance(kwargs, dict) else None
        cls = _resolve(spec.name, classes)
        if cls is None:
            out.append(findings.error("QUALITY_UNKNOWN_CHECK", line=spec.line, **loc,
                                      check=spec.name, suggestions=_suggest(spec.name, list(classes))))
            results[i] = CheckResult(spec.name, "error", spec.line, column)
            continue
        problem = _build(cls, kwargs, i, suite)
        if problem is not None:
            argument, reason = problem
            out.append(findings.error("QUALITY_BAD_ARGUMENT", line=spec.line, **loc,
                                      check=spec.name, argument=argument, reason=reason))
            results[i] = CheckResult(spec.name, "error", spec.line, column)
    if suite.expectations:
        frame = df if _default_index(df) else df.reset_index(drop=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            batch = batch_def.get_batch(batch_parameters={"dataframe": frame})
            validation = batch.validate(suite, result_format={"result_format": "SUMMARY"})
        for res in validation.results:
            i = res.expectation_config.meta["gdc_index"]
            finding, results[i] = _interpret(checks[i], res, columns, first_row, loc)
            if finding is not None:
                out.append(finding)
    order = {id(f): n for n, f in enumerate(out)}
    out.sort(key=lambda f: (f.line or 0, order[id(f)]))
    return QualityReport(out, [r for r in results if r is not None])


def _default_index(df) -> bool:
    import pandas as pd

    idx = df.index
    return isinstance(idx, pd.RangeIndex) and idx.start == 0 and idx.step == 1


def _build(cls, kwargs: Any, index: int, suite) -> tuple[str, str] | None:
    """Add the expectation to the suite; (argument, reason) if its arguments are invalid."""
    if not isinstance(kwargs, dict):
        return "-", f"arguments must be a mapping (name: value), got {type(kwargs).__name__}"
    kwargs = _column_names_as_text(kwargs)
    meta = kwargs.pop("meta", None)
    meta = {**meta, "gdc_index": index} if isinstance(meta, dict) else {"gdc_index": index}
    try:
        expectation = cls(**kwargs, meta=meta)
    except Exception as exc:  # pydantic.v1 ValidationError, TypeError
        errors = getattr(exc, "errors", None)
        if not callable(errors):
            return "-", str(exc).splitlines()[0]
        seen: dict[str, str] = {}
        for err in errors():
            loc = ".".join(str(p) for p in err.get("loc", ())) or "-"
            if err.get("type") == "value_error.extra":
                seen.setdefault(loc, "unknown argument")
            else:
                seen.setdefault(loc, err.get("msg", ""))
        if len(seen) > 1:  # a root error is usually a consequence of the field errors
            seen.pop("__root__", None)
        argument = ", ".join(k for k in seen if k != "__root__") or "-"
        reason = "; ".join(f"{k}: {v}" if k != "__root__" else v for k, v in seen.items())
        return argument, reason
    suite.add_expectation(expectation)
    return None


def _column_names_as_text(kwargs: dict) -> dict:
    """YAML reads ``column: 2566`` (Thai tables often have year columns) as an int."""
    fixed = dict(kwargs)
    for key in ("column", "column_A", "column_B"):
        if isinstance(fixed.get(key), (int, float)) and not isinstance(fixed[key], bool):
            fixed[key] = str(fixed[key])
    for key in ("column_list", "column_set"):
        if isinstance(fixed.get(key), (list, tuple, set)):
            fixed[key] = [str(c) if isinstance(c, (int, float)) else c for c in fixed[key]]
    return fixed


_MISSING_COLUMN = re.compile(r'column "(?P<col>.*?)" in BatchData does not exist')


def _interpret(spec: CheckSpec, res, columns: list[str], first_row: int,
               loc: dict) -> tuple[Finding | None, CheckResult]:
    kwargs = _column_names_as_text(spec.kwargs or {})
    column = kwargs.get("column")
    base = dict(line=spec.line, **loc, check=spec.name)
    if column is not None:
        base["field"] = str(column)
    info = res.exception_info or {}
    messages = [info.get("exception_message")] if "raised_exception" in info else [
        v.get("exception_message") for v in info.values() if isinstance(v, dict)]
    messages = [m for m in messages if m]
    if messages:
        missing = next((m.group("col") for m in map(_MISSING_COLUMN.search, messages) if m), None)
        if missing is not None:
            finding = findings.error(
                "QUALITY_COLUMN_MISSING", **base, column_name=missing,
                columns=columns[:30] + (["…"] if len(columns) > 30 else []),
                suggestions=", ".join(difflib.get_close_matches(missing, columns, n=3,
                                                                cutoff=0.5)) or "-")
        else:
            finding = findings.error("QUALITY_CHECK_ERROR", **base,
                                     reason=messages[0].splitlines()[0][:300])
        return finding, CheckResult(spec.name, "error", spec.line, column)
    r = res.result or {}
    status = "passed" if res.success else "failed"
    pct = r.get("unexpected_percent")
    observed = r.get("observed_value")
    result = CheckResult(spec.name, status, spec.line, column, _int(r.get("element_count")),
                         _int(r.get("unexpected_count")),
                         None if pct is None else round(float(pct), 2),
                         _plain(observed) if observed is not None else None)
    if res.success:
        return None, result
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items() if k != "column")
    call = f"{spec.name}({args})" if args else spec.name
    personal = column is not None and pii.looks_personal(str(column))
    if "unexpected_count" in r:
        rows = [int(i) + first_row for i in (r.get("partial_unexpected_index_list") or [])
                if _is_int(i)][:MAX_ROWS]
        samples = [_show(v, personal) for v in (r.get("partial_unexpected_list") or [])]
        examples = list(dict.fromkeys(samples))[:MAX_EXAMPLES]
        return findings.error(
            "QUALITY_CHECK_FAILED", **base, column_name=str(column) if column else "-",
            check_call=call, element_count=result.element_count,
            unexpected_count=result.unexpected_count,
            unexpected_percent=result.unexpected_percent, rows=rows or "-",
            examples=examples or "-"), result
    if column is None:
        return findings.error("QUALITY_TABLE_CHECK_FAILED", **base, check_call=call,
                              observed=_show(observed, personal)), result
    return findings.error("QUALITY_CHECK_FAILED_OBSERVED", **base, column_name=str(column),
                          check_call=call, observed=_show(observed, personal)), result


def _show(value: Any, personal: bool) -> str:
    value = _plain(value)
    if value is None:
        return "∅"
    return pii.mask_text(value) if personal else pii.redact(value)


def _is_int(value: Any) -> bool:
    try:
        return int(value) == value
    except (TypeError, ValueError):
        return False


def _plain(value: Any) -> Any:
    """numpy/pandas scalars -> plain Python (missing -> None), so params stay JSON-friendly."""
    import pandas as pd

    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    if hasattr(value, "item") and callable(value.item):
        try:
            return value.item()
        except (ValueError, TypeError):
            pass
    return value


def _int(value: Any) -> int | None:
    return None if value is None else int(value)
