"""Is the identity document still valid on the submission day, with a month to spare?"""

from __future__ import annotations

from datetime import date

from workers.checks.bundle.dating import judge_date
from workers.checks.context import DocumentContext
from workers.checks.document_dates import document_expiry, source_words
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Status
from workers.checks.spec import DocumentCheck

_ID = frozenset({Role.ID_DOCUMENT})
# The fix quoting the policy's margin, not the default the catalogue's general fix quotes (a template: the
# translations keep its placeholder, workers/checks/i18n).
LONGER_VALID_FIX = (
    "Send an identity document that stays valid for more than {margin} days after submission: this one expires "
    "too soon. Use another valid document or renew this one first."
)


def _expired(doc: DocumentContext) -> Outcome | None:
    found, disagreement = document_expiry(doc)
    submit_on = doc.bundle.submit_on

    def judge(expiry: date) -> Outcome:
        days_left = (expiry - submit_on).days
        origin = (source_words(found) if found else "") + disagreement
        # A document is valid through its expiry day.
        if days_left < 0:
            return Outcome(
                status=Status.FAIL,
                message=f"The document expired on {expiry.isoformat()} ({origin}), {-days_left} days before "
                f"the submission date {submit_on.isoformat()} (0 or more days left needed).",
                measured=days_left,
                threshold=0,
                unit="days",
            )
        return Outcome(
            status=Status.PASS,
            message=f"The document is valid on the submission date: it expires on {expiry.isoformat()} ({origin}), "
            f"{days_left} days after it (0 or more needed).",
            measured=days_left,
            threshold=0,
            unit="days",
        )

    return judge_date(found, "expiry date", judge)


DOCUMENT_EXPIRED = DocumentCheck(
    code="DOCUMENT_EXPIRED",
    summary="The identity document has expired by the submission date.",
    remediation="Send a valid identity document: this one has expired. Renew it or use another one.",
    threshold_source="An expired identity document is rejected by every KYC provider (ARCHITECTURE s. 4).",
    roles=_ID,
    evaluate=_expired,
    needs_pixels=False,
)


def _expires_soon(doc: DocumentContext) -> Outcome | None:
    found, disagreement = document_expiry(doc)
    submit_on = doc.bundle.submit_on
    margin = doc.bundle.policy.expiry_margin_days

    def judge(expiry: date) -> Outcome | None:
        days_left = (expiry - submit_on).days
        if days_left < 0:
            return None  # DOCUMENT_EXPIRED reports it
        origin = (source_words(found) if found else "") + disagreement
        if days_left <= margin:
            return Outcome(
                status=Status.FAIL,
                message=f"The document expires on {expiry.isoformat()} ({origin}), {days_left} days after "
                f"the submission date {submit_on.isoformat()}; it must stay valid over {margin} days.",
                measured=days_left,
                threshold=margin,
                unit="days",
                remediation=LONGER_VALID_FIX.format(margin=margin),
            )
        return Outcome(
            status=Status.PASS,
            message=f"The document stays valid for {days_left} days after the submission date (more than "
            f"{margin} needed).",
            measured=days_left,
            threshold=margin,
            unit="days",
        )

    return judge_date(found, "expiry date", judge)


DOCUMENT_EXPIRES_SOON = DocumentCheck(
    code="DOCUMENT_EXPIRES_SOON",
    summary="The identity document expires within the policy margin (default 30 days) after the submission date.",
    remediation=(
        "Send an identity document that stays valid for more than 30 days (the default policy's margin) after "
        "submission: this one expires too soon. "
        "Use another valid document or renew this one first."
    ),
    threshold_source=(
        "Policy rules.expiry_margin_days (default 30): providers reject documents that expire within a month "
        "of submission (ARCHITECTURE section 4)."
    ),
    roles=_ID,
    evaluate=_expires_soon,
    needs_pixels=False,
    policy_keys=("rules.expiry_margin_days",),
)
