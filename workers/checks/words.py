"""Roles, document types and nouns in the words an applicant reads in a message."""

from __future__ import annotations

_ROLE_WORDS = {
    "id_document": "identity document",
    "selfie": "selfie",
    "proof_of_address": "proof of address",
    "business_registration": "business registration",
    "authorization_letter": "authorization letter",
}
# Manifest document types that do not read as words once their underscores are spaces ("an id card", "an other").
_TYPE_WORDS = {"id_card": "ID card", "other": "document of type 'other'"}


def role_words(role: str) -> str:
    """A role as an applicant would say it ('proof of address', not 'proof_of_address')."""
    return _ROLE_WORDS.get(role, role.replace("_", " "))


def type_words(kind: str) -> str:
    """A document type as an applicant would say it ('residence permit', 'ID card', not 'id_card')."""
    return _TYPE_WORDS.get(kind, kind.replace("_", " "))


def with_article(noun: str) -> str:
    """'an identity document', 'a selfie', 'an ID card'."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"
