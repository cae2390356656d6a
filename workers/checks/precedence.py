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

from workers.checks.model import Finding, Status
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


def judged_root(code: str, status: Status, failing: list[str]) -> str | None:
    """The root cause to quote for a finding of `code` with `status`: the first of `failing` that silences it,
    followed down while that root is itself silenced by another failing code (a dark photo silences the
    photocopy measure, which silences the grain checks: they quote the dark photo, whose finding stands, not
    the photocopy, whose finding says "not judged"). None when the finding is to be judged."""
    root = silenced_by(code, status, failing)
    seen = {code}
    while root is not None and root not in seen:
        seen.add(root)
        deeper = silenced_by(root, Status.FAIL, failing)
        if deeper is None:
            return root
        root = deeper
    return root


def root_causes_first(findings: list[Finding]) -> list[Finding]:
    """A finding that a failing root cause on the same document makes meaningless (its check names that root in
    `moot_when`, or in `moot_when_unsure` for a review) is kept as "not judged because of X" (status pass), so
    each problem is reported once, by its root cause; X is a root whose own finding stands (judged_root)."""
    failing: dict[str | None, dict[str, Finding]] = {}
    for f in findings:
        if f.status is Status.FAIL and f.document is not None:
            failing.setdefault(f.document, {}).setdefault(f.code, f)
    out = []
    for f in findings:
        roots = failing.get(f.document, {})
        # Whether the check was unsure is what the check found, not the status a policy's [severity] gave it.
        found = Status(f.severity_override) if f.severity_override else f.status
        root = judged_root(f.code, found, list(roots)) if f.status is not Status.PASS else None
        if root is None:
            out.append(f)
            continue
        out.append(
            Finding(
                code=f.code,
                status=Status.PASS,
                document=f.document,
                message=f"Not judged because of {root}, which comes first: {roots[root].message}",
            )
        )
    return out
