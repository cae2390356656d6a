"""Corporate papers by verdict on generated documents (real OCR): registration and authorization letter."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from tests.fixtures.documents import encode_jpeg
from tests.fixtures.filechecks import bundle_context
from tests.fixtures.identity_docs import render_authorization_letter, render_registration
from tests.fixtures.identity_runs import identity_verdict
from workers.checks.capture import Capture
from workers.checks.identity.corporate import company_on_page, number_forms, registration_page
from workers.checks.identity.page_match import text_contains
from workers.checks.identity.page_text import DETECTED_TEXT, PAGE_SIDE, PageLine, capture_page, page_rows, text_area
from workers.checks.identity.signature import SignatureArea, paper_shift, pen_ink, stroke_length
from workers.checks.manifest import AccountType, BundleSpec, DocumentSpec, Profile, Role
from workers.checks.model import BundleVerdict, Status

PROFILE = Profile(
    full_name="Jørgen Hansen",
    company_name="Nordlicht Energy ApS",
    registration_number="DK-3912 4471",
    country="DK",
)


def run(role: Role, image: bytes, profile: Profile = PROFILE) -> BundleVerdict:
    doc = DocumentSpec(role=role, file="page.jpg")
    spec = BundleSpec(reference="C-1", profile=profile, documents=[doc], account_type=AccountType.CORPORATE)
    return identity_verdict(spec, {"page.jpg": image})


def statuses(verdict: BundleVerdict) -> dict[str, Status]:
    return {f.code: f.status for f in verdict.findings}


def test_recent_registration_naming_company_and_number_passes() -> None:
    page = encode_jpeg(render_registration("NORDLICHT ENERGY APS", "DK 39124471", issued="12 March 2026"))
    verdict = run(Role.BUSINESS_REGISTRATION, page)
    found = statuses(verdict)
    assert found["REG_COMPANY_NOT_NAMED"] is Status.PASS
    assert found["REG_NUMBER_NOT_FOUND"] is Status.PASS
    assert found["REG_TOO_OLD"] is Status.PASS
    assert verdict.documents[0].fields["issue_date"] == "2026-03-12"


def test_old_registration_of_another_company_fails() -> None:
    page = encode_jpeg(render_registration("Sydlys Solar A/S", "DK 11110000", issued="3 June 2025", seed=1))
    found = statuses(run(Role.BUSINESS_REGISTRATION, page))
    assert found["REG_COMPANY_NOT_NAMED"] is Status.FAIL
    assert found["REG_NUMBER_NOT_FOUND"] is Status.FAIL
    assert found["REG_TOO_OLD"] is Status.FAIL


def _read_registration(page: bytes) -> tuple[list[str], list[str], bool]:
    """The registration's lines as its checks read them, the whole page's, and whether the whole page was
    detected."""
    doc = DocumentSpec(role=Role.BUSINESS_REGISTRATION, file="page.jpg")
    spec = BundleSpec(reference="C-1", profile=PROFILE, documents=[doc], account_type=AccountType.CORPORATE)
    document = bundle_context(spec, {"page.jpg": page}).documents[0]
    read = [line.text for line in registration_page(document)]
    whole = [line.text for line in capture_page(Capture(data=page, filename="page.jpg"))]
    area = text_area(document.capture)
    return read, whole, document.capture.computed(DETECTED_TEXT.at(area, PAGE_SIDE)) is not None


def test_a_registration_is_read_only_until_every_answer_is_found() -> None:
    # The header block names the company and its number above 'Issued on:' and a recent date (label and value
    # in two columns): the reading stops there, without detecting the rest of the page.
    recent = encode_jpeg(render_registration("NORDLICHT ENERGY APS", "DK 39124471", issued="12 March 2026"))
    read, whole, detected_whole = _read_registration(recent)
    assert 3 <= len(read) < len(whole) and not detected_whole, (read, whole)
    assert any("2026" in text for text in read), read
    # An issue date older than the policy allows may be followed by a later certification: the whole page is read.
    old = encode_jpeg(render_registration("NORDLICHT ENERGY APS", "DK 39124471", issued="3 June 2025"))
    read, whole, detected_whole = _read_registration(old)
    assert len(read) == len(whole) and detected_whole, (read, whole)


def _line(text: str, left: float, top: float, height: float = 20.0) -> PageLine:
    right, bottom = left + 10.0 * len(text), top + height
    return PageLine(text, [[left, top], [right, top], [right, bottom], [left, bottom]])


def test_page_rows_join_a_form_s_label_and_value_printed_side_by_side() -> None:
    lines = [_line("12 March 2026", 400, 102), _line("Issued on:", 50, 100), _line("Signed", 50, 140)]
    assert page_rows(lines) == ["Issued on: 12 March 2026", "Signed"]


@pytest.mark.parametrize(
    ("signature", "expected"),
    [
        ("handwritten", Status.PASS),
        ("typed", Status.REVIEW),
        ("pasted", Status.REVIEW),
        ("none", Status.FAIL),
    ],
)
def test_letter_signature(signature: str, expected: Status) -> None:
    page = encode_jpeg(render_authorization_letter("Nordlicht Energy ApS", "Jørgen Hansen", signature=signature))
    found = statuses(run(Role.AUTHORIZATION_LETTER, page))
    assert found["AUTH_SIGNATURE_MISSING"] is expected
    assert found["AUTH_COMPANY_NOT_NAMED"] is Status.PASS
    assert found["AUTH_PERSON_NOT_NAMED"] is Status.PASS


def test_letter_for_someone_else_fails_person_check() -> None:
    page = encode_jpeg(render_authorization_letter("Nordlicht Energy ApS", "Bob Hansen", seed=4))
    found = statuses(run(Role.AUTHORIZATION_LETTER, page))
    assert found["AUTH_PERSON_NOT_NAMED"] is Status.FAIL


def _area_with(strokes: int, patch: int = 0) -> tuple[NDArray[np.uint8], SignatureArea]:
    gray = np.full((200, 600), 245, np.uint8)
    gray[40:160, 40:560] -= np.uint8(patch)
    for i in range(strokes):
        cv2.ellipse(gray, (80 + 60 * i, 100), (25, 40), 0, 0, 360, 40, 3)
    return gray, SignatureArea(0, 200, 30.0, True)


def test_stroke_length_grows_with_the_ink_drawn() -> None:
    lengths = []
    for strokes in (0, 1, 3, 6):
        gray, area = _area_with(strokes)
        lengths.append(stroke_length(pen_ink(gray, area, []), area.line_height))
    assert lengths[0] == 0 and lengths == sorted(lengths) and lengths[-1] > lengths[1] * 3


def test_paper_shift_grows_with_the_pasted_patch_contrast() -> None:
    shifts = []
    for patch in (0, 10, 30):
        gray, area = _area_with(3, patch)
        shifts.append(paper_shift(gray, pen_ink(gray, area, []), area))
    assert shifts[0] < 2 and shifts == sorted(shifts) and shifts[-1] >= 25


@pytest.mark.parametrize(
    ("registered", "printed", "expected"),
    [
        ("Müller & Söhne GmbH", "MUELLER UND SOEHNE GMBH", True),  # '&' written out, umlauts transliterated
        ("Müller & Söhne GmbH", "Müller und Söhne GmbH", True),
        ("Smith and Co Ltd", "SMITH & CO. LIMITED", True),
        ("Acme Holdings B.V.", "Acme Holdings BV", True),  # dotted legal form
        ("Nordlicht Energy ApS", "NORDLICHT ENERGY A.P.S.", True),
        ("Müller & Söhne GmbH", "Müller Bau GmbH", False),
        ("Nordlicht Energy ApS", "Nordlys Energy ApS", False),
        ("Acme Widgets Ltd", "Acme Ltd", False),
    ],
)
def test_company_name_on_the_page(registered: str, printed: str, expected: bool) -> None:
    assert company_on_page(registered, ["Commercial register extract", printed]) is expected


@pytest.mark.parametrize(
    ("registered", "printed", "expected"),
    [
        ("DK-3912 4471", "CVR-nr. 3912 4471", True),  # the VAT form typed, the register's printed
        ("DK39124471", "CVR 39124471", True),
        ("3912 4471", "CVR 39124471", True),
        ("DK-3912 4471", "CVR-nr. 3912 4472", False),
        ("DE-3912 4471", "CVR-nr. 3912 4471", False),  # another country's code is part of the number
    ],
)
def test_registration_number_on_the_page(registered: str, printed: str, expected: bool) -> None:
    lines = ["Commercial register extract", printed]
    assert any(text_contains(form, lines) for form in number_forms(registered, "DK")) is expected
