"""What the workspace pages show, computed from verdicts and batch records (no HTTP here)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from workers.checks.model import BundleVerdict, Finding, Status


@dataclass(frozen=True)
class BatchRow:
    batch_id: str
    created_at: str
    state: str
    total: int
    done: int
    counts: dict[str, int]


def batch_row(batch_id: str, record: dict[str, str]) -> BatchRow:
    counts = {v: int(record.get(f"count:{v}", 0)) for v in ("ready", "fix_required", "review")}
    return BatchRow(
        batch_id,
        record.get("created_at", ""),
        record.get("state", ""),
        int(record["total"]),
        int(record["done"]),
        counts,
    )


def primary(verdict: BundleVerdict) -> Finding | None:
    """The finding to read first: the verdict's first fail, else its first review (findings come root cause
    first, docs/contract.md)."""
    for status in (Status.FAIL, Status.REVIEW):
        found = next((f for f in verdict.findings if f.status is status), None)
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class Filters:
    verdict: str = ""
    code: str = ""
    role: str = ""

    def keep(self, verdict: BundleVerdict) -> bool:
        flagged = [f for f in verdict.findings if f.status is not Status.PASS]
        return (
            (not self.verdict or verdict.verdict.value == self.verdict)
            and (not self.code or any(f.code == self.code for f in flagged))
            and (not self.role or any(f.document == self.role for f in flagged))
        )


@dataclass
class BatchView:
    verdicts: list[BundleVerdict]
    codes: list[tuple[str, int]] = field(default_factory=list)  # most frequent fail and review codes
    roles: list[str] = field(default_factory=list)


def batch_view(verdicts: list[BundleVerdict], filters: Filters) -> BatchView:
    flagged = [f for v in verdicts for f in v.findings if f.status is not Status.PASS]
    codes = Counter(f.code for f in flagged).most_common()
    roles = sorted({f.document for f in flagged if f.document})
    return BatchView([v for v in verdicts if filters.keep(v)], codes, roles)


@dataclass(frozen=True)
class DocumentGroup:
    document: str
    open_findings: list[Finding]
    passed: list[Finding]
    preview_keys: list[str]


def document_groups(verdict: BundleVerdict, previews: set[str]) -> list[DocumentGroup]:
    """Findings by document (bundle-wide ones last), the open ones in verdict order, the passes apart."""
    order = [d.role for d in verdict.documents] + [f.document or "bundle" for f in verdict.findings]
    groups = []
    for document in dict.fromkeys(order):
        mine = [f for f in verdict.findings if (f.document or "bundle") == document]
        keys = sorted(k for k in previews if k.split(".")[0] == document)
        groups.append(
            DocumentGroup(
                document,
                [f for f in mine if f.status is not Status.PASS],
                [f for f in mine if f.status is Status.PASS],
                keys,
            )
        )
    return groups
