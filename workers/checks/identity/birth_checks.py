"""The registered date of birth against the identity document's (its MRZ, else the value declared for it)."""

from __future__ import annotations

from workers.checks.context import BundleContext
from workers.checks.dates import DateReading, read_date
from workers.checks.document_dates import document_birth
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Status
from workers.checks.spec import BundleCheck

_SOURCE_WORDS = {"mrz": "its machine readable zone", "declared": "the value declared for it"}


def _profile_birth(bundle: BundleContext) -> DateReading | None:
    text = bundle.spec.profile.date_of_birth
    return read_date(text) if text else None


def _readings_words(reading: DateReading) -> str:
    return " or ".join(d.strftime("%-d %B %Y") for d in reading.readings)


def _mismatch(bundle: BundleContext) -> Outcome | None:
    profile, document = _profile_birth(bundle), document_birth(bundle)
    if profile is None or document is None:
        return None
    born, found = document
    where = _SOURCE_WORDS.get(found.source, found.source)
    if born in profile.readings:
        return Outcome(
            status=Status.PASS,
            # No date in a passing finding: a date of birth is quoted only to explain a mismatch.
            message=f"The registered date of birth agrees with the identity document ({where}).",
            document=Role.ID_DOCUMENT.value,
        )
    return Outcome(
        status=Status.FAIL,
        message=f"The registered date of birth '{profile.text}' is not the one on the identity document "
        f"({born.isoformat()}, from {where}).",
        measured=born.isoformat(),
        threshold=profile.text,
        unit="date",
        document=Role.ID_DOCUMENT.value,
    )


DOB_MISMATCH = BundleCheck(
    code="DOB_MISMATCH",
    summary="The registered date of birth differs from the identity document's.",
    remediation="Ask support to correct the date of birth in your registration so that it is the one "
    "printed on your identity document; if the document is not yours, send your own.",
    threshold_source="Exact equality: providers compare the registered date of birth with the document's "
    "(ARCHITECTURE section 4); every reading of an ambiguous registered date counts as agreeing here.",
    evaluate=_mismatch,
)


def _ambiguity_resolved(bundle: BundleContext) -> Outcome | None:
    profile, document = _profile_birth(bundle), document_birth(bundle)
    if profile is None or document is None or not profile.ambiguous or document[0] not in profile.readings:
        return None
    born, found = document
    where = _SOURCE_WORDS.get(found.source, found.source)
    return Outcome(
        status=Status.FAIL,
        message=f"The registered date of birth '{profile.text}' can be read as "
        f"{_readings_words(profile)}; the identity document ({where}) shows "
        f"{born.strftime('%-d %B %Y')}, so {born.isoformat()} is right. "
        "The registration must be corrected through support to that date.",
        measured=born.isoformat(),
        threshold=profile.text,
        unit="date",
        document=Role.ID_DOCUMENT.value,
    )


DOB_AMBIGUITY_RESOLVED = BundleCheck(
    code="DOB_AMBIGUITY_RESOLVED",
    summary="The registered date of birth could be read two ways; the identity document shows which one is "
    "right, and the registration must be corrected.",
    remediation="Ask support to correct the date of birth in your registration to the date shown in this "
    "finding, written as YYYY-MM-DD.",
    threshold_source="ARCHITECTURE sections 1 and 4: an ambiguous day/month order is a finding, resolved by "
    "the MRZ where present; providers match the registered date exactly, so the registration must hold "
    "the ISO date.",
    evaluate=_ambiguity_resolved,
)
