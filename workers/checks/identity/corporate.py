"""Corporate papers: the business registration names the company and its number and is recent; the
authorization letter names the company and the person and carries a handwritten signature."""

from __future__ import annotations

import re
from datetime import date

from unidecode import unidecode

from workers.checks import moot
from workers.checks.context import DocumentContext, FieldValue
from workers.checks.dates import read_date
from workers.checks.identity.date_text import labelled_statement_date, statement_date
from workers.checks.identity.page_match import name_on_page, text_contains
from workers.checks.identity.page_text import PageLine, document_page, page_rows, upright_page
from workers.checks.identity.signature import SIGN_WORDS, paper_shift, pen_ink, signature_area, stroke_length
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Status
from workers.checks.spec import DocumentCheck, Reader

_REG = frozenset({Role.BUSINESS_REGISTRATION})
_LETTER = frozenset({Role.AUTHORIZATION_LETTER})
# The fix quoting the policy's limit (a template: the translations keep its placeholders, workers/checks/i18n).
RECENT_REGISTRATION_FIX = (
    "Send a registration extract issued or re-certified on or after {oldest} (within {months} months)."
)
MIN_LINES = 3  # fewer text lines read: the page was not read at all
# Legal-form words, dropped before comparing company names ('Nordlicht Energy ApS' = 'NORDLICHT ENERGY').
_LEGAL_FORMS = {
    "ltd", "limited", "plc", "llc", "inc", "corp", "gmbh", "ag", "kg", "ug", "sa", "sarl", "sas", "bv", "nv",
    "aps", "as", "asa", "ab", "oy", "oyj", "spa", "srl", "sl", "sro", "spzoo", "co", "company",
}  # fmt: skip
# Words joining the parts of a company name ('Müller & Söhne', 'Müller und Söhne', 'Smith and Co'): '&' is
# written out, in English, German, French, Dutch, Danish/Norwegian, Swedish and Spanish.
_CONNECTORS = {"and", "und", "et", "en", "og", "och", "y"}
# Pen strokes of at least 8 text-line heights: a full signature measures 44-63 on the generated letters and a
# blank or typed area under 1 (docs/calibration/identity.md); 8 still accepts short initials.
MIN_STROKE_LENGTH = 8.0
# Paper around the strokes differing by 10+ grey levels from the page: a pasted signature image (29 on the
# generated pasted letters, 0 for ink on the page itself).
MAX_PAPER_SHIFT = 10.0


def _lines(doc: DocumentContext) -> list[str]:
    return [line.text for line in _page(doc)]


def _page(doc: DocumentContext) -> list[PageLine]:
    return registration_page(doc) if doc.role is Role.BUSINESS_REGISTRATION else document_page(doc)


def registration_page(doc: DocumentContext) -> list[PageLine]:
    """The registration's text lines, read once, stopping as soon as the lines read hold every answer the
    registration checks look for: a register extract's header block names the company and its number and the
    date it was issued, and detecting the page's lower part is most of what is saved (docs/speed.md). Only a
    date labelled as the issue date and recent enough ends the reading: a later certification further down could
    only make the extract more recent (REG_TOO_OLD passes either way), while an old date is read past, looking
    for a later one."""
    profile = doc.bundle.spec.profile
    oldest = _months_before(doc.bundle.submit_on, doc.bundle.policy.registration_max_age_months)

    def answered(lines: list[PageLine]) -> bool:
        texts = [line.text for line in lines]
        if len(texts) < MIN_LINES:
            return False
        issued = labelled_statement_date(page_rows(lines), profile.country, doc.bundle.submit_on)
        if issued is None or issued.value < oldest:
            return False
        if profile.company_name and not company_on_page(profile.company_name, texts):
            return False
        return not profile.registration_number or number_on_page(profile.registration_number, profile.country, texts)

    return document_page(doc, answered, settled=answered)


def _company_key(name: str) -> str:
    """The name as compared: no case, accents, punctuation, legal forms or joining words, German umlauts
    transliterated either way ('Müller & Söhne GmbH' = 'MUELLER UND SOEHNE'), dotted initials written as one
    word ('B.V.' read as 'b v' is 'bv', a legal form)."""
    plain = re.sub(r"([aou])e", r"\1", unidecode(name.replace("&", " and ")).lower())
    words: list[str] = []
    in_initials = False  # the last word kept is a run of single letters
    for word in (w for w in re.split(r"[^a-z0-9]+", plain) if w):
        if len(word) == 1 and in_initials:
            words[-1] += word
        else:
            words.append(word)
            in_initials = len(word) == 1
    return " ".join(w for w in words if w not in _LEGAL_FORMS and w not in _CONNECTORS)


def company_on_page(company: str, lines: list[str]) -> bool:
    return text_contains(_company_key(company), [_company_key(line) for line in lines])


def _unread(doc: DocumentContext, what: str) -> Outcome | None:
    if len(_lines(doc)) >= MIN_LINES:
        return None
    return Outcome(
        status=Status.REVIEW,
        message=f"The {what} could not be read (too little text found).",
        measured=len(_lines(doc)),
        threshold=MIN_LINES,
        unit="text_lines",
    )


def _names_company(doc: DocumentContext) -> Outcome | None:
    company = doc.bundle.spec.profile.company_name
    what = doc.role.value.replace("_", " ")
    if not company:
        return None
    if (unread := _unread(doc, what)) is not None:
        return unread
    found = company_on_page(company, _lines(doc))
    return Outcome(
        status=Status.PASS if found else Status.FAIL,
        message=f"The registered company name '{company}' {'is' if found else 'is not'} on the {what}.",
        measured="found" if found else "not found",
        unit="company_name",
    )


REG_COMPANY_NOT_NAMED = DocumentCheck(
    code="REG_COMPANY_NOT_NAMED",
    moot_when=moot.CAPTURE_UNREADABLE,
    summary="The business registration does not name the registered company.",
    remediation="Send the registration extract of the company you registered, or ask support to correct the "
    "registered company name.",
    threshold_source="ARCHITECTURE section 4 (registration names the company); names compared without case, "
    "accents, punctuation, legal-form or joining words ('&', 'und'), umlauts transliterated either way.",
    roles=_REG,
    evaluate=_names_company,
)


def number_forms(number: str, country: str | None) -> list[str]:
    """The registration number as it may be printed: as registered, and without a leading country code when
    one was typed in front of it ('DK-3912 4471' is printed 'CVR-nr. 3912 4471': the VAT form of the number
    carries the code, the register's does not). What remains must keep 6+ characters."""
    forms = [number]
    compact = re.sub(r"[^A-Za-z0-9]", "", number)
    if country and compact[:2].upper() == country.upper() and len(compact) >= 8 and compact[2:3].isdigit():
        forms.append(compact[2:])
    return forms


def number_on_page(number: str, country: str | None, lines: list[str]) -> bool:
    return any(text_contains(form, lines) for form in number_forms(number, country))


def _names_number(doc: DocumentContext) -> Outcome | None:
    number = doc.bundle.spec.profile.registration_number
    if not number:
        return None
    if (unread := _unread(doc, "business registration")) is not None:
        return unread
    found = number_on_page(number, doc.bundle.spec.profile.country, _lines(doc))
    return Outcome(
        status=Status.PASS if found else Status.FAIL,
        message=f"The registration number {'is' if found else 'is not'} on the business registration.",
        measured="found" if found else "not found",
        unit="registration_number",
    )


REG_NUMBER_NOT_FOUND = DocumentCheck(
    code="REG_NUMBER_NOT_FOUND",
    moot_when=moot.CAPTURE_UNREADABLE,
    summary="The business registration does not show the registered company number.",
    remediation="Send the registration extract that shows your company's registration number, or ask support "
    "to correct the registered number.",
    threshold_source="Issue 4 item 7: the registration names the declared registration number (compared "
    "ignoring spaces and separators, and a leading code of the profile's country).",
    roles=_REG,
    evaluate=_names_number,
)


def read_issue_date(doc: DocumentContext) -> dict[str, FieldValue]:
    # Read by rows: a register extract prints its fields as a form, label and value in two columns.
    found = statement_date(page_rows(_page(doc)), doc.bundle.spec.profile.country, doc.bundle.submit_on)
    return {"issue_date": FieldValue(found.value.isoformat(), "ocr")} if found else {}


REGISTRATION_READER = Reader(name="REGISTRATION_READER", roles=_REG, read=read_issue_date)


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, d)
        except ValueError:
            continue
    return date(year, month + 1, 28)


def _registration_age(doc: DocumentContext) -> Outcome:
    months = doc.bundle.policy.registration_max_age_months
    found = doc.field("issue_date")
    reading = read_date(found.value) if found else None
    if found is None or reading is None or reading.value is None:
        return Outcome(
            status=Status.REVIEW,
            message="No issue or certification date was found on the business registration, so its age "
            "cannot be checked.",
            measured="not found",
            unit="date",
        )
    oldest = _months_before(doc.bundle.submit_on, months)
    ok = reading.value >= oldest
    fix = RECENT_REGISTRATION_FIX.format(oldest=oldest.isoformat(), months=months)
    return Outcome(
        status=Status.PASS if ok else Status.FAIL,
        message=f"The business registration was issued on {reading.value.isoformat()} ({found.source}); "
        f"it must be issued or re-certified on or after {oldest.isoformat()} ({months} months before "
        "submission).",
        measured=reading.value.isoformat(),
        threshold=oldest.isoformat(),
        unit="date",
        remediation=None if ok else fix,  # the policy's limit, not the catalogue's default
    )


REG_TOO_OLD = DocumentCheck(
    code="REG_TOO_OLD",
    summary="The business registration is older than the policy allows (default 12 months), or undated.",
    remediation="Send a registration extract issued or re-certified within the last 12 months (the default policy's "
    "limit).",
    threshold_source="Policy rules.registration_max_age_months (default 12, ARCHITECTURE section 4).",
    roles=_REG,
    evaluate=_registration_age,
    policy_keys=("rules.registration_max_age_months",),
)


def _names_person(doc: DocumentContext) -> Outcome | None:
    person = doc.spec.declared.full_name or doc.bundle.spec.profile.full_name
    if (unread := _unread(doc, "authorization letter")) is not None:
        return unread
    found = name_on_page(person, _lines(doc))
    return Outcome(
        status=Status.PASS if found else Status.FAIL,
        message=f"The authorized person '{person}' {'is' if found else 'is not'} named in the authorization letter.",
        measured="found" if found else "not found",
        unit="person_name",
    )


AUTH_PERSON_NOT_NAMED = DocumentCheck(
    code="AUTH_PERSON_NOT_NAMED",
    moot_when=moot.CAPTURE_UNREADABLE,
    summary="The authorization letter does not name the applicant as the authorized person.",
    remediation="Send an authorization letter that names you, with your full registered name, as the person "
    "authorized to act for the company.",
    threshold_source="Issue 4 item 7; names compared by workers.checks.identity.names.",
    roles=_LETTER,
    evaluate=_names_person,
)

AUTH_COMPANY_NOT_NAMED = DocumentCheck(
    code="AUTH_COMPANY_NOT_NAMED",
    moot_when=moot.CAPTURE_UNREADABLE,
    summary="The authorization letter does not name the registered company.",
    remediation="Send an authorization letter issued by the company you registered, naming it in full.",
    threshold_source="Issue 4 item 7; company names compared without case, accents, punctuation, legal-form or "
    "joining words ('&', 'und'), umlauts transliterated either way.",
    roles=_LETTER,
    evaluate=_names_company,
)


def _signature(doc: DocumentContext) -> Outcome:
    lines = document_page(doc)
    gray = upright_page(doc.capture.gray, lines)  # the signature sits low on the page as it reads
    area = signature_area(lines, gray.shape[0])
    ink = pen_ink(gray, area, lines)
    length = stroke_length(ink, area.line_height)
    person = doc.spec.declared.full_name or doc.bundle.spec.profile.full_name
    typed = [
        line
        for line in lines
        if area.top <= line.top < area.bottom and not SIGN_WORDS.search(unidecode(line.text).lower())
    ]
    where = "above the signature line" if area.labelled else "in the lower half of the letter"
    if length >= MIN_STROKE_LENGTH:
        shift = paper_shift(gray, ink, area)
        if shift >= MAX_PAPER_SHIFT:
            return Outcome(
                status=Status.REVIEW,
                message=f"The signature {where} sits on a patch of different paper (background differs by "
                f"{shift:.0f} grey levels): it may be pasted.",
                measured=round(shift, 1),
                threshold=MAX_PAPER_SHIFT,
                unit="grey_levels",
            )
        return Outcome(
            status=Status.PASS,
            message=f"Handwritten strokes found {where}.",
            measured=round(length, 1),
            threshold=MIN_STROKE_LENGTH,
            unit="stroke_line_heights",
        )
    if typed and name_on_page(person, [line.text for line in typed]):
        return Outcome(
            status=Status.REVIEW,
            message=f"The signature {where} is typed, not handwritten.",
            measured=round(length, 1),
            threshold=MIN_STROKE_LENGTH,
            unit="stroke_line_heights",
        )
    return Outcome(
        status=Status.FAIL,
        message=f"No handwritten signature found {where} (pen strokes {length:.1f} line heights, needs at "
        f"least {MIN_STROKE_LENGTH:.0f}).",
        measured=round(length, 1),
        threshold=MIN_STROKE_LENGTH,
        unit="stroke_line_heights",
    )


AUTH_SIGNATURE_MISSING = DocumentCheck(
    code="AUTH_SIGNATURE_MISSING",
    moot_when=moot.CAPTURE_UNREADABLE,
    summary="The authorization letter has no handwritten signature (a typed or pasted one is reviewed).",
    remediation="Print the letter, have it signed by hand by the company's representative, and photograph or "
    "scan the signed page.",
    threshold_source="Stroke length and paper-shift limits calibrated on generated letters "
    "(docs/calibration/identity.md); issue 4 item 7: typed or pasted signatures are review.",
    roles=_LETTER,
    evaluate=_signature,
)
