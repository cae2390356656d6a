"""Identity data: MRZ, printed fields, dates, names, proof of address, corporate papers, country policy."""

from workers.checks.identity.birth_checks import DOB_AMBIGUITY_RESOLVED, DOB_MISMATCH
from workers.checks.identity.card_back import ID_CARD_BACK_MISSING
from workers.checks.identity.corporate import (
    AUTH_COMPANY_NOT_NAMED,
    AUTH_PERSON_NOT_NAMED,
    AUTH_SIGNATURE_MISSING,
    REG_COMPANY_NOT_NAMED,
    REG_NUMBER_NOT_FOUND,
    REG_TOO_OLD,
    REGISTRATION_READER,
)
from workers.checks.identity.issue_checks import DOCUMENT_ISSUED_IN_FUTURE
from workers.checks.identity.mrz_checks import MRZ_CHECK_DIGIT_INVALID, MRZ_PROFILE_MISMATCH, MRZ_UNREADABLE
from workers.checks.identity.name_checks import NAME_MISMATCH
from workers.checks.identity.poa import (
    POA_ADDRESS_MISMATCH,
    POA_DATE_MISMATCH,
    POA_DATE_NOT_FOUND,
    POA_NAME_MISMATCH,
    POA_READER,
)
from workers.checks.identity.policy_checks import DOCUMENT_TYPE_NOT_ACCEPTED
from workers.checks.identity.printed_dates import PRINTED_DATES_READER
from workers.checks.identity.reader import MRZ_READER
from workers.checks.spec import BundleCheck, DocumentCheck, Reader

READERS: list[Reader] = [MRZ_READER, PRINTED_DATES_READER, POA_READER, REGISTRATION_READER]
DOCUMENT_CHECKS: list[DocumentCheck] = [
    MRZ_UNREADABLE,
    MRZ_CHECK_DIGIT_INVALID,
    MRZ_PROFILE_MISMATCH,
    DOCUMENT_ISSUED_IN_FUTURE,
    DOCUMENT_TYPE_NOT_ACCEPTED,
    POA_DATE_NOT_FOUND,
    POA_DATE_MISMATCH,
    POA_NAME_MISMATCH,
    POA_ADDRESS_MISMATCH,
    REG_COMPANY_NOT_NAMED,
    REG_NUMBER_NOT_FOUND,
    REG_TOO_OLD,
    AUTH_COMPANY_NOT_NAMED,
    AUTH_PERSON_NOT_NAMED,
    AUTH_SIGNATURE_MISSING,
]
BUNDLE_CHECKS: list[BundleCheck] = [DOB_MISMATCH, DOB_AMBIGUITY_RESOLVED, NAME_MISMATCH, ID_CARD_BACK_MISSING]
