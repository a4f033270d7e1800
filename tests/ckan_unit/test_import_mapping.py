"""What gdc import makes of real data.go.th records (no CKAN needed: the mapping itself)."""
from catalog import profile
from catalog.ckan.importer import manifest_of


def test_legacy_extras_become_fields_and_thai_values_are_kept():
    package = {
        "name": "covid-19-daily", "title": "สถานการณ์ผู้ติดเชื้อ COVID-19 รายวัน", "notes": "รายงานรายวัน",
        "tags": [{"name": "โควิด"}, {"name": "COVID-19"}], "data_type": "ข้อมูลสถิติ",
        "license_id": "Creative Commons Attributions", "maintainer": "กองระบาดวิทยา",
        "extras": [{"key": "objective", "value": '["พันธกิจหน่วยงาน"]'},
                   {"key": "update_frequency_unit", "value": "วัน"},
                   {"key": "not_a_thai_gdc_field", "value": "x"}],
        "high_value_dataset": "1", "geo_coverage_other": "", "data_format": "CSV",
    }
    data, lifted = manifest_of(package, profile.load())
    assert lifted == 2
    assert data["objective"] == ["พันธกิจหน่วยงาน"] and data["update_frequency_unit"] == "วัน"
    assert data["tags"] == ["โควิด", "COVID-19"] and data["data_type"] == "ข้อมูลสถิติ"
    assert data["data_format"] == ["CSV"]  # a bare string from an old record becomes a list
    assert data["high_value_dataset"] is True  # legacy "1"
    assert "not_a_thai_gdc_field" not in data and "geo_coverage_other" not in data
