"""Helpers for publishing tests: a uniquely-named copy of the example catalog, gdc runs."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
AGENCIES = ("dopa", "mnre", "nso", "pcd")


def unique_catalog(tmp_path: Path) -> tuple[Path, str]:
    """The example catalog with every organization and dataset name suffixed, so tests sharing
    one long-running CKAN never see each other's datasets."""
    sfx = uuid.uuid4().hex[:6]
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    catalog = root / "datasets"
    shutil.copytree(REPO / "datasets", catalog)
    for agency in AGENCIES:
        folder = catalog / agency
        text = (folder / "agency.yaml").read_text(encoding="utf-8")
        text = re.sub(r"^name: (\S+)$", rf"name: \1-{sfx}", text, flags=re.M)
        text = re.sub(r"^parent: (\S+)$", rf"parent: \1-{sfx}", text, flags=re.M)
        (folder / "agency.yaml").write_text(text, encoding="utf-8")
        for manifest in folder.glob("*/dataset.yaml"):
            body = manifest.read_text(encoding="utf-8")
            body = re.sub(r"^name: (\S+)$", rf"name: \1-{sfx}", body, count=1, flags=re.M)
            body = re.sub(r"^title: (.+)$", rf"title: \1 ({sfx})", body, count=1, flags=re.M)
            manifest.write_text(body, encoding="utf-8")
        folder.rename(catalog / f"{agency}-{sfx}")
    return catalog, sfx


def gdc(stack, *args: str, cwd: Path | None = None, check: bool = False, timeout: float = 600):
    env = {**os.environ, "CKAN_URL": stack.url, "CKAN_API_TOKEN": stack.token}
    env.pop("GDC_DEBUG", None)
    proc = subprocess.run([sys.executable, "-m", "catalog", *args], cwd=cwd or REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert stack.token not in proc.stdout + proc.stderr, "the API token leaked into gdc's output"
    if check:
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def gdc_json(stack, *args: str, **kw) -> dict:
    proc = gdc(stack, *args, "--format", "json", **kw)
    try:
        return json.loads(proc.stdout)
    except ValueError:
        raise AssertionError(proc.stdout[-3000:] + proc.stderr[-3000:]) from None


def org_packages(stack, org: str) -> dict[str, dict]:
    api = stack.client()
    result = api.action.package_search(fq=f"organization:{org}", include_private=True, rows=1000)
    return {p["name"]: p for p in result["results"]}


def snapshot(stack, sfx: str) -> dict[str, dict]:
    """What a dataset looks like on CKAN, minus ids and timestamps: for convergence checks."""
    out = {}
    for agency in AGENCIES:
        for name, pkg in org_packages(stack, f"{agency}-{sfx}").items():
            fields = {k: v for k, v in pkg.items() if k not in (
                "id", "metadata_modified", "metadata_created", "revision_id", "resources", "organization",
                "owner_org", "gdc_provenance", "gdc_content_hash", "num_resources", "relationships_as_object",
                "relationships_as_subject", "groups", "creator_user_id")}
            fields["resources"] = sorted((r["name"], r.get("gdc_sha256"), r.get("url_type"), r["format"])
                                         for r in pkg["resources"])
            out[name] = fields
    return out
