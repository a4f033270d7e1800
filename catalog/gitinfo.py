"""The git commit of the manifests, recorded in each published package's provenance."""
from __future__ import annotations

import subprocess
from pathlib import Path


def head_commit(folder: Path, *, mark_dirty: bool = True) -> str | None:
    """HEAD of the repository holding ``folder``; with ``mark_dirty``, "-dirty" appended when
    its files have uncommitted edits (provenance says so; score history records HEAD only)."""
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True,
                             timeout=10, check=True).stdout.strip()
        if not sha or not mark_dirty:
            return sha or None
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "."], cwd=folder, capture_output=True,
                               text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{sha}-dirty" if dirty else sha
