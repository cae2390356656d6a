"""Capture-quality checks by verdict: each on a generated image carrying its defect and on a clean capture."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from tests.fixtures.degrade import Scene, clean_document, document_context, scene
from tests.fixtures.documents import Person, encode_jpeg, encode_png, render_bill
from tests.fixtures.identity_docs import render_registration
from workers.checks.context import DocumentContext
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Status
from workers.checks.quality import CHECKS, document_outline
from workers.checks.spec import DocumentCheck

BY_CODE: dict[str, DocumentCheck] = {check.code: check for check in CHECKS}

# check code -> (generator defect, seed). Seeds are fixed; the calibration bench sweeps many more.
DEFECTIVE = {
    "DOC_NOT_FOUND": ("nodoc", 1),
    "DOC_CORNERS_CUT": ("cut", 1),
    "DOC_TOO_SMALL": ("small", 1),
    "DOC_PERSPECTIVE": ("perspective", 1),
    "IMAGE_BLURRY": ("blur", 1),
    "IMAGE_GLARE": ("glare", 1),
    "IMAGE_UNEVEN_LIGHT": ("shadow", 1),
    "IMAGE_TOO_DARK": ("dark", 1),
    "IMAGE_OVEREXPOSED": ("overexposed", 4),  # on a table: seeds 0-3 wash the table out too (see below)
    "DOC_OBSTRUCTED": ("occluded", 1),
    "BACKGROUND_BUSY": ("cluttered", 1),
    "DOC_PHOTOCOPY": ("photocopy", 1),
    "DOC_SCREEN_PHOTO": ("screen", 1),
    "TEXT_RESOLUTION_LOW": ("lowres", 1),
}


@cache
def generated(defect: str, seed: int) -> Scene:
    return scene(defect, seed=seed)


@cache
def generated_context(defect: str, seed: int, role: Role | None = None) -> DocumentContext:
    s = generated(defect, seed)
    chosen = role or (Role.PROOF_OF_ADDRESS if s.kind == "bill" else Role.ID_DOCUMENT)
    return document_context(s.jpeg(), chosen)


def outcome(code: str, ctx: DocumentContext) -> Outcome | None:
    result = BY_CODE[code].evaluate(ctx)
    assert result is None or isinstance(result, Outcome)
    return result


@pytest.mark.parametrize("code", sorted(DEFECTIVE))
def test_check_fails_on_its_defect(code: str) -> None:
    defect, seed = DEFECTIVE[code]
    found = outcome(code, generated_context(defect, seed))
    assert found is not None
    expected = Status.REVIEW if code == "BACKGROUND_BUSY" else Status.FAIL
    assert found.status is expected, found.message


@pytest.mark.parametrize("code", sorted(DEFECTIVE))
@pytest.mark.parametrize("seed", [0, 4])  # an ID card (plain table) and a passport page
def test_check_passes_a_clean_capture(code: str, seed: int) -> None:
    assert "cluttered" not in generated("none", seed).labels  # the busy-background check needs a plain one
    found = outcome(code, generated_context("none", seed))
    assert found is not None
    assert found.status is Status.PASS, found.message


def test_clean_bill_passes_every_check() -> None:
    ctx = generated_context("none", 2)
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


@pytest.mark.parametrize("seed", [1, 6, 9, 13, 14])  # 13: all four corners off the frame
def test_close_up_cut_by_the_frame_is_cut_not_a_flat_scan(seed: int) -> None:
    """A card, passport or bill photographed so close that it covers 70 %+ of the frame with corners off it
    was read as a flat scan filling the frame (nothing reported cut): the table around it says otherwise."""
    s = scene("cut", seed=seed, cut_area=(0.6, 0.9))
    ctx = document_context(s.jpeg(), Role.PROOF_OF_ADDRESS if s.kind == "bill" else Role.ID_DOCUMENT)
    outline = document_outline(ctx.capture)
    assert outline is not None and not outline.fills_frame and outline.area_fraction >= 0.7
    found = outcome("DOC_CORNERS_CUT", ctx)
    assert found is not None and found.status is Status.FAIL, found and found.message


def test_glare_says_whether_it_covers_text() -> None:
    # Seed 7: a reflection across the passport's fields (seed 1's lies beside the MRZ, a marginal case).
    found = outcome("IMAGE_GLARE", generated_context("glare", 7))
    assert found is not None and found.status is Status.FAIL
    assert "over text" in found.message
    over_portrait = outcome("IMAGE_GLARE", generated_context("glare", 2))
    assert over_portrait is not None and "the portrait" in over_portrait.message


def test_selfie_document_gets_relaxed_limits() -> None:
    small = generated_context("small", 1, Role.SELFIE)
    too_small = outcome("SELFIE_DOC_TOO_SMALL", small)
    assert too_small is not None and too_small.status is Status.PASS  # 4-10 % of the frame is fine in a selfie
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
    assert document_outline(ctx.capture) is ctx.capture.cached("document_outline", lambda: None)


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
    from workers.checks.quality import document_outline

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
