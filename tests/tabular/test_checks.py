"""Unit tests: each Table Schema check of the columnar validator, on small CSV files.

Every test runs the columnar path (``fallback=False``, so a silent hand-over to Frictionless
would fail the test) and also asserts that Frictionless reports exactly the same errors.
"""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from catalog.tabular import Unsupported, supports, validate_reference, validate_table
from catalog.tabular import columnar


def full(errors):
    return [(e.type, e.row_number, e.field_number, e.field_name, e.cell, e.note) for e in errors]


@pytest.fixture
def run(tmp_path: Path):
    counter = iter(range(10_000))

    def _run(text, schema, *, encoding="utf-8", data: bytes | None = None, suffix=".csv", **kw):
        path = tmp_path / f"t{next(counter)}{suffix}"
        path.write_bytes(data if data is not None else text.encode(encoding))
        enc = kw.pop("enc", None)
        report = validate_table(path, schema, encoding=enc, fallback=False, **kw)
        reference = validate_reference(path, schema, encoding=enc, limit_errors=kw.get("limit_errors", 1000))
        assert report.engine == "columnar"
        assert full(report.errors) == full(reference.errors)
        return report

    return _run


def types(report):
    return [(e.type, e.row_number, e.field_number, e.cell) for e in report.errors]


def schema(*fields, **extra):
    return {"fields": list(fields), **extra}


# --------------------------------------------------------------------------- types


def test_integer_type(run):
    r = run("n\n1\n-7\n007\n+5\n๑๒\n1_000\n1.5\nabc\n 3\n", schema({"name": "n", "type": "integer"}))
    assert types(r) == [("type-error", 8, 1, "1.5"), ("type-error", 9, 1, "abc")]
    assert r.errors[0].note == 'type is "integer/default"'


def test_integer_bare_number_false(run):
    r = run("n\n฿100\n100%\n$-5\nx\n", schema({"name": "n", "type": "integer", "bareNumber": False}))
    assert types(r) == [("type-error", 5, 1, "x")]


def test_number_type_and_thai_digits(run):
    r = run("x\n1.5\n-0.0\n.5\n1e3\nNaN\n๓.๑๔\n\"1,5\"\n1.2.3\n", schema({"name": "x", "type": "number"}))
    assert types(r) == [("type-error", 8, 1, "1,5"), ("type-error", 9, 1, "1.2.3")]


def test_number_group_and_decimal_chars(run):
    fields = {"name": "x", "type": "number", "decimalChar": ",", "groupChar": "."}
    r = run('x\n"1.000,5"\n"1,5"\n1.5\n', schema(fields))
    # "1.5": a "." left after removing group chars... there is none left, so 15
    assert types(r) == []
    r = run('x\n"1,000.5"\n"1,5"\n12\n', schema({"name": "x", "type": "number", "groupChar": ","}))
    assert types(r) == []


def test_boolean_default_and_custom_values(run):
    r = run("b\ntrue\nFALSE\n1\nyes\n", schema({"name": "b", "type": "boolean"}))
    assert types(r) == [("type-error", 5, 1, "yes")]
    custom = {"name": "b", "type": "boolean", "trueValues": ["ใช่"], "falseValues": ["ไม่"]}
    r = run("b\nใช่\nไม่\ntrue\n", schema(custom))
    assert types(r) == [("type-error", 4, 1, "true")]


def test_date_default_and_custom_format(run):
    r = run("d\n2020-02-29\n2019-02-29\n2020-1-5\n2566-12-31\n01/02/2020\n", schema({"name": "d", "type": "date"}))
    assert types(r) == [("type-error", 3, 1, "2019-02-29"), ("type-error", 6, 1, "01/02/2020")]
    r = run("d\n31/12/2566\n1/2/2020\n29/02/2021\n", schema({"name": "d", "type": "date", "format": "%d/%m/%Y"}))
    assert types(r) == [("type-error", 4, 1, "29/02/2021")]


def test_datetime_and_time(run):
    text = "t,h\n2020-01-01T10:00:00,10:00:00\n2020-01-01 10:00:00+07:00,24:00:00\n2020-01-01,1:00:00\n2020-02-30T00:00:00,23:60:00\n"
    r = run(text, schema({"name": "t", "type": "datetime"}, {"name": "h", "type": "time"}))
    assert types(r) == [
        ("type-error", 4, 1, "2020-01-01"),
        ("type-error", 4, 2, "1:00:00"),
        ("type-error", 5, 1, "2020-02-30T00:00:00"),
        ("type-error", 5, 2, "23:60:00"),
    ]


def test_year_yearmonth_geopoint(run):
    text = 'y,ym,g\n2566,2020-01,"100.5,13.7"\n20,2020-13,"181,0"\n๒๕๖๖,2020-1,"100.5, 13.7"\n'
    r = run(text, schema({"name": "y", "type": "year"}, {"name": "ym", "type": "yearmonth"}, {"name": "g", "type": "geopoint"}))
    assert types(r) == [("type-error", 3, 1, "20"), ("type-error", 3, 2, "2020-13"), ("type-error", 3, 3, "181,0")]


def test_string_formats(run):
    text = "e,u,i\na@b.co,http://data.go.th,2bc1c94f-0deb-43e9-92a1-4775189ec9f8\nbad@,x,nope\nก@x.com,mailto:x@y,{2bc1c94f-0deb-43e9-92a1-4775189ec9f8}\n"
    fields = [
        {"name": "e", "type": "string", "format": "email"},
        {"name": "u", "type": "string", "format": "uri"},
        {"name": "i", "type": "string", "format": "uuid"},
    ]
    r = run(text, schema(*fields))
    assert types(r) == [
        ("type-error", 3, 1, "bad@"), ("type-error", 3, 2, "x"), ("type-error", 3, 3, "nope"),
        ("type-error", 4, 1, "ก@x.com"),
    ]


def test_any_and_opaque_types_go_through_frictionless_reader(run):
    r = run('a,d\nx,P1D\n1,nope\n', schema({"name": "a", "type": "any"}, {"name": "d", "type": "duration"}))
    assert types(r) == [("type-error", 3, 2, "nope")]


# --------------------------------------------------------------------------- constraints


def test_required_on_blank_missing_value_and_absent_cell(run):
    s = schema({"name": "a", "type": "string", "constraints": {"required": True}}, {"name": "b"}, missingValues=["", "-"])
    r = run("a,b\nx,1\n,2\n-,3\n", s)
    assert types(r) == [("constraint-error", 3, 1, ""), ("constraint-error", 4, 1, "-")]
    assert r.errors[0].note == 'constraint "required" is "True"'
    # a cell absent from a short row: Frictionless reports the cell as "None", then missing-cell
    s = schema({"name": "a"}, {"name": "b", "constraints": {"required": True}})
    r = run("a,b\nx\n", s)
    assert types(r) == [("constraint-error", 2, 2, "None"), ("missing-cell", 2, 2, "")]


def test_length_pattern_enum(run):
    s = schema({"name": "c", "type": "string", "constraints": {"minLength": 2, "maxLength": 3, "pattern": "[A-Z]+", "enum": ["AB", "ABC", "x"]}})
    r = run("c\nAB\nA\nABCD\nab\nABD\n", s)
    enum = "constraint \"enum\" is \"['AB', 'ABC', 'x']\""
    assert [(e.row_number, e.note) for e in r.errors] == [
        (3, 'constraint "minLength" is "2"'),
        (3, enum),
        (4, 'constraint "maxLength" is "3"'),
        (4, enum),
        (5, 'constraint "pattern" is "[A-Z]+"'),
        (5, enum),
        (6, enum),
    ]


def test_pattern_with_unicode_classes_and_thai(run):
    s = schema({"name": "c", "type": "string", "constraints": {"pattern": "\\d+"}})
    r = run("c\n123\n๑๒๓\nก\n", s)  # Python's \d matches Thai digits, RE2's does not
    assert types(r) == [("constraint-error", 4, 1, "ก")]
    s = schema({"name": "c", "type": "string", "constraints": {"pattern": "[ก-ฮ].*|x"}})
    r = run("c\nกรุงเทพ\nx\nabc\nxx\n", s)
    assert types(r) == [("constraint-error", 4, 1, "abc"), ("constraint-error", 5, 1, "xx")]


def test_minimum_maximum(run):
    s = schema(
        {"name": "i", "type": "integer", "constraints": {"minimum": 2560, "maximum": 2568}},
        {"name": "x", "type": "number", "constraints": {"minimum": 0.1}},
        {"name": "d", "type": "date", "constraints": {"maximum": "2020-12-31"}},
    )
    r = run("i,x,d\n2560,0.1,2020-12-31\n2570,0.09999999999999999999,2021-01-01\n2559,0.10000000000000000001,2020-1-1\n", s)
    assert types(r) == [
        ("constraint-error", 3, 1, "2570"),
        ("constraint-error", 3, 2, "0.09999999999999999999"),  # decided in Decimal, not float
        ("constraint-error", 3, 3, "2021-01-01"),
        ("constraint-error", 4, 1, "2559"),
    ]


def test_enum_compares_parsed_values(run):
    s = schema({"name": "n", "type": "integer", "constraints": {"enum": [1, 12]}}, {"name": "x", "type": "number", "constraints": {"enum": [1.5]}})
    r = run("n,x\n01,1.50\n๑๒,1.5\n2,15e-1\n3,2\n", s)
    assert types(r) == [("constraint-error", 4, 1, "2"), ("constraint-error", 5, 1, "3"), ("constraint-error", 5, 2, "2")]


def test_unique_reports_parsed_value_and_latest_previous_row(run):
    s = schema({"name": "n", "type": "integer", "constraints": {"unique": True}}, {"name": "x", "type": "number", "constraints": {"unique": True}})
    r = run("n,x\n7,1.0\n007,1\n+7,1.00\n", s)
    assert types(r) == [
        ("unique-error", 3, 1, "7"), ("unique-error", 3, 2, "1"),
        ("unique-error", 4, 1, "7"), ("unique-error", 4, 2, "1.00"),
    ]
    assert r.errors[2].note == "the same as in the row at position 3"


def test_nan_is_never_a_duplicate(run):
    s = schema({"name": "x", "type": "number", "constraints": {"unique": True}})
    assert run("x\nNaN\nNaN\nnan\n", s).errors == []


def test_primary_key_single_composite_and_all_none(run):
    s = schema({"name": "a", "type": "integer"}, {"name": "b"}, primaryKey=["a", "b"])
    r = run("a,b\n1,x\n01,x\n1,\n,x\n,\n2,y\n", s)
    assert [(e.type, e.row_number, e.note) for e in r.errors] == [
        ("primary-key", 3, "the same as in the row at position 2"),
        ("blank-row", 6, ""),
        ("primary-key", 6, 'cells composing the primary keys are all "None"'),
    ]


def test_big_integers_in_keys(run):
    s = schema({"name": "a", "type": "integer", "constraints": {"unique": True}}, primaryKey=["a"])
    r = run("a\n99999999999999999999\n99999999999999999999\n1\n", s)
    assert types(r) == [("unique-error", 3, 1, "99999999999999999999"), ("primary-key", 3, None, None)]


# --------------------------------------------------------------------------- rows, cells, header


def test_blank_rows_extra_and_missing_cells(run):
    s = schema({"name": "a"}, {"name": "b"})
    r = run('a,b\n,\n1,2,3\n1\n,,x\n""\n', s)
    assert types(r) == [
        ("blank-row", 2, None, None),
        ("extra-cell", 3, 3, "3"),
        ("missing-cell", 4, 2, ""),
        ("blank-row", 5, None, None),  # blank-row replaces the extra-cell of that row
        ("blank-row", 6, None, None),
    ]


def test_quoted_newlines_keep_row_numbers(run):
    s = schema({"name": "a"}, {"name": "n", "type": "integer"})
    r = run('a,n\n"x\ny",1\n"p\r\nq",x\nz,2,3\n', s)
    assert types(r) == [("type-error", 3, 2, "x"), ("extra-cell", 4, 3, "3")]


def test_unterminated_quote_at_end_of_file(tmp_path, run):
    # Python's csv keeps the final line ending inside the cell ("x\n"); pyarrow does too for
    # a full-width row, but the text it hands back for a short row has lost it
    s = schema({"name": "a"}, {"name": "b", "type": "integer"}, {"name": "c"})
    assert types(run('a,b,c\n1,2,"x\n', s)) == []
    path = tmp_path / "t.csv"
    path.write_text('a,b,c\n1,"x\n', encoding="utf-8")
    report = validate_table(path, s)
    assert report.engine == "frictionless" and "unterminated" in report.fallback_reason
    assert types(report) == [("type-error", 2, 2, "x\n"), ("missing-cell", 2, 3, "")]
    # a properly closed quoted field at the end is not mistaken for one
    path.write_text('a,b,c\n1,2,""\n', encoding="utf-8")
    assert validate_table(path, s).engine == "columnar"


def test_header_errors(run):
    s = schema({"name": "a"}, {"name": "b"}, {"name": "c"})
    r = run("a,a,\n1,2,3\n", s)
    assert types(r) == [("duplicate-label", 1, 2, "a"), ("blank-label", 1, 3, "")]
    r = run("a,x\n1,2\n", s)
    assert types(r) == [("missing-label", 1, 3, ""), ("incorrect-label", 1, 2, "x")]
    r = run("a,b,c,d\n1,2,3,4\n", s)
    assert types(r) == [("extra-label", 1, 4, "d")]
    r = run(" a , b ,c\n1,2,3\n", s)  # labels are stripped
    assert r.errors == []


def test_header_moved_down_like_frictionless(run):
    # the first row is much narrower than the sample average: Frictionless takes row 2
    text = "title\n" + "a,b,c\n" + "1,2,3\n" * 5
    r = run(text, schema({"name": "a"}, {"name": "b"}, {"name": "c"}))
    assert r.header_row == 2 and r.errors == [] and r.rows == 5


def test_error_order_follows_frictionless(run):
    # fields read by unique/primaryKey checks come first within a row
    s = schema({"name": "a", "type": "integer"}, {"name": "b", "type": "integer", "constraints": {"unique": True}})
    r = run("a,b\nx,y\n", s)
    assert types(r) == [("type-error", 2, 2, "y"), ("type-error", 2, 1, "x")]


def test_missing_values_schema_and_field_level(run):
    s = schema({"name": "a", "type": "integer", "missingValues": ["NA"]}, {"name": "b", "type": "integer"}, missingValues=["-"])
    r = run("a,b\nNA,-\n-,NA\n", s)
    assert types(r) == [("blank-row", 2, None, None), ("type-error", 3, 1, "-"), ("type-error", 3, 2, "NA")]


def test_limit_errors_truncates_like_frictionless(run):
    s = schema({"name": "n", "type": "integer", "constraints": {"unique": True}})
    text = "n\n" + "1\nx\n" * 50
    r = run(text, s, limit_errors=5)
    assert len(r.errors) == 5 and r.partial and not r.batches_complete


# --------------------------------------------------------------------------- encodings, dialects


def test_cp874_and_utf8_sig(run):
    s = schema({"name": "จังหวัด", "type": "string", "constraints": {"enum": ["เชียงใหม่"]}})
    text = "จังหวัด\nเชียงใหม่\nขอนแก่น\n"
    r = run(text, s, encoding="cp874", enc="cp874")
    assert types(r) == [("constraint-error", 3, 1, "ขอนแก่น")] and r.encoding == "cp874"
    r = run(text, s, encoding="utf-8-sig")
    assert types(r) == [("constraint-error", 3, 1, "ขอนแก่น")] and r.encoding == "utf-8-sig"


def test_sniffed_semicolon_delimiter(run):
    s = schema({"name": "a", "type": "integer"}, {"name": "b"})
    r = run("a;b\n1;x,y\nz;2\n", s)
    assert r.delimiter == ";" and types(r) == [("type-error", 3, 1, "z")]


# --------------------------------------------------------------------------- API


def test_on_batch_sees_every_row_once_with_nulls_for_absent_cells(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n" + "".join(f"{i},{i}\n" for i in range(300)) + "x\n1,2,3\n", encoding="utf-8")
    seen = []
    report = validate_table(
        path, schema({"name": "a"}, {"name": "b"}), block_size=512,
        on_batch=lambda batch, first: seen.append((first, batch)),
    )
    assert report.engine == "columnar"
    assert [first for first, _ in seen] == sorted(first for first, _ in seen)
    table = pa.Table.from_batches([b for _, b in seen])
    assert table.column_names == ["a", "b"] and table.num_rows == 302 and seen[0][0] == 2
    assert table.column("b")[300].as_py() is None  # "x": b is absent
    assert table.column("a")[301].as_py() == "1"  # extra cell dropped from the batch


def test_stop_at_limit_false_keeps_feeding_on_batch(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("n\n" + "x\n" * 2000, encoding="utf-8")
    rows = []
    report = validate_table(path, schema({"name": "n", "type": "integer"}), limit_errors=3, block_size=1024,
                            stop_at_limit=False, on_batch=lambda b, first: rows.append(b.num_rows))
    assert len(report.errors) == 3 and report.partial and sum(rows) == 2000


def test_supports_and_fallback(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a\n1\n", encoding="utf-8")
    assert supports(path, schema({"name": "a", "type": "integer"}))
    bad = schema({"name": "a", "type": "integer", "constraints": {"unique": True}}, foreignKeys=[
        {"fields": ["a"], "reference": {"resource": "", "fields": ["a"]}}])
    support = supports(path, bad)
    assert not support and "foreignKeys" in support.reason
    report = validate_table(path, bad)
    assert report.engine == "frictionless" and report.fallback_reason == support.reason
    with pytest.raises(Unsupported):
        validate_table(path, bad, fallback=False)


def test_invalid_schema_is_reported_like_frictionless(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a\n1\n", encoding="utf-8")
    s = schema({"name": "a", "type": "integer", "constraints": {"minLength": 1}})
    report = validate_table(path, s)
    assert report.engine == "frictionless"
    assert [e.type for e in report.errors] == [e.type for e in validate_reference(path, s).errors]


def test_xlsx_goes_to_frictionless(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "t.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["a"])
    sheet.append(["x"])
    book.save(path)
    report = validate_table(path, schema({"name": "a", "type": "integer"}))
    assert report.engine == "frictionless" and "xlsx" in report.fallback_reason
    assert [(e.type, e.row_number, e.cell) for e in report.errors] == [("type-error", 2, "x")]


def test_schema_from_json_file(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a\nx\n", encoding="utf-8")
    schema_path = tmp_path / "schema.json"
    schema_path.write_text(json.dumps(schema({"name": "a", "type": "integer"})), encoding="utf-8")
    assert [e.type for e in validate_table(path, schema_path).errors] == ["type-error"]


def test_invalid_utf8_abandons_columnar_read(tmp_path):
    path = tmp_path / "t.csv"
    # beyond Frictionless' 100 KB sample, so only the full read meets it
    path.write_bytes(b"a\n" + b"1\n" * 60_000 + b"\xff\xfe\n")
    report = validate_table(path, schema({"name": "a"}), encoding="utf-8")
    assert report.engine == "frictionless" and not report.batches_complete
    assert report.fallback_reason.startswith("columnar read abandoned")


@pytest.mark.parametrize("mode", ["never", "always"])
def test_dictionary_and_row_modes_agree(run, monkeypatch, mode):
    monkeypatch.setattr(columnar, "DICTIONARY_MODE", mode)
    s = schema({"name": "p", "type": "string", "constraints": {"enum": ["a", "b"], "required": True}},
               {"name": "n", "type": "integer", "constraints": {"unique": True}})
    r = run("p,n\na,1\nb,1\nc,x\n,2\n", s)
    assert types(r) == [("unique-error", 3, 2, "1"), ("type-error", 4, 2, "x"), ("constraint-error", 4, 1, "c"),
                        ("constraint-error", 5, 1, "")]
