"""Does the bundle carry the back of each ID card whose back the policy requires (the MRZ side of TD1 cards)?"""

from __future__ import annotations

from collections.abc import Iterator

from workers.checks.context import BundleContext, DocumentContext
from workers.checks.identity.mrz_checks import MRZ_ON_BACK
from workers.checks.identity.policy_checks import document_type_and_country
from workers.checks.manifest import Role, Side
from workers.checks.model import Outcome, Status
from workers.checks.policy import Policy
from workers.checks.spec import BundleCheck

_WORDS = {"id_card": "ID card", "residence_permit": "residence permit"}


def card_back_required(policy: Policy, country: str | None) -> bool:
    """[identity] card_back_required of the policy file: the issuing countries (or "*") whose cards' backs
    must be sent. An unknown country is covered only by "*"."""
    listed = {str(c).upper() for c in policy.raw.get("identity", {}).get("card_back_required", [])}
    return "*" in listed or (country or "").upper() in listed


def _shows_back(doc: DocumentContext) -> bool:
    """The file is a card's back: the manifest says so, or (side not given) an MRZ was read off it."""
    if doc.spec.side is not None:
        return doc.spec.side is Side.BACK
    return any(found.source == "mrz" for found in doc.read_fields.values())


def _card_backs(bundle: BundleContext) -> Iterator[Outcome]:
    cards = [d for d in bundle.by_role(Role.ID_DOCUMENT) if document_type_and_country(d)[0] in MRZ_ON_BACK]
    for kind in sorted({document_type_and_country(d)[0] or "" for d in cards}):
        same = [d for d in cards if document_type_and_country(d)[0] == kind]
        countries = sorted({c for d in same if (c := document_type_and_country(d)[1])})
        words, where = _WORDS.get(kind, kind), "/".join(countries) or "unknown country"
        judged: list[str | None] = [*countries] or [None]
        if not any(card_back_required(bundle.policy, c) for c in judged):
            status, measured = Status.PASS, "front only allowed"
            message = f"Not required: policy {bundle.policy.name} does not ask for the back of {where} {words}s."
        elif any(_shows_back(d) for d in same):
            status, measured = Status.PASS, "back present"
            message = f"The back of the {words} ({where}) is in the bundle."
        else:
            status, measured = Status.FAIL, "front only"
            message = (
                f"Only the front of the {words} ({where}) was sent (no file marked side 'back' and no machine "
                f"readable zone read); policy {bundle.policy.name} requires the back, which carries the MRZ."
            )
        yield Outcome(
            status=status,
            message=message,
            measured=measured,
            threshold="back required",
            unit="card_sides",
            document=Role.ID_DOCUMENT.value,
        )


ID_CARD_BACK_MISSING = BundleCheck(
    code="ID_CARD_BACK_MISSING",
    summary="The back of an ID card or residence permit the policy requires is missing.",
    remediation="Add a photo of the back of the card (the side with the machine readable zone: the lines of "
    "letters, digits and <<< at the bottom) as a second id_document with side 'back', and send both sides.",
    threshold_source=(
        "Policy [identity] card_back_required (ISO countries or '*'): empty in the default policy, '*' in "
        "both_sides; TD1 cards carry the MRZ on the back (ICAO Doc 9303 part 5)."
    ),
    evaluate=_card_backs,
    policy_keys=("identity.card_back_required",),
)
