"""A document cannot have been issued after the day it is submitted."""

from __future__ import annotations

from workers.checks.context import DocumentContext
from workers.checks.dates import read_date
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Status
from workers.checks.spec import DocumentCheck


def _issued_in_future(doc: DocumentContext) -> Outcome | None:
    found = doc.field("issue_date")
    reading = read_date(found.value) if found else None
    if reading is None or reading.value is None:
        return None  # no issue date, or an ambiguous one (flagged by the date checks)
    issued, submit_on = reading.value, doc.bundle.submit_on
    days = (issued - submit_on).days
    if days > 0:
        return Outcome(
            status=Status.FAIL,
            message=f"The issue date {issued.isoformat()} is {days} days after the submission date "
            f"{submit_on.isoformat()}.",
            measured=days,
            threshold=0,
            unit="days_after_submission",
        )
    return Outcome(
        status=Status.PASS,
        message=f"The issue date {issued.isoformat()} is not after the submission date.",
        measured=days,
        threshold=0,
        unit="days_after_submission",
    )


DOCUMENT_ISSUED_IN_FUTURE = DocumentCheck(
    code="DOCUMENT_ISSUED_IN_FUTURE",
    summary="The document's issue date is after the submission date.",
    remediation="Check the issue date you entered against the document and correct it; a document cannot be "
    "issued after the day it is submitted.",
    threshold_source="Logic: issue date must not be later than submit_on (ARCHITECTURE section 1 and issue 4, item 3).",
    roles=frozenset({Role.ID_DOCUMENT, Role.BUSINESS_REGISTRATION}),
    evaluate=_issued_in_future,
    needs_pixels=False,
)
