"""The stewards' walkthrough (docs/stewards.md) works as written; the pre-commit hooks are sound."""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

DOC = REPO / "docs" / "stewards.md"
HOOKS = REPO / ".pre-commit-hooks.yaml"


def blocks(lang: str) -> list[str]:
    """The doc's fenced code blocks in language ``lang`` ("" for plain blocks), in order."""
    fences = re.findall(r"^```(\w*)\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.S | re.M)
    return [body for kind, body in fences if kind == lang]


@pytest.fixture
def shell_env(tmp_path: Path) -> dict[str, str]:
    """PATH with a `gdc` that runs this checkout, as an installed gdc would."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "gdc"
    shim.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -m catalog \"$@\"\n", encoding="utf-8")
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(REPO)}
    env.pop("GDC_DEBUG", None)
    env.pop("GDC_LANG", None)
    return env


def sh(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=300)


def test_walkthrough_runs_exactly_as_written(tmp_path, shell_env):
    walkthrough = blocks("sh")[0]
    assert walkthrough.startswith("mkdir pcd-catalog") and "gdc validate" in walkthrough
    proc = sh(walkthrough, tmp_path, shell_env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 error(s)" in proc.stdout.splitlines()[-1]
    catalog = tmp_path / "pcd-catalog"
    what_you_get = blocks("")[0]  # "What you get" lists what is really there
    for line in filter(str.strip, what_you_get.splitlines()):
        first, *rest = line.split()
        assert (catalog / first.rstrip(",")).is_file(), first
        if first.endswith(","):
            assert (catalog / Path(first).parent / rest[0]).is_file(), rest[0]

    # the doc's claims about the drafted schema hold
    schema = yaml.safe_load((catalog / "datasets/pcd/noise-levels/schema.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in schema["fields"]}
    assert fields["year_be"]["constraints"]["minimum"] == 2500 and fields["year_be"]["constraints"]["maximum"] == 2600
    assert "pattern" in fields["province_code"]["constraints"]

    # the pre-commit hook's command, run where pre-commit runs it (the repository root)
    for hook in yaml.safe_load(HOOKS.read_text(encoding="utf-8")):
        proc = sh(hook["entry"], catalog, shell_env)
        assert proc.returncode == 0, (hook["id"], proc.stdout + proc.stderr)
    # ... and it blocks a broken manifest
    manifest = catalog / "datasets/pcd/noise-levels/dataset.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("noise@pcd.go.th", "noise"), encoding="utf-8")
    proc = sh(yaml.safe_load(HOOKS.read_text(encoding="utf-8"))[0]["entry"], catalog, shell_env)
    assert proc.returncode == 1 and "EMAIL_INVALID" in proc.stdout


def test_pre_commit_hooks_manifest():
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    ids = [h["id"] for h in hooks]
    assert ids[0] == "gdc-validate" and len(set(ids)) == len(ids)
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        assert hook["entry"].startswith("gdc validate --quiet")
        pattern = re.compile(hook["files"])
        assert pattern.search("datasets/pcd/noise/dataset.yaml") and pattern.search("datasets/pcd/agency.yaml")
        assert not pattern.search("README.md")
    assert re.search(hooks[0]["files"], "datasets/pcd/noise/noise.csv")
    try:  # pre-commit's own manifest schema, when pre-commit is installed
        from pre_commit.clientlib import load_manifest
    except ImportError:
        return
    load_manifest(str(HOOKS))


def test_local_hook_snippet_matches_the_shipped_hook():
    configs = [yaml.safe_load(b) for b in blocks("yaml")]
    local = next(c for c in configs if c["repos"][0]["repo"] == "local")["repos"][0]["hooks"][0]
    shipped = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))[0]
    assert local["entry"] == shipped["entry"] and local["files"] == shipped["files"]
    remote = next(c for c in configs if c["repos"][0]["repo"] != "local")["repos"][0]
    assert remote["hooks"][0]["id"] == shipped["id"]
