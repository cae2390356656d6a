"""A passport data page placed from its machine readable zone, where the page's own edges were not found.

An ICAO Doc 9303 TD3 page (125 x 88 mm) prints its two 44-character MRZ lines at fixed places along its bottom
edge, so the zone read in a photo says where the whole page is: the zone's quadrilateral (the two lines' boxes,
in reading direction) scaled by the page's proportions around it. The edge search (outline.py) misses a
printed page on a newspaper, under a strongly coloured light or held up in front of a window; the MRZ reader
finds its zone there all the same (every such frame of the real corpus's calibration half). The reader is in
the identity domain: it hands the zone to this module through the capture (MRZ_PAGE, provided once the zone
is read), so this package still depends on the capture alone.
"""

from __future__ import annotations

import numpy as np

from workers.checks.capture import Fact
from workers.checks.locate.geometry import Quad

# The page's corners (top-left, top-right, bottom-right, bottom-left) around its MRZ, in units of the zone's
# length along its lines, from the zone's top-left corner, x along the lines, y down the page. Medians over the
# 15 TD3 frames of the real corpus's calibration half whose edge outline matches the ground truth (IoU >= 0.9;
# bench/outline_real.py, docs/calibration/realworld.md, "Pages placed from their MRZ"): spread (standard
# deviation) 0.01-0.04 per coordinate. Doc 9303 part 4's page (125 x 88 mm) around its 44 characters at 2.54 mm
# gives 1.12 x 0.79 zone lengths; the detector's line boxes run a little past the printed characters, hence
# slightly less here (1.07 x 0.74).
PAGE_AROUND_ZONE = np.array([[-0.03, -0.60], [1.03, -0.59], [1.04, 0.15], [-0.04, 0.15]], np.float64)

# The page placed from the MRZ of a capture, provided by the identity reader once it has read a TD3 zone (None
# when the zone is not one, or not read with every check digit holding).
MRZ_PAGE: Fact[Quad | None] = Fact("locate.mrz_page", needs=("identity.mrz",))


def page_from_zone(zone: Quad) -> Quad:
    """The TD3 page's corners (top-left, top-right, bottom-right, bottom-left of the page as read) in the
    image, from its zone's corners (the same order: the first line's start and end, the last line's end and
    start), placed by PAGE_AROUND_ZONE: x along the zone's top side, y at right angles to it towards the zone's
    bottom, both in units of the top side's length."""
    origin = zone[0]
    along = zone[1] - zone[0]
    down_unit = zone[3] - zone[0]
    # The y unit is the zone's length turned a quarter, on the side the zone's own 'down' points to.
    across = np.array([-along[1], along[0]])
    if float(np.dot(across, down_unit)) < 0:
        across = -across
    return np.asarray(
        [origin + x * along + y * across for x, y in PAGE_AROUND_ZONE],
        dtype=np.float64,
    )
