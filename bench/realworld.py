"""Real-world benchmark: the whole check engine on every real document image of ../shared/corpus.

Measures, for the calibration half, the check half and all images (split by group: bench/realworld_split.py):
1. per defect category: caught / total (images labelled with it that got a fail or review finding of one of the
   category's codes, CATEGORY_CODES) and false flags / images that must not get it (images not labelled with it
   that got such a finding; photocopy false flags are counted over the genuine colour captures only);
2. the ready rate of genuine captures: images labelled genuine=1 with no fail or review finding among the file,
   capture-quality and authenticity checks (the codes of those packages' CHECKS lists). Genuine means "should be
   ready on those checks": an expired card can be genuine, expiry is not among them. Printed as is and again
   with the file-provenance findings set aside on the folders the corpus author re-saved (KNOWN_RESAVES);
3. the IoU of the document outline against every ground-truth quadrilateral (MANIFEST doc_quad columns; SIDTD
   JSON document corners where present);
4. a per-image table.
Labels: bench/realworld_labels.tsv, read from the MANIFESTs and by eye. `?category` marks an unsure label: such an
image is counted neither as caught nor as a false flag for that category.
Each image is one bundle with one ID document (type from the label, no declared fields), checked on 2026-12-02
under the default policy. The profile is the holder's own name and date of birth where the corpus's ground truth
names them (bench/holders.py: the SIDTD renders and their fakes), as an applicant sends their own document; else a
name no document carries (realworld_engine.PROFILE), so that EDIT_FIELD_TYPEFACE, which finds the applicant's
printed fields by the profile, has none to judge there. No issuing country: the labels carry none, and without
declared data only DOCUMENT_TYPE_NOT_ACCEPTED (in no category) would read it.
Section 2 also gives the ready rate of the colour composites (bench/realworld_composites.py), apart.
Run: .venv/bin/python -m bench.realworld [--half calibration|check|all] [--jobs 2] [--limit N] [--no-composites]
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import statistics
import sys
import time
from collections import Counter

from bench.realworld_composites import composites_section
from bench.realworld_engine import (
    CATEGORY_CODES,
    CORPUS,
    READY_CODES,
    READY_MODULES,
    SOURCES,
    SUBMIT_ON,
    Label,
    Result,
    category_counts,
    iou,
    is_ready,
    load_labels,
    must_not_get,
    run_all,
)
from bench.realworld_split import CATEGORIES, HALVES
from workers.checks.registry import ALL_CHECKS

Pairs = list[tuple[Label, Result]]


def _frac(k: int, n: int) -> str:
    return f"{k}/{n} ({k / n:.0%})" if n else "0/0"


def defects_section(scopes: list[tuple[str, Pairs]]) -> str:
    head = "| category | " + " | ".join(f"{name}: caught | {name}: false flags" for name, _ in scopes) + " |"
    lines, notes = [head, "|---" * (1 + 2 * len(scopes)) + "|"], [""]
    for category in CATEGORIES:
        codes = CATEGORY_CODES[category]
        cells, by_code = [], Counter[str]()
        for _, pairs in scopes:
            caught, labelled, false, clean = category_counts(pairs, category)
            cells.append(f"{_frac(caught, labelled)} | {_frac(false, clean)}")
            # the last scope's
            by_code = Counter(code for r in must_not_get(pairs, category) for code, _ in r.flagged if code in codes)
        lines.append(f"| {category} | " + " | ".join(cells) + " |")
        flags = ", ".join(f"{code} {n}" for code, n in by_code.most_common()) or "none"
        notes.append(f"- {category}: {', '.join(codes)}. False flags ({scopes[-1][0]}) by code: {flags}")
    return "\n".join(lines + notes)


def ready_section(scopes: list[tuple[str, Pairs]]) -> str:
    lines = ["| genuine captures | " + " | ".join(name for name, _ in scopes) + " |", "|---" * (1 + len(scopes)) + "|"]
    resaved = "ready, the corpus author's Photoshop re-save set aside (KNOWN_RESAVES)"
    rows = [
        ("ready (file, capture quality, authenticity)", READY_CODES),
        (resaved, READY_CODES),
        *READY_MODULES.items(),
    ]
    for title, codes in rows:
        cells = []
        for _, pairs in scopes:
            genuine = [(lab, r) for lab, r in pairs if lab.genuine]
            ok = sum(is_ready(lab, r, codes, resaves_aside=title == resaved) for lab, r in genuine)
            cells.append(_frac(ok, len(genuine)))
        label = title if codes is READY_CODES else f"no finding from the {title} checks"
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    blocking = Counter(
        code for lab, r in scopes[-1][1] if lab.genuine for code in {c for c, _ in r.flagged} | set(r.crashed)
    )
    ready_blockers = ", ".join(f"{code} {n}" for code, n in blocking.most_common() if code in READY_CODES)
    lines.append(f"\nCodes keeping genuine captures from ready ({scopes[-1][0]}; images): {ready_blockers or 'none'}")
    return "\n".join(lines)


def iou_section(scopes: list[tuple[str, Pairs]], source: str) -> str:
    lines = ["| outline IoU | " + " | ".join(name for name, _ in scopes) + " |", "|---" * (1 + len(scopes)) + "|"]
    stats = []
    for _, pairs in scopes:
        scored = [(lab, r) for lab, r in pairs if lab.quad and r.outline_from != "not decoded"]
        values = [iou(lab.quad, r.outline) if lab.quad and r.outline else 0.0 for lab, r in scored]
        stats.append((values, sum(r.outline is None for _, r in scored)))
    lines.append("| quads (count) | " + " | ".join(str(len(v)) for v, _ in stats) + " |")
    lines.append("| median | " + " | ".join(f"{statistics.median(v):.3f}" if v else "-" for v, _ in stats) + " |")
    lines.append("| IoU >= 0.9 | " + " | ".join(_frac(sum(x >= 0.9 for x in v), len(v)) for v, _ in stats) + " |")
    lines.append("| no outline (IoU 0) | " + " | ".join(str(n) for _, n in stats) + " |")
    undecoded = [lab.file for lab, r in scopes[-1][1] if r.outline_from == "not decoded"]
    lines.append(f"\nOutline source: {source}. Left out, not decoded by the engine: {', '.join(undecoded) or 'none'}.")
    return "\n".join(lines)


def table_section(pairs: Pairs) -> str:
    lines = ["| file | half | labels | doc verdict | non-pass codes | IoU |", "|---|---|---|---|---|---|"]
    for lab, r in sorted(pairs, key=lambda p: p[0].file):
        codes = [f"{code}:{status[0]}" for code, status in r.flagged] + [f"CHECK_ERROR({c})" for c in r.crashed]
        score = f"{iou(lab.quad, r.outline):.3f}" if lab.quad and r.outline else ""
        score = score or {"not decoded": "not decoded", "": ""}.get(r.outline_from, "no outline")
        lines.append(f"| {lab.file} | {lab.half} | {lab.shown()} | {r.verdict} | {' '.join(codes) or '-'} | {score} |")
    return "\n".join(lines)


def faces_section(half: str) -> str | None:
    """The faces benchmark's text, when bench/realworld_faces.py (written separately) offers report(half)."""
    if importlib.util.find_spec("bench.realworld_faces") is None:
        return None
    report = getattr(importlib.import_module("bench.realworld_faces"), "report", None)
    return str(report(half)) if callable(report) else None


def main() -> int:
    parser = argparse.ArgumentParser(description="Real-world benchmark of the check engine on ../shared/corpus.")
    parser.add_argument("--half", choices=(*HALVES, "all"), default="all")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="an evenly spaced sample of N images (quick look)")
    parser.add_argument(
        "--no-composites", action="store_true", help="skip the colour composites' ready rate (as --limit does)"
    )
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"corpus not found at {CORPUS.resolve()}: bench.realworld needs ../shared/corpus next to the repo")
    missing = {code for codes in CATEGORY_CODES.values() for code in codes} - {c.code for c in ALL_CHECKS}
    if missing:
        sys.exit(f"CATEGORY_CODES names codes the registry does not have: {sorted(missing)}")
    labels = [lab for lab in load_labels() if args.half in ("all", lab.half)]
    if args.limit:
        labels = labels[:: max(1, len(labels) // args.limit)][: args.limit]
    start = time.perf_counter()
    results = run_all(labels, args.jobs)
    pairs = [(lab, results[lab.file]) for lab in labels]
    halves = HALVES if args.half == "all" else (args.half,)
    scopes = [(half, [p for p in pairs if p[0].half == half]) for half in halves]
    scopes += [("all", pairs)] if args.half == "all" else []
    sources = Counter(r.outline_from for _, r in pairs if r.outline_from in SOURCES)
    source = ", ".join(f"{SOURCES[k]} ({n} images)" for k, n in sources.items()) or "no ground-truth quad was run"
    print(f"# Real-world benchmark: {len(pairs)} document images, submitted {SUBMIT_ON}, policy default\n")
    print("## 1. Defects: caught / labelled, false flags / images that must not get it\n")
    print(defects_section(scopes))
    print("\n## 2. Ready rate of genuine captures\n")
    print(ready_section(scopes))
    if not args.no_composites and not args.limit:  # a sample is a quick look: the composites are 134 more runs
        print("\n### Colour composites: genuine specimens under real frames' light (not photos)\n")
        print(composites_section(args.jobs, args.half))
    print("\n## 3. Document outline IoU against ground-truth quads\n")
    print(iou_section(scopes, source))
    print("\n## 4. Per image\n")
    print(table_section(pairs))
    crashed = [f"{r.file}: {', '.join(r.crashed)}" for _, r in pairs if r.crashed]
    print("\nChecks that raised (CHECK_ERROR): " + ("; ".join(crashed) if crashed else "none"))
    faces = faces_section(args.half)
    if faces:
        print("\n" + faces)
    print(f"\n({time.perf_counter() - start:.0f} s with {args.jobs} processes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
