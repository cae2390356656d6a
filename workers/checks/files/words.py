"""Roles and nouns in the words an applicant reads in a message."""

from __future__ import annotations

_ROLE_WORDS = {
    "id_document": "identity document",
    "selfie": "selfie",
    "proof_of_address": "proof of address",
    "business_registration": "business registration",
    "authorization_letter": "authorization letter",
}


def role_words(role: str) -> str:
    """A role as an applicant would say it ('proof of address', not 'proof_of_address')."""
    return _ROLE_WORDS.get(role, role.replace("_", " "))


def with_article(noun: str) -> str:
    """'an identity document', 'a selfie'."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"
