"""Identity checks by verdict on generated documents with known defects (real OCR, a few reads in all)."""

from __future__ import annotations

from datetime import date
from functools import cache

import msgspec
import numpy as np
import pytest

from tests.fixtures.documents import Person, encode_jpeg, encode_png, render_passport_page, td3_lines
from tests.fixtures.engine_runs import run_engine
from tests.fixtures.identity_docs import render_mrz_page
from workers.checks import identity
from workers.checks.manifest import BundleSpec, Declared, DocumentSpec, Profile, Role, Side
from workers.checks.model import BundleVerdict, Finding, Status

SUBMIT_ON = date(2026, 12, 1)
PERSON = Person()  # ERIKSSON ANNA MARIA, born 1974-08-12, L898902C3, expires 2031-04-15


@cache
def passport_jpeg() -> bytes:
    return encode_jpeg(render_passport_page(PERSON, seed=3, width=1400))


@cache
def blank_png() -> bytes:
    return encode_png(np.full((400, 600, 3), 235, np.uint8))


def run(doc: DocumentSpec, data: bytes, profile: Profile | None = None) -> BundleVerdict:
    spec = BundleSpec(
        reference="T-1",
        profile=profile or Profile(full_name="Anna Maria Eriksson", date_of_birth="1974-08-12"),
        documents=[doc],
    )
    return run_engine(
        spec,
        {doc.file: data},
        submit_on=SUBMIT_ON,
        document_checks=identity.DOCUMENT_CHECKS,
        bundle_checks=identity.BUNDLE_CHECKS,
    )


def by_code(verdict: BundleVerdict, code: str) -> list[Finding]:
    return [f for f in verdict.findings if f.code == code]


def passport(**declared: str) -> DocumentSpec:
    return DocumentSpec(
        role=Role.ID_DOCUMENT,
        file="passport.jpg",
        type="passport",
        issuing_country="SE",
        declared=Declared(**declared),
    )


def test_clean_passport_matching_profile_passes_and_feeds_read_fields() -> None:
    verdict = run(passport(), passport_jpeg())
    statuses = {f.code: f.status for f in verdict.findings}
    assert statuses["MRZ_UNREADABLE"] is Status.PASS
    assert statuses["MRZ_CHECK_DIGIT_INVALID"] is Status.PASS
    assert statuses["DOB_MISMATCH"] is Status.PASS
    assert statuses["NAME_MISMATCH"] is Status.PASS
    assert statuses["DOCUMENT_TYPE_NOT_ACCEPTED"] is Status.PASS
    assert "DOB_AMBIGUITY_RESOLVED" not in statuses
    # A date of birth is personal data, quoted only to explain a mismatch: not in the passing finding.
    (dob,) = by_code(verdict, "DOB_MISMATCH")
    assert dob.measured is None and dob.threshold is None
    assert b"1974" not in msgspec.json.encode(dob)
    fields = verdict.documents[0].fields
    assert fields["expiry_date"] == "2031-04-15" and fields["expiry_date_source"] == "mrz"
    assert fields["document_number"] == "*****02C3"


def test_declared_values_and_profile_that_disagree_with_the_mrz() -> None:
    profile = Profile(full_name="Bob Eriksson", date_of_birth="12/08/1974")
    verdict = run(passport(document_number="L898902C4", expiry_date="2031-05-15"), passport_jpeg(), profile)
    mismatches = by_code(verdict, "MRZ_PROFILE_MISMATCH")
    assert {f.unit for f in mismatches if f.status is Status.FAIL} == {"document_number", "date"}
    number = next(f for f in mismatches if f.unit == "document_number")
    assert "L898902C" not in number.message and "*****02C4" in number.message  # masked: last 4 only
    resolved = by_code(verdict, "DOB_AMBIGUITY_RESOLVED")
    assert [f.status for f in resolved] == [Status.FAIL]
    assert "1974-08-12" in resolved[0].message and "support" in resolved[0].message
    name = by_code(verdict, "NAME_MISMATCH")
    assert [f.status for f in name] == [Status.FAIL]
    assert "support" in (name[0].remediation or "")


def test_a_different_registered_birth_date_is_a_mismatch() -> None:
    verdict = run(passport(), passport_jpeg(), Profile(full_name="Anna Eriksson", date_of_birth="1974-12-08"))
    assert [f.status for f in by_code(verdict, "DOB_MISMATCH")] == [Status.FAIL]
    assert not by_code(verdict, "DOB_AMBIGUITY_RESOLVED")


def test_a_wrong_check_digit_is_named_and_its_field_not_used() -> None:
    lines = td3_lines(PERSON)
    lines[1] = lines[1][:19] + str((int(lines[1][19]) + 3) % 10) + lines[1][20:]  # birth-date digit
    page = encode_jpeg(render_mrz_page(lines, seed=5))
    verdict = run(passport(), page)
    invalid = by_code(verdict, "MRZ_CHECK_DIGIT_INVALID")
    assert [f.status for f in invalid] == [Status.FAIL]
    assert "date of birth" in invalid[0].message and invalid[0].region is not None
    assert not by_code(verdict, "DOB_MISMATCH")  # an unproven birth date is not compared


@pytest.mark.parametrize(
    ("kind", "side", "expected"),
    [
        ("passport", None, [Status.FAIL]),  # the data page carries the MRZ
        ("visa", None, [Status.REVIEW]),
        ("id_card", Side.BACK, [Status.REVIEW]),  # TD1: the MRZ is on the back
        ("residence_permit", Side.BACK, [Status.REVIEW]),
        ("id_card", Side.FRONT, [Status.PASS]),  # not judged: a card front carries none
        ("id_card", None, [Status.PASS]),  # no side named, no MRZ: a card front
        ("driving_licence", None, []),  # carries none
        (None, None, [Status.REVIEW]),  # no type: nothing says whether an MRZ is due
    ],
)
def test_mrz_unreadable_only_where_the_photographed_side_carries_one(
    kind: str | None, side: Side | None, expected: list[Status]
) -> None:
    doc = DocumentSpec(role=Role.ID_DOCUMENT, file="blank.png", type=kind, issuing_country="SE", side=side)
    found = by_code(run(doc, blank_png()), "MRZ_UNREADABLE")
    assert [f.status for f in found] == expected
    if expected == [Status.PASS]:
        assert found[0].message.startswith("Not judged")


def test_side_is_read_from_the_manifest() -> None:
    raw = {"role": "id_document", "file": "back.jpg", "type": "id_card", "side": "back"}
    assert msgspec.convert(raw, DocumentSpec).side is Side.BACK
    with pytest.raises(msgspec.ValidationError, match="side"):
        msgspec.convert({**raw, "side": "inside"}, DocumentSpec)


def test_document_type_not_accepted_for_its_country_suggests_an_accepted_one() -> None:
    card = DocumentSpec(role=Role.ID_DOCUMENT, file="blank.png", type="id_card", issuing_country="GB")
    finding = by_code(run(card, blank_png()), "DOCUMENT_TYPE_NOT_ACCEPTED")
    assert [f.status for f in finding] == [Status.FAIL]
    assert "Send a passport instead" in finding[0].message and "policy 'default'" in finding[0].message
    licence = msgspec.structs.replace(card, type="driving_licence")
    assert [f.status for f in by_code(run(licence, blank_png()), "DOCUMENT_TYPE_NOT_ACCEPTED")] == [Status.PASS]


@pytest.mark.parametrize(
    ("kind", "named"),
    [
        ("id_card", "An ID card issued by GB"),
        ("other", "A document of type 'other' issued by GB"),  # was "An other issued by GB"
        ("residence_permit", "A residence permit issued by GB"),
    ],
)
def test_document_type_named_in_words_an_applicant_reads(kind: str, named: str) -> None:
    card = DocumentSpec(role=Role.ID_DOCUMENT, file="blank.png", type=kind, issuing_country="GB")
    finding = by_code(run(card, blank_png()), "DOCUMENT_TYPE_NOT_ACCEPTED")
    assert len(finding) == 1 and finding[0].message.startswith(f"{named} is ")


def test_card_front_without_mrz_named_with_its_article() -> None:
    permit = DocumentSpec(role=Role.ID_DOCUMENT, file="blank.png", type="residence_permit", side=Side.FRONT)
    found = by_code(run(permit, blank_png()), "MRZ_UNREADABLE")
    assert [f.status for f in found] == [Status.PASS]
    assert "the front of a residence permit carries no machine readable zone" in found[0].message  # was "an"


def test_issue_date_after_submission_fails() -> None:
    future = DocumentSpec(
        role=Role.ID_DOCUMENT,
        file="blank.png",
        type="driving_licence",
        declared=Declared(issue_date="2026-12-05"),
    )
    assert [f.status for f in by_code(run(future, blank_png()), "DOCUMENT_ISSUED_IN_FUTURE")] == [Status.FAIL]
    past = msgspec.structs.replace(future, declared=Declared(issue_date="2026-11-30"))
    assert [f.status for f in by_code(run(past, blank_png()), "DOCUMENT_ISSUED_IN_FUTURE")] == [Status.PASS]


def test_printed_fields_carry_the_name_when_there_is_no_mrz() -> None:
    front = encode_jpeg(render_mrz_page([], seed=7, width=1100, printed=("ERIKSSON", "ANNA MARIA")))
    doc = DocumentSpec(role=Role.ID_DOCUMENT, file="front.jpg", type="id_card", issuing_country="SE")
    same = by_code(run(doc, front), "NAME_MISMATCH")
    assert [f.status for f in same] == [Status.PASS]
    other = by_code(run(doc, front, Profile(full_name="Robert Smith")), "NAME_MISMATCH")
    assert [f.status for f in other] == [Status.FAIL]
