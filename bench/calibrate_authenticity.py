"""Calibration sweep for the authenticity checks (the numbers behind docs/calibration/authenticity.md).

Generated set: per edit type, how often each check flags it, whether the intended check flags it with a region
overlapping the edit, and the measured values on clean and edited images. Real corpus: what each SIDTD image
receives, and whether a fake's flag overlaps the manipulated area given in its MANIFEST.tsv.

Run: /work/venv/bin/python bench/calibrate_authenticity.py [n_seeds]
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.calibrate_typeface import run_corpus  # noqa: E402
from bench.holders import SIDTD_PROFILES  # noqa: E402
from tests.fixtures.edits import EDITS, Sample, check_sample, generated_set  # noqa: E402
from workers.checks import authenticity  # noqa: E402, F401  (loaded before the long sample generation)
from workers.checks.model import Finding, Status  # noqa: E402

SIDTD = ROOT / ".." / "shared" / "corpus" / "sidtd"

# The check meant to catch each edit type.
INTENDED = {
    "pasted_portrait": ("EDIT_PORTRAIT_PASTED",),
    "retyped_date": ("EDIT_LOCAL_ANOMALY",),
    "cloned_region": ("EDIT_COPY_MOVE",),
    "smoothed_face": ("BEAUTY_FILTER",),
    "editor_resave": ("JPEG_RESAVED_BY_EDITOR", "JPEG_DOUBLE_COMPRESSED"),
    "software_tag": ("EDIT_SOFTWARE_TAG",),
    "screenshot": ("SCREEN_CAPTURE_UI",),
}


def overlaps(finding: Finding, box: tuple[int, int, int, int]) -> bool:
    if finding.region is None:
        return False
    xs = [p[0] for p in finding.region.polygon]
    ys = [p[1] for p in finding.region.polygon]
    return min(xs) < box[2] and box[0] < max(xs) and min(ys) < box[3] and box[1] < max(ys)


def generated(n: int) -> None:
    measured: dict[tuple[str, str], list[str]] = defaultdict(list)
    flagged: dict[tuple[str, str], int] = defaultdict(int)
    totals: dict[str, int] = defaultdict(int)
    intended_hits: dict[str, int] = defaultdict(int)
    located: dict[str, int] = defaultdict(int)
    any_flag: dict[str, int] = defaultdict(int)
    for sample in generated_set(range(n)):
        totals[sample.edit] += 1
        findings = check_sample(sample)
        hits = [f for f in findings if f.code in INTENDED.get(sample.edit, ()) and f.status is not Status.PASS]
        intended_hits[sample.edit] += bool(hits)
        located[sample.edit] += sample.box is not None and any(overlaps(f, sample.box) for f in hits)
        any_flag[sample.edit] += any(f.status is not Status.PASS for f in findings)
        for f in findings:
            measured[(sample.edit, f.code)].append(f"{f.measured}")
            flagged[(sample.edit, f.code)] += f.status is not Status.PASS
    codes = sorted({code for _, code in measured})
    print(f"generated set, {n} seeds per type; columns = share flagged (review or fail) per check")
    print(f"{'edit':16s} " + " ".join(f"{c[:12]:>12s}" for c in codes) + "  intended  located  any")
    for edit in ["clean", *EDITS]:
        row = [f"{flagged[(edit, c)] / totals[edit]:12.0%}" for c in codes]
        hit = "-" if edit == "clean" else f"{intended_hits[edit] / totals[edit]:.0%}"
        loc = "-" if edit in ("clean", "editor_resave", "software_tag") else f"{located[edit] / totals[edit]:.0%}"
        print(f"{edit:16s} " + " ".join(row) + f"  {hit:>8s}  {loc:>7s}  {any_flag[edit] / totals[edit]:.0%}")
    print("\nmeasured values (clean | edited by the intended type):")
    for edit, intended in INTENDED.items():
        for code in intended:
            print(f"  {code:24s} clean: {' '.join(measured[('clean', code)])}")
            print(f"  {'':24s} {edit}: {' '.join(measured[(edit, code)])}")


def corpus() -> None:
    if not SIDTD.is_dir():
        print(f"\nSIDTD corpus not found at {SIDTD}: skipped")
        return
    regions: dict[str, tuple[int, int, int, int]] = {}
    with (SIDTD / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            m = re.search(r"x(\d+)-(\d+),\s*y(\d+)-(\d+)", row["ground_truth"])
            if m:
                x0, x1, y0, y1 = (int(v) for v in m.groups())
                regions[row["file"]] = (x0, y0, x1, y1)
    print("\nSIDTD corpus: findings that are not pass (measured); * = region overlaps the manipulated area")
    for path in sorted(SIDTD.glob("*.jpg")):
        findings = check_sample(Sample("corpus", "card", 0, path.read_bytes()))
        # EDIT_FIELD_TYPEFACE needs the holder's profile (from the JSON annotations) and the page OCR.
        full_name, birth = SIDTD_PROFILES[path.name]
        typeface = run_corpus(path, full_name, birth)
        findings += [typeface] if typeface is not None else []
        box = regions.get(path.name)
        flags = [
            f"{f.code}={f.measured}{'*' if box and overlaps(f, box) else ''}"
            for f in findings
            if f.status is not Status.PASS
        ]
        print(f"  {path.name:22s} {', '.join(flags) or 'nothing flagged'}")


def main() -> None:
    generated(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
    corpus()


if __name__ == "__main__":
    main()
