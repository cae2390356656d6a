"""The registered name against every name the bundle's documents show or declare."""

from __future__ import annotations

from collections.abc import Iterator

from workers.checks.context import BundleContext, DocumentContext
from workers.checks.identity.names import RULE, NameComparison, compare_names, same_word, words
from workers.checks.identity.page_text import document_page
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Status
from workers.checks.spec import BundleCheck

# Lengths of the MRZ name fields (Doc 9303: TD1 30, TD2 31, TD3 39, MRV-B 31, MRV-A 39): a name that fills
# its field may be truncated.
# The French national card (FRA-ID) has a 25-character surname field and given names on the other line: 25
# and the '<<' that would separate them, so a surname filling its field counts as maybe truncated.
_NAME_FIELD = {"TD1": 30, "TD2": 31, "TD3": 39, "MRV-A": 39, "MRV-B": 31, "FRA-ID": 27}


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


# Fewer printed lines read than this and the document's printed fields were not read at all.
MIN_PRINTED_LINES = 5


def _printed_fields(doc: DocumentContext, registered: str) -> Outcome | None:
    """For an identity document without a readable MRZ (a card's front, a driving licence): the registered
    name's words among its printed fields. All there: pass; none: fail; some: review (a misread field)."""
    if doc.role is not Role.ID_DOCUMENT or "surname" in doc.read_fields or not doc.capture.decodes:
        return None
    lines = [line.text for line in document_page(doc)]
    if len(lines) < MIN_PRINTED_LINES:
        return None
    printed = [w for line in lines for w in words(line)]
    wanted = words(registered)
    missing = [w for w in wanted if not any(same_word(p, w) for p in printed)]
    share = round(100.0 * (len(wanted) - len(missing)) / max(len(wanted), 1), 1)
    if not missing:
        return Outcome(
            status=Status.PASS,
            message="The registered name is printed on the identity document.",
            measured=share,
            threshold=100.0,
            unit="percent_of_name_words_found",
            document=doc.role.value,
        )
    status = Status.FAIL if len(missing) == len(wanted) else Status.REVIEW
    return Outcome(
        status=status,
        message=f"The identity document's printed fields do not show the registered name '{registered}' "
        f"(not found: {' '.join(missing)}; {share:g}% of its words found, 100% needed).",
        measured=share,
        threshold=100.0,
        unit="percent_of_name_words_found",
        document=doc.role.value,
    )


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
                    f"the registration: {result.reason} ({result.score:g}% of its words found there).",
                    measured=result.score,
                    threshold=RULE,
                    unit="percent_of_name_words_found",
                    document=doc.role.value,
                )
            )
    for doc in bundle.documents:
        printed = _printed_fields(doc, registered)
        if printed is None:
            continue
        compared += 1
        if printed.status is not Status.PASS:
            failures.append(printed)
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
