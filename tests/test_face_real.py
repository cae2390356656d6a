"""The selfie face checks and the face match on real photos of public figures (bench/realworld_faces.py).

The floors are the rates measured on each half (docs/calibration/face.md, "Real photos"): a change that loses a
catch, adds a false flag or breaks a pair fails here. Checks the corpus gives no real example of (mask, truly
backlit, too small, surely too dark) are held to their false-flag counts only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import realworld_faces as bench
from workers.checks.model import Status

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(
        not (CORPUS / "FACE_PAIRS.tsv").is_file(),
        reason="../shared/corpus (real face photos) is absent: it exists only on the project's machine",
    ),
]

# (caught, labelled, most false flags allowed, eligible) per labelled defect and half, as measured.
FLOORS: dict[str, dict[str, tuple[int, int, int, int]]] = {
    "calibration": {
        "no_face": (1, 1, 0, 24),
        "extra_faces": (1, 1, 0, 22),
        "small": (0, 0, 0, 24),
        "blurry": (0, 2, 0, 21),
        "dark": (0, 0, 0, 22),
        "backlit": (0, 0, 0, 24),
        "sunglasses": (2, 2, 0, 22),
        "hat": (2, 2, 0, 22),
        "mask": (0, 0, 0, 24),
    },
    "check": {
        "no_face": (1, 1, 0, 25),
        "extra_faces": (1, 1, 0, 23),
        "small": (0, 0, 0, 26),
        "blurry": (1, 1, 0, 25),
        "dark": (0, 0, 0, 26),
        "backlit": (0, 0, 1, 26),
        "sunglasses": (3, 3, 0, 23),
        "hat": (2, 2, 0, 24),
        "mask": (0, 0, 1, 26),
    },
}
# (same-person pairs passed, of, different-person pairs caught, of) per half.
PAIR_FLOORS = {"calibration": (8, 12, 5, 5), "check": (9, 13, 5, 5)}


@pytest.mark.parametrize("half", ["calibration", "check"])
def test_labelled_defects_are_caught_without_false_flags(half: str) -> None:
    got = bench.rates(half)
    for defect, (caught, total, false, eligible) in FLOORS[half].items():
        rate = got[defect]
        assert (rate.total, rate.eligible) == (total, eligible), f"{half} {defect}: the labels changed"
        assert rate.caught >= caught, f"{half} {defect}: caught {rate.caught}/{total}, floor {caught}"
        assert rate.false <= false, f"{half} {defect}: {rate.false} false flags of {eligible}, at most {false}"


@pytest.mark.parametrize("half", ["calibration", "check"])
def test_face_match_on_real_pairs(half: str) -> None:
    pairs = bench.pair_results(half)
    same = [p for p in pairs if p.same]
    other = [p for p in pairs if not p.same]
    passed, n_same, caught, n_other = PAIR_FLOORS[half]
    assert (len(same), len(other)) == (n_same, n_other)
    assert sum(p.status is Status.PASS for p in same) >= passed
    assert sum(p.status in (Status.REVIEW, Status.FAIL) for p in other) >= caught
    # A different person is never passed, whatever the half.
    assert not [p for p in other if p.status is Status.PASS]


def test_split_keeps_each_person_and_each_pair_on_one_side() -> None:
    labels = bench.read_labels()
    half_of = {lab.file: lab.half for lab in labels}
    sides: dict[str, set[str]] = {}
    for lab in labels:
        for person in lab.person.split("+"):
            sides.setdefault(person, set()).add(lab.half)
    assert all(len(s) == 1 for p, s in sides.items() if p != "-")
    assert all(half_of[a] == half_of[b] for a, b, _, _ in bench.read_pairs())
    # The committed labels are what the MANIFESTs give today.
    derived = bench.derive_labels()
    assert [(r["file"], r["half"], r["defects"]) for r in derived] == [
        (lab.file, lab.half, ",".join(sorted(lab.defects))) for lab in labels
    ]
