"""Bundle rules on declared data: required roles, expiry, bill age, ambiguous dates of birth."""

from workers.checks.spec import BundleCheck, DocumentCheck

DOCUMENT_CHECKS: list[DocumentCheck] = []
BUNDLE_CHECKS: list[BundleCheck] = []
