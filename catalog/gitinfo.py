"""The git commit of the manifests, recorded in each published package's provenance."""
from __future__ import annotations

import subprocess
from pathlib import Path


def head_commit(folder: Path) -> str | None:
    """HEAD of the repository holding ``folder``, with "-dirty" when its files have edits."""
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True,
                             timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "."], cwd=folder, capture_output=True,
                               text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{sha}-dirty" if dirty else sha
