"""Building the face checks' outcomes: regions (face box, whole frame) and measure-versus-limit results."""

from __future__ import annotations

from workers.checks.context import DocumentContext
from workers.checks.face.detect import Face, frame_polygon
from workers.checks.model import Outcome, Region, Status


def face_region(face: Face) -> Region:
    return Region(polygon=face.polygon)


def frame_region(doc: DocumentContext) -> Region:
    return Region(polygon=frame_polygon(doc.capture.width, doc.capture.height))


def limit_outcome(
    failed: bool,
    face: Face,
    *,
    measured: float,
    threshold: float,
    unit: str,
    bad: str,
    good: str,
    status: Status = Status.FAIL,
) -> Outcome:
    """An outcome for a face measure compared with one limit; `bad`/`good` are complete messages."""
    return Outcome(
        status=status if failed else Status.PASS,
        message=bad if failed else good,
        measured=round(measured, 3),
        threshold=threshold,
        unit=unit,
        region=face_region(face),
    )
