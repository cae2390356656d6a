"""How a verdict shows personal data: the one place that decides what of a document number is visible."""

from __future__ import annotations


def mask_document_number(number: str) -> str:
    """Keep the last four characters so a person can tell documents apart; hide the rest."""
    visible = 4 if len(number) > 6 else max(0, len(number) - 4)
    return "*" * (len(number) - visible) + number[len(number) - visible :]
