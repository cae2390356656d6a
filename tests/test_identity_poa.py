"""Proof of address by verdict on generated bills (real OCR): date in several languages, name, address."""

from __future__ import annotations

from difflib import SequenceMatcher

import pytest

from tests.fixtures.documents import encode_jpeg
from tests.fixtures.filechecks import bundle_context
from tests.fixtures.identity_docs import render_local_bill
from tests.fixtures.identity_runs import identity_verdict
from workers.checks.capture import Capture
from workers.checks.identity.page_text import (
    DETECTED_ROWS,
    DETECTED_TEXT,
    PAGE_SIDE,
    TOP_DETECTED,
    capture_page,
    text_area,
)
from workers.checks.identity.poa import page_lines
from workers.checks.manifest import BundleSpec, Declared, DocumentSpec, Profile, Role
from workers.checks.model import BundleVerdict, Status

PROFILE = Profile(full_name="Jørgen Hansen", address="Søndergade 14, 8000 Aarhus C", country="DK")
ADDRESS = ("Søndergade 14", "8000 Aarhus C")


def run(image: bytes, declared: Declared | None = None, profile: Profile = PROFILE) -> BundleVerdict:
    doc = DocumentSpec(
        role=Role.PROOF_OF_ADDRESS, file="bill.jpg", type="utility_bill", declared=declared or Declared()
    )
    spec = BundleSpec(reference="P-1", profile=profile, documents=[doc])
    return identity_verdict(spec, {"bill.jpg": image})


def statuses(verdict: BundleVerdict) -> dict[str, Status]:
    return {f.code: f.status for f in verdict.findings}


@pytest.mark.parametrize(
    ("language", "printed", "due", "read"),
    [
        ("de", "5. Oktober 2026", "30.10.2026", "2026-10-05"),
        # Day and month can be swapped: kept as printed, both readings judged (not guessed from the country).
        ("es", "05/10/2026", "2026-10-30", "05/10/2026"),
        ("en", "October 5, 2026", None, "2026-10-05"),
    ],
)
def test_bill_date_is_read_in_its_language_and_name_and_address_match(
    language: str, printed: str, due: str | None, read: str
) -> None:
    bill = encode_jpeg(render_local_bill("Jørgen Hansen", ADDRESS, date_text=printed, language=language, due_text=due))
    verdict = run(bill)
    fields = verdict.documents[0].fields
    assert fields["statement_date"] == read and fields["statement_date_source"] == "ocr"
    found = statuses(verdict)
    assert found["POA_DATE_NOT_FOUND"] is Status.PASS
    assert found["POA_NAME_MISMATCH"] is Status.PASS
    assert found["POA_ADDRESS_MISMATCH"] is Status.PASS


def test_someone_elses_undated_bill_at_another_address() -> None:
    bill = encode_jpeg(render_local_bill("Bob Hansen", ("Vestergade 3", "5000 Odense C"), date_text=None, seed=2))
    verdict = run(bill, Declared(statement_date="2026-10-02"))
    found = statuses(verdict)
    assert found["POA_NAME_MISMATCH"] is Status.FAIL
    assert found["POA_ADDRESS_MISMATCH"] is Status.FAIL
    assert found["POA_DATE_NOT_FOUND"] is Status.PASS  # declared
    assert found["POA_DATE_MISMATCH"] is Status.REVIEW  # declared but nothing on the page to confirm it
    undeclared = statuses(run(bill))
    assert undeclared["POA_DATE_NOT_FOUND"] is Status.REVIEW


def test_declared_date_not_printed_on_the_bill_fails() -> None:
    bill = encode_jpeg(render_local_bill("Jørgen Hansen", ADDRESS, date_text="5 octobre 2026", language="fr", seed=3))
    assert statuses(run(bill, Declared(statement_date="2026-10-02")))["POA_DATE_MISMATCH"] is Status.FAIL


@pytest.mark.parametrize(("addressee", "expected"), [("Mr J Hansen", Status.REVIEW), ("B. Hansen", Status.FAIL)])
def test_bill_addressed_to_the_surname_with_an_initial(addressee: str, expected: Status) -> None:
    # Utilities often address mail 'Mr J Hansen': a fail told the applicant the bill was not theirs.
    bill = encode_jpeg(render_local_bill(addressee, ADDRESS, date_text="5 October 2026", seed=3))
    found = run(bill)
    assert statuses(found)["POA_NAME_MISMATCH"] is expected
    assert statuses(found)["POA_ADDRESS_MISMATCH"] is Status.PASS


def test_german_street_abbreviation_matches_the_registered_street() -> None:
    profile = Profile(full_name="Jørgen Hansen", address="Hauptstraße 5, 10115 Berlin", country="DE")
    bill = encode_jpeg(render_local_bill("Jørgen Hansen", ("Hauptstr. 5", "10115 Berlin"), date_text="5.10.2026"))
    assert statuses(run(bill, profile=profile))["POA_ADDRESS_MISMATCH"] is Status.PASS


def test_a_bill_is_read_only_until_every_answer_is_found() -> None:
    # Name, address and a labelled issue date stand in the bill's first lines: the reader stops there (fewer
    # lines recognised than the top part holds), and the checks judge as a full reading does.
    bill = encode_jpeg(render_local_bill("Jørgen Hansen", ADDRESS, date_text="5. Oktober 2026", language="de"))
    doc = DocumentSpec(role=Role.PROOF_OF_ADDRESS, file="bill.jpg", type="utility_bill")
    context = bundle_context(BundleSpec(reference="P-1", profile=PROFILE, documents=[doc]), {"bill.jpg": bill})
    document = context.documents[0]
    read = page_lines(document)
    whole = capture_page(Capture(data=bill, filename="bill.jpg"))
    assert 3 <= len(read) < len(whole), (read, [line.text for line in whole])
    # Only the top part was detected (about half of a page's cost), and it gave the lines a whole page's
    # detection gives there (a box a pixel wider may add or drop a letter at a line's end, and two lines side by side
    # may come in the other order).
    area = text_area(document.capture)
    assert document.capture.computed(DETECTED_TEXT.at(area, PAGE_SIDE)) is None
    assert document.capture.computed(DETECTED_ROWS.at(area, PAGE_SIDE, 0.0, TOP_DETECTED)) is not None
    page = [line.text for line in whole]
    for part in read:
        assert max(SequenceMatcher(None, part, text).ratio() for text in page) >= 0.9, (read, page)
    found = statuses(run(bill))
    assert found["POA_NAME_MISMATCH"] is Status.PASS and found["POA_ADDRESS_MISMATCH"] is Status.PASS
    assert found["POA_DATE_NOT_FOUND"] is Status.PASS


def test_a_declared_date_is_looked_for_before_the_reading_stops() -> None:
    # The applicant declared the due date, printed below the issue date: it is read, so it is confirmed.
    bill = encode_jpeg(
        render_local_bill("Jørgen Hansen", ADDRESS, date_text="5. Oktober 2026", language="de", due_text="30.10.2026")
    )
    found = statuses(run(bill, Declared(statement_date="2026-10-30")))
    assert found["POA_DATE_MISMATCH"] is Status.PASS
