"""Runs the registry over one bundle and builds its verdict (ARCHITECTURE sections 2 and 3)."""

from __future__ import annotations

import logging
import numbers
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from typing import TypeVar

from workers.checks import ENGINE_VERSION
from workers.checks.capture import MAX_PIXELS, Capture
from workers.checks.context import BundleContext, DocumentContext, FieldValue
from workers.checks.document_dates import document_expiry
from workers.checks.locate.outline import DOCUMENT_OUTLINE
from workers.checks.manifest import BundleSpec
from workers.checks.model import (
    CHECK_ERROR,
    BundleVerdict,
    DocumentSummary,
    Finding,
    Outcome,
    PolicyRef,
    Region,
    Status,
    overall,
)
from workers.checks.personal_data import mask_document_number
from workers.checks.policy import Policy
from workers.checks.policy.severity import apply_severity
from workers.checks.precedence import root_causes_first
from workers.checks.previews import document_previews
from workers.checks.registry import BUNDLE_CHECKS, DOCUMENT_CHECKS, DOMAIN_OF, READERS
from workers.checks.spec import BundleCheck, DocumentCheck, Reader, Result

log = logging.getLogger(__name__)

C = TypeVar("C")

CHECK_ERROR_REMEDIATION = "Nothing for the applicant to fix yet: a person should look at this document."


def _outcomes(result: Result) -> list[Outcome]:
    if result is None:
        return []
    if isinstance(result, Outcome):
        return [result]
    return list(result)


def _finding(code: str, remediation: str, role: str | None, outcome: Outcome) -> Finding:
    return Finding(
        code=code,
        status=outcome.status,
        document=outcome.document or role,
        message=outcome.message,
        remediation=(outcome.remediation or remediation) if outcome.status is not Status.PASS else None,
        measured=_plain(outcome.measured),
        threshold=_plain(outcome.threshold),
        unit=outcome.unit,
        region=_plain_region(outcome.region),
    )


def _plain(value: object) -> float | str | None:
    """Measures are often numpy scalars; the verdict holds plain JSON numbers (rounded for people)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)  # counts stay counts
    if isinstance(value, numbers.Real):
        return round(float(value), 4)
    return str(value)


def _plain_region(region: Region | None) -> Region | None:
    if region is None:
        return None
    return Region(polygon=[[round(float(x), 1), round(float(y), 1)] for x, y in region.polygon])


def _error_finding(code: str, role: str | None, reason: str) -> Finding:
    return Finding(
        code=CHECK_ERROR,
        status=Status.REVIEW,
        document=role,
        message=f"Check {code} could not run ({reason}).",
        remediation=CHECK_ERROR_REMEDIATION,
        measured=code,
        unit="check_code",
    )


class _Runner:
    """Runs checks one by one, turning exceptions and an exhausted time budget into CHECK_ERROR findings, and
    adds each one's wall time to its domain's total in `seconds_by_domain` (when the caller asked for it)."""

    def __init__(self, deadline: float | None, seconds_by_domain: dict[str, float] | None) -> None:
        self.deadline = deadline
        self.findings: list[Finding] = []
        self.seconds_by_domain = seconds_by_domain

    def run(self, code: str, remediation: str, role: str | None, call: Callable[[], Result]) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.findings.append(_error_finding(code, role, "time budget for this bundle used up"))
            return
        started = time.perf_counter()
        try:
            outcomes = _outcomes(call())
        except Exception as exc:
            # Only the exception type reaches the log: messages may quote document content.
            log.warning("check %s raised %s", code, type(exc).__name__)
            self.findings.append(_error_finding(code, role, type(exc).__name__))
            return
        finally:
            if self.seconds_by_domain is not None:
                domain = DOMAIN_OF.get(code, "other")  # "other": a check passed in that the registry does not hold
                spent = time.perf_counter() - started
                self.seconds_by_domain[domain] = self.seconds_by_domain.get(domain, 0.0) + spent
        self.findings.extend(_finding(code, remediation, role, o) for o in outcomes)


def _applies(check: DocumentCheck, doc: DocumentContext) -> bool:
    return doc.role in check.roles and (not check.needs_pixels or doc.capture.decodes)


def check_bundle(
    spec: BundleSpec,
    files: Mapping[str, bytes],
    *,
    submit_on: date,
    policy: Policy,
    batch_id: str | None = None,
    deadline: float | None = None,
    max_pixels: int = MAX_PIXELS,
    document_checks: Iterable[DocumentCheck] = DOCUMENT_CHECKS,
    bundle_checks: Iterable[BundleCheck] = BUNDLE_CHECKS,
    readers: Iterable[Reader] = READERS,
    seconds_by_domain: dict[str, float] | None = None,
    previews: dict[str, bytes] | None = None,
) -> BundleVerdict:
    """Check one bundle. `files` maps each document's `file` name to its bytes; a missing one is a finding.

    `deadline` is a time.monotonic() value after which remaining checks are reported as not run. The documents'
    pixels and views are freed when it returns (BundleContext.release). `seconds_by_domain`, if given, receives
    the wall time spent in each domain's readers and checks (the worker exports it; the engine stays pure).
    `previews`, if given, receives the annotated preview (JPEG) of each document with a fail or review finding,
    by preview key (workers/checks/previews.py): made here, while the pixels are in memory.
    """
    bundle = BundleContext(spec=spec, submit_on=submit_on, policy=policy)
    for doc_spec in spec.documents:
        data = files.get(doc_spec.file, b"")
        capture = Capture(data=data, filename=doc_spec.file, max_pixels=max_pixels)
        bundle.documents.append(DocumentContext(spec=doc_spec, capture=capture, bundle=bundle))

    try:
        verdict = _run(bundle, batch_id, _Runner(deadline, seconds_by_domain), document_checks, bundle_checks, readers)
        if previews is not None:
            previews.update(_previews(bundle, verdict))
        return verdict
    finally:
        bundle.release()


def _run(
    bundle: BundleContext,
    batch_id: str | None,
    runner: _Runner,
    document_checks: Iterable[DocumentCheck],
    bundle_checks: Iterable[BundleCheck],
    readers: Iterable[Reader],
) -> BundleVerdict:
    spec, policy = bundle.spec, bundle.policy
    for doc in bundle.documents:
        for reader in readers:
            if doc.role in reader.roles and doc.capture.decodes:
                runner.run(reader.name, CHECK_ERROR_REMEDIATION, doc.role, _read_into(doc, reader.read))
    doc_checks = list(document_checks)
    for doc in bundle.documents:
        for check in doc_checks:
            if _applies(check, doc):
                runner.run(check.code, check.remediation, doc.role, _bind(check.evaluate, doc))
    for bcheck in bundle_checks:
        runner.run(bcheck.code, bcheck.remediation, None, _bind(bcheck.evaluate, bundle))

    # The policy's severity overrides first, so a root cause it softens to review no longer silences others.
    findings = root_causes_first(apply_severity(runner.findings, policy.severity, policy.name))
    verdict, summary = overall(findings)
    return BundleVerdict(
        batch_id=batch_id,
        reference=spec.reference,
        verdict=verdict,
        checked_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        engine_version=ENGINE_VERSION,
        policy=PolicyRef(name=policy.name, sha256=policy.sha256),
        findings=findings,
        documents=[_summarise(doc) for doc in bundle.documents],
        summary=summary,
        applicant_language=spec.language,
    )


def _previews(bundle: BundleContext, verdict: BundleVerdict) -> dict[str, bytes]:
    try:
        return document_previews(bundle, verdict.findings, [d.outline for d in verdict.documents])
    except Exception as exc:  # a preview is a courtesy: it never costs the bundle its verdict
        log.warning("previews not made: %s", type(exc).__name__)
        return {}


def _bind(evaluate: Callable[[C], Result], ctx: C) -> Callable[[], Result]:
    return lambda: evaluate(ctx)


def _read_into(doc: DocumentContext, read: Callable[[DocumentContext], dict[str, FieldValue]]) -> Callable[[], None]:
    def run() -> None:
        for name, value in read(doc).items():
            doc.read_fields.setdefault(name, value)

    return run


def _summarise(doc: DocumentContext) -> DocumentSummary:
    capture = doc.capture
    fmt, width, height = capture.header
    fields: dict[str, str] = {}
    for name in ("document_number", "expiry_date", "issue_date", "statement_date"):
        # The expiry the verdict judged (dating.document_expiry owns which source that is), not another one.
        found = document_expiry(doc)[0] if name == "expiry_date" else doc.field(name)
        if found is None:
            continue
        fields[name] = mask_document_number(found.value) if name == "document_number" else found.value
        fields[f"{name}_source"] = found.source
    if capture.decodes:
        width, height = capture.width, capture.height
    return DocumentSummary(
        role=doc.role,
        filename=doc.spec.file,
        sha256=capture.sha256,
        size_bytes=capture.size_bytes,
        format=fmt,
        width=width,
        height=height,
        outline=_outline(capture),
        fields=fields,
    )


def _outline(capture: Capture) -> list[list[float]] | None:
    """The document outline the capture-quality checks found (owned by locate.outline; read, never recomputed)."""
    found = capture.computed(DOCUMENT_OUTLINE)
    if found is None:
        return None
    return [[round(float(x), 1), round(float(y), 1)] for x, y in found.corners]


def error_verdict(spec: BundleSpec, batch_id: str | None, policy: Policy, reason: str) -> BundleVerdict:
    """The verdict of a bundle the engine could not finish: review, never silently dropped."""
    findings = [_error_finding("ENGINE", None, reason)]
    verdict, summary = overall(findings)
    return BundleVerdict(
        batch_id=batch_id,
        reference=spec.reference,
        verdict=verdict,
        checked_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        engine_version=ENGINE_VERSION,
        policy=PolicyRef(name=policy.name, sha256=policy.sha256),
        findings=findings,
        documents=[],
        summary=summary,
        applicant_language=spec.language,
    )
