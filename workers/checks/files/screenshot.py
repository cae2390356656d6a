"""Is this file a screenshot rather than a camera photo? The file's own evidence, reported as a review.

The pixels' evidence (UI bars at a screen's size) is SCREEN_CAPTURE_UI's to report; both read one fact,
workers/checks/files/screen_evidence.py, so they never disagree.
"""

from __future__ import annotations

from workers.checks.context import DocumentContext
from workers.checks.files.screen_evidence import MIN_SYNTHETIC_FLAT, ScreenEvidence, screen_evidence
from workers.checks.model import Outcome, Status
from workers.checks.spec import ALL_ROLES, DocumentCheck


def file_evidence(evidence: ScreenEvidence, width: int, height: int) -> list[str]:
    """The file's positive evidence of a screenshot, in words (empty when there is none)."""
    found: list[str] = []
    if evidence.marker is not None:
        found.append(f"the metadata ({evidence.marker}) says it is a screenshot")
    if evidence.has_flat_fills:
        found.append(
            f"it is a lossless {width} x {height} file at a screen's size or shape, "
            f"{evidence.synthetic_flat:.0%} of it perfectly flat rendered fills with no sensor noise"
        )
    return found


def _screenshot_suspected(doc: DocumentContext) -> Outcome:
    capture = doc.capture
    evidence = screen_evidence(capture)
    found = file_evidence(evidence, capture.width, capture.height)
    if found:
        if evidence.camera is None:
            found.insert(0, "it carries no camera EXIF (Make/Model)")
        return Outcome(
            status=Status.REVIEW,
            message="This looks like a screenshot, not a camera photo: "
            + "; ".join(found)
            + f" ({len(found)} signs, 1 is enough).",
            measured=len(found),
            threshold=1,
            unit="signals",
        )
    if evidence.has_ui_bars:
        return Outcome(
            status=Status.PASS,
            message="Not judged here: the screen's UI bars are SCREEN_CAPTURE_UI's finding.",
            unit="signals",
        )
    origin = f"camera EXIF says {evidence.camera}" if evidence.camera else "no screenshot metadata or rendered fills"
    return Outcome(
        status=Status.PASS,
        message=f"No sign of a screenshot ({origin}: no screenshot signal, 1 would be enough; a missing EXIF or a "
        "screen-like size alone proves nothing).",
        measured=0,
        threshold=1,
        unit="signals",
    )


FILE_SCREENSHOT_SUSPECTED = DocumentCheck(
    code="FILE_SCREENSHOT_SUSPECTED",
    summary="The file is a screenshot: its metadata says so, or it is a lossless screen-sized file of flat fills.",
    remediation=(
        "Photograph the original document with the phone's camera app and send that photo; do not send a "
        "screenshot of a photo, a scan or a web page."
    ),
    threshold_source=(
        "Positive evidence only: a 'Screenshot' marker or a screenshot tool's name in the metadata (alone "
        "suffices), or a PNG without camera EXIF at a screen's exact size or a phone screen's shape with at "
        f"least {MIN_SYNTHETIC_FLAT:.0%} perfectly flat mid-tone 16 px blocks (genuine lossless images of the "
        "real corpus: at most 2.5 %). No EXIF and a screen-like size alone are not evidence: phone video "
        "frames have both."
    ),
    roles=ALL_ROLES,
    evaluate=_screenshot_suspected,
)
