"""Personal-data (PDPA) scanner for tabular resources.

Why: data.go.th only takes data classified public, yet real uploads have carried national IDs,
phone numbers and names of private people. Publishing them is a PDPA breach that cannot be
undone, so every hit is an ERROR by default (it blocks publication).

How: the caller streams a file and feeds each column batch to :class:`PiiScanner` together with
the row number of the batch's first value (the header is row 1, so data starts at row 2). Each
batch costs one RE2 pass per kind over the whole array (``pyarrow.compute``); only the
candidates are extracted and, for national IDs, check-digit-verified with numpy. Hits are
aggregated into one finding per column and kind (count, first rows, a few examples).

A finding never carries the value itself: examples are masked (``1-2345-xxxxx-xx-1``,
``08x-xxx-x678``, ``s****@example.go.th``), because reports are shared, logged and pasted into
tickets — a report must not become the leak.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Collection, Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from catalog import findings
from catalog.findings import Finding, Severity

NATIONAL_ID = "national_id"
PHONE = "phone"
EMAIL = "email"
PERSON_NAME = "person_name"
ADDRESS = "address"
BIRTH_DATE = "birth_date"

MAX_ROWS = 5  # row numbers quoted per finding
MIN_NUMBER_CHARS = 9  # the shortest Thai phone number (landline, 9 digits); IDs have 13
MAX_EXAMPLES = 3  # masked examples quoted per finding

# RE2 patterns (pyarrow.compute). Digit runs must not continue on either side, so a 13-digit ID
# is not found inside a 20-digit account number and a phone number not inside a longer number.
_ID_CORE = r"[0-9]{13}|[0-9][- ][0-9]{4}[- ][0-9]{5}[- ][0-9]{2}[- ][0-9]"
_ID_RE = rf"(?:^|[^0-9])(?P<v>{_ID_CORE})(?:[^0-9]|$)"
# Thai numbers: mobile 0[689]x-xxx-xxxx (10 digits), landline 0[2-7]x-xxx-xxx (9 digits),
# or the same without the trunk 0 after +66. '.' is not a separator: 0.23456789 is a number.
_PHONE_CORE = r"(?:\+66|0)[- ]?(?:[689](?:[- ]?[0-9]){8}|[2-7](?:[- ]?[0-9]){7})"
_PHONE_RE = rf"(?:^|[^0-9+])(?P<v>{_PHONE_CORE})(?:[^0-9]|$)"
_EMAIL_CORE = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_EMAIL_RE = rf"(?P<v>{_EMAIL_CORE})"

_WEIGHTS = np.arange(13, 1, -1, dtype=np.int64)  # 13, 12, ..., 2


# ---------------------------------------------------------------- check digit and masking


def is_valid_national_id(value: str) -> bool:
    """Thai national ID check: weights 13..2 on d1..d12, check = (11 - sum mod 11) mod 10."""
    digits = re.sub(r"[- ]", "", str(value))
    if len(digits) != 13 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:12], range(13, 1, -1)))
    return (11 - total % 11) % 10 == int(digits[12])


def _valid_id_mask(digits: pa.Array) -> np.ndarray:
    """Vectorised check digit over an array of 13-ASCII-digit strings (no nulls)."""
    digits = digits.cast(pa.large_string())
    offsets = np.frombuffer(digits.buffers()[1], dtype=np.int64)[
        digits.offset : digits.offset + len(digits) + 1
    ]
    raw = np.frombuffer(digits.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    matrix = raw.reshape(-1, 13).astype(np.int64) - 48
    check = (11 - (matrix[:, :12] @ _WEIGHTS) % 11) % 10
    return check == matrix[:, 12]


def mask_national_id(value: str) -> str:
    """``1234567890121`` -> ``1-2345-xxxxx-xx-1`` (category and office digits stay readable)."""
    d = re.sub(r"\D", "", value)
    if len(d) != 13:
        return "x-xxxx-xxxxx-xx-x"
    return f"{d[0]}-{d[1:5]}-xxxxx-xx-{d[12]}"


def mask_phone(value: str) -> str:
    """``081-234-5678`` / ``+66 81 234 5678`` -> ``08x-xxx-x678``; landline ``02-xxx-x567``."""
    d = re.sub(r"\D", "", value)
    if value.strip().startswith("+") and d.startswith("66"):
        d = "0" + d[2:]
    if len(d) == 10:
        return f"{d[:2]}x-xxx-x{d[-3:]}"
    if len(d) == 9:
        return f"{d[:2]}-xxx-x{d[-3:]}"
    return "0xx-xxx-xxxx"


def mask_email(value: str) -> str:
    """``somchai@example.go.th`` -> ``s****@example.go.th``: the office domain is not personal."""
    local, _, domain = value.partition("@")
    return f"{local[:1]}****@{domain}"


def mask_text(value: object) -> str:
    """Mask a whole cell of a personal column (a name, an address): first character + ****."""
    text = str(value)
    return (text[:1] + "****") if text else text


_PY_PATTERNS = [  # Python re equivalents, for masking PII embedded in arbitrary text
    (re.compile(rf"(?<![0-9])(?:{_ID_CORE})(?![0-9])"), mask_national_id),
    (re.compile(rf"(?<![0-9+])(?:{_PHONE_CORE})(?![0-9])"), mask_phone),
    (re.compile(_EMAIL_CORE), mask_email),
]


def redact(value: object) -> str:
    """Replace every national ID / phone / e-mail inside ``value`` by its mask.

    For text that leaves the scanner (e.g. GX's unexpected-value samples), so a value that
    happens to contain personal data is never quoted whole.
    """
    text = str(value)
    for pattern, mask in _PY_PATTERNS:
        text = pattern.sub(lambda m, mask=mask: mask(m.group(0)), text)
    return text


# ---------------------------------------------------------------- column names


def _tokens(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [t for t in re.split(r"[^0-9a-z\u0e00-\u0e7f]+", spaced.lower()) if t]


_TH_CONTAINS = [
    ("เลขบัตรประชาชน", NATIONAL_ID), ("เลขประจำตัวประชาชน", NATIONAL_ID),
    ("บัตรประจำตัวประชาชน", NATIONAL_ID), ("บัตรประชาชน", NATIONAL_ID),
    ("วันเกิด", BIRTH_DATE), ("วันเดือนปีเกิด", BIRTH_DATE),
    ("นามสกุล", PERSON_NAME), ("คำนำหน้าชื่อ", PERSON_NAME),
    ("เบอร์โทร", PHONE), ("โทรศัพท์", PHONE), ("มือถือ", PHONE), ("เบอร์ติดต่อ", PHONE),
    ("อีเมล", EMAIL), ("ไปรษณีย์อิเล็กทรอนิกส์", EMAIL),
    ("ที่อยู่", ADDRESS), ("บ้านเลขที่", ADDRESS),
]
# Exact (compacted) names only: "ชื่อ" alone is a person's name, but ชื่อจังหวัด/ชื่อโรงเรียน are
# not; "ชื่อสกุล" is, but "ชื่อสกุลเงิน" (currency) is not.
_EXACT = {
    "ชื่อ": PERSON_NAME, "ชื่อสกุล": PERSON_NAME, "ชื่อตัว": PERSON_NAME, "ชื่อจริง": PERSON_NAME,
    "คำนำหน้า": PERSON_NAME, "dob": BIRTH_DATE, "fname": PERSON_NAME, "lname": PERSON_NAME,
    "surname": PERSON_NAME, "tel": PHONE, "fax": PHONE,
}
_COMPACT_CONTAINS = [
    ("citizenid", NATIONAL_ID), ("nationalid", NATIONAL_ID), ("idcard", NATIONAL_ID),
    ("identitycard", NATIONAL_ID), ("identificationnumber", NATIONAL_ID),
    ("thaiid", NATIONAL_ID), ("personalid", NATIONAL_ID),
    ("birthdate", BIRTH_DATE), ("dateofbirth", BIRTH_DATE), ("birthday", BIRTH_DATE),
    ("firstname", PERSON_NAME), ("lastname", PERSON_NAME), ("fullname", PERSON_NAME),
    ("givenname", PERSON_NAME), ("familyname", PERSON_NAME), ("middlename", PERSON_NAME),
    ("personname", PERSON_NAME), ("contactname", PERSON_NAME), ("contactperson", PERSON_NAME),
    ("email", EMAIL),
]
_TOKEN_KINDS = {
    "phone": PHONE, "telephone": PHONE, "mobile": PHONE, "cellphone": PHONE, "tel": PHONE,
    "email": EMAIL, "mail": EMAIL, "surname": PERSON_NAME, "address": ADDRESS, "addr": ADDRESS,
}
_NOT_PERSONAL_ADDRESS = {"ip", "web", "url", "mac", "website", "server"}


def personal_column_kind(name: str) -> str | None:
    """The kind of personal data a column name suggests, or None.

    Conservative on purpose: a false alarm here blocks a legitimate publication, so generic
    names (``name``, ``ชื่อจังหวัด``, ``province_name``, ``birth_rate``) do not match.
    """
    tokens = _tokens(name)
    compact = "".join(tokens)
    if not compact:
        return None
    if compact in _EXACT:
        return _EXACT[compact]
    if compact.startswith("ชื่อผู้") or compact in ("ชื่อนามสกุล", "ชื่อและนามสกุล"):
        return PERSON_NAME
    for needle, kind in _TH_CONTAINS:
        if needle in compact:
            return kind
    for needle, kind in _COMPACT_CONTAINS:
        if needle in compact:
            return kind
    if "birth" in tokens and ({"date", "day"} & set(tokens)):
        return BIRTH_DATE
    for token in tokens:
        kind = _TOKEN_KINDS.get(token)
        if kind == ADDRESS and _NOT_PERSONAL_ADDRESS & set(tokens):
            continue
        if kind:
            return kind
    return None


def looks_personal(name: str) -> bool:
    return personal_column_kind(name) is not None


_KIND_LABELS = {  # (en, th) — passed as params so each language's template can quote its own
    NATIONAL_ID: ("national ID numbers", "เลขประจำตัวประชาชน"),
    PHONE: ("phone numbers", "หมายเลขโทรศัพท์"),
    EMAIL: ("e-mail addresses", "อีเมล"),
    PERSON_NAME: ("names of people", "ชื่อ-นามสกุลของบุคคล"),
    ADDRESS: ("addresses", "ที่อยู่"),
    BIRTH_DATE: ("birth dates", "วันเกิด"),
}


# ---------------------------------------------------------------- scanning


def _as_strings(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], pa.string())
    t = values.type
    if pa.types.is_dictionary(t):
        values = values.dictionary_decode()
        t = values.type
    if not (pa.types.is_string(t) or pa.types.is_large_string(t)):
        # A CSV reader types a column of national IDs as int64: scan it as text all the same.
        if pa.types.is_integer(t) or pa.types.is_decimal(t) or pa.types.is_string_view(t):
            values = values.cast(pa.string())
        else:
            return pa.array([], pa.string())
    return values


@dataclass
class _Hits:
    count: int = 0
    rows: list[int] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)


@dataclass
class _Column:
    name_kind: str | None
    rows: int = 0
    hits: dict[str, _Hits] = field(default_factory=dict)


class PiiScanner:
    """Accumulates PII hits over the batches of one resource; ``findings()`` aggregates them.

    ``allow_columns``: columns the steward reviewed and declared not personal (e.g. an office
    phone column in a list of hospitals); their hits are reported as INFO instead of blocking.
    """

    def __init__(self, *, file: str | None = None, dataset: str | None = None,
                 resource: str | None = None, severity: Severity = Severity.ERROR,
                 allow_columns: Collection[str] = ()) -> None:
        self.location = {"file": file, "dataset": dataset, "resource": resource}
        self.severity = severity
        self.allow_columns = set(allow_columns)
        self._columns: dict[str, _Column] = {}

    def scan(self, column: str, values: pa.Array | pa.ChunkedArray, first_row: int = 2, *,
             content: bool = True) -> None:
        """Scan one batch of ``column`` whose first value is on data-file row ``first_row``.

        ``content=False`` judges the column's name only: for columns whose Table Schema type
        (date, boolean, ...) cannot hold an ID, a phone number or an e-mail address.
        """
        state = self._columns.get(column)
        if state is None:
            state = self._columns[column] = _Column(personal_column_kind(column))
        state.rows += len(values)
        if not content:
            return
        arr = _as_strings(values)
        if len(arr) == 0 or arr.null_count == len(arr):
            return
        # An ID (13 digits) or a phone number (9+ digits) needs 9+ characters: the regexes run
        # only on such cells, found by a cheap length pass (most numeric cells are shorter).
        long_enough = pc.fill_null(pc.greater_equal(pc.utf8_length(arr), MIN_NUMBER_CHARS), False)
        index = pc.indices_nonzero(long_enough)
        if len(index):
            candidates = arr if len(index) == len(arr) else pc.take(arr, index)
            origin = None if len(index) == len(arr) else index.to_numpy()
            self._scan_kind(state, NATIONAL_ID, candidates, first_row, _ID_RE, prefilter=None, origin=origin)
            self._scan_kind(state, PHONE, candidates, first_row, _PHONE_RE, prefilter=None, origin=origin)
        self._scan_kind(state, EMAIL, arr, first_row, _EMAIL_RE, prefilter="@")

    def _scan_kind(self, state: _Column, kind: str, arr: pa.Array, first_row: int,
                   pattern: str, prefilter: str | None, origin: np.ndarray | None = None) -> None:
        """``origin`` maps positions in ``arr`` back to the batch when ``arr`` is a subset."""
        if prefilter is not None:
            hit = pc.match_substring(arr, prefilter)
            hit = pc.and_(hit, pc.match_substring_regex(arr, pattern)) if pc.any(hit).as_py() else hit
        else:
            hit = pc.match_substring_regex(arr, pattern)
        positions = pc.indices_nonzero(pc.fill_null(hit, False)).to_numpy()
        if len(positions) == 0:
            return
        if kind != NATIONAL_ID:
            # A match is a hit: extract only the few values quoted (masked) as examples.
            positions = origin[positions] if origin is not None else positions
            sample = pc.take(arr, pc.indices_nonzero(pc.fill_null(hit, False))[: MAX_EXAMPLES * 3])
            matched = pc.struct_field(pc.extract_regex(sample, pattern), "v")
        else:
            # An ID needs its check digit: extract every candidate (few in ordinary data).
            extracted = pc.extract_regex(pc.take(arr, pa.array(positions)), pattern)
            keep = pc.is_valid(extracted).to_numpy(zero_copy_only=False)
            positions = (origin[positions] if origin is not None else positions)[keep]
            matched = pc.filter(pc.struct_field(extracted, "v"), pa.array(keep))
            if len(matched):
                ok = _valid_id_mask(pc.replace_substring_regex(matched, "[- ]", ""))
                positions, matched = positions[ok], pc.filter(matched, pa.array(ok))
        if len(positions) == 0:
            return
        hits = state.hits.setdefault(kind, _Hits())
        hits.count += len(positions)
        room = MAX_ROWS - len(hits.rows)
        if room > 0:
            hits.rows.extend(int(p) + first_row for p in positions[:room])
        mask = {NATIONAL_ID: mask_national_id, PHONE: mask_phone, EMAIL: mask_email}[kind]
        for raw in matched.slice(0, MAX_EXAMPLES * 3).to_pylist():
            masked = mask(raw)
            if len(hits.examples) < MAX_EXAMPLES and masked not in hits.examples:
                hits.examples.append(masked)

    def scan_table(self, table: pa.Table | pa.RecordBatch, first_row: int = 2) -> None:
        for name, column in zip(table.column_names, table.columns):
            self.scan(name, column, first_row)

    def findings(self) -> list[Finding]:
        """One finding per column for a personal-sounding name, one per column and value kind."""
        out: list[Finding] = []
        for column, state in self._columns.items():
            allowed = column in self.allow_columns
            make = findings.info if allowed else {
                Severity.ERROR: findings.error, Severity.WARNING: findings.warning,
                Severity.INFO: findings.info}[self.severity]
            if state.name_kind is not None:
                en, th = _KIND_LABELS[state.name_kind]
                out.append(make("PII_COLUMN_NAME", field=column, **self.location,
                                column_name=column, kind=state.name_kind,
                                kind_en=en, kind_th=th))
            for kind, hits in state.hits.items():
                code = {NATIONAL_ID: "PII_NATIONAL_ID", PHONE: "PII_PHONE", EMAIL: "PII_EMAIL"}[kind]
                out.append(make(code, field=column, row=hits.rows[0], **self.location,
                                column_name=column, count=hits.count, rows_scanned=state.rows,
                                rows=list(hits.rows), more="…" if hits.count > len(hits.rows) else "",
                                examples=list(hits.examples)))
        return out


def scan_column(column: str, values: pa.Array | pa.ChunkedArray, first_row: int = 2,
                **location: object) -> list[Finding]:
    """One-shot convenience: scan a whole column (or one batch) and return its findings."""
    scanner = PiiScanner(**location)  # type: ignore[arg-type]
    scanner.scan(column, values, first_row)
    return scanner.findings()


def scan_batches(batches: Iterable[pa.RecordBatch], first_row: int = 2,
                 **location: object) -> list[Finding]:
    """Scan a stream of record batches (e.g. ``pyarrow.csv.open_csv``) keeping row numbers right."""
    scanner = PiiScanner(**location)  # type: ignore[arg-type]
    row = first_row
    for batch in batches:
        scanner.scan_table(batch, row)
        row += batch.num_rows
    return scanner.findings()
