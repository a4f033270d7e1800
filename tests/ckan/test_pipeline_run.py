"""Run exactly the commands each CI pipeline runs, in order, against the local CKAN."""
from __future__ import annotations

import os
import subprocess

import pytest

from tests.ckan.helpers import unique_catalog
from tests.test_pipelines import github_commands, gitlab_commands


@pytest.mark.ckan
@pytest.mark.parametrize("system", ["github", "gitlab"])
def test_pipeline_commands_run_in_order_against_the_local_ckan(system, ckan_stack, tmp_path):
    catalog, sfx = unique_catalog(tmp_path)
    repo = catalog.parent
    summary = tmp_path / "step-summary.md"
    env = {**os.environ, "CKAN_URL": ckan_stack.url, "CKAN_API_TOKEN": ckan_stack.token,
           "GITHUB_STEP_SUMMARY": str(summary)}
    commands = github_commands if system == "github" else gitlab_commands

    def run_job(job: str) -> list[subprocess.CompletedProcess]:
        done = []
        for command in commands(job):
            proc = subprocess.run(["bash", "-c", command], cwd=repo, env=env, capture_output=True, text=True,
                                  timeout=600)
            assert ckan_stack.token not in proc.stdout + proc.stderr
            assert proc.returncode == 0, f"{command}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
            done.append(proc)
        return done

    run_job("check")
    assert {p.name for p in (repo / "reports").iterdir()} >= {"report.html", "report.md", "report.json", "junit.xml"}
    if system == "github":
        text = summary.read_text(encoding="utf-8")
        assert "gdc plan" in text and "**9** to create" in text
        assert "grade" in text.lower()
    else:
        assert "**9** to create" in (repo / "reports" / "plan.md").read_text(encoding="utf-8")
        assert (repo / "reports" / "scores.md").stat().st_size > 0
    first = run_job("publish")
    assert "9 create" in first[0].stdout
    assert len((repo / "scores" / "history.jsonl").read_text().splitlines()) == 1
    again = run_job("publish")
    assert "0 write call(s)" in again[0].stdout
