#!/usr/bin/env python
"""Benchmark: columnar Table Schema validation vs ``frictionless validate`` vs the pyarrow floor.

    python bench/bench_validate.py [--rows 1000000] [--block-size 8388608]

Generates a Thai open-data CSV (12 typed, constrained columns: Thai province names, their
codes, BE fiscal years 2560-2568, amounts, dates, e-mails, a code list...) with a handful of
injected bad rows into a temporary directory, writes its Table Schema, then measures in ONE
run, each in its own subprocess (peak RSS = that child's ``ru_maxrss`` from ``os.wait4``):

* ``pyarrow``      -- pyarrow streaming read of the same file, all columns as strings: the floor;
* ``frictionless`` -- ``frictionless.validate(csv, schema=...)``, i.e. ``frictionless validate``;
* ``columnar``     -- ``catalog.tabular.validate_table``;
* ``gdc``          -- ``gdc validate``'s pipeline on a one-dataset catalog around the file:
  Table Schema + 10 great-expectations checks + PII scan, from one read.

and checks that frictionless and columnar report the same errors (type, row, field, cell).
Results: ``bench/results/validate.json`` and ``bench/results/validate.md``.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

PROVINCES = [
    ("10", "กรุงเทพมหานคร"), ("11", "สมุทรปราการ"), ("12", "นนทบุรี"), ("13", "ปทุมธานี"),
    ("14", "พระนครศรีอยุธยา"), ("20", "ชลบุรี"), ("21", "ระยอง"), ("30", "นครราชสีมา"),
    ("34", "อุบลราชธานี"), ("40", "ขอนแก่น"), ("41", "อุดรธานี"), ("50", "เชียงใหม่"),
    ("57", "เชียงราย"), ("65", "พิษณุโลก"), ("80", "นครศรีธรรมราช"), ("83", "ภูเก็ต"),
    ("84", "สุราษฎร์ธานี"), ("90", "สงขลา"), ("94", "ปัตตานี"), ("96", "นราธิวาส"),
]
CATEGORIES = ["EDU", "HEALTH", "AGRI", "TRANSPORT", "WATER", "SOCIAL", "ENERGY", "DIGITAL"]
AGENCIES = ["กรมบัญชีกลาง", "สำนักงานสถิติแห่งชาติ", "กรมการปกครอง", "กรมชลประทาน", "สพร."]

SCHEMA = {
    "fields": [
        {"name": "record_id", "type": "integer", "constraints": {"required": True, "unique": True, "minimum": 1}},
        {"name": "province", "type": "string", "constraints": {"required": True, "enum": [p for _, p in PROVINCES]}},
        {"name": "province_code", "type": "string", "constraints": {"pattern": "[0-9]{2}", "minLength": 2, "maxLength": 2}},
        {"name": "fiscal_year", "type": "integer", "constraints": {"required": True, "minimum": 2560, "maximum": 2568}},
        {"name": "budget_year", "type": "year"},
        {"name": "amount", "type": "number", "constraints": {"minimum": 0, "maximum": 1000000000}},
        {"name": "report_date", "type": "date", "constraints": {"minimum": "2017-01-01"}},
        {"name": "contact_email", "type": "string", "format": "email"},
        {"name": "category", "type": "string", "constraints": {"enum": CATEGORIES}},
        {"name": "agency", "type": "string", "constraints": {"maxLength": 60}},
        {"name": "is_public", "type": "boolean"},
        {"name": "updated_at", "type": "datetime"},
    ],
    "missingValues": ["", "-"],
}


def generate(path: Path, rows: int, seed: int = 2568) -> list[int]:
    """Write the CSV; returns the row numbers where bad values were injected."""
    rng = random.Random(seed)
    base = dt.date(2017, 1, 1)
    bad_rows = sorted(rng.sample(range(2, rows + 2), min(40, rows)))
    bad = set(bad_rows)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([f["name"] for f in SCHEMA["fields"]])
        for i in range(rows):
            row_number = i + 2
            code, province = PROVINCES[i % len(PROVINCES)]
            year = 2560 + (i * 7) % 9
            day = base + dt.timedelta(days=(i * 13) % 2900)
            row = [
                str(i + 1),
                province,
                code,
                str(year),
                str(year - 543),
                f"{(i * 7919) % 10_000_000 / 100:.2f}",
                day.isoformat(),
                f"officer{i % 5000}@agency{i % 37}.go.th",
                CATEGORIES[i % len(CATEGORIES)],
                AGENCIES[i % len(AGENCIES)],
                "true" if i % 3 else "false",
                f"{day.isoformat()}T{(i % 24):02d}:{(i % 60):02d}:00+07:00",
            ]
            if i % 97 == 0:
                row[5] = "-"  # a declared missing value
            if row_number in bad:
                kind = row_number % 10
                if kind == 0:
                    row[5] = "๑,๒๐๐.๕๐"  # Thai digits with a group char: not a number
                elif kind == 1:
                    row[3] = "2570"  # beyond maximum
                elif kind == 2:
                    row[1] = "กรุงเทพ"  # not in the enum
                elif kind == 3:
                    row[0] = "1"  # duplicate id
                elif kind == 4:
                    row[7] = "officer@@agency.go.th"  # bad e-mail
                elif kind == 5:
                    row = row[:8]  # missing cells
                elif kind == 6:
                    row = row + ["extra"]  # extra cell
                elif kind == 7:
                    row[6] = "2566-02-30"  # impossible date
                elif kind == 8:
                    row[2] = "1O"  # letter O in a code
                else:
                    row = [""] * len(row)  # blank row
            w.writerow(row)
    return bad_rows


# --------------------------------------------------------------------------- children


def child_pyarrow(csv_path: str, schema_path: str, block_size: int) -> dict:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f["name"] for f in json.loads(Path(schema_path).read_text())["fields"]]
    start = time.perf_counter()
    reader = pacsv.open_csv(
        csv_path,
        read_options=pacsv.ReadOptions(use_threads=False, block_size=block_size, column_names=names, skip_rows=1),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False,
                                         invalid_row_handler=lambda row: "skip"),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                             strings_can_be_null=False, null_values=[]),
    )
    rows = sum(batch.num_rows for batch in reader)
    return {"seconds": time.perf_counter() - start, "rows": rows}


def child_frictionless(csv_path: str, schema_path: str, block_size: int) -> dict:
    # ``frictionless validate --schema schema.json data.csv`` is this call (actions.validate);
    # timed in-process like the others, so interpreter start-up is excluded everywhere.
    import frictionless

    frictionless.system.trusted = True  # absolute temp paths are "not safe" otherwise
    start = time.perf_counter()
    report = frictionless.validate(csv_path, schema=schema_path)
    seconds = time.perf_counter() - start
    errors = []
    rows = 0
    for task in report.tasks:
        rows = task.stats.get("rows") or rows
        for e in task.errors:
            cell = getattr(e, "cell", getattr(e, "label", None))
            row = getattr(e, "row_number", None) or (getattr(e, "row_numbers", None) or [None])[0]
            errors.append([e.type, row, getattr(e, "field_number", None), cell])
    return {"seconds": seconds, "rows": rows, "errors": errors}


def child_columnar(csv_path: str, schema_path: str, block_size: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from catalog.tabular import validate_table

    start = time.perf_counter()
    report = validate_table(csv_path, schema_path, block_size=block_size)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "rows": report.rows,
        "engine": report.engine,
        "fallback_reason": report.fallback_reason,
        "errors": [list(e.key()) for e in report.errors],
    }


CHECKS = [
    {"expect_column_values_to_not_be_null": {"column": "record_id"}},
    {"expect_column_values_to_be_unique": {"column": "record_id"}},
    {"expect_column_values_to_be_between": {"column": "fiscal_year", "min_value": 2560, "max_value": 2568}},
    {"expect_column_values_to_be_between": {"column": "amount", "min_value": 0, "max_value": 1000000000}},
    {"expect_column_values_to_be_in_set": {"column": "category", "value_set": CATEGORIES}},
    {"expect_column_values_to_be_in_set": {"column": "province", "value_set": [p for _, p in PROVINCES]}},
    {"expect_column_value_lengths_to_equal": {"column": "province_code", "value": 2}},
    {"expect_column_mean_to_be_between": {"column": "amount", "min_value": 0, "max_value": 1000000000}},
    {"expect_column_values_to_match_regex": {"column": "province_code", "regex": "^[0-9]{2}$"}},
    {"expect_table_row_count_to_be_between": {"min_value": 1, "max_value": 5000000}},
]


def child_gdc(csv_path: str, schema_path: str, block_size: int) -> dict:
    """``gdc validate`` on a one-dataset catalog around the file: Table Schema, the 10 GX checks
    above and the PII scan, all from one read (validate_table's on_batch). Timed in-process
    like the other modes; the catalog is built first (a hard link, no copy of the data)."""
    import yaml

    sys.path.insert(0, str(ROOT))
    repo = Path(csv_path).parent / "repo"
    folder = repo / "datasets" / "bench" / "budget"
    folder.mkdir(parents=True, exist_ok=True)
    (repo / ".git").mkdir(exist_ok=True)
    os.link(csv_path, folder / "data.csv")
    (folder / "schema.json").write_text(Path(schema_path).read_text(encoding="utf-8"), encoding="utf-8")
    (folder.parent / "agency.yaml").write_text("name: bench\ntitle: หน่วยงานทดสอบ\n", encoding="utf-8")
    manifest = yaml.safe_load(BENCH_MANIFEST)
    manifest["resources"][0]["checks"] = CHECKS
    (folder / "dataset.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    from catalog import pipeline, quality

    # Library imports are outside the clock in every mode (frictionless above too); GX's
    # one-off import (~3 s per process) is reported separately.
    imported = time.perf_counter()
    quality._gx()
    gx_import = time.perf_counter() - imported
    start = time.perf_counter()
    result = pipeline.validate([repo / "datasets"])
    seconds = time.perf_counter() - start
    schema_errors = sum(1 for f in result.findings if f.stage == "schema" and f.code.startswith("TABLE_")
                        and f.code not in ("TABLE_MORE_ERRORS", "TABLE_ERROR_LIMIT", "TABLE_REFERENCE_ENGINE"))
    schema_errors += sum(f.params["count"] for f in result.findings if f.code == "TABLE_MORE_ERRORS")
    return {
        "seconds": seconds,
        "gx_import_seconds": round(gx_import, 2),
        "rows": sum(result.rows.values()),
        "schema_errors": schema_errors,
        "checks_run": len(result.check_outcomes),
        "checks_failed": sum(1 for c in result.check_outcomes if not c.success),
        "pii_findings": sum(1 for f in result.findings if f.code.startswith("PII_")),
        "engine_fallback": [f.params.get("reason") for f in result.findings if f.code == "TABLE_REFERENCE_ENGINE"],
    }


BENCH_MANIFEST = """
name: bench-budget
title: งบประมาณรายจังหวัด (ข้อมูลทดสอบ)
notes: ข้อมูลสังเคราะห์สำหรับวัดความเร็วของ gdc validate
tags: [งบประมาณ, benchmark]
data_type: statistical
objective: [agency_mission]
update_frequency_unit: yearly
geo_coverage: province
data_source: ข้อมูลสังเคราะห์
data_format: [CSV]
data_category: public
data_classification: open
license_id: Open Data Common
maintainer: ฝ่ายข้อมูล
maintainer_email: data@bench.go.th
resources:
  - name: งบประมาณ
    path: data.csv
    format: CSV
    schema: schema.json
    encoding: utf-8
"""


MODES = {
    "pyarrow": child_pyarrow,
    "frictionless": child_frictionless,
    "columnar": child_columnar,
    "gdc": child_gdc,
}


def run_child(mode: str, csv_path: Path, schema_path: Path, block_size: int) -> dict:
    """Run one measurement in a fresh interpreter; peak RSS from os.wait4's rusage."""
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child", mode, "--csv", str(csv_path),
             "--schema", str(schema_path), "--block-size", str(block_size)],
            stdout=out, stderr=subprocess.PIPE, text=True, cwd=str(ROOT),
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        stderr = proc.stderr.read() if proc.stderr else ""
        out.seek(0)
        text = out.read()
    if proc.returncode != 0:
        return {"skipped": True, "reason": (stderr.strip().splitlines() or ["failed"])[-1]}
    result = json.loads(text)
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)  # KiB on Linux
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--block-size", type=int, default=8 << 20)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the pyarrow/columnar modes (median kept)")
    parser.add_argument("--child", choices=sorted(MODES))
    parser.add_argument("--csv")
    parser.add_argument("--schema")
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args()

    if args.child:
        result = MODES[args.child](args.csv, args.schema, args.block_size)
        print(json.dumps(result))
        return 0

    with tempfile.TemporaryDirectory(prefix="gdc-bench-") as tmp:
        csv_path = Path(tmp) / "thai_budget.csv"
        schema_path = Path(tmp) / "schema.json"
        started = time.perf_counter()
        bad_rows = generate(csv_path, args.rows)
        schema_path.write_text(json.dumps(SCHEMA, ensure_ascii=False, indent=1), encoding="utf-8")
        size_mb = csv_path.stat().st_size / 1e6
        print(f"generated {args.rows:,} rows, {size_mb:.1f} MB in {time.perf_counter() - started:.1f}s",
              file=sys.stderr)

        results = {}
        for mode in ("pyarrow", "columnar", "frictionless", "gdc"):
            print(f"running {mode} ...", file=sys.stderr)
            # the machine is shared: the cheap runs are repeated and the median is kept
            repeat = args.repeat if mode in ("pyarrow", "columnar") else 1
            runs = [run_child(mode, csv_path, schema_path, args.block_size) for _ in range(repeat)]
            ok = [r for r in runs if not r.get("skipped")]
            if ok:
                ok.sort(key=lambda r: r["seconds"])
                r = dict(ok[len(ok) // 2])
                r["runs_seconds"] = [round(x["seconds"], 3) for x in runs if not x.get("skipped")]
                r["peak_rss_mb"] = max(x["peak_rss_mb"] for x in ok)
            else:
                r = runs[0]
            results[mode] = r
            if not r.get("skipped"):
                r["rows_per_s"] = round(r["rows"] / r["seconds"]) if r["seconds"] else None
                r["seconds"] = round(r["seconds"], 3)
                print(f"  {r['seconds']:.2f}s  {r['rows_per_s']:,} rows/s  {r['peak_rss_mb']} MB", file=sys.stderr)
            else:
                print(f"  skipped: {r['reason']}", file=sys.stderr)

    fr, co, pa_ = results["frictionless"], results["columnar"], results["pyarrow"]
    same = None
    if not fr.get("skipped") and not co.get("skipped"):
        same = fr["errors"] == co["errors"]
    gd = results["gdc"]
    gdc_same = None if gd.get("skipped") or co.get("skipped") else gd["schema_errors"] == len(co["errors"])
    summary = {
        "rows": args.rows,
        "csv_mb": round(size_mb, 1),
        "columns": len(SCHEMA["fields"]),
        "injected_bad_rows": len(bad_rows),
        "errors_reported": len(co.get("errors", [])),
        "same_errors": same,
        "columnar_engine": co.get("engine"),
        "speedup_vs_frictionless": round(fr["seconds"] / co["seconds"], 1) if same is not None else None,
        "gdc_speedup_vs_frictionless": round(fr["seconds"] / gd["seconds"], 1) if not gd.get("skipped") and not fr.get("skipped") else None,
        "gdc_same_schema_error_count": gdc_same,
        "gdc_checks": {k: gd.get(k) for k in ("checks_run", "checks_failed", "pii_findings", "schema_errors")},
        "columnar_vs_pyarrow_floor": round(co["seconds"] / pa_["seconds"], 1) if not pa_.get("skipped") else None,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "block_size": args.block_size,
        "results": {
            mode: {k: v for k, v in r.items() if k != "errors"} for mode, r in results.items()
        },
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "validate.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "validate.md").write_text(markdown(summary), encoding="utf-8")
    print(markdown(summary))
    if same is False:
        print("ERROR: frictionless and columnar errors differ", file=sys.stderr)
        return 1
    return 0


def markdown(s: dict) -> str:
    r = s["results"]
    floor = r["pyarrow"].get("seconds")
    fric = r["frictionless"].get("seconds")
    lines = [
        f"# Table Schema validation benchmark ({s['rows']:,} rows, {s['csv_mb']} MB, {s['columns']} columns)",
        "",
        "| engine | seconds | rows/s | peak RSS (MB) | x pyarrow floor | speedup vs frictionless |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for mode in ("pyarrow", "columnar", "frictionless", "gdc"):
        x = r[mode]
        if x.get("skipped"):
            lines.append(f"| {mode} | skipped: {x['reason']} | | | | |")
            continue
        ratio = f"{x['seconds'] / floor:.1f}" if floor else ""
        speed = f"{fric / x['seconds']:.1f}" if fric else ""
        lines.append(f"| {mode} | {x['seconds']:.2f} | {x['rows_per_s']:,} | {x['peak_rss_mb']} | {ratio} | {speed} |")
    lines += [
        "",
        f"Same errors as frictionless (type, row, field, cell): **{s['same_errors']}** "
        f"({s['errors_reported']} errors from {s['injected_bad_rows']} injected bad rows); "
        f"columnar engine: {s['columnar_engine']}.",
        f"`gdc validate` (Table Schema + {s['gdc_checks'].get('checks_run')} great-expectations checks + PII scan, "
        f"one read): {s['gdc_speedup_vs_frictionless']}x faster than frictionless; same number of schema errors as "
        f"columnar: **{s['gdc_same_schema_error_count']}**; checks failed: {s['gdc_checks'].get('checks_failed')}, "
        f"PII findings: {s['gdc_checks'].get('pii_findings')}. Library imports are outside every "
        f"timing; great-expectations' one-off import took {r['gdc'].get('gx_import_seconds')} s "
        f"(gdc validate starts it on a background thread while the file is read).",
        f"Machine: {s['machine']['cpus']} CPUs (shared with other work), Python {s['machine']['python']}; "
        f"pyarrow block size {s['block_size'] >> 20} MB; pyarrow and columnar: median of "
        f"{len(r['columnar'].get('runs_seconds', [])) or 1} runs, frictionless: 1 run.",
        "The pyarrow floor reads from a path, so pyarrow buffers up to 32 blocks ahead (its RSS); "
        "the columnar reader throttles that to 3.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
