"""Calibration of the capture-quality checks on the document held in a selfie (the SELFIE_* twins).

For seeds 0..N-1, every scene of tests/fixtures/selfies.defect_scenes and .held_card_scenes is checked with
the applicant's ID card in the same bundle (the real engine, capture-quality checks only). Prints, per
SELFIE_* code, detection on the scenes carrying its defect with the range measured there, the range measured
on the scenes whose card is fine (face defects only) and false flags on those; how
often the held card is located (outline overlapping the true card by IoU >= 0.8); and how many scenes
without the applicant's card are flagged (none should be: the selfie checks report a missing or other card).
Run: python -m bench.calibrate_held [N]
"""

from __future__ import annotations

import sys
from collections import Counter

import cv2
import numpy as np
from numpy.typing import NDArray

from tests.fixtures.selfie_checks import run_held_quality_checks
from workers.checks.model import BundleVerdict, Status

# scene -> the SELFIE_* quality code it must raise
DEFECT_CODE = {
    "glare_on_card": "SELFIE_IMAGE_GLARE",
    "blurry": "SELFIE_IMAGE_BLURRY",
    "dark": "SELFIE_IMAGE_TOO_DARK",
    "backlit": "SELFIE_IMAGE_OVEREXPOSED",
    "side_lit": "SELFIE_IMAGE_UNEVEN_LIGHT",
    "screen": "SELFIE_DOC_SCREEN_PHOTO",
    # The held card's own defects (tests/fixtures/selfies.held_card_scenes).
    "card_off_frame": "SELFIE_DOC_CORNERS_CUT",
    "card_far": "SELFIE_DOC_TOO_SMALL",
    "card_tilted": "SELFIE_DOC_PERSPECTIVE",
    "card_thumb": "SELFIE_DOC_OBSTRUCTED",
    "card_photocopy": "SELFIE_DOC_PHOTOCOPY",
    "low_resolution": "SELFIE_TEXT_RESOLUTION_LOW",
}
# Scenes whose held card is a good capture (their defects are the face's, judged by the face checks).
CARD_FINE = ("clean", "face_blurry", "sunglasses", "mask", "mask_under_nose", "hat", "second_face", "small_face")
NOT_THE_CARD = ("no_card", "other_card", "passport_instead")


def flagged(verdict: BundleVerdict) -> set[str]:
    return {f.code for f in verdict.findings if f.code.startswith("SELFIE_") and f.status is not Status.PASS}


def located(verdict: BundleVerdict, truth: NDArray[np.float64] | None, shape: tuple[int, int]) -> bool:
    region = next((f.region for f in verdict.findings if f.code == "SELFIE_DOC_TOO_SMALL" and f.region), None)
    if region is None or truth is None:
        return False
    found, real = np.zeros(shape, np.uint8), np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(found, np.round(np.array(region.polygon)).astype(np.int32), 1)
    cv2.fillConvexPoly(real, np.round(truth).astype(np.int32), 1)
    return float((found & real).sum()) / max(1.0, float((found | real).sum())) >= 0.8


def _range(values: list[float]) -> str:
    return f"{min(values):g} - {max(values):g}" if values else "not measured"


def main() -> None:
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    detected: Counter[str] = Counter()
    false_flags: Counter[str] = Counter()
    on_defect: dict[str, list[float]] = {}
    on_good_card: dict[str, list[float]] = {}
    limits: dict[str, object] = {}
    found = total_with_card = anything_without_card = 0
    for seed in range(seeds):
        for name in (*DEFECT_CODE, *CARD_FINE, *NOT_THE_CARD):
            verdict, truth, shape = run_held_quality_checks(seed, name)
            codes = flagged(verdict)
            if name in NOT_THE_CARD:
                anything_without_card += bool(codes)
                continue
            total_with_card += 1
            found += located(verdict, truth, shape)
            measured = {f.code: f.measured for f in verdict.findings if isinstance(f.measured, int | float)}
            limit = {f.code: f.threshold for f in verdict.findings}
            if name in DEFECT_CODE:
                code = DEFECT_CODE[name]
                detected[name] += code in codes
                if code in measured:
                    on_defect.setdefault(code, []).append(float(measured[code]))
            else:
                for code in codes:
                    false_flags[code] += 1
                for code, value in measured.items():
                    on_good_card.setdefault(code, []).append(float(value))
                    limits[code] = limit[code]
    print(f"held card located (IoU >= 0.8): {found}/{total_with_card}")
    print("| scene | code | detected | measured on the defect | on good cards | limit |")
    print("|---|---|---|---|---|---|")
    for name, code in DEFECT_CODE.items():
        cells = [name, code, f"{detected[name]}/{seeds}", _range(on_defect.get(code, []))]
        cells += [_range(on_good_card.get(code, [])), f"{limits.get(code, '')}"]
        print("| " + " | ".join(cells) + " |")
    clean_total = seeds * len(CARD_FINE)
    print(f"false flags on {clean_total} scenes with a good card: {dict(false_flags) or 'none'}")
    print(f"scenes without the applicant's card flagged by a SELFIE_* quality check: {anything_without_card}")


if __name__ == "__main__":
    main()
