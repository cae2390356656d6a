"""The registered name against every name the bundle's documents show or declare."""

from __future__ import annotations

from collections.abc import Iterator

from workers.checks.context import BundleContext, DocumentContext
from workers.checks.identity.names import RULE, NameComparison, compare_names, words
from workers.checks.model import Outcome, Status
from workers.checks.spec import BundleCheck

# Lengths of the MRZ name fields (Doc 9303: TD1 30, TD2 31, TD3 39, MRV-B 31, MRV-A 39): a name that fills
# its field may be truncated.
_NAME_FIELD = {"TD1": 30, "TD2": 31, "TD3": 39, "MRV-A": 39, "MRV-B": 31}


def _names_on(doc: DocumentContext) -> Iterator[tuple[str, str, str, bool]]:
    """(where, surname, given names, maybe truncated) for each name known about the document."""
    surname, given = doc.read_fields.get("surname"), doc.read_fields.get("given_names")
    if surname is not None:
        fmt = doc.read_fields.get("mrz_format")
        width = _NAME_FIELD.get(fmt.value if fmt else "", 99)
        used = len(surname.value) + 2 + len(given.value if given else "")
        yield "its machine readable zone", surname.value, given.value if given else "", used >= width
    declared = doc.spec.declared.full_name
    if declared:
        yield "the name declared for it", declared, "", False


def _compare(registered: str, surname: str, given: str, truncated: bool) -> NameComparison:
    if given:
        return compare_names(registered, surname, given, truncated=truncated)
    # A full name in one string: try each split into surname and given names, keep the most favourable.
    parts = words(surname)
    options = [(" ".join(parts[i:]), " ".join(parts[:i])) for i in range(1, len(parts))] or [(surname, "")]
    options += [(" ".join(parts[:i]), " ".join(parts[i:])) for i in range(1, len(parts))]
    results = [compare_names(registered, s, g) for s, g in options]
    return max(results, key=lambda r: (r.same, r.score))


def _mismatches(bundle: BundleContext) -> list[Outcome] | None:
    registered = bundle.spec.profile.full_name
    compared = 0
    failures: list[Outcome] = []
    for doc in bundle.documents:
        for where, surname, given, truncated in _names_on(doc):
            compared += 1
            result = _compare(registered, surname, given, truncated)
            if result.same:
                continue
            failures.append(
                Outcome(
                    status=Status.FAIL,
                    message=f"The name on the {doc.role.value.replace('_', ' ')} ({where}) does not match "
                    f"the registration: {result.reason}.",
                    measured=result.score,
                    threshold=RULE,
                    unit="percent_of_name_words_found",
                    document=doc.role.value,
                )
            )
    if failures or not compared:
        return failures or None
    return [
        Outcome(
            status=Status.PASS,
            message=f"{compared} name(s) read or declared on the documents match the registered name.",
            measured=compared,
            unit="names_compared",
        )
    ]


NAME_MISMATCH = BundleCheck(
    code="NAME_MISMATCH",
    summary="A name on a document is not the registered name (beyond accents, transliteration, order, "
    "hyphens or a middle name).",
    remediation="The name registered must be your full legal name exactly as on your identity document (no "
    "nickname or English name). Ask support to correct the registered name, or send documents in your name.",
    threshold_source="ICAO Doc 9303 part 3 section 6 transliterations; the tolerance rules of "
    "workers.checks.identity.names (calibration in docs/calibration/identity.md).",
    evaluate=_mismatches,
)
