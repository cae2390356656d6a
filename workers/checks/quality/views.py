"""The measures applied to one Capture's document, each computed once and cached on the Capture.

Sizes: the outline is searched at 560 px; sharpness is read on the text strokes of the document seen flat at
up to 1600 px, in millimetres of the document (so a 12 MP and a 3 MP photo of the same card score alike); light,
colour, glare and occlusion on small flat views (256-400 px); the screen-grid spectrum on a native-resolution
patch.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TypeVar

import cv2
import numpy as np
from numpy.typing import NDArray

from workers.checks.capture import Capture, Fact
from workers.checks.files.signals import camera_name
from workers.checks.locate.flat import document_crop, surround_crop
from workers.checks.locate.geometry import aspect_ratio, rectified_size, tilt_degrees
from workers.checks.locate.outline import ANALYSIS_SIDE, Outline
from workers.checks.locate.scaled import reduced_view
from workers.checks.locate.text import text_line_mask
from workers.checks.quality import chroma, crossing, measures, strokes
from workers.checks.quality import thresholds as t
from workers.checks.spectrum import periodic_peak

Pixels = TypeVar("Pixels", NDArray[np.uint8], NDArray[np.bool_])  # an image or a mask of it

# The detail tiles sharpness was read on before the stroke measure (edge steepness on the 16 most detailed 96 px
# tiles at 1000 px); bench/quality.py still times that view.
SHARPNESS_SIDE = 1000
SHARPNESS_TILE = 96
SHARPNESS_TILES = 16
# Sharpness reads the whole flat document at up to 1600 px: an ID-1 card at 18.7 px/mm, a passport page
# at 12.8 px/mm, where a 0.3 mm stroke is 4-6 px wide and its edges' rise is measured to a quarter pixel.
STROKE_SIDE = 1600
LIGHT_SIDE = 256
GLARE_SIDE = 400
OCCLUSION_SIDE = 256
# The band of the photo around the flat document read for colour crossing its edge (share of its longer side):
# wider than the reach beyond the edge that crossing.py compares (twice its EDGE_BAND of the shorter side).
SURROUND_SHARE = 0.1
# Side of the native-resolution patch whose spectrum shows a screen's pixel grid: 512 px hold 80+ periods of
# a 3-6 px grid.
SCREEN_PATCH = 512

# Longer sides of the documents, in millimetres (ISO/IEC 7810 ID-1 and ID-3, ISO 216 A4).
ID1_LONG_MM = 85.6
ID3_LONG_MM = 125.0
A4_LONG_MM = 297.0


# The measures of a capture's document, each made once per outline (at(outline tag); sharpness at(paper, tag)).
SHARPNESS: Fact[float] = Fact("quality.sharpness", needs=("locate.document_crop",))
GLARE_MASK: Fact[NDArray[np.bool_]] = Fact("quality.glare_mask", needs=("locate.document_crop",))
SPECULAR_MASK: Fact[NDArray[np.bool_]] = Fact(
    "quality.specular_mask", needs=("locate.document_crop", "quality.glare_mask")
)
GLARE_COVERS: Fact[tuple[bool, bool]] = Fact(
    "quality.glare_covers", needs=("locate.document_crop", "quality.glare_mask")
)
FALLOFF: Fact[float] = Fact("quality.falloff", needs=("locate.document_crop",))
BRIGHT_LEVEL: Fact[float] = Fact("quality.bright_level", needs=("locate.document_crop",))
CLIPPED: Fact[float] = Fact("quality.clipped", needs=("locate.document_crop",))
FINGERS: Fact[NDArray[np.bool_]] = Fact("quality.fingers", needs=("locate.document_crop",))
CROSSING_COLOUR: Fact[NDArray[np.bool_]] = Fact(
    "quality.crossing_colour", needs=("locate.surround_crop", "quality.fingers")
)
PRINT_CHROMA: Fact[float] = Fact(
    "quality.print_chroma", needs=("locate.document_crop", "quality.crossing_colour", "quality.fingers")
)
OCCLUSION: Fact[float] = Fact(
    "quality.occlusion",
    needs=("locate.surround_crop", "quality.crossing_colour", "quality.fingers", "quality.print_chroma"),
)
CLUTTER: Fact[float] = Fact("quality.clutter", needs=("locate.reduced_view",))
SCREEN_PEAK: Fact[float] = Fact("quality.screen_peak")
WHITE_SURROUND: Fact[float] = Fact("quality.white_surround", needs=("locate.reduced_view",))


def upright_gray(capture: Capture, outline: Outline, paper: bool, max_side: int) -> NDArray[np.uint8]:
    """The flat document in grey, its longer side at most `max_side`, turned so that its text lines run
    across: ID cards and passport pages are landscape, letters and bills portrait (an outline found on a
    photo taken sideways gives a flat view standing on its side)."""
    gray = measures.grey(document_crop(capture, outline, max_side))
    if (gray.shape[0] > gray.shape[1]) != paper:
        gray = np.ascontiguousarray(np.rot90(gray))
    return gray


def sharpness(capture: Capture, outline: Outline, paper: bool = False) -> float:
    """Sharpness of the text strokes: 1 / their edges' width in mm of the document (strokes.stroke_sharpness),
    read on the flat document at up to STROKE_SIDE px; `paper` for an A4 letter or bill (its scale and
    orientation), else an ID card or passport page."""

    def build() -> float:
        gray = upright_gray(capture, outline, paper, STROKE_SIDE)
        return strokes.stroke_sharpness(gray, max(gray.shape) / long_side_mm(outline, paper))

    return capture.cached(SHARPNESS.at(paper, outline.tag), build)


@cache
def _face_detector() -> cv2.CascadeClassifier:
    # The cascade files ship inside opencv-python 4.x wheels (ARCHITECTURE section 5), next to the module.
    cascade = Path(cv2.__file__).parent / "data" / "haarcascade_frontalface_default.xml"
    return cv2.CascadeClassifier(str(cascade))


def portrait_box(flat_rgb: NDArray[np.uint8]) -> tuple[int, int, int, int] | None:
    """(x, y, w, h) of the largest frontal face printed on the flat document, widened to the portrait's
    frame (1.6x wide, 2x tall, as an ID portrait shows head and shoulders), or None."""
    gray = cv2.cvtColor(flat_rgb, cv2.COLOR_RGB2GRAY)
    min_side = max(20, min(gray.shape) // 10)
    faces = _face_detector().detectMultiScale(gray, 1.15, 4, minSize=(min_side, min_side))
    if len(faces) == 0:
        return None
    x, y, w, h = max(faces, key=lambda f: int(f[2]) * int(f[3]))
    return int(x - 0.3 * w), int(y - 0.4 * h), int(1.6 * w), int(2.0 * h)


def glare_mask(capture: Capture, outline: Outline) -> NDArray[np.bool_]:
    """Glare on the flat document at GLARE_SIDE."""
    return capture.cached(
        GLARE_MASK.at(outline.tag), lambda: measures.glare_mask(document_crop(capture, outline, GLARE_SIDE))
    )


def glare_fraction(capture: Capture, outline: Outline) -> float:
    """Share (0-1) of the document under glare."""
    return float(glare_mask(capture, outline).mean())


def specular_mask(capture: Capture, outline: Outline) -> NDArray[np.bool_]:
    """Glare that hides the document's content, on the flat document at GLARE_SIDE: the glare_mask blobs over
    text or the portrait whose strokes they wash out (strokes.specular_glare)."""

    def build() -> NDArray[np.bool_]:
        flat = document_crop(capture, outline, GLARE_SIDE)
        return strokes.specular_glare(flat, glare_mask(capture, outline), lambda: portrait_box(flat))

    return capture.cached(SPECULAR_MASK.at(outline.tag), build)


def specular_fraction(capture: Capture, outline: Outline) -> float:
    """Share (0-1) of the document under glare that hides its text or portrait (specular_mask). Not IMAGE_GLARE's
    measure: on the real corpus's calibration half it catches and false-flags what glare_fraction does
    (bench/blur_glare_real.py), so the rule was not switched."""
    return float(specular_mask(capture, outline).mean())


def glare_covers(capture: Capture, outline: Outline) -> tuple[bool, bool]:
    """(over text, over the portrait): read only to explain a failure (the face search is the costly part)."""

    def build() -> tuple[bool, bool]:
        mask = glare_mask(capture, outline)
        if not mask.any():
            return False, False
        flat = document_crop(capture, outline, GLARE_SIDE)
        # Text is invisible under glare: look for text lines just around the glare instead.
        text = text_line_mask(np.asarray(cv2.cvtColor(flat, cv2.COLOR_RGB2GRAY), dtype=np.uint8))
        reach = max(3, round(0.03 * max(flat.shape[:2])))
        near = cv2.dilate(mask.astype(np.uint8), np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)) > 0
        box = portrait_box(flat)
        over_portrait = False
        if box is not None:
            x, y, w, h = box
            over_portrait = bool(mask[max(0, y) : y + h, max(0, x) : x + w].any())
        return bool((near & text).any()), over_portrait

    return capture.cached(GLARE_COVERS.at(outline.tag), build)


def falloff(capture: Capture, outline: Outline) -> float:
    return capture.cached(
        FALLOFF.at(outline.tag),
        lambda: measures.illumination_falloff(document_crop(capture, outline, LIGHT_SIDE)),
    )


def whole_bright_level(capture: Capture) -> float:
    """bright_level of the whole image, for when no document is found (exposure may be why)."""
    return measures.bright_level(reduced_view(capture, LIGHT_SIDE)[0])


def whole_clipped(capture: Capture) -> float:
    return measures.clipped_fraction(reduced_view(capture, LIGHT_SIDE)[0])


def bright_level(capture: Capture, outline: Outline) -> float:
    return capture.cached(
        BRIGHT_LEVEL.at(outline.tag),
        lambda: measures.bright_level(document_crop(capture, outline, LIGHT_SIDE)),
    )


def clipped(capture: Capture, outline: Outline) -> float:
    return capture.cached(
        CLIPPED.at(outline.tag), lambda: measures.clipped_fraction(document_crop(capture, outline, LIGHT_SIDE))
    )


def inner(image: Pixels, margin: float = 0.03) -> Pixels:
    """The image without a `margin` band all round: an outline a pixel off carries a strip of table, which a
    measure of colour would take for the document's."""
    h, w = image.shape[:2]
    dy, dx = max(1, round(margin * h)), max(1, round(margin * w))
    return image[dy : h - dy, dx : w - dx]


def fingers(capture: Capture, outline: Outline) -> NDArray[np.bool_]:
    """Fingers or a hand over the flat document at OCCLUSION_SIDE (skin entering from its edge)."""
    return capture.cached(
        FINGERS.at(outline.tag),
        lambda: measures.finger_mask(document_crop(capture, outline, OCCLUSION_SIDE)),
    )


def crossing_colour(capture: Capture, outline: Outline) -> NDArray[np.bool_]:
    """Coloured things crossing the flat document's edge at OCCLUSION_SIDE (crossing.crossing_colour): a pen,
    a toy or a nail over it, whose colour runs on beyond its edge. Empty for a page that fills the frame."""

    def build() -> NDArray[np.bool_]:
        surround = surround_crop(capture, outline, OCCLUSION_SIDE, SURROUND_SHARE)
        held_by = fingers(capture, outline)
        if surround is None:
            return np.zeros(held_by.shape, bool)
        return crossing.crossing_colour(surround.rgb, surround.inside_image, surround.margin, held_by)

    return capture.cached(CROSSING_COLOUR.at(outline.tag), build)


def print_chroma(capture: Capture, outline: Outline) -> float:
    """Colour of the document's print with the light's colour removed, in % of its paper white
    (chroma.print_chroma), on the flat document at OCCLUSION_SIDE, with what is not its print left out: the
    fingers holding it (a greyscale copy held in a hand is still grey) and coloured things crossing its edge
    (a marker or a toy over a grey copy)."""

    def build() -> float:
        crop = document_crop(capture, outline, OCCLUSION_SIDE)
        not_print = fingers(capture, outline) | crossing_colour(capture, outline)
        return chroma.print_chroma(inner(crop), ignore=inner(not_print))

    return capture.cached(PRINT_CHROMA.at(outline.tag), build)


def occlusion(capture: Capture, outline: Outline) -> float:
    """Share (0-1) of the document covered: fingers over it, and, on a document whose print is grey (DOC_PHOTOCOPY's
    own measure under its limit), coloured things crossing its edge. A grey copy carries no coloured print, so
    a coloured blob running on past its edge is in front of it (a marker, a toy, painted nails); on a colour
    document it may be the document's own print meeting a table of its colour (measured on the real corpus:
    a card on a blue towel, a specimen on its own colour), so there only skin counts, and only skin that runs on
    past the edge as a hand does (crossing.skin_running_on)."""

    def build() -> float:
        covered = fingers(capture, outline)
        limit = t.SELFIE_MIN_PRINT_CHROMA if outline.held else t.MIN_PRINT_CHROMA
        if print_chroma(capture, outline) < limit:
            covered = covered | crossing_colour(capture, outline)
        elif not outline.held and covered.any():
            # On a colour document, peach or pink print at its edge is skin-coloured too: a hand's skin runs on
            # past the edge, the print stops there.
            surround = surround_crop(capture, outline, OCCLUSION_SIDE, SURROUND_SHARE)
            if surround is not None:
                covered = crossing.skin_running_on(covered, surround.rgb, surround.inside_image, surround.margin)
        if not outline.held:
            # A strip of the table or of a shadow that the edge search took in along a side lies along the edge;
            # a finger or an object in front enters across it. (A held card's outline is its matched corners.)
            covered = measures.without_edge_strips(covered, t.MAX_COVER_ELONGATION)
        return measures.covered_share(covered)

    return capture.cached(OCCLUSION.at(outline.tag), build)


def clutter(capture: Capture, outline: Outline) -> float:
    def build() -> float:
        if outline.fills_frame:
            return 0.0
        view, scale = reduced_view(capture, ANALYSIS_SIDE)
        gray = np.asarray(cv2.cvtColor(view, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
        mask = np.zeros(gray.shape, np.uint8)
        cv2.fillConvexPoly(mask, np.round(outline.corners / scale).astype(np.int32), 1)
        return measures.background_clutter(gray, mask > 0)

    return capture.cached(CLUTTER.at(outline.tag), build)


def screen_peak(capture: Capture, outline: Outline) -> float:
    def build() -> float:
        # A native-resolution patch around the document's centre: resampling would smear a pixel grid.
        cx, cy = outline.corners.mean(axis=0)
        w, h = rectified_size(outline.corners)
        half = int(min(SCREEN_PATCH // 2, 0.35 * min(w, h)))
        x0, y0 = max(0, int(cx) - half), max(0, int(cy) - half)
        patch = capture.rgb[y0 : y0 + 2 * half, x0 : x0 + 2 * half]
        return periodic_peak(np.asarray(cv2.cvtColor(patch, cv2.COLOR_RGB2GRAY), dtype=np.uint8))

    return capture.cached(SCREEN_PEAK.at(outline.tag), build)


def perspective_angle(outline: Outline) -> float:
    """How far (degrees) from straight above the document was photographed: 0 for a flat scan."""
    if outline.fills_frame or outline.cut_corners:
        return 0.0  # a cut outline is not the document's true shape: its corners would mislead
    return tilt_degrees(outline.corners, outline.image_size)


def long_side_mm(outline: Outline, paper: bool) -> float:
    """Physical longer side of the document: A4 for letters and bills; for ID documents ID-1 (aspect 1.59)
    or ID-3 (passport page, aspect 1.42), told apart by the seen aspect ratio."""
    if paper:
        return A4_LONG_MM
    return ID1_LONG_MM if aspect_ratio(outline.corners) >= 1.5 else ID3_LONG_MM


def pixels_per_mm(outline: Outline, paper: bool) -> float:
    w, h = rectified_size(outline.corners)
    return max(w, h) / long_side_mm(outline, paper)


def camera_made(capture: Capture) -> bool:
    """The file names the camera that took it (EXIF Make or Model, which camera apps write: EXIF 2.32);
    scanners' and PDF exporters' images and screenshots name none."""
    return camera_name(capture.exif) is not None


def white_surround(capture: Capture, outline: Outline) -> float:
    """Share (0-1) of the frame around the document blown out to white (all channels >= 250), on the 560 px
    view: a scanner's lid or bed, or an exported page's margin, is; a desk, a hand or a newspaper under a
    photographed document is not. 0 when the document fills the frame."""

    def build() -> float:
        view, scale = reduced_view(capture, ANALYSIS_SIDE)
        around = np.ones(view.shape[:2], np.uint8)
        cv2.fillConvexPoly(around, np.round(outline.corners / scale).astype(np.int32), 0)
        if not around.any():
            return 0.0
        return measures.clipped_fraction(view[around.astype(bool)])

    return capture.cached(WHITE_SURROUND.at(outline.tag), build)


def scanned_page(capture: Capture, outline: Outline) -> bool:
    """The document is a page as a scanner or an export gives it, not a photo of it: no camera named the file,
    and the page fills the frame or lies on white (thresholds.MIN_SCAN_SURROUND_WHITE)."""
    if camera_made(capture):
        return False
    return outline.fills_frame or white_surround(capture, outline) >= t.MIN_SCAN_SURROUND_WHITE
