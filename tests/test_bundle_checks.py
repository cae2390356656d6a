"""Bundle rules by verdict: required roles, expiry, proof-of-address age, ambiguous dates of birth."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests.fixtures.filechecks import (
    SUBMIT_ON,
    bundle_context,
    clean_files,
    document_context,
    findings,
    individual_spec,
    run,
)
from workers.checks.bundle import (
    DOCUMENT_EXPIRED,
    DOCUMENT_EXPIRES_SOON,
    POA_DATED_IN_FUTURE,
    POA_TOO_OLD,
    PROFILE_DOB_AMBIGUOUS,
)
from workers.checks.context import FieldValue
from workers.checks.manifest import AccountType, Declared, Role
from workers.checks.model import Outcome, Status
from workers.checks.policy import load_policy


def _day(offset: int) -> str:
    return (SUBMIT_ON + timedelta(days=offset)).isoformat()


@pytest.fixture(scope="module")
def clean_verdict():
    spec = individual_spec(
        id_declared=Declared(expiry_date="2031-04-15"), bill_declared=Declared(statement_date=_day(-20))
    )
    return run(spec, clean_files())


@pytest.mark.parametrize(
    ("code", "document"),
    [
        ("BUNDLE_ROLE_MISSING", None),
        ("DOCUMENT_EXPIRED", "id_document"),
        ("DOCUMENT_EXPIRES_SOON", "id_document"),
        ("POA_TOO_OLD", "proof_of_address"),
        ("POA_DATED_IN_FUTURE", "proof_of_address"),
        ("PROFILE_DOB_AMBIGUOUS", None),
    ],
)
def test_clean_bundle_passes(clean_verdict, code: str, document: str | None) -> None:
    found = findings(clean_verdict, code)
    assert [(f.status, f.document) for f in found] == [(Status.PASS, document)]


def test_missing_roles_are_each_named() -> None:
    spec = individual_spec(roles=(Role.ID_DOCUMENT,))
    verdict = run(spec, clean_files())
    missing = findings(verdict, "BUNDLE_ROLE_MISSING")
    assert {(f.status, f.document) for f in missing} == {
        (Status.FAIL, "selfie"),
        (Status.FAIL, "proof_of_address"),
    }
    assert all(f.document and f.document in f.message for f in missing)


def test_corporate_bundle_needs_company_papers() -> None:
    spec = individual_spec(account_type=AccountType.CORPORATE)
    verdict = run(spec, clean_files())
    missing = {f.document for f in findings(verdict, "BUNDLE_ROLE_MISSING") if f.status is Status.FAIL}
    assert missing == {"business_registration", "authorization_letter"}


def _id_outcomes(expiry: str | None, read: str | None = None) -> tuple[Outcome | None, Outcome | None]:
    doc = document_context(b"", Role.ID_DOCUMENT, declared=Declared(expiry_date=expiry))
    if read is not None:
        doc.read_fields["expiry_date"] = FieldValue(read, "mrz")
    expired, soon = DOCUMENT_EXPIRED.evaluate(doc), DOCUMENT_EXPIRES_SOON.evaluate(doc)
    assert expired is None or isinstance(expired, Outcome)
    assert soon is None or isinstance(soon, Outcome)
    return expired, soon


@pytest.mark.parametrize(
    ("offset", "expired_status", "soon_status"),
    [
        (-1, Status.FAIL, None),  # expired yesterday
        (0, Status.PASS, Status.FAIL),  # valid through its expiry day, but far too close
        (30, Status.PASS, Status.FAIL),  # within the 30-day margin
        (31, Status.PASS, Status.PASS),
        (2000, Status.PASS, Status.PASS),
    ],
)
def test_expiry_against_submit_on(offset: int, expired_status, soon_status) -> None:
    expired, soon = _id_outcomes(_day(offset))
    assert expired is not None and expired.status is expired_status
    assert (soon.status if soon else None) is soon_status


def test_expiry_read_from_the_mrz_counts_when_nothing_is_declared() -> None:
    expired, _ = _id_outcomes(None, read=_day(-400))
    assert expired is not None and expired.status is Status.FAIL and "MRZ" in expired.message


def test_no_known_expiry_means_not_applicable() -> None:
    assert _id_outcomes(None) == (None, None)


def test_expired_passport_in_a_bundle_fails_the_bundle() -> None:
    spec = individual_spec(id_declared=Declared(expiry_date="2025-06-30"))
    verdict = run(spec, clean_files())
    assert [f.status for f in findings(verdict, "DOCUMENT_EXPIRED")] == [Status.FAIL]
    assert verdict.verdict == "fix_required"


def test_ambiguous_expiry_with_disagreeing_readings_goes_to_review() -> None:
    # 05/12/2026 is 5 December (4 days after submit_on: too soon) or 12 May (expired).
    expired, _ = _id_outcomes("05/12/2026")
    assert expired is not None and expired.status is Status.REVIEW
    assert "5 December 2026" in expired.message and "12 May 2026" in expired.message


def test_ambiguous_expiry_expired_either_way_fails_quoting_the_later_reading_and_naming_the_other() -> None:
    # 01.03.2025 is 1 March or 3 January 2025: expired either way. The verdict must not state 3 January (the
    # earlier reading) as the date: it is quoted by the reading nearest the limit, and the other one named.
    expired, soon = _id_outcomes("01.03.2025")
    assert expired is not None and expired.status is Status.FAIL and soon is None
    assert "expired on 2025-03-01" in expired.message and "3 January 2025" in expired.message
    assert expired.measured == (date(2025, 3, 1) - SUBMIT_ON).days


def test_unambiguous_non_iso_expiry_is_read() -> None:
    expired, _ = _id_outcomes("30/06/2025")
    assert expired is not None and expired.status is Status.FAIL


def _poa(statement: str | None) -> tuple[Outcome | None, Outcome | None]:
    doc = document_context(b"", Role.PROOF_OF_ADDRESS, declared=Declared(statement_date=statement))
    old, future = POA_TOO_OLD.evaluate(doc), POA_DATED_IN_FUTURE.evaluate(doc)
    assert old is None or isinstance(old, Outcome)
    assert future is None or isinstance(future, Outcome)
    return old, future


@pytest.mark.parametrize(
    ("offset", "old_status", "future_status"),
    [
        (-91, Status.FAIL, Status.PASS),
        (-90, Status.PASS, Status.PASS),
        (-10, Status.PASS, Status.PASS),
        (0, Status.PASS, Status.PASS),
        (3, None, Status.FAIL),
    ],
)
def test_statement_date_against_submit_on(offset: int, old_status, future_status) -> None:
    old, future = _poa(_day(offset))
    assert (old.status if old else None) is old_status
    assert future is not None and future.status is future_status


def test_old_bill_in_a_bundle_fails_with_its_age() -> None:
    spec = individual_spec(bill_declared=Declared(statement_date="2026-03-02"))
    verdict = run(spec, clean_files())
    (old,) = findings(verdict, "POA_TOO_OLD")
    assert old.status is Status.FAIL and old.measured == (SUBMIT_ON - date(2026, 3, 2)).days
    assert old.threshold == 90


def test_no_statement_date_means_not_applicable() -> None:
    assert _poa(None) == (None, None)


def _dob_outcomes(profile_dob: str | None, declared_dob: str | None = None, read: str | None = None):
    spec = individual_spec(date_of_birth=profile_dob, id_declared=Declared(date_of_birth=declared_dob))
    bundle = bundle_context(spec, clean_files())
    if read is not None:
        bundle.documents[0].read_fields["date_of_birth"] = FieldValue(read, "mrz")
    result = PROFILE_DOB_AMBIGUOUS.evaluate(bundle)
    assert result is not None and not isinstance(result, Outcome)
    return list(result)


def test_ambiguous_profile_dob_goes_to_review_listing_both_readings() -> None:
    (outcome,) = _dob_outcomes("03/04/1990")
    assert outcome.status is Status.REVIEW and outcome.document is None
    assert "3 April 1990" in outcome.message and "4 March 1990" in outcome.message


def test_ambiguous_declared_dob_is_attributed_to_its_document() -> None:
    outcomes = _dob_outcomes("1990-04-03", declared_dob="04/03/1990")
    assert [(o.status, o.document) for o in outcomes] == [(Status.REVIEW, "id_document"), (Status.PASS, None)]


@pytest.mark.parametrize("text", ["1990-04-03", "25/04/1990", "3 April 1990", "04/04/1990"])
def test_unambiguous_dob_passes(text: str) -> None:
    assert [o.status for o in _dob_outcomes(text)] == [Status.PASS]


def test_mrz_resolves_an_ambiguous_dob() -> None:
    # The profile's date: DOB_AMBIGUITY_RESOLVED asks for its correction, so this check says nothing of it.
    assert _dob_outcomes("03/04/1990", read="1990-04-03") == []
    # A date declared for the document: settled, a pass.
    settled = _dob_outcomes("1990-04-03", declared_dob="03/04/1990", read="1990-04-03")
    assert [(o.status, o.document) for o in settled] == [(Status.PASS, "id_document"), (Status.PASS, None)]
    (unresolved,) = _dob_outcomes("03/04/1990", read="1991-01-01")
    assert unresolved.status is Status.REVIEW


def test_no_dob_at_all_means_not_applicable() -> None:
    assert _dob_outcomes(None) == []


def test_fixes_quote_the_policy_limits_not_the_defaults() -> None:
    """A tenant policy may change the limits: the fix the applicant reads must name the limit that was applied."""
    policy = replace(load_policy("default"), bill_max_age_days=60, expiry_margin_days=45)
    bill = document_context(b"", Role.PROOF_OF_ADDRESS, declared=Declared(statement_date=_day(-70)))
    bill.bundle.policy = policy
    old = POA_TOO_OLD.evaluate(bill)
    assert isinstance(old, Outcome) and old.status is Status.FAIL
    assert old.remediation is not None and "60 days" in old.remediation and "3 months" not in old.remediation
    card = document_context(b"", Role.ID_DOCUMENT, declared=Declared(expiry_date=_day(40)))
    card.bundle.policy = policy
    soon = DOCUMENT_EXPIRES_SOON.evaluate(card)
    assert isinstance(soon, Outcome) and soon.status is Status.FAIL
    assert soon.remediation is not None and "45 days" in soon.remediation
