"""Was a file received at all, and is it really a JPEG or PNG (told by its bytes, not its name)?"""

from __future__ import annotations

from pathlib import PurePosixPath

from workers.checks.context import DocumentContext
from workers.checks.files.formats import ACCEPTED_MIME_TYPES, describe_kind, is_accepted
from workers.checks.model import Outcome, Status
from workers.checks.spec import ALL_ROLES, DocumentCheck
from workers.checks.words import role_words


def _file_missing(doc: DocumentContext) -> Outcome:
    size = doc.capture.size_bytes
    if size == 0:
        return Outcome(
            status=Status.FAIL,
            message=f"No file was received for the {role_words(doc.role)} (named '{doc.spec.file}' in the "
            "manifest), or the file is empty (0 bytes).",
            measured=0,
            threshold=1,
            unit="bytes",
        )
    return Outcome(status=Status.PASS, message=f"The file was received ({size:,} bytes).", measured=size, unit="bytes")


FILE_MISSING = DocumentCheck(
    code="FILE_MISSING",
    summary="A document named in the manifest was not received, or its file is empty.",
    remediation="Upload the file again: it did not arrive or it is empty (0 bytes).",
    threshold_source="A document needs at least one byte; the manifest names every file a bundle must carry.",
    roles=ALL_ROLES,
    evaluate=_file_missing,
    needs_pixels=False,
)


def _extension_note(filename: str, sniffed: str | None) -> str:
    """Point out a misleading file name, e.g. a PDF renamed to .jpg."""
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix in {".jpg", ".jpeg", ".png"} and not is_accepted(sniffed):
        return f" although its name ends in {suffix}"
    return ""


def _file_type(doc: DocumentContext) -> Outcome | None:
    capture = doc.capture
    if capture.size_bytes == 0:
        return None  # FILE_MISSING reports it
    sniffed = capture.sniffed_mime
    kind = describe_kind(sniffed)
    measured = sniffed or "unknown"
    accepted = ", ".join(sorted(ACCEPTED_MIME_TYPES))
    if is_accepted(sniffed):
        return Outcome(
            status=Status.PASS,
            message=f"The file is {kind.name} (told by its content).",
            measured=measured,
            threshold=accepted,
            unit="mime_type",
        )
    return Outcome(
        status=Status.FAIL,
        message=f"The file is {kind.name}{_extension_note(doc.spec.file, sniffed)}; only JPEG or PNG photos "
        "are accepted.",
        measured=measured,
        threshold=accepted,
        unit="mime_type",
        remediation=kind.fix,
    )


FILE_TYPE_NOT_ACCEPTED = DocumentCheck(
    code="FILE_TYPE_NOT_ACCEPTED",
    summary="The file's real type, sniffed from its bytes, is not JPEG or PNG (PDF, HEIC, WebP, GIF...).",
    remediation=(
        "Send the document as a JPEG (or PNG) photo. A PDF: photograph the page or export it as a JPEG. "
        "An iPhone HEIC photo: set Settings > Camera > Formats to 'Most Compatible', or export it as JPEG. "
        "WebP, GIF, TIFF or BMP: save or export it as JPEG, or send the original camera photo."
    ),
    threshold_source="KYC providers accept only original JPEG or PNG images (ARCHITECTURE section 4).",
    roles=ALL_ROLES,
    evaluate=_file_type,
    needs_pixels=False,
)
