"""The README's "For CI" walkthrough works as written, against the local CKAN."""
from __future__ import annotations

import json

import pytest

from tests.test_readme_walkthroughs import REPO, run, section_script, shell_env


@pytest.mark.ckan
def test_ci_walkthrough(ckan_stack, tmp_path):
    """Runs in this checkout, against the stack the test session started (make ckan-up is a no-op)."""
    proc = run(section_script("For CI"), REPO, shell_env(tmp_path))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert ckan_stack.token not in proc.stdout + proc.stderr
    second = json.loads((REPO / "reports/publish.json").read_text(encoding="utf-8"))["summary"]
    assert second["write_calls"] == 0 and second["datasets"] == {"unchanged": 9}
    assert second["files"]["validated"] + second["files"]["already_validated"] == 9
