"""Proof of address: read the bill or statement once; its date feeds POA_TOO_OLD (via read_fields), and the
registered name and address must be on it."""

from __future__ import annotations

from datetime import date

from workers.checks import moot
from workers.checks.context import DocumentContext, FieldValue
from workers.checks.dates import read_date
from workers.checks.identity.date_text import find_dates, labelled_statement_date, statement_date
from workers.checks.identity.page_match import ADDRESS_WORD_SHARE, address_match, name_on_page
from workers.checks.identity.page_text import PageLine, document_page
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Status
from workers.checks.spec import DocumentCheck, Reader

# Fewer text lines than this and the page was not read at all (blank, blurred or not a document).
MIN_LINES = 3
_POA = frozenset({Role.PROOF_OF_ADDRESS})


def page_lines(doc: DocumentContext) -> list[str]:
    """The bill's text lines, read once: the top part alone when it already holds the date and the name, and
    only the top part's first lines when they already hold everything the proof-of-address checks look for."""
    registered = doc.bundle.spec.profile.full_name
    country = doc.bundle.spec.profile.country

    def enough(lines: list[PageLine]) -> bool:
        texts = [line.text for line in lines]
        dated = statement_date(texts, country, doc.bundle.submit_on) is not None
        return dated and name_on_page(registered, texts)

    def settled(lines: list[PageLine]) -> bool:
        # Recognition is most of a bill's reading time (about 35 ms a line on one core, docs/speed.md), and the
        # addressee block and the issue date come first on bills and letters (DIN 5008): once the first lines
        # hold a date named as the issue date in so many words, the full registered name, the registered
        # address and any declared date, no later line can change a proof-of-address finding, bar a second date
        # labelled as the issue date (the later of the two was taken when both were read).
        texts = [line.text for line in lines]
        if len(texts) < MIN_LINES or not name_on_page(registered, texts):
            return False
        if labelled_statement_date(texts, country, doc.bundle.submit_on) is None:
            return False
        address = doc.bundle.spec.profile.address
        if address:
            share, missing = address_match(address, texts)
            if share < ADDRESS_WORD_SHARE or missing:
                return False
        declared = doc.spec.declared.statement_date
        reading = read_date(declared) if declared else None
        return reading is None or bool(set(reading.readings) & _dates_on(texts, country))

    return [line.text for line in document_page(doc, enough, settled=settled)]


def _dates_on(lines: list[str], country: str | None) -> set[date]:
    """Every date printed on the lines, in the country's numeric order and in the other one."""
    found = {f.value for line in lines for f in find_dates(line, country)}
    return found | {f.value for line in lines for f in find_dates(line, "US")}


def read_statement(doc: DocumentContext) -> dict[str, FieldValue]:
    found = statement_date(page_lines(doc), doc.bundle.spec.profile.country, doc.bundle.submit_on)
    if found is None:
        return {}
    if found.ambiguous:
        # Day and month can be swapped ('05/10/2026'): the country's habit picked one reading to search the page,
        # but the verdict must not rest on that guess. Kept as DD/MM/YYYY, which workers.checks.dates reads both
        # ways, so the date checks judge both readings as they do a declared date's (one result, or a review).
        day = found.value
        return {"statement_date": FieldValue(f"{day.day:02d}/{day.month:02d}/{day.year:04d}", "ocr")}
    return {"statement_date": FieldValue(found.value.isoformat(), "ocr")}


POA_READER = Reader(name="POA_READER", roles=_POA, read=read_statement)


def _date_found(doc: DocumentContext) -> Outcome:
    found = doc.field("statement_date")
    if found is not None:
        return Outcome(
            status=Status.PASS,
            message=f"The document's date is known ({found.value}, {found.source}).",
            measured=found.value,
            unit="date",
        )
    return Outcome(
        status=Status.REVIEW,
        message="No issue date could be found on the proof of address, so its age cannot be checked.",
        measured="not found",
        unit="date",
    )


POA_DATE_NOT_FOUND = DocumentCheck(
    code="POA_DATE_NOT_FOUND",
    moot_when=moot.CAPTURE_UNREADABLE,
    summary="No date was declared for the proof of address and none could be read on it.",
    remediation="Send a bill or statement whose issue date is clearly printed and fully in the photo.",
    threshold_source="ARCHITECTURE section 4: a proof of address must be dated within 90 days; without a "
    "date that cannot be verified, so a person reviews it.",
    roles=_POA,
    evaluate=_date_found,
)


def _declared_date_on_page(doc: DocumentContext) -> Outcome | None:
    declared = doc.spec.declared.statement_date
    reading = read_date(declared) if declared else None
    if reading is None:
        return None
    on_page = _dates_on(page_lines(doc), doc.bundle.spec.profile.country)
    if not on_page:
        return Outcome(
            status=Status.REVIEW,
            message=f"The declared date {declared} could not be confirmed: no date was read on the page.",
            measured="no date read",
            threshold=declared,
            unit="date",
        )
    if set(reading.readings) & on_page:
        return Outcome(
            status=Status.PASS,
            message=f"The declared date {declared} is printed on the document.",
            measured=declared,
            threshold=declared,
            unit="date",
        )
    shown = ", ".join(sorted(d.isoformat() for d in on_page))
    return Outcome(
        status=Status.FAIL,
        message=f"The declared date {declared} is not printed on the document (dates on it: {shown}).",
        measured=shown,
        threshold=declared,
        unit="date",
    )


POA_DATE_MISMATCH = DocumentCheck(
    code="POA_DATE_MISMATCH",
    summary="The date declared for the proof of address is not printed on it.",
    remediation="Enter the issue date exactly as printed on the bill or statement, or send the document "
    "you meant to send.",
    threshold_source="Issue 4 item 6: declared values are cross-checked against what is read (exact date).",
    roles=_POA,
    evaluate=_declared_date_on_page,
)


def _name_on_bill(doc: DocumentContext) -> Outcome:
    lines = page_lines(doc)
    registered = doc.bundle.spec.profile.full_name
    if len(lines) < MIN_LINES:
        return Outcome(
            status=Status.REVIEW,
            message="The proof of address could not be read to find your name.",
            measured=len(lines),
            threshold=MIN_LINES,
            unit="text_lines",
        )
    if name_on_page(registered, lines):
        return Outcome(
            status=Status.PASS,
            message=f"The registered name is on the proof of address (found among its {len(lines)} text lines).",
            measured=len(lines),
            unit="text_lines",
        )
    if name_on_page(registered, lines, initials=True):
        return Outcome(
            status=Status.REVIEW,
            message="The proof of address shows your surname with only the initials of your given names. "
            "Many providers accept this; some ask for a document with your full name.",
            measured=len(lines),
            unit="text_lines",
        )
    return Outcome(
        status=Status.FAIL,
        message=f"The registered name '{registered}' was not found on the proof of address "
        f"({len(lines)} text lines read).",
        measured=len(lines),
        unit="text_lines",
    )


POA_NAME_MISMATCH = DocumentCheck(
    code="POA_NAME_MISMATCH",
    moot_when=moot.CAPTURE_UNREADABLE,
    summary="The registered name is not on the proof of address.",
    remediation="Send a bill or statement addressed to you by your full registered name; if your name is "
    "registered differently, ask support to correct it.",
    threshold_source="ARCHITECTURE section 4: the proof of address shows the profile's full name; matching "
    "by workers.checks.identity.names (one middle name may be missing); the surname with initials for the "
    "given names ('J. Hansen', as utilities address mail) is a review.",
    roles=_POA,
    evaluate=_name_on_bill,
)


def _address_on_bill(doc: DocumentContext) -> Outcome | None:
    address = doc.bundle.spec.profile.address
    lines = page_lines(doc)
    if not address or len(lines) < MIN_LINES:
        return None
    share, missing = address_match(address, lines)
    ok = share >= ADDRESS_WORD_SHARE and not missing
    detail = f"{share:.0%} of the address words found" + (f"; not found: {', '.join(missing)}" if missing else "")
    return Outcome(
        status=Status.PASS if ok else Status.FAIL,
        message=f"The registered address {'is' if ok else 'is not'} on the proof of address ({detail}).",
        measured=round(share, 2),
        threshold=ADDRESS_WORD_SHARE,
        unit="address_word_share",
    )


POA_ADDRESS_MISMATCH = DocumentCheck(
    code="POA_ADDRESS_MISMATCH",
    moot_when=moot.CAPTURE_UNREADABLE,
    summary="The registered address is not on the proof of address.",
    remediation="Send a bill or statement for the address you registered, or ask support to update your "
    "registered address.",
    threshold_source="ARCHITECTURE section 4 (address matching the profile): house number and postcode "
    "exactly (inner spaces and hyphens aside), and at least 60% of the other address words "
    "(workers.checks.identity.page_match).",
    roles=_POA,
    evaluate=_address_on_bill,
)
