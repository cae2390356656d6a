"""Bundle rules on declared data: required roles, expiry, bill age, ambiguous dates of birth."""

from workers.checks.bundle.address_age import POA_DATED_IN_FUTURE, POA_TOO_OLD
from workers.checks.bundle.birth_date import PROFILE_DOB_AMBIGUOUS
from workers.checks.bundle.expiry import DOCUMENT_EXPIRED, DOCUMENT_EXPIRES_SOON
from workers.checks.bundle.roles import BUNDLE_ROLE_MISSING
from workers.checks.spec import BundleCheck, DocumentCheck

DOCUMENT_CHECKS: list[DocumentCheck] = [
    DOCUMENT_EXPIRED,
    DOCUMENT_EXPIRES_SOON,
    POA_TOO_OLD,
    POA_DATED_IN_FUTURE,
]
BUNDLE_CHECKS: list[BundleCheck] = [BUNDLE_ROLE_MISSING, PROFILE_DOB_AMBIGUOUS]

__all__ = [
    "BUNDLE_CHECKS",
    "BUNDLE_ROLE_MISSING",
    "DOCUMENT_CHECKS",
    "DOCUMENT_EXPIRED",
    "DOCUMENT_EXPIRES_SOON",
    "POA_DATED_IN_FUTURE",
    "POA_TOO_OLD",
    "PROFILE_DOB_AMBIGUOUS",
]
