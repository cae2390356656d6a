"""Selfie and face checks: one real face, lit and uncovered, holding the same ID, matching its portrait.

Faces come from dlib (HOG detector, 5-point landmarks, ResNet encoder; never the 68-point model, whose
licence excludes commercial use). See docs/calibration/face.md for every threshold.
"""

from workers.checks.face import checks_bundle, checks_cover, checks_id, checks_selfie
from workers.checks.spec import BundleCheck, DocumentCheck

DOCUMENT_CHECKS: list[DocumentCheck] = [*checks_id.CHECKS, *checks_selfie.CHECKS, *checks_cover.CHECKS]
BUNDLE_CHECKS: list[BundleCheck] = [*checks_bundle.CHECKS]
