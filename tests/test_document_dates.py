"""One owner per date (workers.checks.document_dates), so that two findings about the same date never disagree.

- One expiry per document: the MRZ, the printed zone and the manifest may each give one, and the verdict never
  calls a document valid while one of them says it has expired (before: a declared 2031 passed DOCUMENT_EXPIRED
  while the MRZ said 2012 and MRZ_PROFILE_MISMATCH failed).
- One date of birth of the document: an ambiguous registered date the MRZ settles is reported once, by
  DOB_AMBIGUITY_RESOLVED (before: PROFILE_DOB_AMBIGUOUS passed it, "the MRZ settles it", in the same verdict)."""

from __future__ import annotations

from datetime import date
from functools import cache

from tests.fixtures.documents import Person, encode_jpeg, render_bill, render_passport_page
from tests.fixtures.engine_runs import run_engine
from tests.fixtures.filechecks import document_context
from workers.checks import identity
from workers.checks.bundle import DOCUMENT_EXPIRED, DOCUMENT_EXPIRES_SOON, PROFILE_DOB_AMBIGUOUS
from workers.checks.context import FieldValue
from workers.checks.document_dates import document_expiry
from workers.checks.manifest import BundleSpec, Declared, DocumentSpec, Profile, Role
from workers.checks.model import BundleVerdict, Outcome, Status

SUBMIT_ON = date(2026, 12, 1)
EXPIRED_IN_MRZ = Person(expiry=date(2012, 4, 15))


@cache
def _expired_passport_jpeg() -> bytes:
    return encode_jpeg(render_passport_page(EXPIRED_IN_MRZ, seed=5, width=1400))


def _run(declared_expiry: str, profile_birth: str = "1974-08-12") -> BundleVerdict:
    doc = DocumentSpec(
        role=Role.ID_DOCUMENT,
        file="passport.jpg",
        type="passport",
        issuing_country="SE",
        declared=Declared(expiry_date=declared_expiry),
    )
    spec = BundleSpec(
        reference="T-1",
        profile=Profile(full_name="Anna Maria Eriksson", date_of_birth=profile_birth),
        documents=[doc],
    )
    return run_engine(
        spec,
        {doc.file: _expired_passport_jpeg()},
        submit_on=SUBMIT_ON,
        document_checks=[*identity.DOCUMENT_CHECKS, DOCUMENT_EXPIRED, DOCUMENT_EXPIRES_SOON],
        bundle_checks=[*identity.BUNDLE_CHECKS, PROFILE_DOB_AMBIGUOUS],
    )


def test_a_declared_future_expiry_does_not_pass_a_passport_whose_mrz_says_expired() -> None:
    verdict = _run("2031-04-15")
    statuses = {(f.code, f.unit): f.status for f in verdict.findings}
    # The MRZ was read (its expiry check digit holds) and disagrees with the declared date.
    assert statuses[("MRZ_CHECK_DIGIT_INVALID", "invalid_check_digits")] is Status.PASS
    assert statuses[("MRZ_PROFILE_MISMATCH", "date")] is Status.FAIL
    (expired,) = [f for f in verdict.findings if f.code == "DOCUMENT_EXPIRED"]
    assert expired.status is Status.FAIL
    assert "2012-04-15" in expired.message and "MRZ" in expired.message and "2031-04-15" in expired.message
    assert not [f for f in verdict.findings if f.code == "DOCUMENT_EXPIRES_SOON" and f.status is Status.PASS]
    assert verdict.documents[0].fields["expiry_date"] == "2012-04-15"
    assert verdict.documents[0].fields["expiry_date_source"] == "mrz"


def test_a_declared_past_expiry_is_not_overruled_by_a_later_reading() -> None:
    doc = document_context(b"", Role.ID_DOCUMENT, declared=Declared(expiry_date="2020-01-31"))
    doc.read_fields["expiry_date"] = FieldValue("2031-04-15", "printed")
    found, note = document_expiry(doc)
    assert found == FieldValue("2020-01-31", "declared") and "2031-04-15" in note
    expired = DOCUMENT_EXPIRED.evaluate(doc)
    assert isinstance(expired, Outcome) and expired.status is Status.FAIL
    assert DOCUMENT_EXPIRES_SOON.evaluate(doc) is None  # not judged: DOCUMENT_EXPIRED reports it


def test_agreeing_sources_keep_the_best_one_and_add_no_note() -> None:
    doc = document_context(b"", Role.ID_DOCUMENT, declared=Declared(expiry_date="2031-04-15"))
    doc.read_fields["expiry_date"] = FieldValue("2031-04-15", "mrz")
    assert document_expiry(doc) == (FieldValue("2031-04-15", "mrz"), "")


def test_an_ambiguous_registered_birth_date_settled_by_the_mrz_is_one_finding() -> None:
    verdict = _run("2012-04-15", profile_birth="12/08/1974")
    by_code = {f.code: f for f in verdict.findings}
    resolved = by_code["DOB_AMBIGUITY_RESOLVED"]
    assert resolved.status is Status.FAIL and "1974-08-12" in resolved.message
    assert by_code["DOB_MISMATCH"].status is Status.PASS  # every reading of the registered date counts
    ambiguous = [f for f in verdict.findings if f.code == "PROFILE_DOB_AMBIGUOUS" and f.document is None]
    assert all(f.status is not Status.PASS for f in ambiguous), [f.message for f in ambiguous]
    # The check ran (run_engine raises on a crashed check) and had nothing else to say.
    assert "CHECK_ERROR" not in by_code


def _bill_verdict(printed: str) -> BundleVerdict:
    doc = DocumentSpec(role=Role.PROOF_OF_ADDRESS, file="bill.jpg")
    spec = BundleSpec(reference="T-2", profile=Profile(full_name="Anna Maria Eriksson"), documents=[doc])
    bill = encode_jpeg(render_bill(statement_date=printed, seed=4))
    return run_engine(spec, {doc.file: bill}, submit_on=SUBMIT_ON)


def test_a_statement_date_read_with_swappable_day_and_month_is_not_guessed() -> None:
    # 10 May 2026 is 205 days before submission (too old), 5 October 2026 is 57 days (recent): a review.
    (old,) = [f for f in _bill_verdict("05/10/2026").findings if f.code == "POA_TOO_OLD"]
    assert old.status is Status.REVIEW, old.message
    assert "10 May 2026" in old.message and "5 October 2026" in old.message
    # Only one reading (13 cannot be a month): judged, a pass.
    (recent,) = [f for f in _bill_verdict("13/10/2026").findings if f.code == "POA_TOO_OLD"]
    assert recent.status is Status.PASS, recent.message
