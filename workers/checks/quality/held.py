"""The document held in a selfie: where the submitted ID was matched in it, else the edge search's outline.

The face checks already locate the submitted ID in the selfie by feature matching (workers/checks/face,
shared through the bundle's cache). That match knows which document it is looking for, so it finds the card
among a hand, a patterned shirt and a helmet, where the edge search takes the largest plain quadrilateral;
its corners may even fall outside the frame, which is exactly a cut corner. The edge search remains for a
selfie without a usable match (no ID in the bundle, or a card too blurred or small to match well). When the
bundle's ID is not in the selfie at all, there is no held document to judge here.
"""

from __future__ import annotations

import numpy as np

from workers.checks.context import DocumentContext
from workers.checks.face import applicant
from workers.checks.face.checks_bundle import MATCH_MAX_CONTRADICTION, MATCH_MIN_INLIERS
from workers.checks.manifest import Role
from workers.checks.quality.geometry import CORNER_NAMES, order_corners
from workers.checks.quality.outline import Outline, document_outline

# A matched corner this close to the frame (share of the image's longer side) or beyond it is cut: the same
# 3 px the edge search allows at its ~560 px view.
CUT_MARGIN = 3 / 560


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
        if match.inliers < MATCH_MIN_INLIERS:
            # Too few matches to place the corners, or to tell the card from another (a blurred card: 9-18):
            # the edge search.
            return document_outline(ctx.capture, held=True)
        if match.contradiction >= MATCH_MAX_CONTRADICTION:
            return None  # another document, well matched: "not the submitted ID" is the selfie checks' finding
        corners = order_corners(match.outline)
        w, h = ctx.capture.width, ctx.capture.height
        margin = CUT_MARGIN * max(w, h)
        cut = tuple(
            name
            for name, (x, y) in zip(CORNER_NAMES, corners, strict=True)
            if min(x, y, w - 1 - x, h - 1 - y) <= margin
        )
        inside = np.clip(corners, [0, 0], [w - 1, h - 1])
        return Outline(inside, (w, h), fills_frame=False, cut_corners=cut, held=True)

    return ctx.capture.cached("quality:held_outline", build)
