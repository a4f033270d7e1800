"""Run a Table Schema ``pattern`` constraint with RE2 (pyarrow) but Python ``re`` semantics.

Frictionless checks ``re.compile("^{pattern}$").match(cell)`` with Python's ``re``. pyarrow
only has RE2, whose syntax and semantics differ in places (``{,3}``, ``\\Z``, POSIX classes,
Unicode ``\\d``/``\\w``/``\\s``, ``$`` before a final newline...). Rather than passing the
pattern text through, we parse it with Python's own regex parser and *re-emit* it in RE2
syntax, refusing anything RE2 cannot express identically (look-arounds, back-references,
atomic groups, possessive repeats, inline flags, repeats over 1000).

The residual differences are values, not patterns, and the caller routes those values to
Python's ``re``:

* values containing ``\\n`` (Python's ``$`` also matches before a final newline);
* when the pattern uses a class shortcut (``\\d \\w \\s \\b`` and negations), values with
  any character outside printable ASCII (Python's shortcuts are Unicode-aware: Thai digits
  match ``\\d``; RE2's are ASCII-only).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

try:  # Python 3.11+
    import re._constants as _c
    import re._parser as _p
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

_MAX_RE2_REPEAT = 1000


class _Untranslatable(Exception):
    pass


@dataclass(frozen=True)
class Translation:
    re2: str
    #: True when values outside printable ASCII must be checked with Python ``re``.
    unicode_sensitive: bool


_CATEGORIES = {
    _c.CATEGORY_DIGIT: r"\d",
    _c.CATEGORY_NOT_DIGIT: r"\D",
    _c.CATEGORY_SPACE: r"\s",
    _c.CATEGORY_NOT_SPACE: r"\S",
    _c.CATEGORY_WORD: r"\w",
    _c.CATEGORY_NOT_WORD: r"\W",
}


def _char(code: int) -> str:
    return "\\x{%x}" % code


class _Emitter:
    def __init__(self) -> None:
        self.unicode_sensitive = False

    def seq(self, items) -> str:
        return "".join(self.item(op, av) for op, av in items)

    def item(self, op, av) -> str:
        if op is _c.LITERAL:
            return _char(av)
        if op is _c.NOT_LITERAL:
            return "[^" + _char(av) + "]"
        if op is _c.ANY:
            return "."  # neither flavour matches "\n" without DOTALL
        if op is _c.IN:
            return self.charset(av)
        if op is _c.BRANCH:
            return "(?:" + "|".join(self.seq(branch) for branch in av[1]) + ")"
        if op is _c.SUBPATTERN:
            group, add_flags, del_flags, sub = av
            if add_flags or del_flags:
                raise _Untranslatable("inline flags")
            return "(?:" + self.seq(sub) + ")"
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            lo, hi, sub = av
            if lo > _MAX_RE2_REPEAT or (hi is not _c.MAXREPEAT and hi > _MAX_RE2_REPEAT):
                raise _Untranslatable("repeat count over RE2's limit")
            body = "(?:" + self.seq(sub) + ")"
            if hi is _c.MAXREPEAT:
                quant = "{%d,}" % lo
            else:
                quant = "{%d,%d}" % (lo, hi)
            # Greedy or lazy changes which match is found, not whether one is.
            return body + quant
        if op is _c.AT:
            if av is _c.AT_BEGINNING or av is _c.AT_BEGINNING_STRING:
                return r"\A"
            if av is _c.AT_END:
                # Python: end, or before a final "\n" (those values go to Python re).
                return r"\z"
            if av is _c.AT_END_STRING:
                return r"\z"
            if av is _c.AT_BOUNDARY:
                self.unicode_sensitive = True
                return r"\b"
            if av is _c.AT_NON_BOUNDARY:
                self.unicode_sensitive = True
                return r"\B"
            raise _Untranslatable(f"anchor {av}")
        raise _Untranslatable(f"regex construct {op}")

    def charset(self, items) -> str:
        out = []
        negate = False
        for op, av in items:
            if op is _c.NEGATE:
                negate = True
            elif op is _c.LITERAL:
                out.append(_char(av))
            elif op is _c.RANGE:
                out.append(_char(av[0]) + "-" + _char(av[1]))
            elif op is _c.CATEGORY:
                if av not in _CATEGORIES:
                    raise _Untranslatable(f"category {av}")
                self.unicode_sensitive = True
                out.append(_CATEGORIES[av])
            else:
                raise _Untranslatable(f"charset item {op}")
        if not out:
            raise _Untranslatable("empty charset")
        return "[" + ("^" if negate else "") + "".join(out) + "]"


def translate(pattern: str) -> Optional[Translation]:
    """RE2 text equivalent to ``re.match("^" + pattern + "$")`` (None if not expressible).

    The result is anchored at the start like ``re.match`` (``pc.match_substring_regex`` is
    a search).
    """
    full = "^{0}$".format(pattern)
    if "[:" in pattern:  # POSIX classes mean something else in RE2
        return None
    try:
        parsed = _p.parse(full)
    except Exception:
        return None
    if parsed.state.flags & ~(re.UNICODE):
        return None
    emitter = _Emitter()
    try:
        # Top-level categories (outside a charset) are CATEGORY items inside IN in sre's
        # tree too, so ``charset`` sees them.
        body = emitter.seq(parsed)
    except _Untranslatable:
        return None
    return Translation(re2=r"\A(?:" + body + ")", unicode_sensitive=emitter.unicode_sensitive)
