"""Table Schema drift classification: breaking or compatible."""
from catalog.ckan.drift import compare

BASE = {"fields": [
    {"name": "province_code", "type": "string", "constraints": {"required": True, "pattern": "^[0-9]{2}$"}},
    {"name": "year_be", "type": "integer", "constraints": {"minimum": 2500, "maximum": 2600}},
    {"name": "total", "type": "integer"},
    {"name": "region", "type": "string", "constraints": {"enum": ["ภาคเหนือ", "ภาคใต้"]}},
], "primaryKey": ["province_code", "year_be"]}


def changed(**edits):
    import copy
    schema = copy.deepcopy(BASE)
    for name, fn in edits.items():
        fn(schema)
    return schema


def kinds(new):
    return [(c.breaking, c.what) for c in compare(BASE, new)]


def test_same_schema_no_changes():
    assert compare(BASE, changed()) == []


def test_removed_column_is_breaking():
    new = changed(a=lambda s: s["fields"].pop(2))
    assert kinds(new) == [(True, "column 'total' removed")]


def test_renamed_column_is_breaking():
    new = changed(a=lambda s: s["fields"][2].update(name="total_people"))
    assert kinds(new) == [(True, "column 'total' renamed to 'total_people'")]


def test_added_column_is_compatible():
    new = changed(a=lambda s: s["fields"].append({"name": "note", "type": "string"}))
    assert kinds(new) == [(False, "column 'note' added")]


def test_type_narrowed_is_breaking_and_widened_is_not():
    assert kinds(changed(a=lambda s: s["fields"][2].update(type="number"))) == [(False, "type integer → number (widened)")]
    assert kinds(changed(a=lambda s: s["fields"][0].update(type="integer")))[0][0] is True


def test_tightened_constraints_are_breaking_loosened_are_not():
    tighter = changed(a=lambda s: s["fields"][1]["constraints"].update(minimum=2550))
    looser = changed(a=lambda s: s["fields"][1]["constraints"].update(maximum=2700))
    assert kinds(tighter) == [(True, "minimum 2500 → 2550")]
    assert kinds(looser) == [(False, "maximum 2600 → 2700")]
    required = changed(a=lambda s: s["fields"][2].setdefault("constraints", {}).update(required=True))
    assert kinds(required) == [(True, "required False → True")]


def test_enum_narrowed_is_breaking_widened_is_not():
    narrowed = changed(a=lambda s: s["fields"][3]["constraints"].update(enum=["ภาคเหนือ"]))
    widened = changed(a=lambda s: s["fields"][3]["constraints"].update(enum=["ภาคเหนือ", "ภาคใต้", "ภาคกลาง"]))
    assert kinds(narrowed) == [(True, "enum narrowed")] and kinds(widened) == [(False, "enum widened")]


def test_primary_key_change_is_breaking():
    new = changed(a=lambda s: s.update(primaryKey=["province_code"]))
    assert kinds(new) == [(True, "primary key ['province_code', 'year_be'] → ['province_code']")]
