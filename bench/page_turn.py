"""How often the page turn is found (workers/checks/identity/page_turn.py), and what it costs.

Seeded generated pages (bills in five languages, register extracts, authorization letters) as flat scans and
as phone photos of the page on a table (tests/fixtures/degrade.py scenes), each turned 0, 90, 180 and
270 degrees; and every corpus image upright and turned. Prints per set how many turns were found right and,
for the upright images, how many were wrongly turned. Cost: the direction votes' time over the text
detection's, measured in the same run.

    python bench/page_turn.py [--seeds 6]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.degrade import scene  # noqa: E402
from tests.fixtures.identity_docs import (  # noqa: E402
    render_authorization_letter,
    render_local_bill,
    render_registration,
)
from workers.checks.identity import ocr  # noqa: E402
from workers.checks.identity.page_text import PAGE_SIDE  # noqa: E402
from workers.checks.identity.page_turn import page_turn  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
LANGUAGES = ("en", "de", "fr", "es", "it")


def _view(image: NDArray[np.uint8]) -> tuple[NDArray[np.uint8], float]:
    """The reduced copy the page reader detects on (long side at most PAGE_SIDE) and its scale."""
    scale = min(1.0, PAGE_SIDE / max(image.shape[:2]))
    if scale == 1.0:
        return image, 1.0
    size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
    return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), dtype=np.uint8), scale


def measure(image: NDArray[np.uint8]) -> tuple[int, float, float]:
    """(turn found, detection seconds, direction-vote seconds)."""
    view, scale = _view(image)
    start = time.perf_counter()
    boxes = [b / scale for b in ocr.detect_text_boxes(view)]
    detected = time.perf_counter()
    turn = page_turn(image, boxes)
    return turn, detected - start, time.perf_counter() - detected


def _bill(seed: int) -> NDArray[np.uint8]:
    language = LANGUAGES[seed % len(LANGUAGES)]
    address = ("Søndergade 14", "8000 Aarhus C")
    return render_local_bill("Jørgen Hansen", address, date_text="5.10.2026", language=language, seed=seed)


def _register(seed: int) -> NDArray[np.uint8]:
    return render_registration("Nordlicht Energy ApS", "DK-3912 4471", issued="2026-10-01", seed=seed)


def _letter(seed: int) -> NDArray[np.uint8]:
    return render_authorization_letter("Nordlicht Energy ApS", "Jørgen Hansen", seed=seed)


def _photographed_bill(seed: int) -> NDArray[np.uint8]:
    return scene("none", seed=900 + seed, kind="bill").rgb


def _corpus_image(path: Path) -> NDArray[np.uint8]:
    with Image.open(path) as img:
        return np.asarray(img.convert("RGB"), dtype=np.uint8)


def pages(seeds: int) -> dict[str, list[Callable[[], NDArray[np.uint8]]]]:
    sets: dict[str, list[Callable[[], NDArray[np.uint8]]]] = {
        name: [partial(render, s) for s in range(seeds)]
        for name, render in (
            ("bill (flat)", _bill),
            ("register extract (flat)", _register),
            ("authorization letter (flat)", _letter),
            ("bill photographed on a table", _photographed_bill),
        )
    }
    if CORPUS.is_dir():
        found = sorted(p for p in CORPUS.glob("*/*") if p.suffix.lower() in (".jpg", ".png"))
        sets["corpus (ID cards, passports)"] = [partial(_corpus_image, p) for p in found]
    return sets


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=6)
    args = parser.parse_args()
    sets = pages(args.seeds)
    ocr.engine()
    detect_total = vote_total = 0.0
    print("| set | images | turns found right (of 4 per image) | upright images turned |")
    print("|---|---|---|---|")
    for name, makers in sets.items():
        right = wrong_upright = 0
        misses = []
        for i, make in enumerate(makers):
            page = make()
            for quarter_turns in range(4):
                image = np.ascontiguousarray(np.rot90(page, quarter_turns))
                turn, detect, vote = measure(image)
                detect_total += detect
                vote_total += vote
                if turn == (4 - quarter_turns) % 4:
                    right += 1
                else:
                    misses.append(f"#{i} turned {90 * quarter_turns}: found {turn}")
                    wrong_upright += quarter_turns == 0
        print(f"| {name} | {len(makers)} | {right}/{4 * len(makers)} | {wrong_upright} |")
        for miss in misses:
            print(f"  missed: {miss}")
    print(f"direction votes / text detection (time, all images): {vote_total / detect_total:.3f}")


if __name__ == "__main__":
    main()
