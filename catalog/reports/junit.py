"""junit.xml: one test case per dataset, failing when the gate blocks it.

Why JUnit: every CI system (GitHub, GitLab, Jenkins, Azure) shows JUnit results as a test list
with history, so stewards see "12 datasets passed, 1 failed" where they look at tests already.
Warnings do not fail a case; they are listed in its system-out with its score.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any


def render(doc: dict[str, Any]) -> str:
    by_dataset: dict[str, list[dict[str, Any]]] = {}
    loose: list[dict[str, Any]] = []
    for f in doc["findings"]:
        (by_dataset.setdefault(f["dataset"], []) if f.get("dataset") else loose).append(f)
    total = sum(len(a["datasets"]) for a in doc["agencies"])
    failures = sum(a["blocked"] for a in doc["agencies"])
    catalog_errors = [f for f in loose if f["severity"] == "error"]
    root = ET.Element("testsuites", name="gdc governance", tests=str(total + bool(catalog_errors)),
                      failures=str(failures + bool(catalog_errors)), errors="0")
    for a in doc["agencies"]:
        suite = ET.SubElement(root, "testsuite", name=f"gdc.{a['name']}", tests=str(len(a["datasets"])),
                              failures=str(a["blocked"]), errors="0", skipped="0", timestamp=doc["date"])
        props = ET.SubElement(suite, "properties")
        for key in ("score", "grade", "publishable", "blocked"):
            ET.SubElement(props, "property", name=key, value=str(a[key]))
        for d in a["datasets"]:
            case = ET.SubElement(suite, "testcase", classname=f"gdc.{a['name']}", name=d["name"], file=d["file"])
            own = by_dataset.get(d["name"], [])
            if d["blocked"]:
                errors = [f for f in own if f["severity"] == "error"]
                failure = ET.SubElement(case, "failure", type="blocked",
                                        message=f"blocked: {', '.join(d['reasons'])}")
                failure.text = "\n".join(f"{f['where']}: [{f['code']}] {f['message']}" for f in errors)
            out = [f"score {d['score']:.1f} ({a['name']} {a['score']:.1f} {a['grade']})",
                   "dimensions: " + ", ".join(f"{k} {'n/a' if v is None else f'{v:.0f}'}"
                                               for k, v in d["dimensions"].items())]
            out += [f"{f['severity']}: {f['where']}: [{f['code']}] {f['message']}"
                    for f in own if f["severity"] != "error"]
            ET.SubElement(case, "system-out").text = "\n".join(out)
    if catalog_errors:
        suite = ET.SubElement(root, "testsuite", name="gdc.catalog", tests="1", failures="1", errors="0")
        case = ET.SubElement(suite, "testcase", classname="gdc.catalog", name="catalog")
        failure = ET.SubElement(case, "failure", type="catalog", message=f"{len(catalog_errors)} catalog error(s)")
        failure.text = "\n".join(f"{f['where']}: [{f['code']}] {f['message']}" for f in catalog_errors)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
