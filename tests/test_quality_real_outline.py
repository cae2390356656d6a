"""The document outline, DOC_PHOTOCOPY and DOC_OBSTRUCTED on the real corpus (../shared/corpus), floors per half.

The figures come from bench/outline_real.py (same code); each floor sits one image (or 0.01 IoU) below what was
measured so that a harmless change of a pixel does not flake. Run in two processes: about 2.5 minutes (the MRZ is
read first, as the engine reads it before the checks ask for the outline).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from bench.outline_real import Figures

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"

pytestmark = [
    pytest.mark.skipif(
        not CORPUS.is_dir(),
        reason=f"real corpus not found at {CORPUS.resolve()} (../shared/corpus next to the repo): nothing to measure",
    ),
    # The module's fixture reads every image's MRZ and outline (142 s on 2 cores on 2026-12-07): near the suite's
    # 300 s default for a single test on a loaded machine.
    pytest.mark.timeout(900),
]

# Measured (calibration | check), with the straight-edge search and full-resolution side refinement: outline
# median IoU 0.991 | 0.981 (was 0.300 | 0.224), IoU >= 0.9 on 35/41 | 31/40 ground-truth quads (34/41 before
# outline_choose._to_format) (was 10 | 10;
# 30 | 25 before a grey copy as light as the table under it was looked for by its colourfulness,
# locate/contrast.colourfulness; 24/40 on the check half before the candidates' text was read contrast-stretched;
# 33 | 27 before a side's run-on past its corners was averaged over both ends, outline_lines._extension).
# DOC_PHOTOCOPY on print chroma (the light's colour divided out): caught on 35/40 | 34/40 greyscale copies (5 | 3
# with the old colourfulness; 32 | 23 before the straight-edge search kept lines of every direction; 33 | 25
# before coloured things crossing the document's edge were left out: a marker and a toy; 33 | 27 before the
# colourfulness view; 34 | 30 before the run-on average), 0/17 | 0/14 genuine colour captures flagged, 1/26 | 0/29
# other colour IDs flagged (the greyish Romanian specimen, in the calibration half). Since 2026-12-07 the light is
# divided out in linear light (chroma.relative_to_paper): caught 37/40 | 35/40, the false flags unchanged. The
# median meets the target (>= 0.95); the share >= 0.9 (target 90 %) and the copies caught on the check half
# (target >= 90 %) do not yet: these floors keep what there is, one below each count: copies measure within 5 % of
# the limit (lva_passport 06 3.92, grc_passport 03 3.79).
# DOC_OBSTRUCTED (fingers; on a grey copy also coloured things crossing its edge): caught on 4/12 | 5/12 occluded
# documents (4 | 5 before the crossing colour counted; 8 on the check half before the colourfulness view, one of
# them, svk_id 04 cg0003, on an outline as wrong then, IoU 0.11, as now; 4 | 7 before the run-on average, two of
# those seven on wrong outlines, rus_internalpassport 04 cg0003 at IoU 0.23 and svk_id 04 cg0001 at 0.08, whose
# outlines are still wrong), false flags 0/71 | 2/71 (outlines that take in a brown table or a hand beside the
# card; 5 before the colourfulness view; 4 before skin on a colour document had to run on past its edge: the
# genuine Slovak card svk IMG_2184's peach print, 19.8 % -> 0 %; 3 before the run-on average: fin_id 04 cg0007's
# outline, IoU 0.16 -> 0.94). With the limit set on the calibration half's real fingers (1.7 % of the document,
# was 4 %; workers/checks/quality/thresholds.py MAX_OCCLUSION): caught 8/12 | 8/12, false flags 0/71 | 5/71 (grey
# copies under hard shadows, among toys or on a sheet the outline takes in, every one a DOC_PHOTOCOPY fail).
# IoU >= 0.9 on 35/41 | 31/40 when a chosen outline of no document's shape gives way to the enclosing one of a
# document's shape (outline_choose._to_format: the rule above a passport page's MRZ had closed the outline;
# rus_internalpassport 02 cg0004 0.695 -> 0.992, srb_passport 04 cg0005 0.704 -> 0.878), with a crossing thing
# judged side by side (crossing.RUN_ON_SIDE_SHARE: the marker over the first, now inside its outline, runs on
# past one side and ends at the other; without it that copy read 12 % print chroma, neither copy nor covered).
# IoU >= 0.9 on 35/41 | 32/40 when an outline closed beyond a card by a line of the table gives way to the card
# inside it (outline_choose._to_format): est_id 04 cg0005 0.812 -> 0.909 (the contour search, which its weak
# side calls, still takes in a wedge of the wood: 7.5 % read as covered, a false DOC_OBSTRUCTED as before).
# False flags 0/71 | 4/71 once a blob lying along the edge, more than 8 times longer than deep, is no cover
# (thresholds.MAX_COVER_ELONGATION: alb_id 07 cg0002's shadow stripe; the calibration half unchanged).
# Since 2026-12-07 (afternoon) a TD3 page whose edges the outline search missed is placed from its MRZ
# (locate/mrz_page.py; the bench reads the MRZ first, as the engine does): IoU >= 0.9 on 38/41 | 33/40 (lva_passport
# 01 and 06, grc_passport 04 cg0003 and lva_passport 02 now 0.96-0.98), copies caught 38/40 | 36/40, DOC_OBSTRUCTED
# false flags 0/71 | 3/71 (lva_passport 02's frame read as covered), the rest unchanged.
# Floors one below the catches; the false flags may not grow.
FLOORS = {
    "calibration": {
        "median": 0.98,
        "share": 37 / 41,
        "caught": 37,
        "other_flagged": 1,
        "occluded_caught": 7,
        "unoccluded_flagged": 0,
    },
    "check": {
        "median": 0.97,
        "share": 32 / 40,
        "caught": 35,
        "other_flagged": 0,
        "occluded_caught": 7,
        "unoccluded_flagged": 3,
    },
}


@pytest.fixture(scope="module")
def measured() -> dict[str, Figures]:
    from bench.outline_real import figures, load_items, run

    items = load_items()
    results = run(items, jobs=2)
    return {half: figures([i for i in items if i.half == half], results) for half in FLOORS}


@pytest.mark.parametrize("half", sorted(FLOORS))
def test_outline_iou_floor(measured: dict[str, Figures], half: str) -> None:
    found = measured[half]
    assert found.quads >= 40
    assert found.median_iou >= FLOORS[half]["median"], found
    assert found.share_iou_90 >= FLOORS[half]["share"] - 1e-9, found


@pytest.mark.parametrize("half", sorted(FLOORS))
def test_photocopy_floor_and_no_false_flag(measured: dict[str, Figures], half: str) -> None:
    found = measured[half]
    assert found.copies == 40
    assert found.copies_caught >= FLOORS[half]["caught"], found
    assert found.colour_flagged == 0, found
    assert found.other_colour_flagged <= FLOORS[half]["other_flagged"], found


@pytest.mark.parametrize("half", sorted(FLOORS))
def test_occlusion_floor_and_false_flags(measured: dict[str, Figures], half: str) -> None:
    found = measured[half]
    assert found.occluded == 12
    assert found.occluded_caught >= FLOORS[half]["occluded_caught"], found
    assert found.unoccluded_flagged <= FLOORS[half]["unoccluded_flagged"], found
