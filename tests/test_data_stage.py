"""gdc validate on data files: Table Schema, GX checks, Thai encodings, personal data."""
import json

from tests.conftest import DATASET

SCHEMA = json.dumps({"fields": [
    {"name": "province", "type": "string", "constraints": {"required": True}},
    {"name": "year_be", "type": "integer", "constraints": {"minimum": 2500, "maximum": 2600}},
    {"name": "pm25", "type": "number"},
]}, ensure_ascii=False)


def manifest(extra: str = "", encoding: str | None = None) -> str:
    block = "  - name: ตาราง\n    path: data.csv\n    format: CSV\n    schema: schema.json\n"
    if encoding:
        block += f"    encoding: {encoding}\n"
    return DATASET.split("resources:")[0] + "resources:\n" + block + extra


def write(factory, data: str | bytes, text: str | None = None, schema: str = SCHEMA):
    path = factory.dataset(text=text or manifest(), data=None)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    (path.parent / "data.csv").write_bytes(raw)
    (path.parent / "schema.json").write_text(schema, encoding="utf-8")
    return path


def findings(gdc, factory, *args):
    result = gdc("validate", "--format", "json", *args, str(factory.catalog))
    return result.exit_code, json.loads(result.output)["findings"]


def test_type_error_names_row_and_column(factory, gdc):
    write(factory, "province,year_be,pm25\nเชียงใหม่,2566,35.5\nน่าน,สองพัน,12\n")
    code, found = findings(gdc, factory)
    [f] = [f for f in found if f["code"] == "TABLE_TYPE_ERROR"]
    assert code == 1 and f["row"] == 3 and f["field"] == "year_be" and f["params"]["cell"] == "สองพัน"
    assert f["file"].endswith("data.csv")


def test_constraint_error(factory, gdc):
    write(factory, "province,year_be,pm25\nเชียงใหม่,2066,35.5\n")
    code, found = findings(gdc, factory)
    [f] = [f for f in found if f["code"] == "TABLE_CONSTRAINT_ERROR"]
    assert code == 1 and f["row"] == 2 and f["field"] == "year_be"


def test_failed_expectation_reports_counts_and_manifest_line(factory, gdc):
    checks = ("    checks:\n"
              "      - expect_column_values_to_be_between: {column: pm25, min_value: 0, max_value: 100}\n")
    write(factory, "province,year_be,pm25\nก,2566,35\nข,2566,350\nค,2566,420\n", text=manifest(checks))
    code, found = findings(gdc, factory)
    [f] = [f for f in found if f["code"].startswith("QUALITY_")]
    assert code == 1 and f["file"].endswith("dataset.yaml") and f["line"] == 24
    assert f["params"]["unexpected_count"] == 2 and f["params"]["element_count"] == 3


def test_misspelled_check_column_is_a_clear_finding(factory, gdc):
    checks = "    checks:\n      - expect_column_values_to_not_be_null: {column: pm2.5}\n"
    write(factory, "province,year_be,pm25\nก,2566,35\n", text=manifest(checks))
    _, found = findings(gdc, factory)
    [f] = [f for f in found if f["code"] == "QUALITY_COLUMN_MISSING"]
    assert "pm25" in f["hint"] + f["message"]


def test_cp874_file_is_detected_and_validated_as_thai(factory, gdc):
    text = "province,year_be,pm25\n" + "".join(f"row{i},2566,1.5\n" for i in range(300)) + "เชียงใหม่,2566,2\n"
    write(factory, text.encode("cp874"))
    code, found = findings(gdc, factory)
    assert code == 0
    assert [f["code"] for f in found] == ["ENC_CP874"]


def test_declared_utf8_but_cp874_bytes_is_an_error_with_the_line(factory, gdc):
    write(factory, "province,year_be,pm25\nเชียงใหม่,2566,2\n".encode("cp874"), text=manifest(encoding="utf-8"))
    code, found = findings(gdc, factory)
    [f] = found
    assert code == 1 and f["code"] == "ENC_INVALID_BYTES" and f["file"].endswith("dataset.yaml")


def test_national_id_is_blocking_and_masked(factory, gdc):
    schema = json.dumps({"fields": [{"name": "note", "type": "string"}]})
    write(factory, "note\nติดต่อ 1-2345-67890-12-1 ได้\nไม่มี\n", schema=schema)
    result = gdc("validate", str(factory.catalog))
    assert result.exit_code == 1
    assert "PII_NATIONAL_ID" in result.output and "1-2345-xxxxx-xx-1" in result.output
    assert "67890" not in result.output and "1234567890121" not in result.output


def test_data_without_table_schema_is_still_scanned(factory, gdc):
    path = factory.dataset(data="name,email\nสมชาย,somchai@example.com\n")
    code, found = findings(gdc, factory)
    assert code == 1 and {"PII_EMAIL", "PII_COLUMN_NAME"} <= {f["code"] for f in found}
    assert "somchai@example.com" not in json.dumps(found, ensure_ascii=False)


def test_excel_resource_is_validated(factory, gdc):
    import openpyxl

    path = factory.dataset(text=DATASET.replace("path: data.csv\n    format: CSV",
                                                "path: data.xlsx\n    format: XLSX\n    schema: schema.json"))
    wb = openpyxl.Workbook()
    wb.active.append(["province", "year_be", "pm25"])
    wb.active.append(["ก", "ไม่ใช่ปี", 3.5])
    wb.save(path.parent / "data.xlsx")
    (path.parent / "schema.json").write_text(SCHEMA, encoding="utf-8")
    code, found = findings(gdc, factory)
    [f] = [f for f in found if f["code"] == "TABLE_TYPE_ERROR"]
    assert code == 1 and f["row"] == 2 and f["field"] == "year_be"


def test_many_errors_are_summarised_per_column(factory, gdc):
    rows = "".join(f"ก,x{i},1\n" for i in range(40))
    write(factory, "province,year_be,pm25\n" + rows)
    _, found = findings(gdc, factory)
    assert len([f for f in found if f["code"] == "TABLE_TYPE_ERROR"]) == 5
    [more] = [f for f in found if f["code"] == "TABLE_MORE_ERRORS"]
    assert more["params"]["count"] == 35
