"""Identity data: MRZ, printed fields, dates, names, proof of address, corporate papers, country policy."""

from workers.checks.spec import BundleCheck, DocumentCheck, Reader

READERS: list[Reader] = []
DOCUMENT_CHECKS: list[DocumentCheck] = []
BUNDLE_CHECKS: list[BundleCheck] = []
