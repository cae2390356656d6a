"""The document held in a selfie: where the submitted ID was matched in it, else the edge search's outline.

The face checks already locate the submitted ID in the selfie by feature matching (workers/checks/face,
shared through the bundle's cache). That match knows which document it is looking for, so it finds the card
among a hand, a patterned shirt and a helmet, where the edge search takes the largest plain quadrilateral;
its corners may even fall outside the frame, which is exactly a cut corner. A weak match (a blurred card)
still says where the card is, but not precisely where its corners are: the outline is marked rough and only
the checks of its appearance run. The edge search remains for a bundle without a usable ID. When the
bundle's ID is not in the selfie at all, or another document is, there is no held document to judge here.
"""

from __future__ import annotations

import cv2
import numpy as np

from workers.checks.capture import Fact
from workers.checks.context import DocumentContext
from workers.checks.face import applicant
from workers.checks.face.docmatch import MATCH_MIN_INLIERS, is_other_document
from workers.checks.locate.geometry import Quad, order_corners, quad_area
from workers.checks.locate.outline import Outline, cut_corners, document_outline
from workers.checks.manifest import Role

# A matched corner this close to the frame (share of the image's longer side) or beyond it is cut: the same
# 3 px the edge search allows at its ~560 px view.
CUT_MARGIN = 3 / 560
# Overlap (IoU) above which the edge search's quadrilateral is the card a weak match placed: a weak match's
# corners are off by up to ~25 % of the card (IoU 0.76 on the blurred fixture selfies), another object is
# somewhere else.
SAME_PLACE = 0.5


# The outline of the ID card held in a selfie, found once per selfie.
HELD_OUTLINE: Fact[Outline | None] = Fact(
    "quality.held_outline", needs=("face.held_document", "locate.held_document_outline")
)


def _overlap(a: Quad, b: Quad) -> float:
    """Intersection over union of two convex quadrilaterals."""
    inter, _ = cv2.intersectConvexConvex(a.astype(np.float32), b.astype(np.float32))
    union = quad_area(a) + quad_area(b) - inter
    return float(inter / union) if union > 0 else 0.0


def held_outline(ctx: DocumentContext) -> Outline | None:
    """The held document's outline in the selfie `ctx` (full-resolution pixels), or None if none is seen."""

    def build() -> Outline | None:
        id_document = ctx.bundle.first(Role.ID_DOCUMENT)
        match = applicant.held_document(ctx.bundle)
        if id_document is None or not id_document.capture.decodes:
            return document_outline(ctx.capture, held=True)  # no ID to look for
        if match is None:
            # The submitted ID is nowhere in the selfie: the selfie checks report it; judging the light or
            # corners of whatever else is in the hand would only mislead.
            return None
        rough = match.inliers < MATCH_MIN_INLIERS
        if is_other_document(match):
            return None  # another document, well matched: "not the submitted ID" is the selfie checks' finding
        corners = order_corners(match.outline)
        if rough:
            # The edge search's outline, where it agrees with the match on the place, has exact corners.
            edge = document_outline(ctx.capture, held=True)
            if edge is not None and _overlap(edge.corners, corners) >= SAME_PLACE:
                return edge
        w, h = ctx.capture.width, ctx.capture.height
        cut = cut_corners(corners, w, h, CUT_MARGIN * max(w, h))
        inside = np.clip(corners, [0, 0], [w - 1, h - 1])
        # A weak match (a blurred card: 8-18 features) puts the card in the right place but its corners only
        # roughly: its sharpness, light and glare can be judged, its corners and tilt cannot (Rule.precise).
        return Outline(inside, (w, h), fills_frame=False, cut_corners=() if rough else cut, held=True, rough=rough)

    return ctx.capture.cached(HELD_OUTLINE, build)
