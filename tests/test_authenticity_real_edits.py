"""Authenticity checks on real captures edited by bench/real_edits.py (composites made from real corpus parts):
the detection and false-flag rates reached, held as floors and ceilings on a small fixed subset.

The floors are what the checks reach today (docs/calibration/authenticity.md, "Real captures edited"), far
under the issue's 80 % target: they guard against regressions, they do not claim the target is met.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from bench.real_edits import EDIT_TYPES, Made, sources
from bench.realworld_edits import Result, evaluate, run

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"real corpus not found at {CORPUS} (a user checkout has none)"),
]

# Check-half sources whose edits the pixel checks partly catch: a card with a ghost portrait (alb01), a
# passport render whose retyped name leaves a smooth patch (aze01), a phone photo whose swapped portrait has
# the donor's coarser grain (chn__IMG_2229). Seeded as in the bench (index in `sources()`).
SUBSET = (
    "sidtd/alb01.jpg",
    "sidtd/aze01.jpg",
    "getcontrol_kyc_specimens/chn__IMG_2229.jpg",
)


@cache
def results() -> tuple[Result, ...]:
    return tuple(run(files=list(SUBSET)))


def test_every_edit_type_is_made_for_the_subset() -> None:
    made = {(r.made.source.file, r.made.edit) for r in results()}
    assert made == {(f, e) for f in SUBSET for e in ("original", "resaved", *EDIT_TYPES)}


def test_edited_captures_flagged_by_pixel_evidence_at_least_as_often_as_measured() -> None:
    edited = [r for r in results() if r.made.edit in EDIT_TYPES]
    hits = sum(bool(r.pixel_flags) for r in edited)
    # Measured 5 of 9: both swaps on the ghost card, the swap and the retyped fields on the passport render
    # (portrait/card grain 0.52, under 0.55) and its combined edit; missed: retyped fields on alb01 and
    # chn__IMG_2229, and chn__IMG_2229's swap: its grain ratio against the card alone reads 2.03 (1.90 with the
    # fields), under the 2.5 limit (6 of 9 before the grain checks judged only the document's own blocks, when
    # the ratio was taken against the whole frame, desk included, and read above 2.5).
    assert hits >= 5, [(r.made.source.file, r.made.edit, r.measured) for r in edited]


def test_untouched_captures_as_stored_are_not_flagged() -> None:
    stored = [r for r in results() if r.made.edit == "original"]
    assert not [r for r in stored if r.pixel_flags], [(r.made.source.file, r.flags) for r in stored]


def test_untouched_captures_through_the_same_pipeline_are_not_flagged() -> None:
    resaved = [r for r in results() if r.made.edit == "resaved"]
    assert not [r for r in resaved if r.pixel_flags], [(r.made.source.file, r.flags) for r in resaved]


def test_sidtd_forged_twins_still_caught_and_originals_clean() -> None:
    """With the holders' own profiles (bench/holders.py): the italic given name of fake_ir_2_alb00 is found by
    EDIT_FIELD_TYPEFACE, which needs the name and date of birth to find the personal fields."""
    by_name = {s.path.name: s for s in sources()}
    twins = (("fake_alb01.jpg", True), ("fake_ir_alb00.jpg", True), ("fake_ir_2_alb00.jpg", True), ("alb00.jpg", False))
    for name, forged in (*twins, ("alb01.jpg", False)):
        source = by_name[name.replace("fake_ir_2_", "").replace("fake_ir_", "").replace("fake_", "")]
        result = evaluate(Made(source, "original", (CORPUS / "sidtd" / name).read_bytes()))
        assert bool(result.pixel_flags) is forged, (name, result.flags)


# Genuine phone photos of cards on a desk, a keyboard or a chair that the grain checks used to flag as stored
# (docs/calibration/authenticity.md, "Real captures unedited"): flat dark plastic and white walls around the
# card, which the phone's JPEG flattens, read as painted patches (EDIT_LOCAL_ANOMALY 5.6-6.6) or set the
# portrait's grain against the desk's (EDIT_PORTRAIT_PASTED 2.64). Judged on the document's own blocks they pass.
ONCE_FLAGGED = (
    "getcontrol_kyc_specimens/chn__IMG_2231.jpg",
    "getcontrol_kyc_specimens/svk__IMG_2182.jpg",
    "getcontrol_kyc_specimens/svk__IMG_2184.jpg",
    "getcontrol_kyc_specimens/usa__IMG_2164.jpg",
)


@pytest.mark.parametrize("name", ONCE_FLAGGED)
def test_genuine_phone_photos_pass_the_grain_checks(name: str) -> None:
    source = next(s for s in sources() if s.file == name)
    result = evaluate(Made(source, "original", (CORPUS / name).read_bytes()))
    assert not result.pixel_flags, (name, result.flags)
