"""Who is who in a selfie: the held ID (found by matching the submitted ID), the applicant, anyone else.

Shared by the selfie's document checks and the bundle checks through the bundle and capture caches, so the
feature match and the face detection run once per bundle.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from workers.checks.capture import Fact
from workers.checks.context import BundleContext, DocumentContext
from workers.checks.face import docmatch, views
from workers.checks.face.chip import FaceChip, align
from workers.checks.face.detect import Face
from workers.checks.locate import document_crop, document_outline
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


def id_reference(id_doc: DocumentContext) -> NDArray[np.uint8]:
    """The submitted ID as the selfie match looks for it: the card itself, seen flat, when the ID upload is a
    photo of it (on a table, say) and the capture-quality outline found it there; the whole image for a flat
    scan or render, or when no outline is found.

    The whole photo would carry the table into the match: its corners would be projected as the held card's
    (far outside it, so "cut off"), and the table around the card would contradict the selfie's hand and
    background (39-51 % of tiles on the generated photos of the applicant's own card, against the 15 % limit).
    """
    outline = document_outline(id_doc.capture)
    if outline is None or outline.is_whole_frame:
        return id_doc.capture.downscaled(docmatch.ID_SIDE, gray=True)
    flat = document_crop(id_doc.capture, outline, docmatch.ID_SIDE)
    return np.asarray(cv2.cvtColor(flat, cv2.COLOR_RGB2GRAY), dtype=np.uint8)


# The bundle's held card (the submitted ID found in the selfie), the selfie's scene and the applicant's chip.
HELD_DOCUMENT: Fact[docmatch.DocumentMatch | None] = Fact(
    "face.held_document", needs=("capture.downscaled", "locate.document_crop", "locate.document_outline")
)
SELFIE_SCENE: Fact[SelfieScene] = Fact("face.selfie_scene", needs=("face.held_document", "face.selfie_faces"))
APPLICANT_CHIP: Fact[FaceChip] = Fact("face.applicant_chip")


def held_document(bundle: BundleContext) -> docmatch.DocumentMatch | None:
    """The submitted ID located in the selfie (any homography; checks judge its quality), or None."""

    def build() -> docmatch.DocumentMatch | None:
        id_doc, selfie = bundle.first(Role.ID_DOCUMENT), bundle.first(Role.SELFIE)
        if id_doc is None or selfie is None or not id_doc.capture.decodes or not selfie.capture.decodes:
            return None
        view = selfie.capture.downscaled(docmatch.SELFIE_SIDE, gray=True)
        reference, scale = id_reference(id_doc), selfie.capture.width / view.shape[1]
        size = (selfie.capture.width, selfie.capture.height)
        seen = docmatch.selfie_features(view)
        match = docmatch.match_features(docmatch.id_features(reference), seen, scale, size)
        if match is not None and docmatch.is_same_card(match):
            return match
        # A front camera that saves its mirror image reverses the card's print, and ORB features are not
        # mirror-symmetric: the applicant's own card then matches nowhere (0 features on the fixture selfie)
        # or, on the design's symmetric parts, as another card (30 features, contradicting). Only the submitted
        # ID itself counts as found in the mirror image: another person's card of the same design matched 12+
        # features there in one fixture selfie.
        mirrored = docmatch.match_mirrored(reference, seen, scale, size)
        if mirrored is not None and docmatch.is_same_card(mirrored):
            return mirrored
        return match

    return bundle.cached(HELD_DOCUMENT, build)


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

    return doc.cached(SELFIE_SCENE, build)


def applicant_chip(doc: DocumentContext) -> tuple[Face, FaceChip] | None:
    """The applicant's face and its aligned chip, or None when the selfie shows no live face."""
    face = scene(doc).applicant
    if face is None:
        return None
    return face, doc.cached(APPLICANT_CHIP, lambda: align(doc.capture.rgb, face))
