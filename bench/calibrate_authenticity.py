"""Calibration sweep for the authenticity checks: per edit type, how often each check flags it, and the
measured values on clean and edited images (the numbers behind docs/calibration/authenticity.md).

Run: /work/venv/bin/python bench/calibrate_authenticity.py [n_seeds]
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.edits import EDITS, check_sample, clean, generated_set  # noqa: E402
from workers.checks.model import Status  # noqa: E402

# The check that is meant to catch each edit type.
INTENDED = {
    "pasted_portrait": ("EDIT_PORTRAIT_PASTED",),
    "retyped_date": ("EDIT_LOCAL_ANOMALY",),
    "cloned_region": ("EDIT_COPY_MOVE",),
    "smoothed_face": ("BEAUTY_FILTER",),
    "editor_resave": ("JPEG_RESAVED_BY_EDITOR", "JPEG_DOUBLE_COMPRESSED"),
    "software_tag": ("EDIT_SOFTWARE_TAG",),
    "screenshot": ("SCREEN_CAPTURE_UI",),
}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    seeds = range(n)
    measured: dict[tuple[str, str], list[str]] = defaultdict(list)
    flagged: dict[tuple[str, str], int] = defaultdict(int)
    totals: dict[str, int] = defaultdict(int)
    for sample in generated_set(seeds):
        totals[sample.edit] += 1
        for f in check_sample(sample):
            measured[(sample.edit, f.code)].append(f"{f.measured}")
            if f.status is not Status.PASS:
                flagged[(sample.edit, f.code)] += 1
    codes = sorted({code for _, code in measured})
    print(f"{'edit':16s} " + " ".join(f"{c[:14]:>14s}" for c in codes) + "   intended")
    for edit in ["clean", *EDITS]:
        row = [f"{flagged[(edit, c)] / totals[edit]:14.0%}" for c in codes]
        hit = "-" if edit == "clean" else f"{_intended_rate(edit, seeds):.0%}"
        print(f"{edit:16s} " + " ".join(row) + f"   {hit}")
    print("\nmeasured values (clean | edited by the intended type):")
    for edit, intended in INTENDED.items():
        for code in intended:
            print(f"  {code:24s} clean: {' '.join(measured[('clean', code)])}")
            print(f"  {'':24s} {edit}: {' '.join(measured[(edit, code)])}")
    del clean


def _intended_rate(edit: str, seeds: range) -> float:
    make, kinds = EDITS[edit]
    hits = 0
    for s in seeds:
        findings = check_sample(make(kinds[s % len(kinds)], s))
        hits += any(f.code in INTENDED[edit] and f.status is not Status.PASS for f in findings)
    return hits / len(seeds)


if __name__ == "__main__":
    main()
