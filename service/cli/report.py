"""`preflight check DIR --annotate OUT` and `--html FILE`: annotated previews written beside each other, and one
self-contained HTML report (styles and previews inline, nothing fetched) for teams working offline."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from workers.checks.model import BundleVerdict, Finding, Status

Checked = tuple[BundleVerdict, dict[str, bytes]]  # a verdict and its previews (JPEG by document)

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#111827}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}h3{font-size:1rem;margin:1rem 0 .3rem}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;color:#fff;font-weight:600}
.ready{background:#15803d}.fix_required{background:#b91c1c}.review{background:#b45309}
.fail{color:#b91c1c;font-weight:600}.review-status{color:#b45309;font-weight:600}
ul{padding-left:1.2rem}li{margin:.3rem 0}.fix{color:#374151}.measure{color:#6b7280;font-size:.9em}
img{max-width:100%;border:1px solid #d1d5db;margin:.5rem 0}details{margin:.5rem 0;color:#4b5563}
"""


def _safe(name: str) -> str:
    """A reference or document key as a file name (no separators, nothing hidden)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip(".") or "_"


def write_previews(out: Path, checked: Iterable[Checked]) -> int:
    """OUT/<reference>/<document>.jpg for every preview; returns how many were written."""
    written = 0
    for verdict, previews in checked:
        for document, jpeg in previews.items():
            folder = out / _safe(verdict.reference)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{_safe(document)}.jpg").write_bytes(jpeg)
            written += 1
    return written


def _finding(f: Finding) -> str:
    css = "fail" if f.status is Status.FAIL else "review-status"
    measure = ""
    if f.measured is not None:
        limit = f" (limit {html.escape(str(f.threshold))})" if f.threshold is not None else ""
        measure = (
            f' <span class="measure">measured {html.escape(str(f.measured))} {html.escape(f.unit or "")}{limit}</span>'
        )
    fix = f'<br><span class="fix">Fix: {html.escape(f.remediation)}</span>' if f.remediation else ""
    return f'<li><span class="{css}">{html.escape(f.code)}</span> {html.escape(f.message)}{measure}{fix}</li>'


def _bundle(verdict: BundleVerdict, previews: dict[str, bytes]) -> list[str]:
    parts = [
        f'<section><h2>{html.escape(verdict.reference)} <span class="badge {verdict.verdict.value}">'
        f"{verdict.verdict.value}</span></h2>"
    ]
    open_findings = [f for f in verdict.findings if f.status is not Status.PASS]
    for document in dict.fromkeys(f.document or "bundle" for f in open_findings):
        parts.append(f"<h3>{html.escape(document)}</h3><ul>")
        parts += [_finding(f) for f in open_findings if (f.document or "bundle") == document]
        parts.append("</ul>")
        for key, jpeg in previews.items():
            if key.split(".")[0] == document:
                data = base64.b64encode(jpeg).decode()
                parts.append(f'<img alt="annotated {html.escape(key)}" src="data:image/jpeg;base64,{data}">')
    passed = [f.code for f in verdict.findings if f.status is Status.PASS]
    parts.append(f"<details><summary>{len(passed)} checks passed</summary>{html.escape(', '.join(passed))}</details>")
    parts.append("</section>")
    return parts


def html_report(checked: Iterable[Checked]) -> str:
    """One HTML page: per bundle its verdict, open findings by document (message, measure, fix), its previews
    inline and the passes folded away."""
    items = list(checked)
    counts = {v: sum(c[0].verdict.value == v for c in items) for v in ("ready", "fix_required", "review")}
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        f"<title>KYC preflight report</title><style>{_STYLE}</style></head><body>",
        f"<h1>KYC preflight report</h1><p>{len(items)} bundles, checked {stamp}: "
        + ", ".join(f"{n} {v}" for v, n in counts.items())
        + "</p>",
    ]
    for verdict, previews in items:
        parts += _bundle(verdict, previews)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
