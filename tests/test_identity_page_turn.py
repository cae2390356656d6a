"""Pages scanned sideways or upside down (no orientation tag) are read the way their text runs (real OCR)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from tests.fixtures.documents import Person, encode_jpeg, render_id_card
from tests.fixtures.identity_docs import render_authorization_letter, render_local_bill
from tests.fixtures.identity_runs import identity_verdict
from tests.test_identity_corporate import run as run_corporate
from tests.test_identity_poa import ADDRESS, statuses
from tests.test_identity_poa import run as run_poa
from workers.checks.identity import ocr
from workers.checks.identity.page_turn import page_turn, to_page
from workers.checks.manifest import BundleSpec, DocumentSpec, Profile, Role
from workers.checks.model import Status


def turned(page: NDArray[np.uint8], quarter_turns: int) -> NDArray[np.uint8]:
    """The page as a scanner fed it: turned `quarter_turns` counter-clockwise."""
    return np.ascontiguousarray(np.rot90(page, quarter_turns))


def _bill() -> NDArray[np.uint8]:
    return render_local_bill(
        "Jørgen Hansen", ADDRESS, date_text="5. Oktober 2026", language="de", due_text="30.10.2026"
    )


def test_to_page_puts_each_corner_where_numpy_turns_its_pixel() -> None:
    image = np.zeros((60, 100), np.uint8)
    image[10, 70] = 255  # a marked pixel; its centre is (70.5, 10.5)
    centre = np.array([[70.5, 10.5]] * 4, np.float32)
    for turn in range(4):
        x, y = to_page(centre, turn, image.shape)[0]
        assert np.rot90(image, turn)[int(y), int(x)] == 255


@pytest.mark.parametrize("quarter_turns", [0, 1, 2, 3])
def test_page_turn_stands_a_bill_upright_from_every_quarter_turn(quarter_turns: int) -> None:
    image = turned(_bill(), quarter_turns)
    boxes = ocr.detect_text_boxes(image)
    assert page_turn(image, boxes) == (4 - quarter_turns) % 4


def test_a_page_without_text_lines_is_taken_as_it_comes() -> None:
    blank = np.full((400, 300, 3), 250, np.uint8)
    assert page_turn(blank, ocr.detect_text_boxes(blank)) == 0


@pytest.mark.parametrize("quarter_turns", [1, 2, 3])
def test_a_bill_scanned_turned_is_read_like_an_upright_one(quarter_turns: int) -> None:
    # Read as it came, a sideways bill had no readable line (name, address and date "could not be read") and
    # an upside-down one read as garbage: POA_NAME_MISMATCH and POA_ADDRESS_MISMATCH failed the applicant's
    # own bill.
    verdict = run_poa(encode_jpeg(turned(_bill(), quarter_turns)))
    found = statuses(verdict)
    assert verdict.documents[0].fields["statement_date"] == "2026-10-05"
    assert found["POA_DATE_NOT_FOUND"] is Status.PASS
    assert found["POA_NAME_MISMATCH"] is Status.PASS
    assert found["POA_ADDRESS_MISMATCH"] is Status.PASS


@pytest.mark.parametrize(
    ("quarter_turns", "signature", "expected"),
    [(1, "none", Status.FAIL), (1, "typed", Status.REVIEW), (2, "handwritten", Status.PASS), (2, "none", Status.FAIL)],
)
def test_the_signature_of_a_turned_letter_is_looked_for_low_on_the_page_as_it_reads(
    quarter_turns: int, signature: str, expected: Status
) -> None:
    # Looked for in the image's own lower half, a sideways letter without a signature passed and an upside-down
    # signed one failed.
    letter = render_authorization_letter("Nordlicht Energy ApS", "Jørgen Hansen", signature=signature)
    found = statuses(run_corporate(Role.AUTHORIZATION_LETTER, encode_jpeg(turned(letter, quarter_turns))))
    assert found["AUTH_SIGNATURE_MISSING"] is expected
    assert found["AUTH_PERSON_NOT_NAMED"] is Status.PASS


def test_an_id_card_scanned_upside_down_has_its_mrz_read() -> None:
    # The card's upside-down print read upright passes for MRZ-like lines that parse into nothing valid; the
    # turned reading was only tried when no line at all looked like an MRZ (MRZ_UNREADABLE review).
    person = Person()
    doc = DocumentSpec(role=Role.ID_DOCUMENT, file="id.jpg", type="id_card", issuing_country="SE")
    profile = Profile(full_name="Anna Maria Eriksson", country="SE")
    spec = BundleSpec(reference="T-1", profile=profile, documents=[doc])
    image = encode_jpeg(turned(render_id_card(person), 2), camera=False)
    verdict = identity_verdict(spec, {"id.jpg": image})
    assert statuses(verdict)["MRZ_UNREADABLE"] is Status.PASS
    assert verdict.documents[0].fields["expiry_date"] == "2031-04-15"
