"""Benchmark: publishing N synthetic datasets to the local CKAN, then re-running with no change.

Measured in one run, against the same CKAN:
  1. ``gdc publish`` of N new datasets (one small CSV each): datasets/s, write calls;
  2. ``gdc publish`` again, nothing changed: wall time, write calls (goal: 0);
  3. the naive baseline of the same re-run, as ``ckanapi load`` does it: one package_show and
     one package_update per dataset: wall time, write calls.
The headline is the ratio baseline / gdc for the no-change re-run (goal: >= 10x). Figures go
to bench/results/publish.json and publish.md. Needs the local CKAN (`make ckan-up`).

    python bench/bench_publish.py [--datasets 500]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
STACK = REPO / "devstack" / "ckan-stack.sh"

MANIFEST = """\
name: {name}
title: ชุดข้อมูลทดสอบประสิทธิภาพ {i} ({sfx})
notes: ชุดข้อมูลสังเคราะห์สำหรับวัดความเร็วการเผยแพร่ ลำดับที่ {i}
tags: [ทดสอบ, benchmark]
data_type: statistical
objective: [agency_mission]
update_frequency_unit: yearly
update_frequency_interval: 1
geo_coverage: province
data_source: ระบบสังเคราะห์
data_format: [CSV]
data_category: public
data_classification: open
license_id: Open Data Common
maintainer: ฝ่ายข้อมูล
maintainer_email: data@bench.go.th
last_updated_date: "2025-01-31"
resources:
  - name: ตารางข้อมูล
    path: data.csv
    format: CSV
"""


def make_catalog(root: Path, n: int, sfx: str) -> tuple[Path, str]:
    (root / ".git").mkdir(parents=True)
    org = f"bench-{sfx}"
    agency = root / "datasets" / org
    agency.mkdir(parents=True)
    (agency / "agency.yaml").write_text(f"name: {org}\ntitle: หน่วยงานทดสอบ {sfx}\n", encoding="utf-8")
    for i in range(n):
        folder = agency / f"ds-{i:04d}"
        folder.mkdir()
        (folder / "dataset.yaml").write_text(MANIFEST.format(name=f"bench-{sfx}-{i:04d}", i=i, sfx=sfx),
                                             encoding="utf-8")
        rows = "".join(f"{10 + (i + r) % 87},{2560 + r % 9},{(i * 31 + r * 7) % 1000}\n" for r in range(20))
        (folder / "data.csv").write_text("province_code,year_be,value\n" + rows, encoding="utf-8")
    return root / "datasets", org


def ckan_env() -> dict[str, str]:
    subprocess.run([str(STACK), "up"], check=True, cwd=REPO)
    out = subprocess.run([str(STACK), "env"], check=True, cwd=REPO, capture_output=True, text=True).stdout
    env = {}
    for line in out.splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        env[key] = value
    return env


def gdc_publish(catalog: Path, env: dict[str, str]) -> tuple[float, dict]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "catalog", "publish", "--format", "json", str(catalog)],
                          env={**os.environ, **env}, capture_output=True, text=True, cwd=REPO)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"gdc publish failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return seconds, json.loads(proc.stdout)["summary"]


def naive_rerun(org: str, env: dict[str, str]) -> tuple[float, int]:
    """What `ckanapi load` does for each dataset: read it, then update it with the full dict."""
    import ckanapi

    api = ckanapi.RemoteCKAN(env["CKAN_URL"], apikey=env["CKAN_API_TOKEN"])
    names = [p["name"] for p in api.action.package_search(fq=f"organization:{org}", rows=1000,
                                                          include_private=True)["results"]]
    started = time.perf_counter()
    writes = 0
    for name in names:
        package = api.action.package_show(id=name)
        api.action.package_update(**package)
        writes += 1
    return time.perf_counter() - started, writes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=500)
    args = parser.parse_args()
    env = ckan_env()
    sfx = uuid.uuid4().hex[:6]
    with tempfile.TemporaryDirectory() as tmp:
        catalog, org = make_catalog(Path(tmp), args.datasets, sfx)
        first_s, first = gdc_publish(catalog, env)
        noop_s, noop = gdc_publish(catalog, env)
        naive_s, naive_writes = naive_rerun(org, env)
    n = args.datasets
    figures = {
        "datasets": n,
        "first_publish": {"seconds": round(first_s, 2), "datasets_per_s": round(n / first_s, 1),
                          "write_calls": first["write_calls"], "read_calls": first["read_calls"]},
        "noop_republish": {"seconds": round(noop_s, 2), "write_calls": noop["write_calls"],
                           "read_calls": noop["read_calls"]},
        "naive_baseline_rerun": {"seconds": round(naive_s, 2), "write_calls": naive_writes,
                                 "read_calls": naive_writes},
        "speedup_noop_vs_naive": round(naive_s / noop_s, 1),
        "note": "Same CKAN, same run. gdc's no-change re-run includes validating every manifest and "
                "file (the gate); the naive baseline does no validation.",
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "publish.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    md = [f"# bench-publish ({n} datasets, one small CSV each)", "",
          "| run | wall time (s) | datasets/s | write calls | read calls |", "|---|---|---|---|---|",
          f"| gdc publish, first run | {figures['first_publish']['seconds']} | "
          f"{figures['first_publish']['datasets_per_s']} | {first['write_calls']} | {first['read_calls']} |",
          f"| gdc publish, no change | {noop_s:.2f} | {n / noop_s:.1f} | {noop['write_calls']} | {noop['read_calls']} |",
          f"| naive re-run (package_show + package_update) | {naive_s:.2f} | {n / naive_s:.1f} | "
          f"{naive_writes} | {naive_writes} |", "",
          f"No-change re-run: **{figures['speedup_noop_vs_naive']}x** faster than the naive baseline, "
          f"with {noop['write_calls']} writes (baseline: {naive_writes}).", ""]
    (RESULTS / "publish.md").write_text("\n".join(md), encoding="utf-8")
    print("\n".join(md))


if __name__ == "__main__":
    main()
