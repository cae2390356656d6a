"""Capture-quality checks by verdict: each on a generated image carrying its defect and on a clean capture."""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
import pytest

from tests.fixtures.degrade import CHECK_OF_DEFECT, Scene, clean_document, document_context, scene
from tests.fixtures.documents import Person, encode_jpeg, encode_png, render_bill, render_passport_page
from tests.fixtures.identity_docs import render_registration
from workers.checks.context import DocumentContext
from workers.checks.locate import document_outline
from workers.checks.locate.outline import DOCUMENT_OUTLINE
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Status
from workers.checks.quality import CHECKS
from workers.checks.spec import DocumentCheck

BY_CODE: dict[str, DocumentCheck] = {check.code: check for check in CHECKS}

# check code -> the generator defect that must trigger it.
DEFECTIVE = {code: defect for defect, code in CHECK_OF_DEFECT.items()}

# Verdicts are tested over a range of seeds with a stated rate, never on one hand-picked seed: a single seed may
# sit on a limit, and its verdict then flips with the CPU's OpenCV code path. The calibration bench
# (docs/calibration/quality.md) measures 29-30 of 30 detected and at most 1 of 60 clean scenes flagged per
# check; 9 of 10 states that with room for one unlucky seed.
SEEDS = range(10)
MIN_OF_TEN = 9


def generated(defect: str, seed: int) -> Scene:
    return scene(defect, seed=seed)


def generated_context(defect: str, seed: int, role: Role | None = None) -> DocumentContext:
    s = generated(defect, seed)
    chosen = role or (Role.PROOF_OF_ADDRESS if s.kind == "bill" else Role.ID_DOCUMENT)
    return document_context(s.jpeg(), chosen)


@cache
def clean_context(seed: int) -> DocumentContext:
    """Clean scenes are judged by every check: decoded once for the whole module."""
    return generated_context("none", seed)


def outcome(code: str, ctx: DocumentContext) -> Outcome | None:
    result = BY_CODE[code].evaluate(ctx)
    assert result is None or isinstance(result, Outcome)
    return result


@pytest.mark.parametrize("code", sorted(DEFECTIVE))
def test_check_fails_on_its_defect(code: str) -> None:
    expected = Status.REVIEW if code == "BACKGROUND_BUSY" else Status.FAIL
    missed = []
    for seed in SEEDS:
        found = outcome(code, generated_context(DEFECTIVE[code], seed))
        if found is None or found.status is not expected:
            missed.append((seed, found and found.message))
    assert len(SEEDS) - len(missed) >= MIN_OF_TEN, missed


@pytest.mark.parametrize("code", sorted(DEFECTIVE))
def test_check_passes_clean_captures(code: str) -> None:
    # Judged where the check applies: its roles (DOC_PHOTOCOPY is for ID documents, not the bills among the
    # clean scenes). A quarter of the clean scenes lie on an ordinary cluttered table, which is no defect.
    check = BY_CODE[code]
    judged = [s for s in SEEDS if clean_context(s).role in check.roles]
    flagged = []
    for seed in judged:
        found = outcome(code, clean_context(seed))
        assert found is not None, (seed, "a clean capture must be judged")
        if found.status is not Status.PASS:
            flagged.append((seed, found.message))
    assert len(judged) >= 5 and len(flagged) <= 1, flagged


def test_clean_bill_passes_every_check() -> None:
    ctx = clean_context(2)
    assert generated("none", 2).kind == "bill"
    for check in CHECKS:
        if ctx.role in check.roles:
            found = outcome(check.code, ctx)
            assert found is not None and found.status is Status.PASS, (check.code, found)


def test_messages_state_measure_and_limit_and_region_is_the_outline() -> None:
    ctx = generated_context("blur", 1)
    found = outcome("IMAGE_BLURRY", ctx)
    assert found is not None and found.region is not None
    assert "sharpness" in found.message and "needs at least" in found.message
    outline = document_outline(ctx.capture)
    assert outline is not None
    assert np.allclose(np.array(found.region.polygon), outline.corners, atol=0.1)
    true_corners = generated("blur", 1).corners
    assert np.abs(outline.corners - true_corners).max() < 0.03 * max(ctx.capture.width, ctx.capture.height)


def test_cut_corners_are_named() -> None:
    found = outcome("DOC_CORNERS_CUT", generated_context("cut", 1))
    assert found is not None
    assert any(name in found.message for name in ("top-left", "top-right", "bottom-right", "bottom-left"))


def test_close_up_cut_by_the_frame_is_cut_not_a_flat_scan() -> None:
    """A card, passport or bill photographed so close that it covers 70 %+ of the frame with corners off it
    was read as a flat scan filling the frame (nothing reported cut): the table around it says otherwise.
    Calibration: 29 of 30 close-ups cut (docs/calibration/quality.md)."""
    missed = []
    for seed in range(16):
        s = scene("cut", seed=seed, cut_area=(0.6, 0.9))
        ctx = document_context(s.jpeg(), Role.PROOF_OF_ADDRESS if s.kind == "bill" else Role.ID_DOCUMENT)
        outline = document_outline(ctx.capture)
        found = outcome("DOC_CORNERS_CUT", ctx)
        if outline is None or outline.fills_frame or found is None or found.status is not Status.FAIL:
            missed.append((seed, outline and outline.fills_frame, found and found.message))
    assert len(missed) <= 2, missed  # at least 14 of 16


def test_glare_says_whether_it_covers_text() -> None:
    # Over ten seeds the reflections fall across fields, the portrait, or beside both: the message names
    # what each one covers, and across the range both kinds occur.
    named = {"text": 0, "the portrait": 0}
    for seed in SEEDS:
        found = outcome("IMAGE_GLARE", generated_context("glare", seed))
        assert found is not None
        if found.status is Status.FAIL:
            named["text"] += "over text" in found.message
            named["the portrait"] += "the portrait" in found.message
    assert named["text"] >= 3 and named["the portrait"] >= 1, named


def test_selfie_document_gets_relaxed_limits() -> None:
    small = generated_context("small", 1, Role.SELFIE)
    too_small = outcome("SELFIE_DOC_TOO_SMALL", small)
    assert too_small is not None and too_small.status is Status.PASS  # 3.5-4.5 % of the frame is fine in a selfie
    as_id = outcome("DOC_TOO_SMALL", generated_context("small", 1))
    assert as_id is not None and as_id.status is Status.FAIL
    assert BY_CODE["SELFIE_IMAGE_BLURRY"].roles == frozenset({Role.SELFIE})


def test_selfie_without_document_is_left_to_the_selfie_checks() -> None:
    ctx = generated_context("nodoc", 1, Role.SELFIE)
    for check in CHECKS:
        if Role.SELFIE in check.roles:
            assert check.evaluate(ctx) is None, check.code


def test_outline_is_shared_through_the_capture() -> None:
    ctx = generated_context("none", 0)
    assert document_outline(ctx.capture) is ctx.capture.cached(DOCUMENT_OUTLINE, lambda: None)


def test_a_selfie_is_never_read_as_a_flat_scan() -> None:
    flat = encode_jpeg(clean_document("passport", 0))
    as_id = document_context(flat, Role.ID_DOCUMENT)
    outline = document_outline(as_id.capture)
    assert outline is not None and outline.fills_frame
    as_selfie = document_context(flat, Role.SELFIE)
    held = document_outline(as_selfie.capture, held=True)
    assert held is None or not held.fills_frame


@pytest.mark.parametrize("width", [1000, 1280, 1600])
def test_a_flat_id_card_render_fills_the_frame_not_its_field_block(width: int) -> None:
    from tests.fixtures.documents import encode_jpeg, render_id_card
    from workers.checks.capture import Capture
    from workers.checks.locate import document_outline

    outline = document_outline(Capture(encode_jpeg(render_id_card(seed=width, width=width)), "id.jpg"))
    assert outline is not None and outline.fills_frame


@pytest.mark.parametrize("paper", [251, 255])
def test_white_page_of_a_digital_export_shows_no_glare(paper: int) -> None:
    """A register extract exported as PNG: its paper is at the glare level all over. Taken for one page-sized
    reflection, it failed IMAGE_GLARE at 100 %."""
    page = render_registration("Nordlicht Energy ApS", "DK-3912 4471", issued="1 October 2026").copy()
    page[page.min(axis=2) > 225] = paper
    ctx = document_context(encode_png(page), Role.BUSINESS_REGISTRATION)
    found = outcome("IMAGE_GLARE", ctx)
    assert found is not None and found.status is Status.PASS, found and found.message
    assert found.measured == 0


def test_white_page_of_a_digital_document_passes_and_the_same_page_from_a_camera_fails() -> None:
    """An e-statement saved as an image: its paper is pure white, which the pixels cannot tell from a photo
    blown out to white; the file can (no camera make or model). From a camera, the same pixels are a photo
    washed out to white."""
    page = render_bill(Person()).copy()
    page[page.min(axis=2) > 225] = 255  # a PDF export's paper
    for data, expected in (
        (encode_png(page), Status.PASS),
        (encode_jpeg(page, camera=False), Status.PASS),
        (encode_jpeg(page, camera=True), Status.FAIL),
    ):
        ctx = document_context(data, Role.PROOF_OF_ADDRESS)
        outline = document_outline(ctx.capture)
        assert outline is not None and outline.fills_frame
        found = outcome("IMAGE_OVEREXPOSED", ctx)
        assert found is not None and isinstance(found.measured, float) and found.measured > 20
        assert found.status is expected, found.message
        assert ("not overexposure" in found.message) is (expected is Status.PASS)
    # A photo whose table is washed out with the document is read as filling the frame too (generated seed
    # 2): its file names the camera, and it fails.
    photo = generated_context("overexposed", 2)
    photo_outline = document_outline(photo.capture)
    assert photo_outline is not None and photo_outline.fills_frame
    assert outcome("IMAGE_OVEREXPOSED", photo).status is Status.FAIL  # type: ignore[union-attr]


def test_a_scan_on_a_white_bed_is_not_overexposed_and_the_same_page_photographed_on_a_desk_is() -> None:
    """A passport page scanned on a white bed: the scanner's lamp leaves much of its paper pure white (the
    corpus's passporteye scans: 67-69 %), and the bed around it is white too. The file names no camera, so
    the white is the scan's nature. The same pixels from a camera, or lying on a grey desk, are a photo washed
    out to white."""
    page = np.clip(render_passport_page(seed=3, width=1200).astype(np.float32) * 1.25, 0, 255).astype(np.uint8)
    h, w = page.shape[:2]
    for bed, camera, expected in ((255, False, Status.PASS), (255, True, Status.FAIL), (120, False, Status.FAIL)):
        canvas = np.full((h + 240, w + 300, 3), bed, np.uint8)
        canvas[100 : 100 + h, 140 : 140 + w] = page
        cv2.rectangle(canvas, (139, 99), (140 + w, 100 + h), (150, 150, 150), 3)  # the page edge's shadow
        ctx = document_context(encode_jpeg(canvas, camera=camera), Role.ID_DOCUMENT)
        outline = document_outline(ctx.capture)
        assert outline is not None and not outline.fills_frame
        found = outcome("IMAGE_OVEREXPOSED", ctx)
        assert found is not None and isinstance(found.measured, float) and found.measured > 20
        assert found.status is expected, (bed, camera, found.message)
        assert ("not overexposure" in found.message) is (expected is Status.PASS)


def test_the_verdict_carries_the_outline_where_the_document_is() -> None:
    """documents[].outline: the corners a client can crop or draw (the capture-quality checks' own outline)."""
    from tests.fixtures.engine_runs import run_engine
    from workers.checks.manifest import BundleSpec, DocumentSpec, Profile
    from workers.checks.quality import CHECKS as QUALITY_CHECKS

    placed = 0
    for seed in range(4):
        s = generated("none", seed)
        role = Role.PROOF_OF_ADDRESS if s.kind == "bill" else Role.ID_DOCUMENT
        spec = BundleSpec(
            reference="O-1", profile=Profile(full_name="Anna Eriksson"), documents=[DocumentSpec(role, "d.jpg")]
        )
        verdict = run_engine(spec, {"d.jpg": s.jpeg()}, document_checks=QUALITY_CHECKS, bundle_checks=[], readers=[])
        outline = verdict.documents[0].outline
        assert outline is not None and len(outline) == 4
        error = np.abs(np.array(outline) - s.corners).max()
        placed += error < 0.03 * max(verdict.documents[0].width or 0, verdict.documents[0].height or 0)
    assert placed >= 3, placed


def test_a_coloured_marker_over_a_grey_copy_is_a_cover_not_colour() -> None:
    """A greyscale copy on a table, a magenta marker lying across its lower edge (the DLC-2021 copies' pens and
    toys): the marker's colour runs on past the copy's edge, so it is in front of the copy. It is left out of
    the print's colour (the copy is still a copy) and counts as covering the copy. Over 5 seeds (positions)."""
    from tests.fixtures.camera import place
    from tests.fixtures.degrade import photocopy, plain_background

    copy_found, covered_found = 0, 0
    for seed in range(5):
        rng = np.random.default_rng(seed)
        document = photocopy(clean_document("id_card", seed % 3), rng)
        corners = np.array([[380, 330], [1220, 330], [1220, 860], [380, 860]], np.float64)
        photo = place(document, plain_background(rng, 1600, 1200), corners)
        centre = (int(rng.uniform(500, 1100)), 860)
        cv2.ellipse(photo, centre, (110, 190), int(rng.uniform(-30, 30)), 0, 360, (225, 45, 160), -1)
        softened = np.asarray(cv2.GaussianBlur(photo, (0, 0), 1.2), dtype=np.uint8)
        ctx = document_context(encode_jpeg(softened), Role.ID_DOCUMENT)
        copy, covered = outcome("DOC_PHOTOCOPY", ctx), outcome("DOC_OBSTRUCTED", ctx)
        assert copy is not None and covered is not None
        copy_found += copy.status is Status.FAIL
        covered_found += covered.status is Status.FAIL
    assert copy_found >= 4 and covered_found >= 4, (copy_found, covered_found)


def test_peach_print_at_a_colour_cards_edge_is_not_a_finger_but_a_hand_crossing_it_is() -> None:
    """A colour card whose print runs peach along one edge (the SIDTD Albanian card's pink-orange guilloche, a
    genuine Slovak card under warm light) on a dark table: skin-coloured, entering from the edge, but it stops
    at the edge, so nothing covers the card. The same card with a finger coming in from outside is covered.
    Over 5 seeds (which edge, which skin tone)."""
    from tests.fixtures.camera import draw_finger, place

    print_passed, finger_failed = 0, 0
    for seed in range(5):
        rng = np.random.default_rng(seed)
        card = clean_document("id_card", seed % 3).copy()
        h, w = card.shape[:2]
        band = round(0.1 * min(h, w))
        peach = (232, 176, 140)
        (card[:band], card[h - band :], card[:, :band])[seed % 3][:] = peach  # the top, bottom or left edge
        table = np.clip(np.full((1200, 1600, 3), (30, 40, 60), np.float32) + rng.normal(0, 3, (1200, 1600, 3)), 0, 255)
        corners = np.array([[380, 330], [1220, 330], [1220, 860], [380, 860]], np.float64)
        photo = place(card, table.astype(np.uint8), corners)
        with_print = outcome("DOC_OBSTRUCTED", document_context(encode_jpeg(photo), Role.ID_DOCUMENT))
        draw_finger(photo, corners, rng)
        with_finger = outcome("DOC_OBSTRUCTED", document_context(encode_jpeg(photo), Role.ID_DOCUMENT))
        assert with_print is not None and with_finger is not None
        print_passed += with_print.status is Status.PASS
        finger_failed += with_finger.status is Status.FAIL
    assert print_passed >= 4 and finger_failed >= 4, (print_passed, finger_failed)


@pytest.mark.parametrize("seed", range(3))
def test_a_grey_copy_as_light_as_the_table_is_found_by_its_lack_of_colour(seed: int) -> None:
    """A greyscale copy on a light wheat-coloured table of the same lightness (as the DLC-2021 copies on yellowed
    newspaper and pale wood): no grey-level edge at its border, only a change of colour. The straight-edge
    search finds it in the colourfulness view, not in the grey levels."""
    from tests.fixtures.documents import render_id_card
    from workers.checks.locate.contrast import colourfulness
    from workers.checks.locate.geometry import quad_iou
    from workers.checks.locate.outline import EDGE_MIN_AREA
    from workers.checks.locate.outline_choose import find_document

    rng = np.random.default_rng(seed)
    card = cv2.cvtColor(render_id_card(seed=seed, width=300), cv2.COLOR_RGB2GRAY)
    paper = float(
        np.median(np.concatenate([card[:4].ravel(), card[-4:].ravel(), card[:, :4].ravel(), card[:, -4:].ravel()]))
    )
    card = np.clip(card.astype(np.float32) * 233 / paper, 0, 255).astype(np.uint8)  # its paper as light as the table
    h, w = card.shape
    turn = rng.uniform(-0.15, 0.15)
    centre = np.array([280 + rng.uniform(-30, 30), 210 + rng.uniform(-20, 20)])
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    quad = np.array([[-w, -h], [w, -h], [w, h], [-w, h]], np.float64) / 2 @ rotation.T + centre
    view = np.empty((420, 560, 3), np.uint8)
    view[:] = (250, 232, 190)  # luminance 233: the copy's paper is no lighter or darker than the table
    cv2.warpPerspective(
        np.repeat(card[:, :, None], 3, axis=2),
        cv2.getPerspectiveTransform(np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32), quad.astype(np.float32)),
        (560, 420),
        dst=view,
        borderMode=cv2.BORDER_TRANSPARENT,
    )
    view = np.clip(view.astype(np.int16) + rng.normal(0, 2, view.shape), 0, 255).astype(np.uint8)
    gray = np.asarray(cv2.cvtColor(view, cv2.COLOR_RGB2GRAY), np.uint8)
    lab = np.asarray(cv2.cvtColor(view, cv2.COLOR_RGB2LAB), np.uint8)
    in_grey = find_document(gray, EDGE_MIN_AREA)  # nothing, or a box printed inside the card
    assert in_grey is None or quad_iou(in_grey.quad, quad) < 0.9
    found = find_document(gray, EDGE_MIN_AREA, edges_of=colourfulness(lab))
    assert found is not None and quad_iou(found.quad, quad) >= 0.9
