"""Selfie and face checks: one real face, lit and uncovered, holding the same ID, matching its portrait."""

from workers.checks.spec import BundleCheck, DocumentCheck

DOCUMENT_CHECKS: list[DocumentCheck] = []
BUNDLE_CHECKS: list[BundleCheck] = []
