"""Is the proof of address recent (within 90 days of submission), and not dated in the future?"""

from __future__ import annotations

from datetime import date

from workers.checks.bundle.dating import judge_date
from workers.checks.context import DocumentContext
from workers.checks.document_dates import source_words
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Status
from workers.checks.spec import DocumentCheck

_POA = frozenset({Role.PROOF_OF_ADDRESS})
# The fix quoting the policy's limit, not the default the catalogue's general fix quotes (a template: the
# translations keep its placeholder, workers/checks/i18n).
RECENT_BILL_FIX = (
    "Send a recent utility bill or bank statement, dated within the last {max_age} days, showing your name and address."
)


def _too_old(doc: DocumentContext) -> Outcome | None:
    found = doc.field("statement_date")
    submit_on = doc.bundle.submit_on
    max_age = doc.bundle.policy.bill_max_age_days

    def judge(statement: date) -> Outcome | None:
        age = (submit_on - statement).days
        if age < 0:
            return None  # POA_DATED_IN_FUTURE reports it
        origin = source_words(found) if found else ""
        if age > max_age:
            return Outcome(
                status=Status.FAIL,
                message=f"The proof of address is dated {statement.isoformat()} ({origin}), {age} days "
                f"before the submission date {submit_on.isoformat()}; it must be at most {max_age} days old.",
                measured=age,
                threshold=max_age,
                unit="days",
                remediation=RECENT_BILL_FIX.format(max_age=max_age),
            )
        return Outcome(
            status=Status.PASS,
            message=f"The proof of address is {age} days old on the submission date (at most {max_age}).",
            measured=age,
            threshold=max_age,
            unit="days",
        )

    return judge_date(found, "statement date", judge)


POA_TOO_OLD = DocumentCheck(
    code="POA_TOO_OLD",
    summary="The proof of address is older than the policy allows (default 90 days) on the submission date.",
    remediation=(
        "Send a recent utility bill or bank statement, dated within the last 90 days (the default policy's limit), "
        "showing your name and address."
    ),
    threshold_source=(
        "Policy rules.bill_max_age_days (default 90): providers accept a utility bill or bank statement "
        "dated within 90 days of submission (ARCHITECTURE section 4)."
    ),
    roles=_POA,
    evaluate=_too_old,
    needs_pixels=False,
    policy_keys=("rules.bill_max_age_days",),
)


def _in_future(doc: DocumentContext) -> Outcome | None:
    found = doc.field("statement_date")
    submit_on = doc.bundle.submit_on

    def judge(statement: date) -> Outcome:
        ahead = (statement - submit_on).days
        origin = source_words(found) if found else ""
        if ahead > 0:
            return Outcome(
                status=Status.FAIL,
                message=f"The proof of address is dated {statement.isoformat()} ({origin}), {ahead} days "
                f"after the submission date {submit_on.isoformat()}; it cannot be dated in the future.",
                measured=ahead,
                threshold=0,
                unit="days",
            )
        return Outcome(
            status=Status.PASS,
            message=f"The proof of address is dated {statement.isoformat()} ({origin}), {-ahead} days before the "
            "submission date (it may be dated 0 days after it at most).",
            measured=ahead,
            threshold=0,
            unit="days",
        )

    return judge_date(found, "statement date", judge)


POA_DATED_IN_FUTURE = DocumentCheck(
    code="POA_DATED_IN_FUTURE",
    summary="The proof of address is dated after the submission date.",
    remediation=(
        "Check the statement date you entered (use YYYY-MM-DD); if it is right, send a statement that is "
        "already issued."
    ),
    threshold_source=(
        "A statement cannot be issued after the day it is submitted; a future date is a typing error or a "
        "swapped day and month."
    ),
    roles=_POA,
    evaluate=_in_future,
    needs_pixels=False,
)
