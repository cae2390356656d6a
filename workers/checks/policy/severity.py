"""Per-code severity overrides of a policy's [severity] table (issue 19 item 3): providers differ on what blocks.

`CODE = "fail" | "review" | "off"`: after the checks ran, a finding of CODE that did not pass takes that status
("off" drops it); a pass stays a pass. A FILE_* finding is a safety finding (a corrupt file, a decompression
bomb, the wrong type, a screenshot): a policy may only make it "fail", never "review" or "off", and a policy
that tries is refused when it is loaded, as is an unknown or retired code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from workers.checks.model import Finding, Status

OFF = "off"
SEVERITIES = (Status.FAIL.value, Status.REVIEW.value, OFF)
# Safety findings no tenant can silence or soften: the file itself is unsafe or unusable (docs/checks.md).
SAFETY_PREFIX = "FILE_"


def _known_codes() -> set[str]:
    from workers.checks.registry import ALL_CHECKS  # imported late: the checks import the policy package

    return {check.code for check in ALL_CHECKS}


def validated_severity(policy_name: str, table: object) -> dict[str, str]:
    """The [severity] table of a policy, or PolicyFileError naming the first code it cannot accept."""
    from workers.checks.policy import PolicyFileError
    from workers.checks.retired import RETIRED

    if not isinstance(table, Mapping):
        raise PolicyFileError(f'policy {policy_name!r}: [severity] must be a table of CODE = "fail|review|off"')
    known = _known_codes()
    out: dict[str, str] = {}
    for code, value in table.items():
        where = f"policy {policy_name!r}: [severity] {code}"
        if code in RETIRED:
            raise PolicyFileError(f"{where}: the code is retired ({RETIRED[code]})")
        if code not in known:
            raise PolicyFileError(f"{where}: unknown check code (see docs/checks.md)")
        if value not in SEVERITIES:
            raise PolicyFileError(f"{where}: {value!r} is not one of {', '.join(SEVERITIES)}")
        if code.startswith(SAFETY_PREFIX) and value != Status.FAIL.value:
            raise PolicyFileError(
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
