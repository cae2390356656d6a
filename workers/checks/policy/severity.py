"""Per-code severity overrides of a policy's [severity] table (issue 19 item 3): providers differ on what blocks.

`CODE = "fail" | "review" | "off"`: after the checks ran, a finding of CODE that did not pass takes that status
("off" drops it); a pass stays a pass. A FILE_* finding is a safety finding (a corrupt file, a decompression
bomb, the wrong type, a screenshot): a policy may only make it "fail", never "review" or "off", and a policy
that tries is refused when it is loaded, as is an unknown or retired code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

from workers.checks.model import CHECK_ERROR, Finding, Status
from workers.checks.retired import RETIRED, read_published

OFF = "off"
SEVERITIES = (Status.FAIL.value, Status.REVIEW.value, OFF)
# Safety findings no tenant can silence or soften: the file itself is unsafe or unusable (docs/checks.md).
SAFETY_PREFIX = "FILE_"


class SeverityError(ValueError):
    """A [severity] table the policy loader refuses (raised again as its PolicyFileError)."""


@cache
def _known_codes() -> frozenset[str]:
    """The codes of the registered checks, read from the published list (the registry imports the checks, which
    import the policy package: this keeps the import one-way). tests/test_codes_frozen.py holds the published
    list equal to the registered codes, CHECK_ERROR and the retired codes."""
    return frozenset(read_published()) - RETIRED.keys() - {CHECK_ERROR}


def validated_severity(policy_name: str, table: object) -> dict[str, str]:
    """The [severity] table of a policy, or SeverityError naming the first code it cannot accept."""
    if not isinstance(table, Mapping):
        raise SeverityError(f'policy {policy_name!r}: [severity] must be a table of CODE = "fail|review|off"')
    known = _known_codes()
    out: dict[str, str] = {}
    for code, value in table.items():
        where = f"policy {policy_name!r}: [severity] {code}"
        if code in RETIRED:
            raise SeverityError(f"{where}: the code is retired ({RETIRED[code]})")
        if code not in known:
            raise SeverityError(f"{where}: unknown check code (see docs/checks.md)")
        if value not in SEVERITIES:
            raise SeverityError(f"{where}: {value!r} is not one of {', '.join(SEVERITIES)}")
        if code.startswith(SAFETY_PREFIX) and value != Status.FAIL.value:
            raise SeverityError(
                f"{where} = {value!r}: a FILE_* safety finding can never be turned off or downgraded "
                '(only "fail" is allowed)'
            )
        out[str(code)] = str(value)
    return out


def apply_severity(findings: Iterable[Finding], severity: Mapping[str, str], policy_name: str) -> list[Finding]:
    """The findings as the policy wants them: overridden statuses say so, "off" ones are gone, passes stay."""
    out = []
    for f in findings:
        wanted = severity.get(f.code)
        if wanted is None or f.status is Status.PASS or wanted == f.status.value:
            out.append(f)
            continue
        if wanted == OFF:
            if f.code.startswith(SAFETY_PREFIX):  # refused at load already; a guard, never silenced
                out.append(f)
            continue
        out.append(_overridden(f, Status(wanted), policy_name))
    return out


def _overridden(f: Finding, status: Status, policy_name: str) -> Finding:
    note = f" (Policy '{policy_name}' sets {f.code} to {status.value}; the check found {f.status.value}.)"
    return Finding(
        code=f.code,
        status=status,
        document=f.document,
        message=f.message + note,
        remediation=f.remediation,
        measured=f.measured,
        threshold=f.threshold,
        unit=f.unit,
        region=f.region,
        severity_override=f.status.value,
    )
