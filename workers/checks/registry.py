"""The explicit list of every check and reader the engine runs, in order. Codes are stable forever.

Order matters: readers fill fields first; file checks come before pixel checks; bundle checks come last.
"""

from __future__ import annotations

from workers.checks import authenticity, bundle, face, files, identity, quality
from workers.checks.spec import BundleCheck, Check, DocumentCheck, Reader

READERS: list[Reader] = [*identity.READERS]

DOCUMENT_CHECKS: list[DocumentCheck] = [
    *files.CHECKS,
    *bundle.DOCUMENT_CHECKS,
    *quality.CHECKS,
    *identity.DOCUMENT_CHECKS,
    *face.DOCUMENT_CHECKS,
    *authenticity.CHECKS,
]

BUNDLE_CHECKS: list[BundleCheck] = [
    *bundle.BUNDLE_CHECKS,
    *identity.BUNDLE_CHECKS,
    *face.BUNDLE_CHECKS,
]

ALL_CHECKS: list[Check] = [*DOCUMENT_CHECKS, *BUNDLE_CHECKS]
