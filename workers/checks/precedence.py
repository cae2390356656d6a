"""Which findings a root cause makes meaningless: one root cause, one finding.

Each check names, in its own declaration, the codes whose failure on the same document makes it moot
(`moot_when`; the groups are in workers/checks/moot.py, with why). This module reads those declarations from the
registry and applies them: a moot finding is kept as "not judged because of X" (status pass, the reason in its
message), and the verdict's first finding is X. A root cause never silences a fail whose check does not name
it, and a finding of another document is never touched. A check may also name roots that silence only its
reviews (`moot_when_unsure`): what it could not be sure of is moot, a fail it is sure of stands.
"""

from __future__ import annotations

from collections.abc import Sequence

from workers.checks.model import Status
from workers.checks.registry import ALL_CHECKS
from workers.checks.spec import Check

# Check code -> the codes that make it moot, as its declaration names them.
MOOT_WHEN: dict[str, tuple[str, ...]] = {check.code: check.moot_when for check in ALL_CHECKS if check.moot_when}
# Check code -> the codes that make its reviews (not its fails) moot.
MOOT_WHEN_UNSURE: dict[str, tuple[str, ...]] = {
    check.code: check.moot_when_unsure for check in ALL_CHECKS if check.moot_when_unsure
}


def roots_of(code: str, status: Status) -> tuple[str, ...]:
    """The codes whose failure makes a finding of `code` with `status` moot."""
    unsure = MOOT_WHEN_UNSURE.get(code, ()) if status is Status.REVIEW else ()
    return MOOT_WHEN.get(code, ()) + unsure


def silences(checks: Sequence[Check] = ALL_CHECKS) -> dict[str, frozenset[str]]:
    """Root cause -> the codes its failure makes moot (the declarations read from the root's side), roots in
    registry order."""
    table: dict[str, set[str]] = {}
    for check in checks:
        for root in (*check.moot_when, *check.moot_when_unsure):
            table.setdefault(root, set()).add(check.code)
    order = {check.code: index for index, check in enumerate(checks)}
    return {root: frozenset(table[root]) for root in sorted(table, key=lambda root: order.get(root, len(order)))}


def silenced_by(code: str, status: Status, failing: list[str]) -> str | None:
    """The first of `failing` (codes failing on the same document, in verdict order) that makes a finding of
    `code` with `status` meaningless, or None when it is to be judged."""
    roots = roots_of(code, status)
    return next((root for root in failing if root != code and root in roots), None)
