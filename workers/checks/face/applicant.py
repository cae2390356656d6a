"""Who is who in a selfie: the held ID (found by matching the submitted ID), the applicant, anyone else.

Shared by the selfie's document checks and the bundle checks through the bundle and capture caches, so the
feature match and the face detection run once per bundle.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from workers.checks.context import BundleContext, DocumentContext
from workers.checks.face import docmatch, views
from workers.checks.face.chip import FaceChip, align
from workers.checks.face.detect import Face
from workers.checks.manifest import Role

# A face scored at least 0.3 by dlib is counted as another person. The fixtures' real second faces score
# ~1.0; the detector's false hits on badges, patches and the card's portrait score 0.01-0.08
# (docs/calibration/face.md).
EXTRA_FACE_MIN_SCORE = 0.3


@dataclass(frozen=True)
class SelfieScene:
    held: docmatch.DocumentMatch | None  # the submitted ID found in the selfie, however well
    applicant: Face | None
    others: list[Face]  # faces outside the held ID besides the applicant, scored >= EXTRA_FACE_MIN_SCORE
    in_document: list[Face]  # faces inside the held ID's outline (its portrait)


def held_document(bundle: BundleContext) -> docmatch.DocumentMatch | None:
    """The submitted ID located in the selfie (any homography; checks judge its quality), or None."""

    def build() -> docmatch.DocumentMatch | None:
        id_doc, selfie = bundle.first(Role.ID_DOCUMENT), bundle.first(Role.SELFIE)
        if id_doc is None or selfie is None or not id_doc.capture.decodes or not selfie.capture.decodes:
            return None
        view = selfie.capture.downscaled(docmatch.SELFIE_SIDE, gray=True)
        return docmatch.match_document(
            id_doc.capture.downscaled(docmatch.ID_SIDE, gray=True),
            view,
            selfie.capture.width / view.shape[1],
            (selfie.capture.width, selfie.capture.height),
        )

    return bundle.cached("face:held_document", build)


def _inside(face: Face, outline: np.ndarray | None) -> bool:
    if outline is None:
        return False
    return cv2.pointPolygonTest(outline.astype(np.float32).reshape(-1, 1, 2), face.center, False) >= 0


def scene(doc: DocumentContext) -> SelfieScene:
    """The selfie's faces sorted into applicant, other people and the held ID's portrait."""

    def build() -> SelfieScene:
        held = held_document(doc.bundle)
        # Only a real match has an outline to trust: a few chance matches can project anywhere.
        trusted = held is not None and held.inliers >= docmatch.DOCUMENT_MIN_INLIERS
        outline = held.outline if trusted and held is not None else None
        faces = views.selfie_faces(doc.capture)
        inside = [f for f in faces if _inside(f, outline)]
        outside = [f for f in faces if not _inside(f, outline)]
        confident = [f for f in outside if f.score >= EXTRA_FACE_MIN_SCORE]
        ranked = confident or outside
        applicant = ranked[0] if ranked else None
        others = [f for f in confident if f is not applicant]
        return SelfieScene(held=held, applicant=applicant, others=others, in_document=inside)

    return doc.cached("face:selfie_scene", build)


def applicant_chip(doc: DocumentContext) -> tuple[Face, FaceChip] | None:
    """The applicant's face and its aligned chip, or None when the selfie shows no live face."""
    face = scene(doc).applicant
    if face is None:
        return None
    return face, doc.cached("face:applicant_chip", lambda: align(doc.capture.rgb, face))
