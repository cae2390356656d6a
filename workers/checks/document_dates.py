"""The dates of a document and of its holder, each computed in one place with its source: the expiry the verdict
judges, and the date of birth the identity document shows. Every check and the verdict's summary read them here,
so two findings about the same date cannot disagree."""

from __future__ import annotations

from datetime import date

from workers.checks.context import BundleContext, DocumentContext, FieldValue
from workers.checks.dates import read_date
from workers.checks.manifest import Role


def source_words(found: FieldValue) -> str:
    """Where a value came from, for a message: 'declared', 'read from the MRZ'..."""
    if found.source == "declared":
        return "declared"
    if found.source == "mrz":
        return "read from the MRZ"
    return f"read from the document ({found.source})"


def expiry_sources(doc: DocumentContext) -> list[FieldValue]:
    """Every value known for the document's expiry, best source first: read from it (the MRZ, whose check digit
    vouches for it, else the printed zone), then declared in the manifest."""
    declared = getattr(doc.spec.declared, "expiry_date", None)
    read = doc.read_fields.get("expiry_date")
    return [v for v in (read, FieldValue(str(declared), "declared") if declared else None) if v is not None]


def document_expiry(doc: DocumentContext) -> tuple[FieldValue | None, str]:
    """The one expiry the verdict judges, and a note when the sources disagree.

    The earliest of the sources' readings: a document is never called valid while one of its sources says it
    has expired (a disagreement is reported as well, by MRZ_PROFILE_MISMATCH, and named in the note). Equal
    dates keep the best source. A value that cannot be read as a date counts only when it is the only one."""
    sources = expiry_sources(doc)
    dated = [(min(r.readings), i, s) for i, s in enumerate(sources) if (r := read_date(s.value)) is not None]
    if not dated:
        return (sources[0] if sources else None), ""
    _, _, chosen = min(dated)
    others = sorted({f"{source_words(s)} {s.value}" for d, _, s in dated if s is not chosen and d != min(dated)[0]})
    note = f"; the sources disagree: {', '.join(others)}" if others else ""
    return chosen, note


def document_birth(bundle: BundleContext) -> tuple[date, FieldValue] | None:
    """The identity document's date of birth and its source: read off it (the MRZ, check-digit protected) first,
    else the value declared for it; None when neither is a date with one reading."""
    doc = bundle.first(Role.ID_DOCUMENT)
    if doc is None:
        return None
    for found in (doc.read_fields.get("date_of_birth"), doc.field("date_of_birth")):
        reading = read_date(found.value) if found else None
        if found is not None and reading is not None and reading.value is not None:
            return reading.value, found
    return None
