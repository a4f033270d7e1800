"""gdc schema infer: what the draft detects, and that it always validates the file it came from."""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog import schema_hints, schema_infer
from catalog.tabular import validate_reference, validate_table
from tests.conftest import EXAMPLES

EXAMPLE_FILES = sorted(EXAMPLES.glob("*/*/*.csv")) + sorted(EXAMPLES.glob("*/*/*.xlsx"))


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n" if encoding == "cp874" else "\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def errors_of(path: Path, draft) -> list:
    if path.suffix == ".xlsx":
        return validate_reference(path, draft.schema).errors
    return validate_table(path, draft.schema, encoding=draft.encoding).errors


def fields(draft) -> dict[str, dict]:
    return {f["name"]: f for f in draft.schema["fields"]}


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_example_files_validate_against_their_draft(path):
    draft = schema_infer.infer(path)
    assert draft.ok and errors_of(path, draft) == []
    assert not [n for n in draft.notes if n.code == "INFER_RELAXED"]


def test_thai_statistics_table(tmp_path):
    """BE years, province codes, a code list, a composite key, Thai titles: as a steward would write them."""
    codes = sorted(schema_hints.province_codes())[:8]
    rows = [[code, f"จังหวัด{code}", ["ภาคกลาง", "ภาคเหนือ"][i % 2], str(2564 + y), str(1000 + i * 7 + y)]
            for i, code in enumerate(codes) for y in range(3)]
    path = write_csv(tmp_path / "pop.csv", ["province_code", "ชื่อจังหวัด", "region", "year_be", "total"], rows)
    draft = schema_infer.infer(path)
    f = fields(draft)
    assert f["province_code"]["type"] == "string"
    assert f["province_code"]["constraints"]["pattern"] == schema_hints.province_pattern()
    assert "จังหวัด" in f["province_code"]["description"]
    assert f["year_be"]["type"] == "integer"
    assert f["year_be"]["constraints"]["minimum"] == 2500 and f["year_be"]["constraints"]["maximum"] == 2600
    assert "พ.ศ." in f["year_be"]["description"]
    assert f["region"]["constraints"]["enum"] == ["ภาคกลาง", "ภาคเหนือ"]
    assert f["ชื่อจังหวัด"]["title"] == "ชื่อจังหวัด" and f["year_be"]["title"] == "ปี (พ.ศ.)"
    assert f["total"]["constraints"] == {"minimum": 0, "required": True}
    assert draft.schema["primaryKey"] == ["province_code", "year_be"]
    assert errors_of(path, draft) == []


def test_identifier_column_is_unique_primary_key_with_its_shape(tmp_path):
    rows = [[f"PCD-2567-{i:05d}", f"2024-01-{1 + i % 28:02d}", "true" if i % 2 else "False"] for i in range(30)]
    path = write_csv(tmp_path / "c.csv", ["complaint_id", "date_received", "closed"], rows)
    draft = schema_infer.infer(path)
    f = fields(draft)
    assert f["complaint_id"]["constraints"] == {"required": True, "unique": True,
                                                "pattern": "^PCD-[0-9]{4}-[0-9]{5}$"}
    assert f["date_received"]["type"] == "date" and f["closed"]["type"] == "boolean"
    assert draft.schema["primaryKey"] == ["complaint_id"]


def test_thai_digits_thousands_separators_and_dash_for_missing(tmp_path):
    rows = [["๑๒๓", "1,234,567", "-"], ["45", "12.5", "3"], ["๙", "-", "4"]]
    path = write_csv(tmp_path / "n.csv", ["count", "budget", "value"], rows)
    draft = schema_infer.infer(path)
    f = fields(draft)
    assert f["count"]["type"] == "integer"
    assert "ตัวเลขไทย" in f["count"]["description"]
    assert f["budget"]["type"] == "number" and f["budget"]["groupChar"] == ","
    assert f["budget"]["missingValues"] == ["", "-"] and "required" not in f["budget"].get("constraints", {})
    assert f["value"]["type"] == "integer" and f["value"]["missingValues"] == ["", "-"]
    assert errors_of(path, draft) == []


def test_codes_with_leading_zeros_stay_text(tmp_path):
    path = write_csv(tmp_path / "z.csv", ["school_code", "n"], [[f"{i:04d}", str(i)] for i in range(1, 6)])
    f = fields(schema_infer.infer(path))
    assert f["school_code"]["type"] == "string"
    assert f["school_code"]["constraints"]["pattern"] == "^[0-9]{4}$"


def test_buddhist_era_dates_stay_text_with_a_note(tmp_path):
    path = write_csv(tmp_path / "d.csv", ["วันที่", "ค่า"], [["2566-01-31", "1"], ["2566-02-01", "2"]])
    f = fields(schema_infer.infer(path))
    assert f["วันที่"]["type"] == "string" and "พ.ศ." in f["วันที่"]["description"]


def test_day_month_year_dates_get_a_format(tmp_path):
    path = write_csv(tmp_path / "d.csv", ["date", "v"], [["31/01/2024", "1"], ["1/2/2024", "2"]])
    f = fields(schema_infer.infer(path))
    assert f["date"]["type"] == "date" and f["date"]["format"] == "%d/%m/%Y"
    assert errors_of(tmp_path / "d.csv", schema_infer.infer(path)) == []


def test_gregorian_years_need_a_year_header(tmp_path):
    rows = [[str(2019 + i % 5), str(2019 + i)] for i in range(10)]
    f = fields(schema_infer.infer(write_csv(tmp_path / "y.csv", ["fiscal_year", "amount"], rows)))
    assert f["fiscal_year"]["constraints"]["minimum"] == 2000 and "ค.ศ." in f["fiscal_year"]["description"]
    assert "maximum" not in f["amount"]["constraints"]


def test_cp874_file(tmp_path):
    rows = [[str(10 + i % 3), "เชียงใหม่" if i % 2 else "กรุงเทพมหานคร", str(2560 + i % 4), f"{i * 1000:,}"]
            for i in range(25)]
    path = write_csv(tmp_path / "th.csv", ["รหัสจังหวัด", "จังหวัด", "ปี", "งบประมาณ"], rows, encoding="cp874")
    draft = schema_infer.infer(path)
    assert draft.encoding == "cp874" and draft.encoding_sure
    f = fields(draft)
    assert list(f) == ["รหัสจังหวัด", "จังหวัด", "ปี", "งบประมาณ"]
    assert f["จังหวัด"]["constraints"]["enum"] == ["กรุงเทพมหานคร", "เชียงใหม่"]
    assert "pattern" in f["รหัสจังหวัด"]["constraints"] and f["ปี"]["constraints"]["minimum"] == 2500
    assert errors_of(path, draft) == []


def test_excel_native_cells(tmp_path):
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "ชื่อ", "amount", "when", "mixed", "province_code"])
    for i in range(1, 25):
        sheet.append([i, f"ชื่อ {i}", i * 1.5, dt.datetime(2024, 1, i), "a" if i % 2 else i, 10 + i % 3])
    path = tmp_path / "book.xlsx"
    book.save(path)
    draft = schema_infer.infer(path)
    f = fields(draft)
    assert [f[n]["type"] for n in f] == ["integer", "string", "number", "date", "any", "integer"]
    assert f["province_code"]["constraints"]["minimum"] == 10 and "จังหวัด" in f["province_code"]["description"]
    assert draft.schema["primaryKey"] == ["id"] and errors_of(path, draft) == []


def test_sampling_then_verifying_relaxes_what_later_rows_contradict(tmp_path):
    rows = [[str(i), str(i % 7)] for i in range(1, 3000)] + [["x-1", "7.5"]]
    path = write_csv(tmp_path / "s.csv", ["id", "level"], rows)
    draft = schema_infer.infer(path, sample_rows=1000)
    codes = [n.code for n in draft.notes]
    assert "INFER_SAMPLED" in codes and "INFER_RELAXED" in codes
    assert fields(draft)["id"]["type"] == "string" and fields(draft)["level"]["type"] == "string"
    assert errors_of(path, draft) == []


def test_structural_problems_are_reported_not_hidden(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2\n3\n4,5,6\n", encoding="utf-8")
    draft = schema_infer.infer(path)
    assert not draft.ok
    assert any(n.code == "INFER_STRUCTURE" for n in draft.notes)


def test_header_only_and_empty_files(tmp_path):
    only = tmp_path / "h.csv"
    only.write_text("a,b\n", encoding="utf-8")
    assert [f["type"] for f in schema_infer.infer(only).schema["fields"]] == ["string", "string"]
    empty = tmp_path / "e.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ValueError):
        schema_infer.infer(empty)


# --------------------------------------------------------------------------- property

_THAI_WORDS = ["กรุงเทพ", "เชียงใหม่", "น้ำเสีย", "ฝุ่น", "ผู้ป่วย", "ภาคใต้"]
_TEXT = st.one_of(st.sampled_from(_THAI_WORDS), st.text(alphabet="abcxyz ,\"'ก-ฮ0123456789", min_size=0, max_size=8))
CELLS = {
    "int": st.integers(-5000, 5000).map(str),
    "thai_int": st.integers(0, 9999).map(lambda n: str(n).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))),
    "number": st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: f"{x:.3f}"),
    "grouped": st.integers(0, 10**9).map(lambda n: f"{n:,}"),
    "be_year": st.integers(2450, 2650).map(str),
    "date": st.dates().map(lambda d: d.isoformat()),
    "bool": st.sampled_from(["true", "false", "True", "FALSE"]),
    "province": st.sampled_from(sorted(schema_hints.province_codes())),
    "code": st.sampled_from(["A", "B", "C", "ก", "ข"]),
    "zero_code": st.integers(0, 999).map(lambda n: f"{n:04d}"),
    "text": _TEXT,
    "odd": st.sampled_from([" 12", "12 ", "1e5", "+5", "-0", "0", "00", "2024-02-30", "2024-1-5", "๑.๕", "1,2",
                            ".5", "5.", "yes", "NaN", "inf", "ไม่มีข้อมูล", "2566-13-01", "10:30:00", "1,000.5",
                            "2024-01-01T10:00:00", "31/02/2024", "-", "null", "a\nb", "ก,ข", "\"q\""]),
}
_NAMES = ["year_be", "province_code", "status", "amount", "ชื่อ", "ปี", "id_x", "value", "จังหวัด", "code"]


@st.composite
def tables(draw):
    kinds = draw(st.lists(st.sampled_from(sorted(CELLS)), min_size=1, max_size=5))
    names = draw(st.permutations(_NAMES))[: len(kinds)]
    n_rows = draw(st.integers(1, 40))
    blanks = draw(st.sampled_from(["", "-", "N/A"]))
    rows = []
    for r in range(n_rows):
        row = [str(r + 1)]  # a row is never blank: that is a structural error no schema fixes
        for kind in kinds:
            if draw(st.integers(0, 9)) == 0:
                row.append(blanks)
            elif draw(st.integers(0, 29)) == 0:  # an odd value out
                row.append(draw(CELLS[draw(st.sampled_from(sorted(CELLS)))]))
            else:
                row.append(draw(CELLS[kind]))
        rows.append(row)
    return ["row_no", *names], rows, draw(st.sampled_from(["utf-8", "cp874"]))


@settings(max_examples=int(os.environ.get("GDC_HYPOTHESIS_EXAMPLES", "80")), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tables())
def test_any_generated_csv_validates_against_its_draft(table):
    header, rows, encoding = table
    with tempfile.TemporaryDirectory() as tmp:
        path = write_csv(Path(tmp) / "gen.csv", header, rows, encoding)
        draft = schema_infer.infer(path)
        assert errors_of(path, draft) == [], json.dumps(draft.schema, ensure_ascii=False)
        assert draft.ok


def test_big_file_is_streamed_in_batches_with_bounded_key_memory(tmp_path, monkeypatch):
    """Several record batches (the reader's 8 MB blocks); only a bounded prefix is kept for keys."""
    from catalog import schema_stats

    monkeypatch.setattr(schema_stats, "KEEP_BYTES", 1 << 20)
    n = 250_000
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("record_id,province_code,status,amount,note\n")
        for i in range(n):
            status = "ปิด" if i % 3 else "เปิด"
            amount = "7.5" if i == n - 1 else str(i % 1000)  # the last batch turns amount into a number
            fh.write(f"R{i:07d},{10 + i % 5},{status},{amount},ข้อความยาวพอสมควรสำหรับทดสอบ {i % 97}\n")
    assert path.stat().st_size > 3 * (8 << 20)
    draft = schema_infer.infer(path)
    f = fields(draft)
    assert draft.rows == n
    assert f["amount"]["type"] == "number" and f["status"]["constraints"]["enum"] == ["ปิด", "เปิด"]
    assert f["record_id"]["constraints"]["unique"] and draft.schema["primaryKey"] == ["record_id"]
    assert not [x for x in draft.notes if x.code == "INFER_RELAXED"]
    assert errors_of(path, draft) == []
