"""Shared fixtures: a minimal valid catalog built in a temp folder, and ways to run gdc."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "datasets"

AGENCY = """\
name: demo
title: หน่วยงานทดสอบ
title_en: Demo agency
"""

DATASET = """\
name: demo-dataset
title: ชุดข้อมูลทดสอบ
notes: รายละเอียดของชุดข้อมูลทดสอบ
tags: [ทดสอบ, demo]
data_type: record
objective: [agency_mission]
update_frequency_unit: yearly
update_frequency_interval: 1
geo_coverage: country
data_source: หน่วยงานทดสอบ
data_format: [CSV]
data_category: public
data_classification: open
license_id: Open Data Common
maintainer: ฝ่ายข้อมูล
maintainer_email: data@demo.go.th
last_updated_date: "TODAY"
resources:
  - name: ตาราง
    path: data.csv
    format: CSV
"""


# Fresh by construction, so the freshness policy never ages these tests.
LAST_UPDATED = dt.date.today().isoformat()
DATASET = DATASET.replace("TODAY", LAST_UPDATED)


class CatalogFactory:
    """Writes a catalog: ``root/demo/agency.yaml`` and ``root/demo/<ds>/dataset.yaml``."""

    def __init__(self, root: Path):
        self.root = root
        (root / ".git").mkdir(parents=True, exist_ok=True)  # the repository boundary
        self.catalog = root / "datasets"

    def agency(self, name: str = "demo", text: str = AGENCY) -> Path:
        folder = self.catalog / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "agency.yaml").write_text(text.replace("name: demo", f"name: {name}", 1), encoding="utf-8")
        return folder

    def dataset(self, folder: str = "demo-dataset", text: str = DATASET, agency: str = "demo",
                data: str | None = "year_be,value\n2566,1\n", raw: bytes | None = None) -> Path:
        if not (self.catalog / agency / "agency.yaml").exists():
            self.agency(agency)
        path = self.catalog / agency / folder / "dataset.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        if raw is not None:
            path.write_bytes(raw)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        if data is not None:
            (path.parent / "data.csv").write_text(data, encoding="utf-8")
        return path


def invoke(*args: str, input: str | None = None):
    """gdc in-process through click, with optional keyboard input for prompts."""
    from catalog.cli import cli

    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty catalog repository (the .git folder marks its boundary)."""
    (tmp_path / ".git").mkdir()
    return tmp_path


@pytest.fixture
def factory(tmp_path: Path) -> CatalogFactory:
    return CatalogFactory(tmp_path)


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped example catalog inside its own fake repository."""
    (tmp_path / ".git").mkdir()
    shutil.copytree(EXAMPLES, tmp_path / "datasets")
    return tmp_path / "datasets"


@pytest.fixture
def gdc():
    """Run gdc in-process through click (fast); returns click's Result."""
    from catalog.cli import cli

    def run(*args: str, env: dict[str, str] | None = None):
        runner = CliRunner()
        return runner.invoke(cli, list(args), env=env, catch_exceptions=False)

    return run


def run_gdc_process(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
                    timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the real console entry point in a subprocess, as a user or CI would."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("GDC_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "catalog", *args], cwd=cwd or REPO, env=full_env,
                          capture_output=True, text=True, timeout=timeout)
