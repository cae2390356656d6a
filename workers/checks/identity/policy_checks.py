"""Is the identity document's type accepted for the country that issued it (the policy file)?"""

from __future__ import annotations

from workers.checks.context import DocumentContext
from workers.checks.identity.countries import alpha2
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Status
from workers.checks.policy import Policy
from workers.checks.spec import DocumentCheck
from workers.checks.words import type_words, with_article

PASSPORT = "passport"
# What to suggest instead, most widely accepted first.
_PREFERENCE = ("passport", "id_card", "residence_permit", "driving_licence")


def passports_everywhere(policy: Policy) -> bool:
    """[identity] passports_accepted_everywhere in the policy file (default true, ARCHITECTURE section 4)."""
    section = policy.raw.get("identity", {})
    return bool(section.get("passports_accepted_everywhere", True))


def accepted_types(policy: Policy, country: str | None) -> tuple[str, ...]:
    """The document types the policy accepts from `country` (alpha-2): its own list, else the "*" list."""
    listed = policy.accepted_document_types.get((country or "").upper()) or policy.accepted_document_types.get("*", ())
    if passports_everywhere(policy) and PASSPORT not in listed:
        listed = (PASSPORT, *listed)
    return tuple(listed)


def document_type_and_country(doc: DocumentContext) -> tuple[str | None, str | None]:
    kind = doc.spec.type or (doc.read_fields["document_type"].value if "document_type" in doc.read_fields else None)
    country = doc.spec.issuing_country
    if not country and "issuing_country" in doc.read_fields:
        country = alpha2(doc.read_fields["issuing_country"].value)
    return (kind.lower() if kind else None), (country.upper() if country else None)


def _type_accepted(doc: DocumentContext) -> Outcome | None:
    kind, country = document_type_and_country(doc)
    if kind is None:
        return None
    policy = doc.bundle.policy
    accepted = accepted_types(policy, country)
    where = f"issued by {country}" if country else "of an unknown issuing country"
    spoken = with_article(type_words(kind))
    a_kind = spoken[:1].upper() + spoken[1:]  # "A passport", "An ID card"
    if kind in accepted:
        return Outcome(
            status=Status.PASS,
            message=f"{a_kind} {where} is accepted by policy '{policy.name}'.",
            measured=kind,
            threshold=", ".join(accepted),
            unit="document_type",
        )
    suggestion = next((t for t in _PREFERENCE if t in accepted), accepted[0] if accepted else PASSPORT)
    return Outcome(
        status=Status.FAIL,
        message=f"{a_kind} {where} is not accepted by policy '{policy.name}' (accepted: "
        f"{', '.join(accepted)}). Send {with_article(type_words(suggestion))} instead.",
        measured=kind,
        threshold=", ".join(accepted),
        unit="document_type",
    )


DOCUMENT_TYPE_NOT_ACCEPTED = DocumentCheck(
    code="DOCUMENT_TYPE_NOT_ACCEPTED",
    summary="The identity document's type is not accepted for its issuing country under the policy.",
    remediation="Send another identity document of an accepted type; a passport is accepted from every country.",
    threshold_source="The policy file's [accepted_document_types] per issuing country ('*' for the rest) and "
    "[identity] passports_accepted_everywhere (workers/checks/policy/default.toml).",
    roles=frozenset({Role.ID_DOCUMENT}),
    evaluate=_type_accepted,
    needs_pixels=False,
    policy_keys=("accepted_document_types", "identity.passports_accepted_everywhere"),
)
