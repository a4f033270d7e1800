"""Thai hints for drafting a Table Schema: header words, province codes, Buddhist-era years.

Why a module of its own: what a column *means* in Thai government data (a ``year_be`` column
holds พ.ศ. years, ``province_code`` holds the Department of Provincial Administration's
2-digit codes, a Thai header is already the Thai title) is knowledge, not inference logic.
Keeping it here lets ``schema_infer`` stay about counting values, and lets a steward see the
whole vocabulary gdc recognises in one place.
"""
from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

from catalog import profile as profile_mod
from catalog.thai import BE_MAX, BE_MIN, CE_MAX, CE_MIN

PROVINCES_FILE = "th-provinces.csv"

_THAI = re.compile(r"[\u0E00-\u0E7F]")
YEAR_HINT = re.compile(r"(^|[_\W])(year|yr|fy|be|ce)($|[_\W])|year|ปี|พ\.?\s?ศ|ค\.?\s?ศ", re.I)
PROVINCE_HINT = re.compile(r"prov|changwat|จังหวัด|^จว", re.I)
ID_HINT = re.compile(r"(^|[_\s])(id|no|key|number)($|[_\s])|code|รหัส|เลขที่|ลำดับ", re.I)
CODE_LIST_HINT = re.compile(r"code|type|categor|class|status|sex|gender|quarter|month|level|group|"
                            r"รหัส|ประเภท|สถานะ|เพศ|ไตรมาส|เดือน|ระดับ|กลุ่ม", re.I)

# Whole English column names often found in Thai agencies' exports -> their Thai titles.
# Only exact names: English and Thai order words differently, so guessing from parts would
# produce titles a steward has to undo.
GLOSSARY = {
    "id": "รหัส", "code": "รหัส", "name": "ชื่อ", "title": "ชื่อเรื่อง", "description": "คำอธิบาย",
    "province": "จังหวัด", "province_code": "รหัสจังหวัด", "province_name": "ชื่อจังหวัด",
    "district": "อำเภอ", "district_code": "รหัสอำเภอ", "district_name": "ชื่ออำเภอ",
    "subdistrict": "ตำบล", "subdistrict_code": "รหัสตำบล", "subdistrict_name": "ชื่อตำบล",
    "tambon": "ตำบล", "amphoe": "อำเภอ", "changwat": "จังหวัด", "village": "หมู่บ้าน",
    "region": "ภาค", "zone": "เขต", "address": "ที่อยู่", "location": "ที่ตั้ง",
    "latitude": "ละติจูด", "longitude": "ลองจิจูด", "lat": "ละติจูด", "lon": "ลองจิจูด",
    "lng": "ลองจิจูด",
    "year": "ปี", "year_be": "ปี (พ.ศ.)", "year_ce": "ปี (ค.ศ.)", "fiscal_year": "ปีงบประมาณ",
    "month": "เดือน", "quarter": "ไตรมาส", "date": "วันที่", "time": "เวลา", "day": "วัน",
    "male": "ชาย", "female": "หญิง", "sex": "เพศ", "gender": "เพศ", "age": "อายุ",
    "total": "รวม", "count": "จำนวน", "amount": "จำนวนเงิน", "value": "ค่า", "unit": "หน่วย",
    "population": "จำนวนประชากร", "households": "จำนวนครัวเรือน", "area": "พื้นที่",
    "area_rai": "พื้นที่ (ไร่)", "budget": "งบประมาณ", "income": "รายได้", "expense": "รายจ่าย",
    "price": "ราคา", "rate": "อัตรา", "percent": "ร้อยละ", "status": "สถานะ", "category": "ประเภท",
    "type": "ประเภท", "remark": "หมายเหตุ", "remarks": "หมายเหตุ", "note": "หมายเหตุ",
    "notes": "หมายเหตุ", "phone": "โทรศัพท์", "email": "อีเมล", "url": "ลิงก์", "station_id": "รหัสสถานี",
    "station": "สถานี", "station_name": "ชื่อสถานี", "agency": "หน่วยงาน", "department": "กรม",
    "ministry": "กระทรวง", "project": "โครงการ", "project_name": "ชื่อโครงการ",
}


def thai_title(header: str) -> str | None:
    """The Thai title of a column: the header itself when it is Thai, else the glossary's."""
    text = header.strip()
    if _THAI.search(text):
        return text
    return GLOSSARY.get(re.sub(r"[\s\-]+", "_", text.lower()))


def province_file() -> Path:
    """schemas/th-provinces.csv, beside the data.go.th profile gdc reads."""
    return profile_mod.default_path().parent / PROVINCES_FILE


@functools.lru_cache(maxsize=1)
def province_codes() -> dict[str, str]:
    """The 77 province codes (``"10"`` ... ``"96"``) and their Thai names."""
    try:
        with province_file().open(encoding="utf-8", newline="") as fh:
            return {row["province_code"].strip(): row["province_name"].strip() for row in csv.DictReader(fh)}
    except (OSError, KeyError):
        return {}


def province_pattern(codes: list[str] | None = None) -> str:
    """An exact regex for the province codes, grouped by tens: ``^(1[0-9]|2[0-7]|...)$``.

    Exact (rather than ``^[1-9][0-9]$``) so that a code no province has, such as 29 or 99,
    is caught by ``gdc validate``; grouped so that a steward can still read it.
    """
    codes = sorted(codes if codes is not None else province_codes())
    by_tens: dict[str, list[int]] = {}
    for code in codes:
        by_tens.setdefault(code[0], []).append(int(code[1]))
    parts = []
    for tens, units in by_tens.items():
        parts.append(tens + _digit_class(units))
    return "^(" + "|".join(parts) + ")$"


def _digit_class(digits: list[int]) -> str:
    runs: list[list[int]] = []
    for d in sorted(set(digits)):
        if runs and d == runs[-1][1] + 1:
            runs[-1][1] = d
        else:
            runs.append([d, d])
    if len(runs) == 1 and runs[0][0] == runs[0][1]:
        return str(runs[0][0])
    inner = "".join(f"{a}" if a == b else f"{a}-{b}" if b > a + 1 else f"{a}{b}" for a, b in runs)
    return f"[{inner}]"


def year_era(low: int, high: int, header: str) -> str | None:
    """``"be"`` for a Buddhist-era year column, ``"ce"`` for a Gregorian one, else None.

    BE years (2400-2700) are recognised from the values alone: hardly any other quantity sits
    in that narrow band in a whole column. CE years need a header that says "year", because
    counts between 1800 and 2200 are common.
    """
    if BE_MIN <= low and high <= BE_MAX:
        return "be"
    if CE_MIN <= low and high <= CE_MAX and YEAR_HINT.search(header):
        return "ce"
    return None


def year_bounds(low: int, high: int, era: str) -> tuple[int, int]:
    """Bounds around the data, to the century: 2564-2566 -> 2500-2600.

    Wide enough that next year's rows still validate, narrow enough that a CE year typed into
    a BE column (2023 among 2566s) fails the minimum.
    """
    floor, ceil = (BE_MIN, BE_MAX) if era == "be" else (CE_MIN, CE_MAX)
    return max(floor, low // 100 * 100), min(ceil, (high // 100 + 1) * 100)
