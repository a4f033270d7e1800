"""The CI pipelines agencies copy: their structure, and (with the real CKAN) their commands."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

GITHUB = REPO / "pipelines" / "github-actions.yml"
GITLAB = REPO / "pipelines" / "gitlab-ci.yml"
INSTALL = "pip install "


def github_commands(job: str) -> list[str]:
    steps = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))["jobs"][job]["steps"]
    return [s["run"].strip() for s in steps if "run" in s and s["run"].strip().startswith("gdc ")]


def gitlab_commands(job: str) -> list[str]:
    return [c for c in yaml.safe_load(GITLAB.read_text(encoding="utf-8"))[job]["script"]]


def test_github_workflow_structure():
    wf = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    triggers = wf[True] if True in wf else wf["on"]  # YAML 1.1 reads a bare `on:` key as True
    assert set(triggers) == {"pull_request", "push"}
    assert wf["jobs"]["check"]["if"] == "github.event_name == 'pull_request'"
    assert wf["jobs"]["publish"]["if"] == "github.event_name == 'push'"
    for job in wf["jobs"].values():
        for step in job["steps"]:
            if "run" in step:  # wiring only: an install or one gdc command, nothing else
                assert step["run"].startswith(("gdc ", INSTALL)) and "\n" not in step["run"].strip(), step
                assert "secrets." not in step["run"], "a token must come from env, never a command line"
    assert "secrets.CKAN_API_TOKEN" in wf["jobs"]["publish"]["env"]["CKAN_API_TOKEN"]
    assert github_commands("check")[-1] == "gdc validate datasets/"
    assert github_commands("publish")[0] == "gdc publish datasets/"


def test_github_workflow_passes_actionlint():
    linter = shutil.which("actionlint") or str(REPO / ".devstack" / "bin" / "actionlint")
    if not os.access(linter, os.X_OK):
        if os.environ.get("CI"):
            pytest.fail("actionlint missing: make test-deps installs it")
        pytest.skip("actionlint not installed (tests/tools/install-actionlint.sh)")
    proc = subprocess.run([linter, str(GITHUB)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_gitlab_pipeline_structure():
    ci = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    assert ci["stages"] == ["check", "publish"]
    assert all(line.startswith(INSTALL) for line in ci["default"]["before_script"])
    for job in ("check", "publish"):
        assert ci[job]["stage"] == job and ci[job]["rules"]
        assert all(line.startswith("gdc ") for line in ci[job]["script"]), ci[job]["script"]
    assert ci["check"]["artifacts"]["reports"]["junit"] == "reports/junit.xml"
    assert ci["check"]["script"][-1] == "gdc validate datasets/"
    assert ci["publish"]["resource_group"]


def test_every_pipeline_command_is_a_real_gdc_command():
    from click.testing import CliRunner

    from catalog.cli import cli

    for command in github_commands("check") + github_commands("publish") + gitlab_commands("check") + \
            gitlab_commands("publish"):
        words = command.split(">>")[0].split()[1:]  # drop "gdc" and any redirection
        result = CliRunner().invoke(cli, [words[0], "--help"])
        assert result.exit_code == 0, command
        for option in (w.split("=")[0] for w in words[1:] if w.startswith("--")):
            assert option in result.output, f"{command}: {option} is not an option of gdc {words[0]}"
