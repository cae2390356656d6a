"""Does the bundle carry every document its account type requires?"""

from __future__ import annotations

from collections.abc import Iterator

from workers.checks.context import BundleContext
from workers.checks.manifest import REQUIRED_ROLES
from workers.checks.model import Outcome, Status
from workers.checks.spec import BundleCheck


def _roles_missing(bundle: BundleContext) -> Iterator[Outcome]:
    account = bundle.spec.account_type
    required = REQUIRED_ROLES[account]
    present = {doc.role for doc in bundle.documents}
    missing = [role for role in required if role not in present]
    needed = ", ".join(required)
    for role in missing:
        yield Outcome(
            status=Status.FAIL,
            message=f"The bundle has no '{role}' document; {account} accounts need {needed}.",
            measured=role,
            threshold=needed,
            unit="role",
            document=role,
        )
    if not missing:
        yield Outcome(
            status=Status.PASS,
            message=f"Every document {account} accounts need is present ({len(required)} of {len(required)}: "
            f"{needed}).",
            measured=len(required),
            threshold=len(required),
            unit="roles",
        )


BUNDLE_ROLE_MISSING = BundleCheck(
    code="BUNDLE_ROLE_MISSING",
    summary="A document the account type requires is missing from the bundle.",
    remediation="Add the missing document to the bundle and send it again.",
    threshold_source=(
        "Required roles by account type (workers.checks.manifest.REQUIRED_ROLES): individual needs "
        "id_document, selfie and proof_of_address; corporate also "
        "business_registration and authorization_letter."
    ),
    evaluate=_roles_missing,
)
