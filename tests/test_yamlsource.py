"""The YAML loader keeps lines and turns every kind of bad input into a finding."""
from catalog import yamlsource


def codes(doc):
    return [f.code for f in doc.findings]


def test_lines_of_keys_and_list_items():
    doc = yamlsource.parse_text("a: 1\nb:\n  - x\n  - c: 2\n", "f.yaml")
    assert doc.data == {"a": 1, "b": ["x", {"c": 2}]}
    assert doc.line("a") == 1 and doc.line("b") == 2
    assert doc.line("b", 1) == 4 and doc.line("b", 1, "c") == 4
    assert doc.line("missing") == 1


def test_dates_stay_text():
    doc = yamlsource.parse_text("d: 2025-01-31\n", "f.yaml")
    assert doc.data == {"d": "2025-01-31"}


def test_duplicate_key_is_an_error_with_both_lines():
    doc = yamlsource.parse_text("title: a\nname: x\ntitle: b\n", "f.yaml")
    [f] = doc.findings
    assert f.code == "YAML_DUPLICATE_KEY" and f.line == 3 and f.params["first_line"] == 1


def test_merge_keys_are_not_duplicates():
    doc = yamlsource.parse_text("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n", "f.yaml")
    assert doc.findings == []
    assert doc.data["other"] == {"x": 1, "y": 3}


def test_syntax_error_has_line():
    doc = yamlsource.parse_text("a: 1\nb: [1, 2\nc: 3\n", "f.yaml")
    [f] = doc.findings
    assert f.code == "YAML_SYNTAX" and f.line == 3 and doc.data is None


def test_billion_laughs_is_refused_quickly():
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
    for i, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[i]
        bomb += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]\n"
    doc = yamlsource.parse_text(bomb, "bomb.yaml")
    assert codes(doc) == ["YAML_TOO_LARGE"] and doc.data is None


def test_deep_nesting_is_refused():
    doc = yamlsource.parse_text("a: " + "[" * 5000 + "]" * 5000 + "\n", "deep.yaml")
    assert codes(doc) == ["YAML_TOO_LARGE"]


def test_empty_and_comment_only_files(tmp_path):
    for text in ("", "   \n", "# only a comment\n", "---\n"):
        doc = yamlsource.parse_text(text, "e.yaml")
        assert codes(doc) == ["YAML_EMPTY"], repr(text)


def test_non_utf8_has_line(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_bytes("name: x\ntitle: ".encode() + "ประชากร".encode("cp874") + b"\n")
    doc = yamlsource.load(path)
    [f] = doc.findings
    assert f.code == "YAML_NOT_UTF8" and f.line == 2


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_bytes("\ufeffname: x\n".encode("utf-8"))
    assert yamlsource.load(path).data == {"name": "x"}


def test_unsafe_tags_are_refused():
    doc = yamlsource.parse_text("a: !!python/object/apply:os.system ['echo hi']\n", "x.yaml")
    assert codes(doc) == ["YAML_SYNTAX"]


def test_multiple_documents_are_an_error():
    doc = yamlsource.parse_text("a: 1\n---\nb: 2\n", "x.yaml")
    assert codes(doc) == ["YAML_SYNTAX"]
