import codecs
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog import encoding
from catalog.findings import Severity

THAI_WORDS = ["เชียงใหม่", "กรุงเทพมหานคร", "ขอนแก่น", "สำนักงาน", "จังหวัด", "ผู้ป่วย",
              "น้ำ", "ฝุ่นละออง", "ปีงบประมาณ", "โรงเรียน", "เธอ", "ภูเก็ต", "๑๒๓"]


def _mostly_ascii_csv() -> str:
    rows = ["id,province,value"] + [f"{i},Bangkok,{i * 3}" for i in range(1, 2000)]
    return "\n".join(rows + ["2000,เชียงใหม่,5"]) + "\n"


def _detect(data: bytes, **kw):
    return encoding.detect(io.BytesIO(data), **kw)


def test_mostly_ascii_cp874_is_cp874_not_a_western_code_page(tmp_path):
    """Frictionless samples the start, calls this cp1252/cp437 and garbles เชียงใหม่. We don't."""
    text = _mostly_ascii_csv()
    path = tmp_path / "mostly_ascii.csv"
    path.write_bytes(text.encode("cp874"))
    result = encoding.detect(path)
    assert result.encoding == "cp874" and result.thai_chars == len("เชียงใหม่")
    assert path.read_bytes().decode(result.encoding) == text

    from frictionless import Resource, describe

    guessed = describe(str(path)).encoding
    if encoding.normalize_codec(guessed) not in encoding.CP874_FAMILY:
        with Resource(str(path)) as res:
            last = res.read_rows()[-1]
        assert last["province"] != "เชียงใหม่"  # the silent mojibake we protect against


@pytest.mark.parametrize("data,enc,reason", [
    (b"", "utf-8", "empty"),
    (b"id,name\n1,x\n", "utf-8", "ascii"),
    ("id,จังหวัด\n1,ภูเก็ต\n".encode(), "utf-8", "valid-utf-8"),
    (codecs.BOM_UTF8 + "id,จังหวัด\n".encode(), "utf-8-sig", "bom"),
    ("id,x\n".encode("utf-16"), "utf-16", "bom"),
    ("จังหวัด,ภูเก็ต,น้ำ\n".encode("cp874"), "cp874", "thai-cp874"),
])
def test_detects(data, enc, reason):
    r = _detect(data)
    assert (r.encoding, r.reason) == (enc, reason)


@pytest.mark.parametrize("data,reason", [
    ("café, naïve, résumé, Zürich\n".encode("latin-1"), None),  # accents: marks on ASCII
    (b"id\n1\n" + bytes([0x81, 0x82, 0x83]), "not-utf-8-nor-cp874"),
    ("จังหวัด ภูเก็ต น้ำ ขอนแก่น\n".encode() + "เชียงใหม่\n".encode("cp874"), "mixed-utf-8"),
    (b"abc\n" + "กข".encode("cp874") + b"\n", "too-little-thai"),
])
def test_unsure(data, reason):
    r = _detect(data)
    assert r.encoding is None and r.unsure
    if reason:
        assert r.reason == reason


def test_invalid_utf8_position_reported():
    data = "a,b\nก,ข\n".encode() + b"x,\xa1\n"
    r = _detect(data, chunk_size=3)
    assert r.utf8_error_offset == data.index(b"\xa1") and r.utf8_error_line == 3
    assert r.utf8_error_byte == "0xA1"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(THAI_WORDS + ["abc", "123", ",", "\n", " "]), min_size=1,
                max_size=60).filter(lambda ws: sum(len(w) for w in ws if w in THAI_WORDS) >= 3),
       st.integers(1, 64))
def test_chunking_never_changes_the_answer(words, chunk_size):
    text = "".join(words)
    for enc in ("utf-8", "cp874"):
        data = text.encode(enc)
        whole = _detect(data)
        assert whole.encoding == enc
        assert _detect(data, chunk_size=chunk_size) == whole


def _check(data: bytes, declared, **kw):
    return encoding.check(io.BytesIO(data), declared, file="r.csv", line=7, dataset="d",
                          resource="r", **kw)


def test_undeclared_cp874_is_a_warning_recommending_iconv():
    _, found = _check(_mostly_ascii_csv().encode("cp874"), None)
    (f,) = found
    assert f.code == "ENC_CP874" and f.severity is Severity.WARNING
    assert "iconv -f CP874 -t UTF-8" in f.hint("en") and "iconv -f CP874 -t UTF-8" in f.hint("th")


@pytest.mark.parametrize("declared", ["cp874", "Windows-874", "TIS-620", "tis620"])
def test_declared_cp874_is_info(declared):
    _, found = _check("จังหวัด ภูเก็ต\n".encode("cp874"), declared)
    assert [(f.code, f.severity) for f in found] == [("ENC_CP874", Severity.INFO)]


def test_declared_utf8_but_cp874_bytes_is_error_with_offset_and_line():
    data = _mostly_ascii_csv().encode("cp874")
    _, found = _check(data, "utf-8", chunk_size=4096)
    (f,) = found
    assert f.code == "ENC_INVALID_BYTES" and f.blocking and f.line == 7
    assert f.params["offset"] == data.index("เ".encode("cp874"))
    assert f.params["data_line"] == 2001 and f.params["detected"] == "cp874"
    assert "2001" in f.message("th")


def test_declared_cp874_but_bytes_are_utf8_thai_is_error():
    _, found = _check("จังหวัด,ภูเก็ต\n".encode(), "cp874")
    (f,) = found
    assert f.blocking and f.code in ("ENC_INVALID_BYTES", "ENC_DECLARED_CONTRADICTS")


def test_declared_western_code_page_for_thai_bytes_is_contradiction():
    """latin-1 decodes every byte, so only the Thai evidence can catch this."""
    _, found = _check(_mostly_ascii_csv().encode("cp874"), "latin-1")
    (f,) = found
    assert f.code == "ENC_DECLARED_CONTRADICTS" and f.params["detected"] == "cp874"


def test_unknown_codec_and_undeclared_unsure():
    _, found = _check(b"abc\n", "thai-ansi")
    assert [f.code for f in found] == ["ENC_UNKNOWN_CODEC"]
    _, found = _check(b"id\n" + bytes([0x81, 0x90]) + b"\n", None)
    (f,) = found
    assert f.code == "ENC_UNSURE" and f.severity is Severity.WARNING
    assert f.params["offset"] == 3 and f.params["data_line"] == 2


def test_utf8_declared_and_valid_is_silent():
    for declared in ("utf-8", "UTF8", "utf_8", "utf-8-sig"):
        assert _check("จังหวัด\n".encode(), declared)[1] == []
    assert _check(codecs.BOM_UTF8 + "จังหวัด\n".encode(), "utf-8")[1] == []


@pytest.mark.parametrize("chunk_size", [1, 2, 5, 1 << 20])
def test_first_decode_error_offsets_survive_chunking(chunk_size):
    data = "ก\nข\n".encode() + b"\xe0\xb8" + b"\n"  # truncated UTF-8 sequence on line 3
    assert encoding.first_decode_error(io.BytesIO(data), "utf-8", chunk_size=chunk_size) == (
        len("ก\nข\n".encode()), 3, "0xE0")
    data = "จังหวัด\nภูเก็ต\n".encode("cp874") + b"ab\x81\n"
    assert encoding.first_decode_error(io.BytesIO(data), "cp874", chunk_size=chunk_size) == (
        data.index(b"\x81"), 3, "0x81")


def test_declared_cp874_with_undefined_byte_is_error():
    data = "จังหวัด\nภูเก็ต\n".encode("cp874") + b"ab\x81\n"
    _, found = _check(data, "cp874")
    (f,) = found
    assert f.code == "ENC_INVALID_BYTES" and f.params["data_line"] == 3
