"""One root cause, one finding: a generated defect's own code is the verdict's first finding, and the checks
that the defect makes meaningless say "not judged because of" it instead of adding fails of their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.degrade import CHECK_OF_DEFECT, scene
from tests.fixtures.engine_runs import run_engine
from workers.checks.i18n.translate import translate_fix
from workers.checks.manifest import BundleSpec, DocumentSpec, Profile, Role
from workers.checks.model import BundleVerdict, Finding, Status
from workers.checks.precedence import roots_of

# Generated defect -> the root cause it must be reported as: its own check, except the whole photo shrunk
# ("lowres"), which is too small in pixels before its text is too small: IMAGE_TOO_SMALL is that one fact's
# finding. A busy background is a review, never a root cause.
ROOT_CAUSE = {
    **{defect: code for defect, code in CHECK_OF_DEFECT.items() if defect != "cluttered"},
    "lowres": "IMAGE_TOO_SMALL",
}
TYPES = {"id_card": "id_card", "passport": "passport", "bill": "utility_bill"}
SEEDS = range(3)  # an ID card, a passport page and a bill for most defects


def _roots_through_chains(code: str) -> set[str]:
    """Every code that may silence `code`: the roots it names, and theirs in turn."""
    found: set[str] = set()
    todo = [code]
    while todo:
        for root in roots_of(todo.pop(), Status.REVIEW):
            if root not in found:
                found.add(root)
                todo.append(root)
    return found


def _verdict(defect: str, seed: int) -> BundleVerdict:
    s = scene(defect, seed=seed)
    role = Role.PROOF_OF_ADDRESS if s.kind == "bill" else Role.ID_DOCUMENT
    doc = DocumentSpec(role=role, file="d.jpg", type=TYPES[s.kind], issuing_country="SE")
    spec = BundleSpec(reference=f"{defect}-{seed}", profile=Profile(full_name="Anna Maria Eriksson"), documents=[doc])
    return run_engine(spec, {"d.jpg": s.jpeg()}, bundle_checks=[])


@pytest.mark.parametrize("defect", sorted(ROOT_CAUSE))
def test_each_generated_defect_is_reported_first_by_its_own_code(defect: str) -> None:
    firsts, silenced = [], []
    for seed in SEEDS:
        verdict = _verdict(defect, seed)
        flagged = [f for f in verdict.findings if f.status is not Status.PASS]
        firsts.append(flagged[0].code if flagged else None)
        # Every fix given is one the translations know (workers/checks/i18n/texts.py lists them).
        untranslated = [
            f.code for f in flagged if f.remediation and translate_fix(f.remediation, "ja") == f.remediation
        ]
        assert not untranslated, untranslated
        silenced += [f for f in verdict.findings if f.message.startswith("Not judged because of")]
    # The calibration detects each defect on 29-30 of 30 scenes: allow one miss in three.
    assert firsts.count(ROOT_CAUSE[defect]) >= 2, firsts
    # Whatever was silenced was silenced by a root cause that may silence it, directly or through a root that
    # is itself silenced (any finding of it: a silenced finding no longer shows whether it was a fail or a review).
    for f in silenced:
        root = f.message.split()[4].rstrip(",")
        assert root in _roots_through_chains(f.code), (f.code, root)


def test_a_blurred_passport_reports_blur_not_an_unreadable_mrz() -> None:
    verdict = _verdict("blur", 1)
    statuses = {f.code: f for f in verdict.findings}
    assert statuses["IMAGE_BLURRY"].status is Status.FAIL
    mrz = statuses["MRZ_UNREADABLE"]
    assert mrz.status is Status.PASS and mrz.message.startswith("Not judged because of IMAGE_BLURRY")


def test_a_washed_out_colour_document_is_not_taken_for_a_copy() -> None:
    """A washed-out photo of a colour card or passport page: IMAGE_OVEREXPOSED fails, and DOC_PHOTOCOPY, which a
    washed-out photo no longer silences, finds the print's colour where no channel is clipped and passes: no
    false copy beside the exposure (generated: 8.2+ % of paper white against the 4.0 limit). Over 6 seeds, cards
    and passports."""
    for seed in range(6):
        s = scene("overexposed", seed=seed, kind=("id_card", "passport")[seed % 2])
        doc = DocumentSpec(role=Role.ID_DOCUMENT, file="d.jpg", type=TYPES[s.kind], issuing_country="SE")
        spec = BundleSpec(reference=f"washed-{seed}", profile=Profile(full_name="Anna Maria Eriksson"), documents=[doc])
        by_code = {f.code: f for f in run_engine(spec, {"d.jpg": s.jpeg()}, bundle_checks=[]).findings}
        assert by_code["IMAGE_OVEREXPOSED"].status is Status.FAIL, (seed, by_code["IMAGE_OVEREXPOSED"])
        copy = by_code["DOC_PHOTOCOPY"]
        assert copy.status is Status.PASS and not copy.message.startswith("Not judged"), (seed, copy)


CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
# The edits judged from the image's own pixels, whose limits hold only at the role's minimum size.
PIXEL_FORENSICS = ("EDIT_LOCAL_ANOMALY", "EDIT_COPY_MOVE", "EDIT_PORTRAIT_PASTED", "EDIT_GHOST_PORTRAIT_MISMATCH")
# Real images below the ID minimum size on which a pixel-forensic check had flagged an unedited document.
SMALL_UNEDITED = (
    "arg0s1080_mrz_specimens/id_cards__Serbia.png",
    "passporteye/testdata_100_pass-hrv.jpg",
    "passporteye/testdata_25_pass-uto.jpg",
)


def _findings_of(name: str, doc_type: str) -> dict[str, Finding]:
    """The findings of a one-document bundle holding the real corpus image `name`, by code."""
    doc = DocumentSpec(role=Role.ID_DOCUMENT, file=Path(name).name, type=doc_type)
    spec = BundleSpec(reference="real", profile=Profile(full_name="Bench Applicant"), documents=[doc])
    verdict = run_engine(spec, {doc.file: (CORPUS / name).read_bytes()}, bundle_checks=[])
    return {f.code: f for f in verdict.findings}


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"real corpus not found at {CORPUS.resolve()}: nothing to run")
@pytest.mark.parametrize("name", SMALL_UNEDITED)
def test_pixel_forensics_wait_for_an_image_large_enough(name: str) -> None:
    """An image under the minimum size fails IMAGE_TOO_SMALL; the edits read from its pixels are reported as
    not judged because of it (their limits hold only at the minimum size), never as a second problem."""
    by_code = _findings_of(name, "passport")
    assert by_code["IMAGE_TOO_SMALL"].status is Status.FAIL
    silenced = [by_code[c] for c in sorted(PIXEL_FORENSICS) if c in by_code]
    # Each of these images had one of them flagged before IMAGE_TOO_SMALL silenced them.
    assert any(f.message.startswith("Not judged because of IMAGE_TOO_SMALL") for f in silenced), silenced
    assert all(f.status is Status.PASS for f in silenced), silenced


# Real greyscale copies on which a grain-reading edit check had flagged an unedited document.
GREY_COPIES_FLAGGED = (
    "dlc2021_graycopies_calib/lva_passport__04.cg0007__000161.jpg",
    "dlc2021_graycopies_calib/srb_passport__06.cg0002__000009.jpg",
)
GRAIN_CHECKS = ("EDIT_LOCAL_ANOMALY", "EDIT_PORTRAIT_PASTED")


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"real corpus not found at {CORPUS.resolve()}: nothing to run")
@pytest.mark.parametrize("name", GREY_COPIES_FLAGGED)
def test_the_grain_of_a_photocopy_is_not_judged(name: str) -> None:
    """A greyscale copy photographed fails DOC_PHOTOCOPY; the edits read from the image's grain (which the copy
    replaced with a printer's and a second camera's) are reported as not judged because of it."""
    by_code = _findings_of(name, "passport")
    assert by_code["DOC_PHOTOCOPY"].status is Status.FAIL
    grain = [by_code[c] for c in GRAIN_CHECKS]
    # Each of these images had one of them flagged before the photocopy silenced them.
    assert any(f.message.startswith("Not judged because of DOC_PHOTOCOPY") for f in grain), grain
    assert all(f.status is Status.PASS for f in grain), grain


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"real corpus not found at {CORPUS.resolve()}: nothing to run")
def test_the_ghost_portrait_of_a_photocopy_is_not_judged() -> None:
    """A grey copy of a card whose faint ghost portrait did not survive the print: DOC_PHOTOCOPY fails, and the
    ghost comparison (which had flagged this unedited copy for review) is not judged because of it."""
    name = "dlc2021_graycopies_calib/alb_id__04.cg0005__000117.jpg"
    by_code = _findings_of(name, "id_card")
    assert by_code["DOC_PHOTOCOPY"].status is Status.FAIL
    ghost = by_code["EDIT_GHOST_PORTRAIT_MISMATCH"]
    assert ghost.status is Status.PASS and ghost.message.startswith("Not judged because of DOC_PHOTOCOPY"), ghost


# Real grey copies photographed washed out (IMAGE_OVEREXPOSED), one per half.
GREY_COPIES_WASHED_OUT = (
    "dlc2021_graycopies_calib/esp_id__04.cg0006__000218.jpg",
    "dlc2021_graycopies_calib/fin_id__04.cg0007__000057.jpg",
)


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"real corpus not found at {CORPUS.resolve()}: nothing to run")
@pytest.mark.parametrize("name", GREY_COPIES_WASHED_OUT)
def test_a_washed_out_photocopy_is_still_a_photocopy(name: str) -> None:
    """A grey copy photographed washed out: both are true, and both are said, so that the retake is of the
    original (workers/checks/moot.py, OUTLINE_OR_DARK)."""
    by_code = _findings_of(name, "id_card")
    assert by_code["IMAGE_OVEREXPOSED"].status is Status.FAIL, by_code["IMAGE_OVEREXPOSED"]
    assert by_code["DOC_PHOTOCOPY"].status is Status.FAIL, by_code["DOC_PHOTOCOPY"]


# Real grey copies with an object over the machine readable zone (their MANIFESTs: "occludes the bottom of the
# MRZ", "occludes the bottom-left and part of the MRZ"), each with the finding the covered zone had drawn.
ZONE_COVERED = {
    "dlc2021_graycopies_calib/srb_passport__01.cg0004__000089.jpg": "MRZ_CHECK_DIGIT_INVALID",
    "dlc2021_graycopies_calib/srb_passport__01.cg0002__000190.jpg": "MRZ_UNREADABLE",
}


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"real corpus not found at {CORPUS.resolve()}: nothing to run")
@pytest.mark.parametrize(("name", "code"), sorted(ZONE_COVERED.items()))
def test_a_zone_under_a_finger_is_not_judged(name: str, code: str) -> None:
    """Something over the MRZ fails DOC_OBSTRUCTED; the zone it covers (unread, or read with characters made up
    from the object's edge) is reported as not judged because of it, not as a second problem."""
    by_code = _findings_of(name, "passport")
    assert by_code["DOC_OBSTRUCTED"].status is Status.FAIL
    zone = by_code[code]
    assert zone.status is Status.PASS and zone.message.startswith("Not judged because of DOC_OBSTRUCTED"), zone


def test_a_small_photo_silences_an_unsure_zone_reading_but_not_a_sure_one() -> None:
    # Declared: too few pixels make only the reviews of the zone's digits moot (moot.SMALL_TEXT).
    assert "IMAGE_TOO_SMALL" in roots_of("MRZ_CHECK_DIGIT_INVALID", Status.REVIEW)
    assert "IMAGE_TOO_SMALL" not in roots_of("MRZ_CHECK_DIGIT_INVALID", Status.FAIL)
    assert "DOC_CORNERS_CUT" in roots_of("MRZ_CHECK_DIGIT_INVALID", Status.FAIL)


# Small real images: a specimen printed with wrong check digits, read alike twice (a sure fail), and a 352 px
# card whose zone the reader could not be sure of (a review).
SMALL_WRONG_DIGITS = "passporteye/testdata_33_id-usa.jpg"
SMALL_UNSURE = "arg0s1080_mrz_specimens/id_cards__Liechtenstein.png"


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"real corpus not found at {CORPUS.resolve()}: nothing to run")
def test_wrong_check_digits_read_surely_stand_on_a_small_photo() -> None:
    by_code = _findings_of(SMALL_WRONG_DIGITS, "id_card")
    assert by_code["IMAGE_TOO_SMALL"].status is Status.FAIL
    assert by_code["MRZ_CHECK_DIGIT_INVALID"].status is Status.FAIL, by_code["MRZ_CHECK_DIGIT_INVALID"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"real corpus not found at {CORPUS.resolve()}: nothing to run")
def test_a_zone_read_unsurely_on_a_small_photo_is_not_judged() -> None:
    by_code = _findings_of(SMALL_UNSURE, "id_card")
    assert by_code["IMAGE_TOO_SMALL"].status is Status.FAIL
    zone = by_code["MRZ_CHECK_DIGIT_INVALID"]
    assert zone.status is Status.PASS and zone.message.startswith("Not judged because of IMAGE_TOO_SMALL"), zone
