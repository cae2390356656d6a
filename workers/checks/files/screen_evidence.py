"""Camera or screen? The one place that decides, read by FILE_SCREENSHOT_SUSPECTED and SCREEN_CAPTURE_UI.

A screenshot needs positive evidence: the metadata saying so (a screenshot marker, a screenshot tool), the
rendered UI bars of a phone or desktop at the image's edge, or a lossless file made of perfectly flat synthetic
fills. A missing EXIF block or a screen-like size alone proves nothing: phone video frames (1080 x 1920,
2160 x 3840, no EXIF) and images resaved by a messenger or an editor have both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from workers.checks.capture import Capture, Fact
from workers.checks.files.signals import camera_name, has_phone_screen_aspect, is_screen_sized, screenshot_marker

# A status bar is ~24 dp of a ~800 dp tall phone screen (3 %), a navigation bar ~48 dp (6 %, and on the long
# side in landscape); 2.5 % of the long side stays inside either bar on every phone layout.
BAR_FRACTION = 0.025
# Share of an edge band at one exact grey value (+-1): rendered bars measure >= 0.9 (the real phone-app
# screenshot in the corpus: 0.98); the 80 real phone video frames of documents read at most 0.55 and camera
# photos are held below 0.5 by sensor noise. 0.75 sits between.
MIN_BAR_FLATNESS = 0.75
# Side of the square blocks read for perfectly flat fills, in pixels.
FLAT_BLOCK = 16
# Share of mid-tone blocks that are one exact value in a lossless file. A screen's flat app backgrounds fill
# far more; the lossless genuine images of the real corpus (specimen PNGs, scans) read at most 0.025, so 0.10
# leaves four times that.
MIN_SYNTHETIC_FLAT = 0.10


def ui_bar_score(band: NDArray[np.uint8]) -> float:
    """How much a band along the image's edge looks like a rendered UI bar, 0-1 (rows along the edge).

    A status or navigation bar is one exact colour (no sensor noise: a camera never gives 80 % of pixels the
    same value within 1 grey level) with a little sharp content (clock, icons). The score is the share of
    pixels at the band's modal value (+-1) when 0.3-25 % of the pixels are strongly different content, else 0.
    """
    if band.size == 0:
        return 0.0
    histogram = np.bincount(band.ravel(), minlength=256)
    mode = int(histogram.argmax())
    flat = float(histogram[max(0, mode - 1) : mode + 2].sum() / band.size)
    content = float((histogram[: max(0, mode - 40)].sum() + histogram[mode + 41 :].sum()) / band.size)
    return flat if 0.003 <= content <= 0.25 else 0.0


def synthetic_flat_share(gray: NDArray[np.uint8], block: int = FLAT_BLOCK) -> float:
    """Share of `block`-square blocks that hold one exact mid-tone value (not clipped black or white), 0-1.

    Sensor noise keeps every block of a camera photo varied; only rendered fills are perfectly flat.
    """
    h, w = (gray.shape[0] // block) * block, (gray.shape[1] // block) * block
    if h == 0 or w == 0:
        return 0.0
    blocks = gray[:h, :w].reshape(h // block, block, w // block, block).swapaxes(1, 2).reshape(-1, block * block)
    low, high = blocks.min(axis=1), blocks.max(axis=1)
    return float(((low == high) & (low > 0) & (high < 255)).mean())


@dataclass(frozen=True)
class ScreenEvidence:
    """What the file and its pixels say about a screen capture."""

    camera: str | None  # EXIF Make/Model, when a camera wrote the file
    marker: str | None  # where the metadata says screenshot (or names a screenshot tool)
    screen_sized: bool  # exactly a common screen's pixel size
    phone_shaped_png: bool  # a PNG with a phone screen's tall shape
    bars: tuple[str, ...]  # edges holding a rendered UI bar: "top", "bottom", "left", "right"
    bar_flatness: float  # the flattest edge band's ui_bar_score
    synthetic_flat: float  # synthetic_flat_share of a lossless file (0 for JPEG)

    @property
    def screen_shaped(self) -> bool:
        return self.screen_sized or self.phone_shaped_png

    @property
    def has_ui_bars(self) -> bool:
        """UI chrome at a screen's size, in a file no camera wrote: the pixels show a screen capture."""
        return self.camera is None and self.screen_shaped and bool(self.bars)

    @property
    def has_flat_fills(self) -> bool:
        """A lossless screen-shaped file made of rendered flat fills, with no camera EXIF."""
        return self.camera is None and self.screen_shaped and self.synthetic_flat >= MIN_SYNTHETIC_FLAT


def _edge_bands(gray: NDArray[np.uint8]) -> dict[str, NDArray[np.uint8]]:
    band = max(4, int(max(gray.shape) * BAR_FRACTION))
    return {"top": gray[:band], "bottom": gray[-band:], "left": gray[:, :band].T, "right": gray[:, -band:].T}


# The one answer to "was this file made by a screen?", measured once per file.
SCREEN_EVIDENCE: Fact[ScreenEvidence] = Fact("files.screen_evidence", needs=("capture.gray",))


def screen_evidence(capture: Capture) -> ScreenEvidence:
    """The screen-capture evidence of a decoded capture, computed once and shared."""
    return capture.cached(SCREEN_EVIDENCE, lambda: _measure(capture))


def _measure(capture: Capture) -> ScreenEvidence:
    gray = capture.gray
    scores = {edge: ui_bar_score(np.ascontiguousarray(band)) for edge, band in _edge_bands(gray).items()}
    lossless = capture.header[0] == "PNG"
    return ScreenEvidence(
        camera=camera_name(capture.exif),
        marker=screenshot_marker(capture.exif, capture.info),
        screen_sized=is_screen_sized(capture.width, capture.height),
        phone_shaped_png=lossless and has_phone_screen_aspect(capture.width, capture.height),
        bars=tuple(edge for edge, score in scores.items() if score >= MIN_BAR_FLATNESS),
        bar_flatness=round(max(scores.values()), 3),
        synthetic_flat=round(synthetic_flat_share(gray), 3) if lossless else 0.0,
    )
