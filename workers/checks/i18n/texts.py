"""Every fix text the engine can give an applicant, in English: the source every translation follows.

A fix is either a check's general remediation (the registry) or one of the few texts a check gives instead
(below). Three of them are templates: they quote a policy value, and a translation keeps their placeholders.
"""

from __future__ import annotations

from workers.checks.authenticity.check_local import REVIEW_HINT
from workers.checks.authenticity.check_metadata import RESUBMIT_ORIGINAL
from workers.checks.bundle.address_age import RECENT_BILL_FIX
from workers.checks.bundle.expiry import LONGER_VALID_FIX
from workers.checks.engine import CHECK_ERROR_REMEDIATION
from workers.checks.files.formats import kind_fixes
from workers.checks.identity.corporate import RECENT_REGISTRATION_FIX
from workers.checks.quality.checks import RETAKE_ABOVE
from workers.checks.registry import ALL_CHECKS

# Fixes that quote a policy value: `{name}` placeholders, filled with str.format.
TEMPLATES: tuple[str, ...] = (RECENT_BILL_FIX, LONGER_VALID_FIX, RECENT_REGISTRATION_FIX)


def fix_texts() -> list[str]:
    """Every English fix text, each once, in catalogue order then the others."""
    texts = [check.remediation for check in ALL_CHECKS]
    texts += [CHECK_ERROR_REMEDIATION, REVIEW_HINT, RESUBMIT_ORIGINAL, RETAKE_ABOVE, *kind_fixes(), *TEMPLATES]
    return list(dict.fromkeys(texts))
