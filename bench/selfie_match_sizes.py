"""How the held-card match (SELFIE_DOCUMENT_MISMATCH) separates the applicant's own card from another person's
as the inputs get realistic: the ID sent as a flat scan or as a photo of the card on a table, the selfie at
full size or forwarded by a chat app (1280 px, JPEG 70).

Prints, per reference kind and selfie size, the content contradiction (share of tiles unlike the ID) of the
right card and of another person's card of the same design, with the match's inlier count; the check fails
a match at MATCH_MAX_CONTRADICTION or above, or under MATCH_MIN_INLIERS.

    python bench/selfie_match_sizes.py [--seeds 3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fixtures.degrade import document_context, scene
from tests.fixtures.documents import Person, encode_jpeg, render_id_card
from tests.fixtures.selfies import Scene, compose_selfie
from workers.checks.face import applicant, docmatch
from workers.checks.manifest import Role

CHAT_SIZE = (960, 1280)  # a 3:4 selfie forwarded at 1280 px on its long side
CHAT_QUALITY = 70


def chat(rgb: NDArray[np.uint8]) -> bytes:
    small = np.asarray(cv2.resize(rgb, CHAT_SIZE, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    return encode_jpeg(small, quality=CHAT_QUALITY, camera=False)


def match(id_file: bytes, selfie_file: bytes) -> docmatch.DocumentMatch | None:
    reference = applicant.id_reference(document_context(id_file, Role.ID_DOCUMENT))
    selfie = document_context(selfie_file, Role.SELFIE).capture
    view = selfie.downscaled(docmatch.SELFIE_SIDE, gray=True)
    return docmatch.match_document(reference, view, selfie.width / view.shape[1], (selfie.width, selfie.height))


def shown(found: docmatch.DocumentMatch | None) -> str:
    if found is None:
        return "no match"
    verdict = "same card" if docmatch.is_same_card(found) else "mismatch"
    return f"{found.contradiction:5.1%} ({found.inliers} inliers: {verdict})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    references = {
        "ID as a flat scan": encode_jpeg(render_id_card(Person(), seed=0)),
        "ID photographed on a table (scene 0)": encode_jpeg(scene("none", seed=0, kind="id_card").rgb),
        "ID photographed on a table (scene 4)": encode_jpeg(scene("none", seed=4, kind="id_card").rgb),
    }
    print(f"limits: contradiction < {docmatch.MATCH_MAX_CONTRADICTION:.0%}, inliers >= {docmatch.MATCH_MIN_INLIERS}")
    print("| reference | selfie | seed | own card | another person's card |")
    print("|---|---|---|---|---|")
    for seed in range(args.seeds):
        own = compose_selfie(Scene(seed=seed)).rgb
        other = compose_selfie(Scene(seed=seed, card="other_id")).rgb
        for name, id_file in references.items():
            for size, encode in (("full size", encode_jpeg), ("chat (1280 px, JPEG 70)", chat)):
                print(
                    f"| {name} | {size} | {seed} | {shown(match(id_file, encode(own)))} | "
                    f"{shown(match(id_file, encode(other)))} |"
                )


if __name__ == "__main__":
    main()
