"""Annotated previews: a document's photo shrunk to at most 1024 px, with the document outline and every failing
or review finding's region drawn and labelled with its code; findings without a region are listed in a band
above the photo. Pure numpy/OpenCV (the engine decides what to draw: workers/checks/previews.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import cv2
import numpy as np
from numpy.typing import NDArray

# The size for a preview (#20): large enough to see a cut corner or a glare patch, small enough that a
# stored preview is tens of kilobytes and shows no more of the document than a person needs to see the problem.
PREVIEW_MAX_SIDE = 1024
# JPEG quality of a preview: the drawing, not the document, is what must stay crisp (OpenCV's default is 95).
PREVIEW_QUALITY = 80
_COLOURS = {"fail": (220, 38, 38), "review": (234, 140, 0)}  # RGB: red, amber (the UI's status colours)
_OUTLINE = (37, 99, 235)  # blue: the document as found, not a problem
_FONT = cv2.FONT_HERSHEY_SIMPLEX
_FONT_SCALE = 0.5
_LINE_HEIGHT = 20


@dataclass(frozen=True)
class Mark:
    code: str
    status: str  # "fail" or "review"
    polygon: list[list[float]] | None  # full-resolution pixels; None: the finding has no region


def _label(canvas: NDArray[np.uint8], text: str, x: int, y: int, colour: tuple[int, int, int]) -> None:
    (w, h), base = cv2.getTextSize(text, _FONT, _FONT_SCALE, 1)
    x = int(np.clip(x, 0, max(0, canvas.shape[1] - w - 4)))
    y = int(np.clip(y, h + base + 2, canvas.shape[0] - 1))
    cv2.rectangle(canvas, (x, y - h - base - 2), (x + w + 4, y), colour, thickness=-1)
    cv2.putText(canvas, text, (x + 2, y - base), _FONT, _FONT_SCALE, (255, 255, 255), 1, cv2.LINE_AA)


def draw_preview(
    rgb: NDArray[np.uint8], outline: list[list[float]] | None, marks: list[Mark], max_side: int = PREVIEW_MAX_SIDE
) -> NDArray[np.uint8]:
    """The annotated preview as RGB pixels (longer side at most `max_side` plus the band of region-less codes)."""
    scale = min(1.0, max_side / max(rgb.shape[:2]))
    size = (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale)))
    resized = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA) if scale < 1.0 else rgb.copy()
    canvas: NDArray[np.uint8] = np.ascontiguousarray(resized, dtype=np.uint8)
    thickness = max(2, round(max(size) / 400))
    if outline is not None:
        points = np.round(np.asarray(outline, dtype=np.float64) * scale).astype(np.int32)
        cv2.polylines(canvas, [points], isClosed=True, color=_OUTLINE, thickness=thickness, lineType=cv2.LINE_AA)
    for mark in marks:
        if mark.polygon is None:
            continue
        colour = _COLOURS.get(mark.status, _COLOURS["review"])
        points = np.round(np.asarray(mark.polygon, dtype=np.float64) * scale).astype(np.int32)
        cv2.polylines(canvas, [points], isClosed=True, color=colour, thickness=thickness, lineType=cv2.LINE_AA)
        _label(canvas, mark.code, int(points[:, 0].min()), int(points[:, 1].min()) - 2, colour)
    listed = [m for m in marks if m.polygon is None]
    if not listed:
        return canvas
    band = np.full((_LINE_HEIGHT * len(listed) + 6, canvas.shape[1], 3), 24, dtype=np.uint8)
    for row, mark in enumerate(listed):
        _label(band, f"{mark.code} ({mark.status})", 4, _LINE_HEIGHT * (row + 1), _COLOURS.get(mark.status, _OUTLINE))
    return cast(NDArray[np.uint8], np.vstack([band, canvas]))


def preview_jpeg(rgb: NDArray[np.uint8], outline: list[list[float]] | None, marks: list[Mark]) -> bytes:
    """draw_preview encoded as a JPEG (no metadata: nothing of the original file's EXIF is carried over)."""
    drawn = draw_preview(rgb, outline, marks)
    ok, encoded = cv2.imencode(
        ".jpg", cv2.cvtColor(drawn, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, PREVIEW_QUALITY]
    )
    if not ok:
        raise ValueError("the preview could not be encoded")
    return bytes(encoded.tobytes())
