"""The verdict contract (ARCHITECTURE section 3) as msgspec structs."""

from __future__ import annotations

from enum import StrEnum

import msgspec

# The code of the finding that stands for a check that raised instead of judging (the engine reports it; a
# policy can never silence or soften it).
CHECK_ERROR = "CHECK_ERROR"


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    REVIEW = "review"


class Verdict(StrEnum):
    READY = "ready"
    FIX_REQUIRED = "fix_required"
    REVIEW = "review"


Polygon = list[list[float]]


class Region(msgspec.Struct, omit_defaults=True):
    """Where on the image a finding is: a polygon in full-resolution pixel coordinates (x, y)."""

    polygon: Polygon


class Outcome(msgspec.Struct, kw_only=True):
    """What one check measured on one document (or bundle), before the engine adds the check's identity."""

    status: Status
    message: str
    measured: float | str | None = None
    threshold: float | str | None = None
    unit: str | None = None
    region: Region | None = None
    # Bundle-scope checks may attribute an outcome to one document role.
    document: str | None = None
    # A fix more specific than the check's general remediation (e.g. for the file type actually sent).
    remediation: str | None = None


class Finding(msgspec.Struct, kw_only=True):
    code: str
    status: Status
    document: str | None
    message: str
    remediation: str | None = None
    measured: float | str | None = None
    threshold: float | str | None = None
    unit: str | None = None
    region: Region | None = None
    # The status the check itself found, when the policy's [severity] table changed it (null otherwise): a
    # compliance officer sees the finding was overridden by the tenant's policy, and from what.
    severity_override: str | None = None


class PolicyRef(msgspec.Struct):
    name: str
    sha256: str


class DocumentSummary(msgspec.Struct, kw_only=True):
    role: str
    filename: str
    sha256: str
    size_bytes: int
    format: str | None = None
    width: int | None = None
    height: int | None = None
    # The document's corners in image pixels (top-left, top-right, bottom-right, bottom-left of the document),
    # when the capture-quality checks found it: a client can crop or draw it.
    outline: list[list[float]] | None = None
    fields: dict[str, str] = msgspec.field(default_factory=dict)


class Summary(msgspec.Struct):
    fail: int = 0
    review: int = 0
    passed: int = msgspec.field(default=0, name="pass")


class AttemptChanges(msgspec.Struct, kw_only=True):
    """What changed since the applicant's previous attempt: codes by their fail or review findings."""

    previous_verdict: Verdict
    fixed: list[str]  # failed or needed review then, not now
    new: list[str]  # fail or review now, not then
    still_failing: list[str]  # fail or review then and now


class BundleVerdict(msgspec.Struct, kw_only=True):
    batch_id: str | None
    reference: str
    verdict: Verdict
    checked_at: str
    engine_version: str
    policy: PolicyRef
    findings: list[Finding]
    documents: list[DocumentSummary]
    summary: Summary
    # The applicant's history (the service only, per tenant and reference; null from the CLI): this bundle's
    # attempt number, what changed since the previous attempt, and a plain warning when the bundle is not ready
    # and earlier attempts were not ready either (providers lock an account after a few rejected submissions).
    attempt: int | None = None
    changes: AttemptChanges | None = None
    lockout_warning: str | None = None
    # The language of the findings' fixes (`remediation`; messages are always English): a verdict is stored in
    # English and translated when it is read (docs/contract.md, "Languages"). `applicant_language`: the bundle's
    # `language` from the manifest, the default when the reader asks for none.
    language: str = "en"
    applicant_language: str | None = None


def overall(findings: list[Finding]) -> tuple[Verdict, Summary]:
    """Any fail -> fix_required; else any review -> review; else ready."""
    summary = Summary(
        fail=sum(f.status is Status.FAIL for f in findings),
        review=sum(f.status is Status.REVIEW for f in findings),
        passed=sum(f.status is Status.PASS for f in findings),
    )
    if summary.fail:
        return Verdict.FIX_REQUIRED, summary
    if summary.review:
        return Verdict.REVIEW, summary
    return Verdict.READY, summary
