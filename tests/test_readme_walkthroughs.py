"""The README's walkthroughs for each kind of user work exactly as written."""
from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

README = REPO / "README.md"


def section_script(heading: str) -> str:
    """The first ```sh block under the README's ``## heading``."""
    text = README.read_text(encoding="utf-8")
    body = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^```sh\n(.*?)^```", body, re.S | re.M)[0]


def shell_env(tmp_path: Path) -> dict[str, str]:
    """PATH with a `gdc` that runs this checkout, as an installed gdc would."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "gdc"
    shim.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -m catalog \"$@\"\n", encoding="utf-8")
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(REPO)}
    for key in ("GDC_DEBUG", "GDC_LANG", "CKAN_URL", "CKAN_API_TOKEN"):
        env.pop(key, None)
    return env


def run(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=900)


def test_stewards_walkthrough(tmp_path):
    proc = run(section_script("For data stewards"), tmp_path, shell_env(tmp_path))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "0 error(s)" in proc.stdout.splitlines()[-1]
    assert (tmp_path / "pcd-catalog/datasets/pcd/noise-levels/schema.json").is_file()


def test_governance_officers_walkthrough(tmp_path):
    proc = run(section_script("For governance officers"), REPO, shell_env(tmp_path))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    scores = json.loads((REPO / "reports/scores.json").read_text(encoding="utf-8"))
    assert {a["name"] for a in scores["agencies"]} == {"dopa", "mnre", "nso", "pcd"}
    assert (REPO / "reports/report.html").stat().st_size > 10_000
