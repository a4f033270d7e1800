"""Run exactly the commands each CI pipeline runs, in order, against the local CKAN."""
from __future__ import annotations

import os
import subprocess

import pytest

from tests.ckan.helpers import unique_catalog
from tests.test_pipelines import github_commands, gitlab_commands


def run_job(commands, job: str, repo, env, token) -> list[subprocess.CompletedProcess]:
    """Each command of a pipeline job, in order, as the CI runner would (bash, repo root)."""
    done = []
    for command in commands(job):
        proc = subprocess.run(["bash", "-c", command], cwd=repo, env=env, capture_output=True, text=True,
                              timeout=600)
        assert token not in proc.stdout + proc.stderr
        assert proc.returncode == 0, f"{command}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        done.append(proc)
    return done


@pytest.mark.ckan
def test_a_repository_made_with_gdc_init_goes_through_the_github_pipeline(ckan_stack, tmp_path):
    """The issue's end-to-end path: gdc init (agency + dataset), then exactly the workflow's commands."""
    import sys
    import uuid

    sfx = uuid.uuid4().hex[:6]
    repo = tmp_path / "catalog-repo"
    (repo / ".git").mkdir(parents=True)
    data = tmp_path / "noise.csv"
    data.write_text("station_id,province_code,year_be,avg_db\nN01,10,2565,68.2\nN02,50,2566,60.8\n"
                    "N03,90,2566,62.7\n", encoding="utf-8")
    gdc = [sys.executable, "-m", "catalog"]
    for args in (["init", "agency", "--name", f"pcd-{sfx}", "--title", f"กรมควบคุมมลพิษ {sfx}"],
                 ["init", "dataset", "--agency", f"pcd-{sfx}", "--name", f"pcd-noise-{sfx}",
                  "--title", f"ระดับเสียงเฉลี่ย {sfx}", "--maintainer-email", "noise@pcd.go.th",
                  "--data-type", "statistical", "--file", str(data), "--yes"]):
        proc = subprocess.run(gdc + args, cwd=repo, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = tmp_path / "summary.md"
    env = {**os.environ, "CKAN_URL": ckan_stack.url, "CKAN_API_TOKEN": ckan_stack.token,
           "GITHUB_STEP_SUMMARY": str(summary)}
    run_job(github_commands, "check", repo, env, ckan_stack.token)
    assert "**1** to create" in summary.read_text(encoding="utf-8")
    first = run_job(github_commands, "publish", repo, env, ckan_stack.token)
    assert "1 create" in first[0].stdout
    assert ckan_stack.client().action.package_show(id=f"pcd-noise-{sfx}")["data_type"] == "ข้อมูลสถิติ"
    again = run_job(github_commands, "publish", repo, env, ckan_stack.token)
    assert "0 write call(s)" in again[0].stdout


@pytest.mark.ckan
@pytest.mark.parametrize("system", ["github", "gitlab"])
def test_pipeline_commands_run_in_order_against_the_local_ckan(system, ckan_stack, tmp_path):
    catalog, sfx = unique_catalog(tmp_path)
    repo = catalog.parent
    summary = tmp_path / "step-summary.md"
    env = {**os.environ, "CKAN_URL": ckan_stack.url, "CKAN_API_TOKEN": ckan_stack.token,
           "GITHUB_STEP_SUMMARY": str(summary)}
    commands = github_commands if system == "github" else gitlab_commands

    run_job(commands, "check", repo, env, ckan_stack.token)
    assert {p.name for p in (repo / "reports").iterdir()} >= {"report.html", "report.md", "report.json", "junit.xml"}
    if system == "github":
        text = summary.read_text(encoding="utf-8")
        assert "gdc plan" in text and "**9** to create" in text
        assert "grade" in text.lower()
    else:
        assert "**9** to create" in (repo / "reports" / "plan.md").read_text(encoding="utf-8")
        assert (repo / "reports" / "scores.md").stat().st_size > 0
    first = run_job(commands, "publish", repo, env, ckan_stack.token)
    assert "9 create" in first[0].stdout
    assert len((repo / "scores" / "history.jsonl").read_text().splitlines()) == 1
    again = run_job(commands, "publish", repo, env, ckan_stack.token)
    assert "0 write call(s)" in again[0].stdout
