"""report.html: one self-contained page for governance officers (Thai and English labels).

Why self-contained: the report is mailed, attached to tickets and opened from CI artifacts on
machines without network, so it carries its CSS, its charts (inline SVG) and its small script,
and a Content-Security-Policy forbids any fetch at view time. The script only filters the
findings table; the page is complete without it (and prints well).
"""
from __future__ import annotations

import html
from typing import Any

from catalog import i18n
from catalog.reports.model import both, dimension_label, grade_bands, label

GRADE_COLOURS = {"A": "#1b7f3b", "B": "#2a7fa8", "C": "#b88a00", "D": "#c8641c", "F": "#b3261e"}
SEV_CLASS = {"error": "err", "warning": "warn", "info": "info"}

CSS = """
:root{--ink:#1d232a;--muted:#5b6672;--line:#d9dee4;--bg:#f6f7f9;--card:#fff;--err:#b3261e;--warn:#9a6700;--ok:#1b7f3b}
*{box-sizing:border-box}
body{margin:0;font-family:"Noto Sans Thai","Sarabun","TH Sarabun New","Tahoma","Leelawadee UI","DejaVu Sans",sans-serif;
color:var(--ink);background:var(--bg);line-height:1.45;font-size:15px}
header{background:#16324f;color:#fff;padding:20px 28px}
header h1{margin:0 0 4px;font-size:24px}
header p{margin:0;color:#c9d6e3;font-size:13px}
main{padding:20px 28px;max-width:1280px}
h2{font-size:19px;margin:28px 0 10px;border-bottom:2px solid var(--line);padding-bottom:4px}
h3{margin:0;font-size:17px}
.tiles{display:flex;flex-wrap:wrap;gap:12px}
.tile{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:130px}
.tile b{display:block;font-size:24px}
.tile span{color:var(--muted);font-size:12px}
.tile.bad b{color:var(--err)} .tile.good b{color:var(--ok)}
.cards{display:flex;flex-direction:column;gap:16px}
.scroll{overflow-x:auto}
.charts figure{margin:0}
.charts figcaption{color:var(--muted);font-size:12px;max-width:260px}
h4{margin:14px 0 6px;font-size:14px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px}
.card .top{display:flex;justify-content:space-between;align-items:flex-start;gap:12px}
.card .sub{color:var(--muted);font-size:13px}
.score{text-align:right}
.score b{font-size:32px}
.grade{display:inline-block;color:#fff;border-radius:6px;padding:2px 10px;font-weight:bold;font-size:20px;margin-left:8px}
.charts{display:flex;flex-wrap:wrap;gap:12px;margin:10px 0}
table{border-collapse:collapse;width:100%;background:var(--card);font-size:13px}
th,td{border:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4}
td.num{text-align:right;white-space:nowrap}
.err{color:var(--err);font-weight:bold} .warn{color:var(--warn);font-weight:bold} .info{color:var(--muted)}
.blocked{color:var(--err);font-weight:bold} .ok{color:var(--ok)}
code,.where{font-family:"DejaVu Sans Mono",Consolas,monospace;font-size:12px}
.hint{color:var(--muted)}
.filter{margin:8px 0;display:flex;gap:14px;align-items:center;flex-wrap:wrap}
.filter input[type=search]{padding:5px 8px;min-width:280px;border:1px solid var(--line);border-radius:6px}
.empty{color:var(--muted);font-style:italic}
footer{color:var(--muted);font-size:12px;padding:10px 28px 30px}
@media print{header{background:#fff;color:#000}.filter{display:none}.cards{display:block}.card{break-inside:avoid;margin-bottom:12px}}
"""

SCRIPT = """
(function(){
  window.addEventListener('error', function(e){ document.body.setAttribute('data-js-error', String(e.message)); });
  var box = document.getElementById('finding-filter');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#findings tbody tr'));
  var sev = Array.prototype.slice.call(document.querySelectorAll('.filter input[type=checkbox]'));
  function apply(){
    var q = (box.value || '').toLowerCase();
    var on = {};
    sev.forEach(function(c){ on[c.value] = c.checked; });
    var shown = 0;
    rows.forEach(function(r){
      var ok = on[r.getAttribute('data-severity')] && (!q || r.textContent.toLowerCase().indexOf(q) >= 0);
      r.style.display = ok ? '' : 'none';
      if (ok) { shown++; }
    });
    document.getElementById('finding-count').textContent = shown + ' / ' + rows.length;
  }
  if (box) { box.addEventListener('input', apply); sev.forEach(function(c){ c.addEventListener('change', apply); }); apply(); }
  document.body.setAttribute('data-js', 'ok');
})();
"""


def e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def render(doc: dict[str, Any]) -> str:
    lang = doc["lang"]
    s = doc["summary"]
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">",
        f"<title>{e(both('TITLE'))} — {e(doc['date'])}</title>",
        f"<style>{CSS}</style></head>",
        '<body data-js="pending">',
        f"<header><h1>{e(both('TITLE'))}</h1>",
        f"<p>{e(both('DATE'))}: {e(doc['date'])} · gdc {e(doc['tool']['version'])} · "
        f"{e(both('POLICY'))}: {e(', '.join(doc['policy']['sources']))}</p></header><main>",
        '<section class="tiles">',
        _tile(both("AGENCIES"), s["agencies"]),
        _tile(both("DATASETS"), s["datasets"]),
        _tile(both("PUBLISHABLE"), s["publishable"], "good"),
        _tile(both("BLOCKED"), s["blocked"], "bad" if s["blocked"] else "good"),
        _tile(both("ERRORS"), s["error"], "bad" if s["error"] else "good"),
        _tile(both("WARNINGS"), s["warning"]),
        "</section>",
        f'<p class="hint">{e(label("SCORE_EXPLAINED", lang, bands=grade_bands(doc)))}</p>',
        f"<h2>{e(both('AGENCIES'))}</h2>",
        '<section class="cards">',
        *(_agency(a, doc) for a in doc["agencies"]),
        "</section>",
        f"<h2 id=\"blocked\">{e(both('BLOCKED_DATASETS'))}</h2>",
        _blocked(doc),
        f"<h2 id=\"waivers\">{e(both('WAIVERS'))}</h2>",
        _waivers(doc),
        f"<h2 id=\"rules\">{e(both('RULES'))}</h2>",
        _rules(doc),
        f"<h2 id=\"all-findings\">{e(both('FINDINGS'))}</h2>",
        _findings(doc),
        "</main>",
        f"<footer>{e(label('GENERATED', lang, version=doc['tool']['version'], date=doc['date'], sources=', '.join(doc['policy']['sources'])))}</footer>",
        f"<script>{SCRIPT}</script>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _tile(title: str, value: Any, cls: str = "") -> str:
    return f'<div class="tile {cls}"><b>{e(value)}</b><span>{e(title)}</span></div>'


def _agency(a: dict[str, Any], doc: dict[str, Any]) -> str:
    lang = doc["lang"]
    colour = GRADE_COLOURS.get(a["grade"], "#555")
    rows = "".join(
        f"<tr><td>{e(d['name'])}<div class=\"sub\">{e(d['title'])}</div></td>"
        f"<td class=\"num\">{d['score']:.1f}</td>"
        f"<td>{_status(d['blocked'], lang)}</td>"
        f"<td class=\"num\">{'★' * d['stars'] or '–'}</td>"
        + "".join(f"<td class=\"num\">{_pct(d['dimensions'][k])}</td>" for k in doc["dimensions"])
        + "</tr>" for d in a["datasets"])
    head = "".join(f"<th title=\"{e(v)}\">{e(v)}</th>" for v in doc["dimensions"].values())
    return f"""<article class="card" id="agency-{e(a['name'])}">
<div class="top"><div><h3>{e(a['title'])}</h3><div class="sub">{e(a['title_en'])} · <code>{e(a['name'])}</code></div>
<div class="sub">{e(both('PUBLISHABLE'))}: <b class="ok">{a['publishable']}</b> · {e(both('BLOCKED'))}: <b class="{'blocked' if a['blocked'] else 'ok'}">{a['blocked']}</b></div></div>
<div class="score"><b>{a['score']:.1f}</b><span class="grade" style="background:{colour}">{e(a['grade'])}</span><div class="sub">{e(both('SCORE'))}</div></div></div>
<div class="charts"><figure>{dimension_chart(a['dimensions'], doc['dimensions'])}</figure>
<figure>{trend_chart(a['trend'], lang)}{_trend_note(a['trend'], lang)}</figure></div>
<h4>{e(both('FIX_FIRST'))}</h4>{_fix_first(a, lang)}
<h4>{e(both('DATASETS'))}</h4>
<div class="scroll"><table><thead><tr><th>{e(both('DATASET'))}</th><th>{e(both('SCORE'))}</th><th>{e(label('PUBLISHABLE', lang))}</th><th>★</th>{head}</tr></thead>
<tbody>{rows}</tbody></table></div></article>"""


def _status(blocked: bool, lang: str) -> str:
    return f'<span class="blocked">{e(label("BLOCKED", lang))}</span>' if blocked else \
        f'<span class="ok">{e(label("PUBLISHABLE", lang))}</span>'


def _pct(value: Any) -> str:
    return "–" if value is None else f"{value:.0f}"


def dimension_chart(dims: dict[str, Any], names: dict[str, str]) -> str:
    """Horizontal bars, one per dimension, 0-100 (n/a dimensions drawn as an empty track)."""
    width, label_w, row = 430, 190, 24
    bar_w = width - label_w - 44
    height = row * len(names) + 8
    out = [f'<svg class="dims" role="img" aria-label="{e(both("DIMENSIONS"))}" xmlns="http://www.w3.org/2000/svg" '
           f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">']
    for i, (key, name) in enumerate(names.items()):
        y = 4 + i * row
        value = dims.get(key)
        out.append(f'<text x="0" y="{y + 15}" font-size="12" fill="#1d232a">{e(name)}</text>')
        out.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="15" rx="3" fill="#e6e9ed"/>')
        if value is not None:
            w = max(0.0, min(100.0, float(value))) * bar_w / 100
            colour = "#1b7f3b" if value >= 75 else "#b88a00" if value >= 50 else "#b3261e"
            out.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="15" rx="3" fill="{colour}"/>')
        out.append(f'<text x="{width - 2}" y="{y + 15}" font-size="12" text-anchor="end" fill="#1d232a">'
                   f'{_pct(value)}</text>')
    out.append("</svg>")
    return "".join(out)


def trend_chart(points: list[dict[str, Any]], lang: str) -> str:
    """The agency score across history entries (0-100 axis), or a note when there is none."""
    width, height, pad, top = 250, 130, 22, 30
    out = [f'<svg class="trend" role="img" aria-label="{e(both("TREND"))}" xmlns="http://www.w3.org/2000/svg" '
           f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
           f'<text x="0" y="12" font-size="12" fill="#5b6672">{e(both("TREND"))}</text>',
           f'<line x1="{pad}" y1="{height - pad}" x2="{width - 4}" y2="{height - pad}" stroke="#d9dee4"/>',
           f'<line x1="{pad}" y1="{top}" x2="{pad}" y2="{height - pad}" stroke="#d9dee4"/>',
           f'<line x1="{pad}" y1="{top}" x2="{width - 4}" y2="{top}" stroke="#eef1f4"/>',
           f'<text x="{pad - 3}" y="{top + 4}" font-size="10" text-anchor="end" fill="#5b6672">100</text>',
           f'<text x="{pad - 3}" y="{height - pad}" font-size="10" text-anchor="end" fill="#5b6672">0</text>']
    span_x = width - 4 - pad - 8
    coords = []
    for i, p in enumerate(points):
        x = pad + 4 + (span_x * i / (len(points) - 1) if len(points) > 1 else span_x / 2)
        y = (height - pad) - (height - pad - top) * max(0.0, min(100.0, p["score"])) / 100
        coords.append((x, y, p))
    if len(coords) > 1:
        out.append('<polyline fill="none" stroke="#16324f" stroke-width="2" points="'
                   + " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in coords) + '"/>')
    for x, y, p in coords:
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#16324f"><title>{e(p["date"])}: '
                   f'{p["score"]:.1f}</title></circle>')
    if coords:
        x, y, p = coords[-1]
        out.append(f'<text x="{min(x, width - 4):.1f}" y="{max(y - 6, top - 4):.1f}" font-size="11" '
                   f'text-anchor="end" fill="#16324f">{p["score"]:.1f}</text>')
        out.append(f'<text x="{pad}" y="{height - 6}" font-size="10" fill="#5b6672">{e(coords[0][2]["date"])}</text>')
        if len(coords) > 1:
            out.append(f'<text x="{width - 4}" y="{height - 6}" font-size="10" text-anchor="end" '
                       f'fill="#5b6672">{e(p["date"])}</text>')
    out.append("</svg>")
    return "".join(out)


def _trend_note(points: list[dict[str, Any]], lang: str) -> str:
    return "" if len(points) > 1 else f"<figcaption>{e(label('NO_HISTORY', lang))}</figcaption>"


def _table(headers: tuple[str, ...], rows: str, *, table_id: str = "") -> str:
    """A table whose column titles are bilingual labels (Thai · English)."""
    head = "".join(f"<th>{e(both(h))}</th>" for h in headers)
    ident = f' id="{table_id}"' if table_id else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _fix_first(a: dict[str, Any], lang: str) -> str:
    if not a["fix_first"]:
        return f'<p class="empty">{e(label("NO_FIXES", lang))}</p>'
    rows = "".join(
        f"<tr><td class=\"num\">+{f['agency_gain']:.2f}</td><td>{e(f['change'])}</td>"
        f"<td>{e(f['dataset'])}</td><td class=\"where\">{e(f['file'])}{':' + e(f['line']) if f['line'] else ''}</td></tr>"
        for f in a["fix_first"])
    return _table(("GAIN", "CHANGE", "DATASET", "WHERE"), rows)


def _blocked(doc: dict[str, Any]) -> str:
    lang = doc["lang"]
    if not doc["blocked"]:
        return f'<p class="empty">{e(label("NO_BLOCKED", lang))}</p>'
    rows = []
    for b in doc["blocked"]:
        reasons = "".join(f"<li><code>{e(r['code'])}</code> <span class=\"where\">{e(r['where'])}</span>: "
                          f"{e(r['message'])}<div class=\"hint\">→ {e(r['hint'])}</div></li>" for r in b["reasons"])
        rows.append(f"<tr><td><b>{e(b['dataset'])}</b><div class=\"sub\">{e(b['title'])}</div></td>"
                    f"<td>{e(b['agency'])}</td><td class=\"num\">{b['score']:.1f}</td><td><ul>{reasons}</ul></td></tr>")
    return _table(("DATASET", "AGENCY", "SCORE", "REASONS"), "".join(rows))


def _waivers(doc: dict[str, Any]) -> str:
    lang = doc["lang"]
    if not doc["waivers"]:
        return f'<p class="empty">{e(label("NO_WAIVERS", lang))}</p>'
    rows = "".join(
        f"<tr><td>{e(w['dataset'])}</td><td><code>{e(w['rule'])}</code></td><td>{e(w['reason'])}</td>"
        f"<td>{e(w['approver'])}</td><td>{e(w['expires'])}</td>"
        f"<td>{e(label('YES' if w['used'] else 'NO', lang))}</td><td class=\"where\">{e(w['file'])}:{e(w['line'])}</td></tr>"
        for w in doc["waivers"])
    return _table(("DATASET", "RULE", "REASON", "APPROVER", "EXPIRES", "USED", "WHERE"), rows)


def _rules(doc: dict[str, Any]) -> str:
    lang = doc["lang"]
    rows = "".join(
        f"<tr><td><code>{e(r['id'])}</code></td>"
        f"<td class=\"{'err' if r['severity'] == 'block' else 'warn'}\">"
        f"{e(label('SEVERITY_' + r['severity'].upper(), lang)) if r['enabled'] else '–'}</td>"
        f"<td>{e(r['description'])}</td></tr>" for r in doc["policy"]["rules"])
    weights = " · ".join(f"{e(doc['dimensions'][k])} {v:g}" for k, v in doc["policy"]["weights"].items())
    return _table(("RULE", "SEVERITY", "MESSAGE"), rows) + f"<p class=\"hint\">{e(both('WEIGHT'))}: {weights}</p>"


def _findings(doc: dict[str, Any]) -> str:
    lang = doc["lang"]
    if not doc["findings"]:
        return f'<p class="empty">{e(label("NO_FINDINGS", lang))}</p>'
    rows = "".join(
        f"<tr data-severity=\"{e(f['severity'])}\"><td class=\"{SEV_CLASS.get(f['severity'], '')}\">"
        f"{e(i18n.message('SEVERITY_' + f['severity'].upper(), lang, {}))}</td>"
        f"<td><code>{e(f['code'])}</code></td><td class=\"where\">{e(f['where'])}</td><td>{e(f.get('dataset', ''))}</td>"
        f"<td>{e(f['message'])}<div class=\"hint\">{('→ ' + e(f['hint'])) if f['hint'] else ''}</div></td></tr>"
        for f in doc["findings"])
    checks = "".join(f'<label><input type="checkbox" value="{v}" checked> {e(both(k))}</label>'
                     for v, k in (("error", "ERRORS"), ("warning", "WARNINGS"), ("info", "NOTES")))
    return (f'<div class="filter"><input type="search" id="finding-filter" placeholder="{e(both("FILTER"))}" '
            f'aria-label="{e(both("FILTER"))}">{checks}<span id="finding-count"></span></div>'
            + _table(("SEVERITY", "CODE", "WHERE", "DATASET", "MESSAGE"), rows, table_id="findings"))
