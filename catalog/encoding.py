"""Which text encoding a Thai data file is really in — decided from all of its bytes.

Why: Thai agencies still export CSV from Excel as Windows-874 / TIS-620 (cp874). Generic
detectors sample the start of a file; a mostly-ASCII cp874 file then "looks" like cp1252 or
cp437, Frictionless decodes it without complaint and the portal shows mojibake
(``เชียงใหม่`` -> ``àªÕÂ§ãËÁè``). So we never guess silently: every byte is read (streaming,
constant memory), UTF-8 is checked with a strict incremental decoder, and cp874 is accepted
only when the high bytes look like Thai writing (defined bytes, letters in runs, combining
vowels/tone marks sitting on consonants). Otherwise the answer is "unsure" and the steward is
asked to declare ``encoding:``.
"""
from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

from catalog import findings
from catalog.findings import Finding

CHUNK = 1 << 20
UTF8_FAMILY = {"utf-8", "utf-8-sig"}
CP874_FAMILY = {"cp874", "tis-620", "iso8859-11"}
_ALIASES = {"windows-874": "cp874", "windows874": "cp874", "x-windows-874": "cp874",
            "ms874": "cp874", "win874": "cp874", "ibm874": "cp874"}
MIN_THAI_BYTES = 3  # fewer Thai bytes than this is too little evidence to call it cp874


def _table(pred) -> np.ndarray:
    return np.array([pred(b) for b in range(256)], dtype=bool)


def _undefined_in_cp874(b: int) -> bool:
    try:
        bytes([b]).decode("cp874")
        return False
    except UnicodeDecodeError:
        return True


_UNDEF = _table(_undefined_in_cp874)
_THAI = _table(lambda b: 0xA1 <= b <= 0xFB) & ~_UNDEF
_CONSONANT = _table(lambda b: 0xA1 <= b <= 0xCE)
# Combining marks: mai han-akat, sara i..phinthu (above/below vowels), maitaikhu..yamakkan.
_MARK = _table(lambda b: b == 0xD1 or 0xD4 <= b <= 0xDA or 0xE7 <= b <= 0xEE)
_CARRIER = _CONSONANT | _MARK  # what a combining mark may sit on


@dataclass(frozen=True)
class EncodingResult:
    """What the bytes say. ``encoding`` is a Python codec name, or None when unsure."""

    encoding: str | None
    confidence: str  # "certain" | "high" | "medium" | "none"
    reason: str  # short machine-readable reason, e.g. "bom", "valid-utf-8", "thai-cp874"
    size: int
    ascii_only: bool
    thai_chars: int  # Thai characters seen (UTF-8 sequences, or cp874 Thai bytes)
    candidate: str | None = None  # best guess when encoding is None
    utf8_error_offset: int | None = None  # first byte that is not valid UTF-8
    utf8_error_line: int | None = None
    utf8_error_byte: str | None = None  # e.g. "0xA1"
    cp874_undefined: int = 0  # bytes that no Thai code page defines
    orphan_marks: int = 0  # Thai combining marks not sitting on a consonant

    @property
    def unsure(self) -> bool:
        return self.encoding is None


def normalize_codec(name: str) -> str:
    """Python's canonical codec name (``Windows-874`` -> ``cp874``); LookupError if unknown."""
    key = name.strip().lower().replace("_", "-")
    return codecs.lookup(_ALIASES.get(key, key)).name


class _Stats:
    """Byte statistics accumulated chunk by chunk (numpy, no per-byte Python loop)."""

    def __init__(self) -> None:
        self.size = self.high = self.thai = self.undef = self.orphans = self.isolated = 0
        self.utf8_thai = self.newlines = 0
        self.prev = 0x0A  # byte before the current chunk
        self.pending_lonely = False  # last byte so far is high with no high left neighbour

    def finish(self) -> None:
        if self.pending_lonely:
            self.isolated += 1
            self.pending_lonely = False

    def add(self, chunk: bytes) -> None:
        b = np.frombuffer(chunk, dtype=np.uint8)
        self.size += len(b)
        self.newlines += chunk.count(b"\n")
        high = b >= 0x80
        n_high = int(np.count_nonzero(high))
        first_prev, self.prev = self.prev, int(b[-1])
        if self.pending_lonely and not high[0]:
            self.isolated += 1
        self.pending_lonely = False
        if n_high == 0:  # ASCII chunk: nothing else to learn
            return
        self.high += n_high
        counts = np.bincount(b[high], minlength=256)
        self.thai += int(counts[_THAI].sum())
        self.undef += int(counts[_UNDEF].sum())
        # Combining marks must sit on a consonant or another mark.
        marks = np.flatnonzero((b == 0xD1) | ((b >= 0xD4) & (b <= 0xDA)) | ((b >= 0xE7) & (b <= 0xEE)))
        if len(marks):
            before = b[np.maximum(marks - 1, 0)].copy()
            if marks[0] == 0:
                before[0] = first_prev
            self.orphans += int(np.count_nonzero(~_CARRIER[before]))
        # High bytes with no high neighbour: Thai words come in runs, Latin accents alone.
        # The last byte's right neighbour is in the next chunk: decide it there (exactness
        # keeps the answer independent of the chunk size).
        lonely = high.copy()
        lonely[1:] &= ~high[:-1]
        lonely[:-1] &= ~high[1:]
        if first_prev >= 0x80:
            lonely[0] = False
        self.isolated += int(np.count_nonzero(lonely[:-1]))
        self.pending_lonely = bool(lonely[-1])
        # UTF-8 Thai block U+0E00..U+0E7F is E0 B8 xx / E0 B9 xx.
        lead = np.flatnonzero(b[:-1] == 0xE0) + 1
        self.utf8_thai += int(np.count_nonzero((b[lead] == 0xB8) | (b[lead] == 0xB9)))
        if first_prev == 0xE0 and b[0] in (0xB8, 0xB9):
            self.utf8_thai += 1


def _open(source: str | os.PathLike | BinaryIO):
    if hasattr(source, "read"):
        return _NoClose(source)
    return open(source, "rb")


class _NoClose:
    def __init__(self, fh):
        self.fh = fh

    def __enter__(self):
        return self.fh

    def __exit__(self, *exc):
        return False


def detect(source: str | os.PathLike | BinaryIO, *, chunk_size: int = CHUNK) -> EncodingResult:
    """Read ``source`` once in ``chunk_size`` pieces and decide its encoding."""
    stats = _Stats()
    pending = b""
    utf8_ok = True
    err_off = err_line = err_byte = None
    with _open(source) as fh:
        head = fh.read(chunk_size)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not head.startswith(
                codecs.BOM_UTF8):
            return EncodingResult("utf-16", "certain", "bom", len(head) + _rest(fh), False, 0)
        bom = head.startswith(codecs.BOM_UTF8)
        chunk = head
        while chunk:
            nl_before = stats.newlines
            stats.add(chunk)
            if utf8_ok:
                data = pending + chunk
                try:
                    _, used = codecs.utf_8_decode(data, "strict", False)
                    pending = data[used:]
                except UnicodeDecodeError as exc:
                    utf8_ok = False
                    base = stats.size - len(data)
                    err_off = base + exc.start
                    err_line = nl_before + data[: exc.start].count(b"\n") + 1
                    err_byte = f"0x{data[exc.start]:02X}"
            chunk = fh.read(chunk_size)
    stats.finish()
    if utf8_ok and pending:  # file ends inside a multi-byte sequence
        utf8_ok = False
        err_off, err_byte = stats.size - len(pending), f"0x{pending[0]:02X}"
        err_line = stats.newlines + 1
    common = dict(size=stats.size, ascii_only=stats.high == 0, utf8_error_offset=err_off,
                  utf8_error_line=err_line, utf8_error_byte=err_byte,
                  cp874_undefined=stats.undef, orphan_marks=stats.orphans)
    if utf8_ok:
        if bom:
            return EncodingResult("utf-8-sig", "certain", "bom", thai_chars=stats.utf8_thai, **common)
        reason = "empty" if stats.size == 0 else ("ascii" if stats.high == 0 else "valid-utf-8")
        return EncodingResult("utf-8", "certain", reason, thai_chars=stats.utf8_thai, **common)
    if bom or (stats.utf8_thai >= MIN_THAI_BYTES and stats.undef):
        # Mostly UTF-8 Thai with some broken bytes (e.g. files concatenated from two sources).
        return EncodingResult(None, "none", "mixed-utf-8", thai_chars=stats.utf8_thai,
                              candidate="utf-8", **common)
    if stats.undef:
        return EncodingResult(None, "none", "not-utf-8-nor-cp874", thai_chars=0, **common)
    plausible = (stats.orphans <= 0.02 * stats.thai
                 and stats.isolated <= 0.3 * stats.high
                 and stats.thai >= 0.9 * stats.high)
    if plausible and stats.thai >= MIN_THAI_BYTES:
        confidence = "high" if stats.thai >= 20 else "medium"
        return EncodingResult("cp874", confidence, "thai-cp874", thai_chars=stats.thai, **common)
    reason = "too-little-thai" if plausible else "not-thai-text"
    return EncodingResult(None, "none", reason, thai_chars=stats.thai,
                          candidate="cp874" if plausible and stats.thai else None, **common)


def _rest(fh) -> int:
    n = 0
    while chunk := fh.read(CHUNK):
        n += len(chunk)
    return n


def first_decode_error(source, codec: str, *, chunk_size: int = CHUNK):
    """(offset, line, byte) of the first byte ``codec`` cannot decode, or None. Streaming."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    offset = newlines = 0
    with _open(source) as fh:
        while True:
            chunk = fh.read(chunk_size)
            final = not chunk
            try:
                decoder.decode(chunk, final)
            except UnicodeDecodeError as exc:
                buffered = exc.object
                start = offset - (len(buffered) - len(chunk)) + exc.start
                local = max(0, exc.start - (len(buffered) - len(chunk)))
                line = newlines + chunk[:local].count(b"\n") + 1
                return start, line, f"0x{buffered[exc.start]:02X}"
            if final:
                return None
            offset += len(chunk)
            newlines += chunk.count(b"\n")


def _is_utf8(declared: str) -> bool:
    try:
        return normalize_codec(str(declared)) in UTF8_FAMILY
    except LookupError:
        return False


def check(source, declared: str | None = None, *, file: str | None = None,
          line: int | None = None, dataset: str | None = None, resource: str | None = None,
          chunk_size: int = CHUNK) -> tuple[EncodingResult, list[Finding]]:
    """Detect the encoding of ``source`` and compare it with the manifest's ``encoding:``.

    ``line`` is the manifest line of the ``encoding:`` key (or of the resource) so a
    contradiction points at what to edit. Returns the detection and its findings. A file
    object must be seekable: a declared single-byte code page needs a second decoding pass.
    """
    start = source.tell() if hasattr(source, "read") else None
    if start is None and declared and _is_utf8(declared) and first_decode_error(source, "utf-8") is None:
        # Declared UTF-8 and it decodes: Thai cp874 bytes practically never form valid UTF-8,
        # so one plain decoding pass settles it without the full (slower) detection.
        return EncodingResult(encoding=normalize_codec(str(declared)), confidence="certain",
                              reason="declared-utf-8-decodes", size=os.path.getsize(source),
                              ascii_only=False, thai_chars=0), []
    result = detect(source, chunk_size=chunk_size)
    loc = dict(file=file, line=line, dataset=dataset, resource=resource)
    detected = result.encoding or "unknown"
    if declared is None or not str(declared).strip():
        if result.encoding == "cp874":
            return result, [findings.warning("ENC_CP874", **loc, thai_chars=result.thai_chars)]
        if result.encoding == "utf-16":
            return result, [findings.warning("ENC_UTF16", **loc)]
        if result.unsure:
            return result, [findings.warning(
                "ENC_UNSURE", **loc, reason=result.reason, offset=result.utf8_error_offset,
                data_line=result.utf8_error_line, byte=result.utf8_error_byte,
                candidate=result.candidate or "-")]
        return result, []
    try:
        codec = normalize_codec(str(declared))
    except LookupError:
        return result, [findings.error("ENC_UNKNOWN_CODEC", **loc, declared=declared,
                                       detected=detected)]
    if codec in UTF8_FAMILY:
        bad = None if result.utf8_error_offset is None else (
            result.utf8_error_offset, result.utf8_error_line, result.utf8_error_byte)
    elif codec == "utf-16" and result.encoding == "utf-16":
        bad = None
    else:
        if start is not None:
            source.seek(start)
        bad = first_decode_error(source, codec, chunk_size=chunk_size)
    if bad is not None:
        offset, data_line, byte = bad
        return result, [findings.error("ENC_INVALID_BYTES", **loc, declared=declared,
                                       detected=detected, offset=offset, data_line=data_line,
                                       byte=byte)]
    # Single-byte code pages (latin-1, cp437, cp1252 ...) decode almost anything, so "it
    # decoded" proves nothing: compare with what the bytes look like.
    family = ("utf-8" if codec in UTF8_FAMILY else "cp874" if codec in CP874_FAMILY else codec)
    looks = ("utf-8" if result.encoding in UTF8_FAMILY and not result.ascii_only
             else "cp874" if result.encoding == "cp874" else None)
    if looks is not None and looks != family:
        return result, [findings.error("ENC_DECLARED_CONTRADICTS", **loc, declared=declared,
                                       detected=result.encoding, thai_chars=result.thai_chars)]
    if family == "cp874" and result.encoding == "cp874":
        return result, [findings.info("ENC_CP874", **loc, thai_chars=result.thai_chars)]
    return result, []
