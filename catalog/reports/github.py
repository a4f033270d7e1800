"""GitHub Actions workflow commands: each finding as an annotation on its file and line.

``::error file=datasets/x/dataset.yaml,line=12,title=[CODE]::message`` makes GitHub draw the
message on the changed line of the pull request. Values are escaped as the runner requires
(``%``, CR, LF everywhere; ``:`` and ``,`` in properties too), or a message with a comma
would silently lose its end.
"""
from __future__ import annotations

from typing import Any, Iterable

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(f: dict[str, Any]) -> str:
    props = []
    if f.get("file"):
        props.append(f"file={escape_property(str(f['file']))}")
        if f.get("line"):
            props.append(f"line={int(f['line'])}")
            if f.get("column"):
                props.append(f"col={int(f['column'])}")
    props.append(f"title={escape_property('[' + f['code'] + ']' + (' ' + f['dataset'] if f.get('dataset') else ''))}")
    message = f["message"]
    if f.get("row") is not None or f.get("field") is not None:
        message = f"{f['where']}: {message}"
    if f.get("hint"):
        message += f"\n→ {f['hint']}"
    return f"::{LEVELS.get(f['severity'], 'notice')} {','.join(props)}::{escape_data(message)}"


def render(findings: Iterable[dict[str, Any]], *, include_info: bool = False) -> str:
    lines = [annotation(f) for f in findings if include_info or f["severity"] != "info"]
    return "\n".join(lines) + ("\n" if lines else "")
