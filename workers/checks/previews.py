"""Which previews a bundle gets, and what each shows: one per document with a failing or review finding, made
by the engine while the document's pixels are still in memory (the caller stores or writes them; the engine
keeps nothing). A preview is document imagery: made only when the caller asks (docs/contract.md, "Previews")."""

from __future__ import annotations

from collections import Counter

from workers.checks.annotate import Mark, preview_jpeg
from workers.checks.context import BundleContext
from workers.checks.model import Finding, Status


def preview_key(role: str, nth: int) -> str:
    """How a document's preview is named: its role, and `.2`, `.3`... for a role's second and later documents
    (an ID card's front and back)."""
    return str(role) if nth == 1 else f"{role}.{nth}"


def _inside(polygon: list[list[float]], width: int, height: int) -> bool:
    return all(-1 <= x <= width + 1 and -1 <= y <= height + 1 for x, y in polygon)


def document_previews(
    bundle: BundleContext, findings: list[Finding], outlines: list[list[list[float]] | None]
) -> dict[str, bytes]:
    """Preview key -> JPEG, for each decodable document with a fail or review finding. A finding names its
    document by role; where a role has several documents, a finding's region is drawn on the one it fits in,
    and a finding without a region is listed on each of them."""
    open_findings = [f for f in findings if f.status is not Status.PASS and f.document is not None]
    seen: Counter[str] = Counter()
    previews: dict[str, bytes] = {}
    for doc, outline in zip(bundle.documents, outlines, strict=True):
        seen[doc.role] += 1
        mine = [f for f in open_findings if f.document == doc.role]
        if not mine or not doc.capture.decodes:
            continue
        width, height = doc.capture.width, doc.capture.height
        marks = [
            Mark(f.code, f.status.value, f.region.polygon if f.region is not None else None)
            for f in mine
            if f.region is None or _inside(f.region.polygon, width, height)
        ]
        if marks:
            previews[preview_key(doc.role, seen[doc.role])] = preview_jpeg(doc.capture.rgb, outline, marks)
    return previews
