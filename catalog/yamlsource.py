"""Read a YAML manifest safely while remembering the line of every key.

``yaml.safe_load`` throws away line numbers, and stewards need ``dataset.yaml:12`` to fix
anything. So we compose the node tree with the safe loader and build plain Python values
ourselves, recording the line of each key and list item under its path, e.g.
``("resources", 0, "path") -> 14``. Building by hand also lets us refuse what safe_load
would happily do: silently keep the last of two duplicated keys, or expand a "billion
laughs" alias bomb into gigabytes. Every problem becomes a finding, never an exception.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from catalog import findings as F
from catalog.findings import Finding

# libyaml's C parser builds the same node tree with the same marks, ~10x faster; the
# constructor on top stays the safe Python one.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 50_000
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_PLAIN_TAGS = {"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}


@dataclass
class YamlDocument:
    """A parsed manifest: its data (None when unreadable), key lines and load findings."""

    file: str
    data: Any = None
    lines: dict[tuple, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def line(self, *path: Any) -> int | None:
        """The line of the deepest known key along ``path`` (so a missing key points at its parent)."""
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return 1 if self.data is not None else None
            path = path[:-1]

    @property
    def ok(self) -> bool:
        return self.data is not None


class _TooLarge(Exception):
    pass


class _Builder:
    def __init__(self, loader: "yaml.SafeLoader", doc: YamlDocument):
        self.loader = loader
        self.doc = doc
        self.count = 0

    def build(self, node: yaml.Node, path: tuple) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge()
        if isinstance(node, ScalarNode):
            if node.tag == _TIMESTAMP:
                return node.value  # keep dates as the ISO text the steward wrote
            return self.loader.construct_object(node, deep=True)
        if node.tag not in _PLAIN_TAGS:
            raise yaml.constructor.ConstructorError(
                None, None, f"the tag {node.tag} is not allowed in a manifest", node.start_mark)
        if isinstance(node, SequenceNode):
            out = []
            for i, child in enumerate(node.value):
                self.doc.lines.setdefault(path + (i,), child.start_mark.line + 1)
                out.append(self.build(child, path + (i,)))
            return out
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        raise _TooLarge()  # pragma: no cover - composer only makes the three kinds

    def _mapping(self, node: MappingNode, path: tuple) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE or not isinstance(key_node, ScalarNode):
                continue
            key = self.loader.construct_object(key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                self.doc.findings.append(F.error(
                    "YAML_DUPLICATE_KEY", file=self.doc.file, line=line,
                    key=str(key), first_line=seen[key]))
            else:
                seen[key] = line
        self.loader.flatten_mapping(node)  # resolves `<<: *anchor` merge keys
        out: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.doc.findings.append(F.error(
                    "YAML_COMPLEX_KEY", file=self.doc.file, line=key_node.start_mark.line + 1))
                continue
            key = self.loader.construct_object(key_node)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                key = str(key)
            self.doc.lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, path + (key,))
        return out


def _decode(raw: bytes, doc: YamlDocument) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        doc.findings.append(F.error(
            "YAML_NOT_UTF8", file=doc.file, line=line, offset=exc.start,
            byte=f"0x{raw[exc.start]:02x}"))
        return None


def parse_text(text: str, file: str) -> YamlDocument:
    doc = YamlDocument(file=file)
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        doc.findings.append(F.error("YAML_EMPTY", file=file, line=1))
        return doc
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            doc.findings.append(F.error("YAML_EMPTY", file=file, line=1))
            return doc
        doc.data = _Builder(loader, doc).build(node, ())
        doc.lines.setdefault((), node.start_mark.line + 1)
        if doc.data is None:
            doc.findings.append(F.error("YAML_EMPTY", file=file, line=1))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        doc.findings.append(F.error(
            "YAML_SYNTAX", file=file, line=(mark.line + 1) if mark else None,
            column=(mark.column + 1) if mark else None,
            problem=(exc.problem or exc.context or "invalid YAML").strip()))
    except yaml.YAMLError as exc:
        doc.findings.append(F.error("YAML_SYNTAX", file=file, line=None, problem=str(exc)))
    except (_TooLarge, RecursionError):
        doc.data = None
        doc.findings.append(F.error("YAML_TOO_LARGE", file=file, line=1, limit=MAX_NODES))
    finally:
        loader.dispose()
    return doc


def load(path: Path, display: str | None = None) -> YamlDocument:
    """Load ``path``; ``display`` is how findings name the file (a path relative to the user)."""
    file = display or str(path)
    doc = YamlDocument(file=file)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            doc.findings.append(F.error("YAML_FILE_TOO_BIG", file=file, line=1,
                                        size=size, limit=MAX_BYTES))
            return doc
        raw = path.read_bytes()
    except OSError as exc:
        doc.findings.append(F.error("FILE_UNREADABLE", file=file, reason=exc.strerror or str(exc)))
        return doc
    text = _decode(raw, doc)
    if text is None:
        return doc
    return parse_text(text, file)
