import json

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog import pii
from catalog.findings import Severity


def _check_digit(prefix12: str) -> str:
    total = sum(int(d) * w for d, w in zip(prefix12, range(13, 1, -1)))
    return str((11 - total % 11) % 10)


def test_reference_ids():
    assert pii.is_valid_national_id("1234567890121")
    assert pii.is_valid_national_id("1-2345-67890-12-1")
    assert not pii.is_valid_national_id("1234567890123")
    assert not pii.is_valid_national_id("123456789012")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(1, 9))
def test_vectorised_check_digit_agrees_with_scalar(prefix, bump):
    good = prefix + _check_digit(prefix)
    bad = prefix + str((int(_check_digit(prefix)) + bump) % 10)
    mask = pii._valid_id_mask(pa.array([good, bad]))
    assert mask.tolist() == [True, False]
    assert pii.is_valid_national_id(good) and not pii.is_valid_national_id(bad)


def test_masks():
    assert pii.mask_national_id("1234567890121") == "1-2345-xxxxx-xx-1"
    assert pii.mask_phone("081-234-5678") == "08x-xxx-x678"
    assert pii.mask_phone("+66 81 234 5678") == "08x-xxx-x678"
    assert pii.mask_phone("02-123-4567") == "02-xxx-x567"
    assert pii.mask_email("somchai@example.go.th") == "s****@example.go.th"
    assert pii.redact("โทร 0812345678 id 1234567890121") == "โทร 08x-xxx-x678 id 1-2345-xxxxx-xx-1"


def _codes(found):
    return {f.code: f for f in found}


def test_detects_ids_phones_emails_with_row_numbers():
    values = pa.array([
        "1234567890121",            # row 2: valid ID
        "1234567890123",            # row 3: invalid check digit -> not an ID
        "เลขที่ 1-2345-67890-12-1",  # row 4: formatted, inside text
        None,                       # row 5
        "โทร 081-234-5678",          # row 6
        "+66 81 234 5678",          # row 7
        "02 123 4567",              # row 8: Bangkok landline
        "somchai@example.go.th",    # row 9
        "0.23456789",               # a number, not a phone
        "12345678901210000",        # 13-digit run inside a longer number
    ])
    found = _codes(pii.scan_column("ข้อมูล", values, 2, file="d.csv", dataset="ds", resource="r"))
    assert set(found) == {"PII_NATIONAL_ID", "PII_PHONE", "PII_EMAIL"}
    nid = found["PII_NATIONAL_ID"]
    assert nid.severity is Severity.ERROR and nid.blocking
    assert nid.params["count"] == 2 and nid.params["rows"] == [2, 4] and nid.row == 2
    assert nid.field == "ข้อมูล" and nid.file == "d.csv" and nid.dataset == "ds"
    assert found["PII_PHONE"].params["rows"] == [6, 7, 8]
    assert found["PII_EMAIL"].params["examples"] == ["s****@example.go.th"]


def test_integer_column_of_ids_is_scanned():
    found = pii.scan_column("code", pa.array([1234567890121, 42], pa.int64()))
    assert [f.code for f in found] == ["PII_NATIONAL_ID"]


def test_raw_values_never_leak():
    raws = ["1234567890121", "0812345678", "somchai.jaidee@example.go.th"]
    values = pa.array(raws * 10)
    found = pii.scan_column("เบอร์โทร", values, 2)
    assert {f.code for f in found} == {"PII_COLUMN_NAME", "PII_NATIONAL_ID", "PII_PHONE", "PII_EMAIL"}
    for f in found:
        for lang in ("en", "th"):
            blob = " ".join([f.message(lang), f.hint(lang), repr(f.params),
                             json.dumps(f.to_dict(lang), ensure_ascii=False), f.where()])
            for raw in raws:
                assert raw not in blob
            assert "somchai" not in blob and "5678" not in blob.replace("x678", "")


def test_aggregates_across_batches():
    scanner = pii.PiiScanner(file="big.csv")
    batch = pa.array(["x"] * 999 + ["1234567890121"])
    for i in range(20):
        scanner.scan("note", batch, first_row=2 + i * 1000)
    (f,) = scanner.findings()
    assert f.params["count"] == 20 and f.params["rows_scanned"] == 20000
    assert f.params["rows"] == [1001, 2001, 3001, 4001, 5001] and f.params["more"] == "…"
    assert len(f.params["examples"]) == 1


def test_scan_batches_counts_rows():
    t = pa.table({"a": ["x", "y"], "email": ["a@b.go.th", None]})
    found = pii.scan_batches(t.to_batches(max_chunksize=1), first_row=2)
    by_code = _codes(found)
    assert by_code["PII_EMAIL"].params["rows"] == [2]
    assert by_code["PII_COLUMN_NAME"].field == "email"


def test_allow_list_downgrades_to_info():
    scanner = pii.PiiScanner(allow_columns={"office_phone"})
    scanner.scan("office_phone", pa.array(["02-123-4567"]))
    assert {f.severity for f in scanner.findings()} == {Severity.INFO}


@pytest.mark.parametrize("name,kind", [
    ("ชื่อ", pii.PERSON_NAME), ("นามสกุล", pii.PERSON_NAME), ("ชื่อ-นามสกุล", pii.PERSON_NAME),
    ("ชื่อ - สกุล", pii.PERSON_NAME), ("ชื่อผู้ป่วย", pii.PERSON_NAME),
    ("เลขบัตรประชาชน", pii.NATIONAL_ID), ("เลขประจำตัวประชาชน", pii.NATIONAL_ID),
    ("ที่อยู่", pii.ADDRESS), ("เบอร์โทร", pii.PHONE), ("citizen_id", pii.NATIONAL_ID),
    ("national_id", pii.NATIONAL_ID), ("id_card", pii.NATIONAL_ID), ("first_name", pii.PERSON_NAME),
    ("LastName", pii.PERSON_NAME), ("phone", pii.PHONE), ("mobile_no", pii.PHONE),
    ("email", pii.EMAIL), ("E-mail", pii.EMAIL), ("address", pii.ADDRESS),
    ("birth date", pii.BIRTH_DATE), ("date_of_birth", pii.BIRTH_DATE), ("วันเกิด", pii.BIRTH_DATE),
    ("ชื่อจังหวัด", None), ("province_name", None), ("name", None), ("ชื่อโรงเรียน", None),
    ("birth_rate", None), ("ip_address", None), ("ชื่อสกุลเงิน", None), ("pm25", None),
])
def test_column_names(name, kind):
    assert pii.personal_column_kind(name) == kind


def test_clean_column_yields_nothing():
    assert pii.scan_column("amount", pa.array(["118,118", "2566-01-31", "12.5", None])) == []
