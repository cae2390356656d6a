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


def _codes(*groups: list[DocumentCheck] | list[BundleCheck]) -> list[str]:
    return [check.code for group in groups for check in group]


# Each code's domain: the package that declares it. Labels the worker's per-domain duration metric
# (workers/metrics.py) and bench/bundle_cost.py's per-domain table.
DOMAIN_OF: dict[str, str] = {
    **dict.fromkeys([reader.name for reader in READERS], "identity"),
    **dict.fromkeys(_codes(files.CHECKS), "files"),
    **dict.fromkeys(_codes(bundle.DOCUMENT_CHECKS, bundle.BUNDLE_CHECKS), "bundle"),
    **dict.fromkeys(_codes(quality.CHECKS), "quality"),
    **dict.fromkeys(_codes(identity.DOCUMENT_CHECKS, identity.BUNDLE_CHECKS), "identity"),
    **dict.fromkeys(_codes(face.DOCUMENT_CHECKS, face.BUNDLE_CHECKS), "face"),
    **dict.fromkeys(_codes(authenticity.CHECKS), "authenticity"),
}
