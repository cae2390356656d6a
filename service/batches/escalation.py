"""The escalation packet: what an applicant whose account was locked after a KYC submission sends to the
exchange's support desk (issue #19 item 5). Built from the stored verdict and the batch record only: file
fingerprints (SHA-256, size, dimensions), timestamps, the verdict's findings, and the checklist support asks for.
No image and nothing read off a document beyond what the verdict already quotes."""

from __future__ import annotations

import msgspec

from workers.checks.model import AttemptChanges, BundleVerdict, Status

# What support desks ask for in a locked-account ticket (exchange help centres; issue #19 item 5).
CHECKLIST = (
    "Attach the re-submitted files to the ticket itself (not a link), the same files whose SHA-256 is listed here.",
    "Quote the number of your previous ticket, if you opened one.",
    "Say whether judicial involvement or third-party fund tracing is suspected on the account (yes or no).",
    "If there is no answer after 72 business hours, ask for a Tier-2 compliance review of the ticket.",
    "Keep every timestamp in this packet: when the files were received and when they were checked.",
)


class PacketFile(msgspec.Struct):
    role: str
    filename: str
    sha256: str
    size_bytes: int
    width: int | None
    height: int | None
    received_at: str | None
    checked_at: str


class PacketFinding(msgspec.Struct):
    code: str
    status: str
    document: str | None
    message: str


class EscalationPacket(msgspec.Struct):
    subject: str
    batch_id: str
    reference: str
    verdict: str
    received_at: str | None
    checked_at: str
    policy: str
    summary: dict[str, int]
    files: list[PacketFile]
    # The findings that kept the bundle from ready (fail first, then review); passes are left out.
    findings: list[PacketFinding]
    checklist: list[str]
    # The applicant's attempt number and what changed since the previous attempt (applicant history).
    attempt: int | None = None
    changes: AttemptChanges | None = None
    lockout_warning: str | None = None


def build_packet(
    verdict: BundleVerdict, batch_id: str, received_at: str | None, subject_template: str
) -> EscalationPacket:
    """The packet of one checked bundle. `received_at`: when the batch was received (its record's created_at)."""
    files = [
        PacketFile(d.role, d.filename, d.sha256, d.size_bytes, d.width, d.height, received_at, verdict.checked_at)
        for d in verdict.documents
    ]
    order = {Status.FAIL: 0, Status.REVIEW: 1}
    open_findings = sorted((f for f in verdict.findings if f.status in order), key=lambda f: order[f.status])
    return EscalationPacket(
        subject=subject_template.replace("{reference}", verdict.reference),
        batch_id=batch_id,
        reference=verdict.reference,
        verdict=verdict.verdict.value,
        received_at=received_at,
        checked_at=verdict.checked_at,
        policy=f"{verdict.policy.name} (sha256 {verdict.policy.sha256})",
        summary={"fail": verdict.summary.fail, "review": verdict.summary.review, "pass": verdict.summary.passed},
        files=files,
        findings=[PacketFinding(f.code, f.status.value, f.document, f.message) for f in open_findings],
        checklist=list(CHECKLIST),
        attempt=verdict.attempt,
        changes=verdict.changes,
        lockout_warning=verdict.lockout_warning,
    )


def packet_markdown(packet: EscalationPacket) -> str:
    """The packet as a ticket body in Markdown (its first line is the subject)."""
    out = [
        f"# {packet.subject}",
        "",
        f"- Reference (UID): {packet.reference}",
        f"- Preflight batch: {packet.batch_id}",
        f"- Files received: {packet.received_at or 'unknown'}",
        f"- Files checked: {packet.checked_at}",
        f"- Preflight verdict: **{packet.verdict}** ({packet.summary['fail']} fail, {packet.summary['review']} "
        f"review, {packet.summary['pass']} pass; policy {packet.policy})",
        "",
        "## Files",
        "",
        "| role | file | SHA-256 | bytes | pixels | received | checked |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in packet.files:
        pixels = f"{f.width} x {f.height}" if f.width and f.height else "-"
        out.append(
            f"| {f.role} | {_cell(f.filename)} | `{f.sha256}` | {f.size_bytes} | {pixels} | {f.received_at or '-'} "
            f"| {f.checked_at} |"
        )
    out += ["", "## Findings that kept the bundle from ready", ""]
    out += [f"- **{f.code}** ({f.status}, {f.document or 'bundle'}): {f.message}" for f in packet.findings] or [
        "- none: every check passed."
    ]
    out += ["", "## Attempts", "", *_attempt_lines(packet)]
    out += ["", "## Checklist", ""] + [f"- [ ] {item}" for item in packet.checklist]
    return "\n".join(out) + "\n"


def _attempt_lines(packet: EscalationPacket) -> list[str]:
    if packet.attempt is None:
        return ["- not known (no applicant history for this bundle)."]
    lines = [f"- This is preflight attempt {packet.attempt} for this applicant."]
    if packet.changes is not None:
        c = packet.changes
        lines += [
            f"- Previous attempt: {c.previous_verdict.value}.",
            f"- Fixed since then: {', '.join(c.fixed) or 'nothing'}.",
            f"- New since then: {', '.join(c.new) or 'nothing'}.",
            f"- Still failing: {', '.join(c.still_failing) or 'nothing'}.",
        ]
    if packet.lockout_warning:
        lines.append(f"- {packet.lockout_warning}")
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
