"""Screen-capture evidence: exact screen sizes and flat UI bars (status bar, navigation bar) at the edges."""

from __future__ import annotations

import tomllib
from functools import cache

import numpy as np
from numpy.typing import NDArray

from workers.checks.authenticity.metadata import DATA_DIR


@cache
def screen_sizes() -> frozenset[tuple[int, int]]:
    """Known screen resolutions (both orientations) from data/authenticity_screens.toml."""
    raw = tomllib.loads((DATA_DIR / "authenticity_screens.toml").read_text(encoding="utf-8"))
    sizes = {(int(w), int(h)) for w, h in raw["sizes"]}
    return frozenset(sizes | {(h, w) for w, h in sizes})


def is_screen_size(width: int, height: int) -> bool:
    return (width, height) in screen_sizes()


def ui_bar_score(band: NDArray[np.uint8]) -> float:
    """How much a horizontal band looks like a rendered UI bar, 0-1.

    A status or navigation bar is one exact colour (no sensor noise: a camera never gives 80 % of pixels the
    same value within 1 grey level) with a little sharp content (clock, icons). The score is the share of
    pixels at the band's modal value (+-1) when 0.3-25 % of the pixels are strongly different content,
    else 0.
    """
    if band.size == 0:
        return 0.0
    # Both shares are read from the band's histogram (one pass over the pixels).
    histogram = np.bincount(band.ravel(), minlength=256)
    mode = int(histogram.argmax())
    flat = float(histogram[max(0, mode - 1) : mode + 2].sum() / band.size)
    content = float((histogram[: max(0, mode - 40)].sum() + histogram[mode + 41 :].sum()) / band.size)
    return flat if 0.003 <= content <= 0.25 else 0.0
