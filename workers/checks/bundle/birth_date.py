"""Can every declared date of birth be read only one way?"""

from __future__ import annotations

from collections.abc import Iterator

from workers.checks.bundle.dating import readings_words
from workers.checks.context import BundleContext
from workers.checks.dates import read_date
from workers.checks.document_dates import document_birth
from workers.checks.model import Outcome, Status
from workers.checks.spec import BundleCheck


def _declared_births(bundle: BundleContext) -> Iterator[tuple[str, str | None]]:
    """(text, document role or None for the profile) of every declared date of birth."""
    if bundle.spec.profile.date_of_birth:
        yield bundle.spec.profile.date_of_birth, None
    for doc in bundle.documents:
        if doc.spec.declared.date_of_birth:
            yield doc.spec.declared.date_of_birth, doc.role


def _ambiguous_births(bundle: BundleContext) -> Iterator[Outcome]:
    read_off_id = document_birth(bundle)
    unambiguous = 0
    for text, role in _declared_births(bundle):
        reading = read_date(text)
        if reading is None:
            continue
        if not reading.ambiguous:
            unambiguous += 1
            continue
        where = f"declared for the {role}" if role else "in the profile"
        if read_off_id is not None and read_off_id[0] in reading.readings:
            # ARCHITECTURE section 4: the ambiguity is resolved by the MRZ where present. The profile's own date
            # must then be corrected to it: DOB_AMBIGUITY_RESOLVED says so, and this check does not also pass it.
            if role is None:
                continue
            yield Outcome(
                status=Status.PASS,
                message=f"The date of birth {where} '{text}' could be read two ways; the one read off the "
                f"identity document ({read_off_id[1].source}) settles it.",
                measured=text,
                threshold="YYYY-MM-DD",
                unit="date",
                document=role,
            )
            continue
        yield Outcome(
            status=Status.REVIEW,
            message=f"The date of birth {where} '{text}' can be read as {readings_words(reading)}: the order "
            "of day and month is unclear.",
            measured=text,
            threshold="YYYY-MM-DD",
            unit="date",
            document=role,
        )
    if unambiguous:
        yield Outcome(
            status=Status.PASS,
            message=f"{unambiguous} declared date(s) of birth can be read one way only.",
            measured=unambiguous,
            unit="dates",
        )


PROFILE_DOB_AMBIGUOUS = BundleCheck(
    code="PROFILE_DOB_AMBIGUOUS",
    summary="A declared date of birth is written so that day and month can be swapped (03/04/1990).",
    remediation="Send the date of birth in ISO form, YYYY-MM-DD (for example 1990-04-03).",
    threshold_source=(
        "ARCHITECTURE section 1: dates are ISO YYYY-MM-DD; another form is accepted only when it can be read "
        "one way (workers.checks.dates.read_date), and an ambiguous one is flagged, not guessed."
    ),
    evaluate=_ambiguous_births,
)
