"""Vectorised Table Schema field checks, each a *sound subset* of Frictionless' reader.

Every field type has a "fast" recogniser written with pyarrow.compute: a strict regular
expression (plus vectorised range/calendar checks) that accepts only values Frictionless
certainly accepts, and computes from them the parsed value's order key (for
minimum/maximum) and canonical key (for enum/unique/primaryKey). Everything the fast
recogniser does not vouch for -- bad values, but also valid oddities such as Thai digits in
an integer (``int("๑๒")`` is 12 in Python), ``1_000``, ``2020-1-5`` -- is a *residual* value
and goes through Frictionless' own cell reader, one distinct value at a time. So the fast
path only needs to be sound, never complete; the residual path is exact by construction.

Canonical keys make equality vectorisable: two parsed values are equal in Python (which is
what Frictionless' ``unique``/``primaryKey`` dicts and ``enum`` lists use) iff their keys are
equal. Keys are int64 or strings depending on the type; ``canon_py`` computes the same key
from a Python value (residual values, enum members).
"""
from __future__ import annotations

import calendar
import datetime as _dt
import decimal
import math
import re
from dataclasses import dataclass, field as dc_field
from typing import Any, Callable, Optional

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import _regex


class Unsupported(Exception):
    """The columnar path cannot reproduce Frictionless here: use the reference instead."""


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

#: Frictionless' bound constraints, in the order its cell reader checks them.
BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def np_bool(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A pyarrow boolean array as numpy (null -> False)."""
    arr = pc.fill_null(arr, False)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.to_numpy(zero_copy_only=False)


def re2_char(ch: str) -> str:
    return "\\x{%x}" % ord(ch)


def match(arr: pa.Array, pattern: str) -> np.ndarray:
    return np_bool(pc.match_substring_regex(arr, pattern))


class NaNKey:
    """Marker returned by ``canon_py`` for NaN: never equal to anything, itself included."""


NAN = NaNKey()


# --------------------------------------------------------------------------- numbers


def decimal_canon(value: Any) -> Any:
    """Canonical text of a finite number such that ``a == b`` iff keys are equal.

    ``"-01.50"`` and ``Decimal("1.5E0")``... map to ``"1.5"``-ish forms: sign (none for 0),
    integer digits without leading zeros, ``"."``, fraction without trailing zeros.
    """
    if isinstance(value, bool):
        raise Unsupported("boolean in a number field")
    if isinstance(value, float):
        value = decimal.Decimal(str(value))
    if isinstance(value, int):
        value = decimal.Decimal(value)
    if not isinstance(value, decimal.Decimal):
        raise Unsupported(f"number value of type {type(value).__name__}")
    if value.is_nan():
        if value.is_snan():
            # hash(Decimal("sNaN")) raises: Frictionless itself fails on such a file.
            raise Unsupported("signalling NaN in a unique/enum number field")
        return NAN
    if value.is_infinite():
        return "-inf" if value < 0 else "inf"
    if value.is_zero():
        return "0."
    sign, digits, exponent = value.as_tuple()
    if abs(exponent) > 1000 or len(digits) > 1000:
        # Never equal to a fast value (those are at most 300 characters long).
        return "e:" + str(value.normalize())
    text = format(value.copy_abs(), "f")
    whole, _, frac = text.partition(".")
    whole = whole.lstrip("0")
    frac = frac.rstrip("0")
    return ("-" if sign else "") + whole + "." + frac


def decimal_canon_vec(p: pa.Array) -> pa.Array:
    """``decimal_canon`` for strings matching ``^-?[0-9]+(\\.[0-9]+)?$`` (vectorised)."""
    parts = pc.extract_regex(p, r"^(?P<s>-?)(?P<i>[0-9]+)(?:\.(?P<f>[0-9]+))?$")
    s = pc.struct_field(parts, [0])
    i = pc.replace_substring_regex(pc.struct_field(parts, [1]), r"^0+", "")
    f = pc.replace_substring_regex(pc.struct_field(parts, [2]), r"0+$", "")
    body = pc.binary_join_element_wise(i, ".", f, "")
    zero = pc.equal(body, ".")
    key = pc.binary_join_element_wise(s, body, "")
    return pc.if_else(zero, pa.scalar("0.", pa.string()), key)


# --------------------------------------------------------------------------- dates

_EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal()
_EPOCH_NAIVE = _dt.datetime(1970, 1, 1)
_EPOCH_AWARE = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_US = _dt.timedelta(microseconds=1)
_DIM = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's algorithm)."""
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def valid_ymd(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    ok = (y >= 1) & (y <= 9999) & (m >= 1) & (m <= 12) & (d >= 1)
    mm = np.where(ok, m, 1)
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    dim = _DIM[mm] + ((mm == 2) & leap)
    return ok & (d <= dim)


def ints(arr: pa.Array, ok: np.ndarray, default: str = "0") -> np.ndarray:
    """int64 of the strings where ``ok`` (``default`` elsewhere)."""
    safe = pc.if_else(pa.array(ok), arr, pa.scalar(default, pa.string()))
    return pc.cast(safe, pa.int64()).to_numpy(zero_copy_only=False)


def date_key_py(value: _dt.date) -> int:
    return value.toordinal() - _EPOCH_ORDINAL


def datetime_key_py(value: _dt.datetime) -> str:
    if value.tzinfo is not None and value.utcoffset() is not None:
        return "A%d" % ((value - _EPOCH_AWARE) // _US)
    return "N%d" % ((value.replace(tzinfo=None) - _EPOCH_NAIVE) // _US)


def time_key_py(value: _dt.time) -> str:
    us = ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond
    offset = value.utcoffset() if value.tzinfo is not None else None
    if offset is not None:
        return "A%d" % (us - offset // _US)
    return "N%d" % us


# strptime directives the fast path understands: a strict (fixed width) RE2 group, and a
# "safe" one whose every match is a valid value on any date (days up to 28, years from 1).
_YEAR_SAFE = "(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
_DIRECTIVES = {
    "Y": ("([0-9]{4})", _YEAR_SAFE),
    "m": ("([0-9]{2})", "(?:0[1-9]|1[0-2])"),
    "d": ("([0-9]{2})", "(?:0[1-9]|1[0-9]|2[0-8])"),
    "H": ("([0-9]{2})", "(?:[01][0-9]|2[0-3])"),
    "M": ("([0-9]{2})", "(?:[0-5][0-9])"),
    "S": ("([0-9]{2})", "(?:[0-5][0-9])"),
}


@dataclass
class StrptimePlan:
    regex: str  # named groups, fixed widths
    safe: str  # no groups, value ranges built in
    parts: list[str]

    @classmethod
    def build(cls, fmt: str) -> Optional["StrptimePlan"]:
        """A strict RE2 subset of ``datetime.strptime(value, fmt)`` or None.

        Each numeric directive is matched with its full width only; Python's own regex
        tries the full-width alternative first for each of them, so whenever the strict
        regex matches, Python parses the same digits. Whitespace in ``fmt`` (``\\s+`` for
        Python) must be that very character; literals must match case-sensitively.
        """
        out = [r"\A"]
        safe = [r"\A"]
        parts: list[str] = []
        i = 0
        while i < len(fmt):
            ch = fmt[i]
            if ch == "%":
                if i + 1 >= len(fmt):
                    return None
                directive = fmt[i + 1]
                i += 2
                if directive == "%":
                    out.append(re2_char("%"))
                    safe.append(re2_char("%"))
                    continue
                if directive not in _DIRECTIVES or directive in parts:
                    return None
                strict, safe_group = _DIRECTIVES[directive]
                out.append(strict.replace("(", f"(?P<g{len(parts)}>", 1))
                safe.append(safe_group)
                parts.append(directive)
                continue
            out.append(re2_char(ch))
            safe.append(re2_char(ch))
            i += 1
        out.append(r"\z")
        safe.append(r"\z")
        return cls("".join(out), "".join(safe), parts)

    def ok(self, arr: pa.Array, valued: np.ndarray) -> np.ndarray:
        """Values certainly accepted by strptime: the safe regex, then for the others (day
        29-31...) the strict regex plus a calendar check, on that subset only."""
        ok = valued & match(arr, self.safe)
        rest = valued & ~ok
        if rest.any():
            idx = np.nonzero(rest)[0]
            sub_ok = self.parse(arr.take(pa.array(idx)), np.ones(len(idx), dtype=bool))[0]
            ok[idx[sub_ok]] = True
        return ok

    def parse(self, arr: pa.Array, base_ok: np.ndarray) -> tuple[np.ndarray, dict[str, Any]]:
        ok = base_ok & match(arr, self.regex)
        values: dict[str, np.ndarray] = {}
        texts: dict[str, pa.Array] = {}
        n = len(arr)
        if self.parts:
            safe = pc.if_else(pa.array(ok), arr, pa.scalar(None, pa.string()))
            struct = pc.extract_regex(safe, self.regex)
            for k, directive in enumerate(self.parts):
                col = pc.struct_field(struct, [k])
                texts[directive] = col
                values[directive] = pc.cast(pc.fill_null(col, "0"), pa.int64()).to_numpy(zero_copy_only=False)
        y = values.get("Y", np.full(n, 1900, dtype=np.int64))
        m = values.get("m", np.ones(n, dtype=np.int64))
        d = values.get("d", np.ones(n, dtype=np.int64))
        H = values.get("H", np.zeros(n, dtype=np.int64))
        M = values.get("M", np.zeros(n, dtype=np.int64))
        S = values.get("S", np.zeros(n, dtype=np.int64))
        ok &= valid_ymd(y, m, d) & (H <= 23) & (M <= 59) & (S <= 59)
        return ok, {"y": y, "m": m, "d": d, "H": H, "M": M, "S": S, "texts": texts}

    def iso_dates(self, arr: pa.Array, ok: np.ndarray) -> pa.Array:
        """``date.isoformat()`` of the parsed values (where ok), built from the digits."""
        _, parts = self.parse(arr, ok)
        texts = parts["texts"]
        n = len(arr)
        const = lambda v: pa.array([v] * n, pa.string())
        y = texts.get("Y", const("1900"))
        m = texts.get("m", const("01"))
        d = texts.get("d", const("01"))
        return pc.binary_join_element_wise(y, m, d, "-")


# --------------------------------------------------------------------------- plans


@dataclass
class Fast:
    """Result of the fast recogniser on one batch column (length n)."""

    ok: np.ndarray
    canon: Optional[Callable[[], pa.Array]] = None
    #: int64 (exact), float64 (ties re-checked) or, for "iso" plans, ISO date strings
    order: Optional[Callable[[], Any]] = None


class Plan:
    """How one schema field is checked column-wise."""

    #: key array type for unique/primaryKey/enum (pa.int64() or pa.large_string())
    key_type: pa.DataType = pa.large_string()
    #: order domain for bounds: "int" (exact), "float" (ties go to the residual path) or
    #: "iso" (``YYYY-MM-DD`` strings compare like the dates they spell)
    order_kind: Optional[str] = None
    #: can str(parsed value) be derived from the key (else raw strings are kept)?
    cell_from_key = False
    supports_keys = True

    def __init__(self, field: Any) -> None:
        self.field = field
        self.type = field.type
        self.format = field.format
        self.constraints = dict(field.constraints or {})
        self.value_reader = field.create_value_reader()

    # -- fast path -----------------------------------------------------------------------
    def fast(self, arr: pa.Array, valued: np.ndarray) -> Fast:
        return Fast(ok=np.zeros(len(arr), dtype=bool))

    # -- keys ----------------------------------------------------------------------------
    def canon_py(self, value: Any) -> Any:
        raise Unsupported(f"unique/enum on a {self.type} field")

    def key_to_cell(self, key: Any) -> str:  # only if cell_from_key
        raise NotImplementedError

    # -- order ---------------------------------------------------------------------------
    def order_py(self, value: Any) -> Any:
        raise Unsupported(f"minimum/maximum on a {self.type} field")

    def check_buildable(self) -> None:
        """Raise Unsupported if this field's constraints cannot be checked column-wise."""
        for name in BOUNDS:
            if name in self.constraints and self.constraints[name] is not None:
                if self.order_kind is None:
                    raise Unsupported(f'"{name}" on a {self.type} field')
                bound = self.value_reader(self.constraints[name])
                if bound is None:
                    raise Unsupported(f'"{name}" bound {self.constraints[name]!r} does not parse')
                self.order_py(bound)
        if self.constraints.get("enum") is not None:
            self.enum_keys()

    #: Python type the parsed values of this field have (enum members of another type can
    #: never be equal to a cell, e.g. ``1`` in the enum of a string field)
    value_types: Optional[tuple] = None

    def enum_keys(self) -> list:
        keys = []
        for member in self.constraints["enum"]:
            value = self.value_reader(member)
            if value is None:
                continue
            if self.value_types is not None and not isinstance(value, self.value_types):
                continue
            key = self.canon_py(value)
            if key is NAN:
                continue
            keys.append(key)
        return keys


class AnyPlan(Plan):
    cell_from_key = True
    value_types = (str,)

    def fast(self, arr, valued):
        return Fast(ok=valued.copy(), canon=lambda: arr)

    def canon_py(self, value):
        if not isinstance(value, str):
            raise Unsupported("non-string value in an any field")
        return value

    def key_to_cell(self, key):
        return key


_EMAIL = (
    r"\A[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z]\z"
)
_UUID = r"\A[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\z"
_URI = r"\A[A-Za-z][A-Za-z0-9+.-]*:[!-~]*\z"
_BASE64 = r"\A(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?\z"
_PRINTABLE_ASCII = r"\A[ -~]*\z"


class StringPlan(AnyPlan):
    def __init__(self, field):
        super().__init__(field)
        pattern = self.constraints.get("pattern")
        self.pattern = pattern
        self.translation = _regex.translate(pattern) if pattern is not None else None
        self.pattern_py = re.compile("^{0}$".format(pattern)) if pattern is not None else None

    def fast(self, arr, valued):
        ok = valued.copy()
        fmt = self.format
        if fmt == "email":
            ok &= match(arr, _EMAIL) & np_bool(pc.less_equal(pc.utf8_length(arr), 64))
        elif fmt == "uuid":
            ok &= match(arr, _UUID)
        elif fmt == "uri":
            ok &= match(arr, _URI)
        elif fmt == "binary":
            ok &= match(arr, _BASE64)
        elif fmt != "default":
            ok[:] = False  # wkt and unknown formats: Frictionless decides each value
        return Fast(ok=ok, canon=lambda: arr)


class IntegerPlan(Plan):
    key_type = pa.int64()
    order_kind = "int"
    cell_from_key = True

    def fast(self, arr, valued):
        # ascii_is_decimal is ~50x cheaper than a regex; "-" is handled on its own
        body = arr
        negative = np_bool(pc.starts_with(arr, "-"))
        if negative.any():
            body = pc.if_else(pa.array(negative), pc.utf8_slice_codeunits(arr, 1), arr)
        ok = valued & np_bool(pc.ascii_is_decimal(body)) & np_bool(pc.less_equal(pc.binary_length(body), 18))
        values = ints(arr, ok)
        return Fast(ok=ok, canon=lambda: pa.array(values, pa.int64()), order=lambda: values)

    def canon_py(self, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise Unsupported("non-int value in an integer field")
        return value  # beyond int64: kept apart by the caller (see columnar._merge_keys)

    def order_py(self, value):
        return int(value)

    def key_to_cell(self, key):
        return str(key)


class YearPlan(IntegerPlan):
    def fast(self, arr, valued):
        ok = valued & np_bool(pc.ascii_is_decimal(arr)) & np_bool(pc.equal(pc.binary_length(arr), 4))
        values = ints(arr, ok)
        return Fast(ok=ok, canon=lambda: pa.array(values, pa.int64()), order=lambda: values)


class YearmonthPlan(Plan):
    key_type = pa.int64()
    order_kind = "int"
    cell_from_key = True

    def fast(self, arr, valued):
        ok = valued & match(arr, r"\A[0-9]{4}-(?:0[1-9]|1[0-2])\z")
        safe = pc.if_else(pa.array(ok), arr, pa.scalar("0000-01", pa.string()))
        y = pc.cast(pc.utf8_slice_codeunits(safe, 0, 4), pa.int64()).to_numpy(zero_copy_only=False)
        m = pc.cast(pc.utf8_slice_codeunits(safe, 5, 7), pa.int64()).to_numpy(zero_copy_only=False)
        return Fast(ok=ok, canon=lambda: pa.array(y * 100 + m, pa.int64()), order=lambda: y * 12 + m)

    def canon_py(self, value):
        y, m = int(value[0]), int(value[1])
        if not (0 <= y and 1 <= m <= 12):
            raise Unsupported("unusual yearmonth in a unique/enum field")
        return y * 100 + m  # order-preserving and injective for months 1..12

    def order_py(self, value):
        return int(value[0]) * 12 + int(value[1])

    def key_to_cell(self, key):
        from frictionless.fields.yearmonth import yearmonth

        return str(yearmonth(key // 100, key % 100))


class NumberPlan(Plan):
    order_kind = "float"

    def __init__(self, field):
        super().__init__(field)
        if getattr(field, "float_number", False):
            raise Unsupported("floatNumber")
        defined = set(field.list_defined())
        self.processor = bool({"group_char", "decimal_char", "bare_number"} & defined)
        self.group = field.group_char if self.processor else ""
        self.dec = field.decimal_char if self.processor else "."
        for ch in (self.group, self.dec):
            if len(ch) > 1 or (ch and ch in "-+0123456789eE"):
                raise Unsupported(f"groupChar/decimalChar {ch!r}")
        if self.dec == "" or self.dec == self.group:
            raise Unsupported("decimalChar")
        chars = "0-9" + re2_char("-") + (re2_char(self.group) if self.group else "") + re2_char(self.dec)
        self.charset = r"\A[" + chars + r"]{1,300}\z"

    def processed(self, arr: pa.Array, ok: np.ndarray) -> tuple[pa.Array, np.ndarray]:
        if not self.processor:
            ok = ok & match(arr, r"\A-?[0-9]+(?:\.[0-9]+)?\z")
            return arr, ok & np_bool(pc.less_equal(pc.binary_length(arr), 300))
        ok = ok & match(arr, self.charset)
        p = arr
        if self.group:
            p = pc.replace_substring(p, self.group, "")
        if self.dec != ".":
            ok &= ~np_bool(pc.match_substring(p, "."))
            p = pc.replace_substring(p, self.dec, ".")
        ok &= match(p, r"\A-?[0-9]+(?:\.[0-9]+)?\z")
        return p, ok

    def fast(self, arr, valued):
        p, ok = self.processed(arr, valued)
        safe = pc.if_else(pa.array(ok), p, pa.scalar("0", pa.string()))
        order = lambda: pc.cast(safe, pa.float64()).to_numpy(zero_copy_only=False)
        return Fast(ok=ok, canon=lambda: decimal_canon_vec(safe), order=order)

    def canon_py(self, value):
        return decimal_canon(value)

    def order_py(self, value):
        if isinstance(value, bool):
            raise Unsupported("boolean bound")
        if isinstance(value, float):
            value = decimal.Decimal(str(value))
        return decimal.Decimal(value)


class BooleanPlan(Plan):
    cell_from_key = True

    def __init__(self, field):
        super().__init__(field)
        self.true_values = list(field.true_values)
        self.false_values = list(field.false_values)
        self.only_true = [v for v in self.true_values if v not in self.false_values]

    def fast(self, arr, valued):
        known = self.true_values + self.false_values
        ok = valued & np_bool(pc.is_in(arr, value_set=pa.array(known, pa.string())))
        is_true = pc.is_in(arr, value_set=pa.array(self.only_true, pa.string()))
        return Fast(ok=ok, canon=lambda: pc.if_else(is_true, "True", "False"))

    def canon_py(self, value):
        if value is True:
            return "True"
        if value is False:
            return "False"
        raise Unsupported("non-boolean value")

    def key_to_cell(self, key):
        return key


class DatePlan(Plan):
    """Keys and bounds use ``date.isoformat()`` text: it orders like the dates."""

    order_kind = "iso"
    cell_from_key = True

    def __init__(self, field):
        super().__init__(field)
        fmt = self.format
        self.strptime = None
        if fmt == "default":
            self.strptime = StrptimePlan.build("%Y-%m-%d")
        elif fmt != "any":
            self.strptime = StrptimePlan.build(fmt)

    def fast(self, arr, valued):
        plan = self.strptime
        if plan is None:
            return Fast(ok=np.zeros(len(arr), dtype=bool))
        ok = plan.ok(arr, valued)
        if self.format == "default":
            iso = lambda: arr  # the fast values already are YYYY-MM-DD
        else:
            iso = lambda: plan.iso_dates(arr, ok)
        return Fast(ok=ok, canon=iso, order=iso)

    def canon_py(self, value):
        return value.isoformat()

    def order_py(self, value):
        return value.isoformat()

    def key_to_cell(self, key):
        return key


_Y = _YEAR_SAFE
_DT_SAFE = (
    r"\A" + _Y + r"-(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])[T ]"
    r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?\z"
)
_ISO_DATETIME = (
    r"\A([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?\z"
)


def _iso_datetime_parts(arr: pa.Array, valued: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Strict ISO datetime (as dateutil's isoparse reads it): ok mask and components."""
    ok = valued & match(arr, _ISO_DATETIME)
    safe = pc.if_else(pa.array(ok), arr, pa.scalar("1970-01-01T00:00:00", pa.string()))
    sl = lambda a, b: pc.cast(pc.utf8_slice_codeunits(safe, a, b), pa.int64()).to_numpy(zero_copy_only=False)
    y, m, d, H, M, S = sl(0, 4), sl(5, 7), sl(8, 10), sl(11, 13), sl(14, 16), sl(17, 19)
    tz = pc.utf8_slice_codeunits(safe, 19, 25)
    has_tz = np_bool(pc.greater(pc.utf8_length(tz), 0))
    is_z = np_bool(pc.equal(tz, "Z"))
    numeric_tz = has_tz & ~is_z
    tz_safe = pc.if_else(pa.array(numeric_tz), tz, pa.scalar("+00:00", pa.string()))
    th = pc.cast(pc.utf8_slice_codeunits(tz_safe, 1, 3), pa.int64()).to_numpy(zero_copy_only=False)
    tm = pc.cast(pc.utf8_slice_codeunits(tz_safe, 4, 6), pa.int64()).to_numpy(zero_copy_only=False)
    sign = np.where(np_bool(pc.starts_with(tz_safe, "-")), -1, 1)
    ok &= valid_ymd(y, m, d) & (H <= 23) & (M <= 59) & (S <= 59) & (th <= 23) & (tm <= 59)
    offset = sign * (th * 3600 + tm * 60)
    return ok, {"y": y, "m": m, "d": d, "H": H, "M": M, "S": S, "offset": offset, "has_tz": has_tz}


def _datetime_keys(p: dict[str, np.ndarray]) -> pa.Array:
    seconds = days_from_civil(p["y"], p["m"], p["d"]) * 86400 + p["H"] * 3600 + p["M"] * 60 + p["S"] - p["offset"]
    us = pa.array(seconds * 1_000_000, pa.int64())
    prefix = pa.array(np.where(p["has_tz"], "A", "N"), pa.string())
    return pc.binary_join_element_wise(prefix, pc.cast(us, pa.string()), "")


class _StrptimeFormatPlan(Plan):
    """A temporal type whose custom ``format`` is read through a strptime plan."""

    def __init__(self, field):
        super().__init__(field)
        fmt = self.format
        self.strptime = None
        if fmt not in ("default", "any"):
            self.strptime = StrptimePlan.build(fmt)


class DatetimePlan(_StrptimeFormatPlan):

    def fast(self, arr, valued):
        n = len(arr)
        if self.format == "default":
            ok = valued & match(arr, _DT_SAFE)
            rest = valued & ~ok
            if rest.any():
                idx = np.nonzero(rest)[0]
                sub_ok, _ = _iso_datetime_parts(arr.take(pa.array(idx)), np.ones(len(idx), dtype=bool))
                ok[idx[sub_ok]] = True
            return Fast(ok=ok, canon=lambda: _datetime_keys(_iso_datetime_parts(arr, ok)[1]))
        if self.strptime is not None:
            plan = self.strptime
            ok = plan.ok(arr, valued)

            def canon():
                parts = plan.parse(arr, ok)[1]
                parts["offset"] = np.zeros(n, dtype=np.int64)
                parts["has_tz"] = np.zeros(n, dtype=bool)
                return _datetime_keys(parts)

            return Fast(ok=ok, canon=canon)
        return Fast(ok=np.zeros(n, dtype=bool))

    def canon_py(self, value):
        return datetime_key_py(value)


class TimePlan(_StrptimeFormatPlan):

    def fast(self, arr, valued):
        n = len(arr)
        if self.format == "default":
            ok = valued & match(arr, r"\A(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\z")

            def canon():
                safe = pc.if_else(pa.array(ok), arr, pa.scalar("00:00:00", pa.string()))
                sl = lambda a, b: pc.cast(pc.utf8_slice_codeunits(safe, a, b), pa.int64()).to_numpy(zero_copy_only=False)
                us = pa.array((sl(0, 2) * 3600 + sl(3, 5) * 60 + sl(6, 8)) * 1_000_000, pa.int64())
                return pc.binary_join_element_wise("N", pc.cast(us, pa.string()), "")

            return Fast(ok=ok, canon=canon)
        if self.strptime is not None:
            plan = self.strptime
            ok = plan.ok(arr, valued)

            def canon():
                p = plan.parse(arr, ok)[1]
                us = pa.array((p["H"] * 3600 + p["M"] * 60 + p["S"]) * 1_000_000, pa.int64())
                return pc.binary_join_element_wise("N", pc.cast(us, pa.string()), "")

            return Fast(ok=ok, canon=canon)
        return Fast(ok=np.zeros(n, dtype=bool))

    def canon_py(self, value):
        return time_key_py(value)


_GEOPOINT = r"\A-?[0-9]{1,3}(?:\.[0-9]{1,20})?, ?-?[0-9]{1,2}(?:\.[0-9]{1,20})?\z"


class GeopointPlan(Plan):
    def fast(self, arr, valued):
        n = len(arr)
        if self.format != "default":
            return Fast(ok=np.zeros(n, dtype=bool))
        ok = valued & match(arr, _GEOPOINT)
        safe = pc.if_else(pa.array(ok), arr, pa.scalar("0,0", pa.string()))
        parts = pc.split_pattern(safe, ",")
        lon = pc.cast(pc.utf8_trim_whitespace(pc.list_element(parts, 0)), pa.float64()).to_numpy(zero_copy_only=False)
        lat = pc.cast(pc.utf8_trim_whitespace(pc.list_element(parts, 1)), pa.float64()).to_numpy(zero_copy_only=False)
        # strictly inside the ranges: a float below 180 proves the decimal is below 180
        ok &= (np.abs(lon) < 180) & (np.abs(lat) < 90)

        def canon():
            lon_p = pc.utf8_trim_whitespace(pc.list_element(parts, 0))
            lat_p = pc.utf8_trim_whitespace(pc.list_element(parts, 1))
            return pc.binary_join_element_wise(decimal_canon_vec(lon_p), decimal_canon_vec(lat_p), ",")

        return Fast(ok=ok, canon=canon)

    def canon_py(self, value):
        lon, lat = decimal_canon(value[0]), decimal_canon(value[1])
        if lon is NAN or lat is NAN:
            return NAN
        return f"{lon},{lat}"


class OpaquePlan(Plan):
    """Types with no fast path (duration, object, array, list, geojson...): every value
    goes through Frictionless' reader; unique/primaryKey on them are not supported."""

    supports_keys = False

    def check_buildable(self):
        # enum is checked by Frictionless' reader (every value is residual)
        for name in BOUNDS:
            if name in self.constraints and self.constraints[name] is not None:
                raise Unsupported(f'"{name}" on a {self.type} field')


PLANS = {
    "any": AnyPlan,
    "string": StringPlan,
    "integer": IntegerPlan,
    "number": NumberPlan,
    "boolean": BooleanPlan,
    "date": DatePlan,
    "datetime": DatetimePlan,
    "time": TimePlan,
    "year": YearPlan,
    "yearmonth": YearmonthPlan,
    "geopoint": GeopointPlan,
}


def make_plan(field: Any) -> Plan:
    cls = PLANS.get(field.type, OpaquePlan)
    plan = cls(field)
    plan.check_buildable()
    return plan
